"""A database outage: the test's own mongod paused, resumed, killed and started again while the app runs.

The page says the database cannot be reached and shows back what was typed, the API answers JSON 503, /healthz
answers 503 on its own short timeouts, nobody is sent to sign in, and the app recovers without a restart.
"""

from __future__ import annotations

import os
import signal
import time
import uuid

import mongoengine
import pytest

from clock import utcnow
from models.case import Case
from storage import connection
from storage.embedded import EmbeddedMongo
from tests.conftest import DEFAULT_PASSWORD
from tests.db_snapshots import restore_snapshot

TYPED = "He said he would call the school on Monday – do not lose this"


@pytest.fixture
def own_mongod(tmp_path):
    """Start a mongod of this test's own, which the test may pause and kill."""
    server = EmbeddedMongo(tmp_path / "mongod", ephemeral=True)
    server.start()
    yield server
    if server.process is not None:
        os.kill(server.process.pid, signal.SIGCONT)
    server.stop()


@pytest.fixture
def outage_app(app_config, own_mongod):
    from app import create_app

    app_config.update(MONGODB_URI=own_mongod.uri, MONGODB_TIMEOUT_MS=1000, MONGODB_SOCKET_TIMEOUT_MS=1500,
                      MONGODB_HEALTH_TIMEOUT_MS=800)
    application = create_app(app_config)
    yield application
    mongoengine.disconnect()


@pytest.fixture
def draft(outage_app, forms_snapshot, now):
    """Sign a practitioner in and open a draft of a shipped form; return (client, page url, a text field name)."""
    from services.submissions.definition_files import FORMS_DIR
    from services.submissions.filling import form_for, start_submission
    from services.users.accounts import create_user

    restore_snapshot(mongoengine.get_db(), forms_snapshot)  # the shipped forms, published once per session
    user, _ = create_user(email=f"{uuid.uuid4().hex[:8]}@example.org", name="Pat Practitioner",
                          roles=["practitioner"], team="north", password=DEFAULT_PASSWORD, now=now)
    case = Case(reference="DAO-2026-90001", workflow_key="dao_pathway", workflow_version=1, status="open",
                team="north", allocated_to=str(user.pk), created_at=now).save()
    for key in sorted(p.stem for p in FORMS_DIR.glob("*.json")):
        sub = start_submission(case, key, actor=user, now=now)
        found = [(p, f) for p in form_for(sub).pages for f in p.fields
                 if f.widget in ("text", "textarea") and not f.show_when]
        if found:
            page, text = found[0]
            break
    client = outage_app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    url = f"/cases/{case.pk}/forms/{sub.form_key}/{sub.pk}/pages/{page.key}"
    return client, url, text.name, sub


def _post(client, url, name, sub):
    revision = type(sub).objects(pk=sub.pk).scalar("revision").first() if connection.database_status()[
        "status"] == "ok" else 0
    return client.post(url, data={name: TYPED, "other_notes": "second answer", "revision": str(revision or 0),
                                  "action": "save"})


def _until_healthy(client, tries: int = 60) -> dict:
    for _ in range(tries):
        response = client.get("/healthz")
        if response.status_code == 200:
            return response.get_json()
        time.sleep(0.5)
    raise AssertionError("the app did not reconnect to the database")


def test_a_paused_database_gives_503_pages_that_keep_what_was_typed_and_the_app_recovers(draft, own_mongod):
    client, url, name, sub = draft
    os.kill(own_mongod.process.pid, signal.SIGSTOP)
    try:
        response = _post(client, url, name, sub)
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "Pathway can&#39;t reach its database" in page and "not saved yet" in page
        assert TYPED in page and "second answer" in page  # shown back, as text to copy
        assert 'class="govuk-summary-list__value pathway-preserve"' in page  # its lines kept as typed
        assert "/sign-in" not in response.headers.get("Location", "")

        listing = client.get("/cases")
        assert listing.status_code == 503 and "Location" not in listing.headers  # never sent to sign in

        api = client.get("/api/v1/cases")
        assert api.status_code == 503 and api.is_json and api.get_json()["error"]["status"] == 503, api.data

        health = client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["status"] == "unavailable"
        # The health check answers on its own client whose every timeout is the short health timeout.
        options = connection.health_client().options
        assert options.server_selection_timeout == 0.8
        assert options.pool_options.connect_timeout == 0.8 and options.pool_options.socket_timeout == 0.8
    finally:
        os.kill(own_mongod.process.pid, signal.SIGCONT)

    _until_healthy(client)
    response = _post(client, url, name, sub)
    assert response.status_code in (302, 422)
    sub.reload()
    assert sub.answers.get(name) == TYPED  # the same client reconnected: no restart of the app


def test_a_killed_bundled_database_is_started_again_and_the_app_recovers(draft, own_mongod, monkeypatch):
    client, url, name, sub = draft
    port = own_mongod.port
    own_mongod.process.kill()
    own_mongod.process.wait()

    response = _post(client, url, name, sub)
    assert response.status_code == 503 and TYPED in response.get_data(as_text=True)
    api = client.post(f"/api/v1/cases/{sub.case_id}/steps/acknowledge", json={"inputs": {}})
    assert api.status_code == 503 and api.is_json

    # As the embedded default: the app started this mongod, so the health path starts it again, on its port.
    monkeypatch.setattr(connection, "_embedded", own_mongod)
    health = _until_healthy(client)
    assert own_mongod.port == port and own_mongod.process.poll() is None
    assert health["database"]["status"] == "ok"

    response = _post(client, url, name, sub)
    assert response.status_code in (302, 422)
    sub.reload()
    assert sub.answers.get(name) == TYPED
    assert utcnow() >= sub.updated_at
