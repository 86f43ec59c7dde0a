"""The shared test app (tests/app_pool.py) serves the next test after pages that fill the app's own caches."""

from __future__ import annotations


def test_a_page_leaves_the_shared_app_for_the_next_test(app, app_pool, app_config, client, signed_in):
    signed_in("practitioner")
    assert client.get("/cases").status_code == 200
    caches = [name for name in app.extensions if name.startswith("pathway.")]
    assert caches  # the page made its menu and addresses once, kept on the app
    app_pool.give_back(app)
    # The caches are forgotten, not taken for a change to the app that would cost every test a new one.
    assert app_pool.take(app_config) is app
    assert not set(caches) & set(app.extensions)
