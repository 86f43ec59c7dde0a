"""The page benchmark's seed: cloned cases are valid documents of the models and every benchmarked page renders.

The benchmark itself (bench/bench_pages.py) is never run here; this keeps its data and its page list from
drifting away from what the services write and what the blueprints serve.
"""

from __future__ import annotations

from types import SimpleNamespace

import mongoengine
import pytest
from mongoengine.base import _document_registry

from bench.bench_pages import pages
from bench.page_seed import seed_pages
from models.case import Case
from models.deadline import Deadline
from models.notification import Notification
from models.user import User
from services.pathways.store import clear_cache
from tests.conftest import NOW, sign_in
from tests.db_snapshots import restore_snapshot


@pytest.fixture(scope="module")
def seed_snapshot(snapshot_builder, demo_snapshot):
    """Seed once for the module: the demo team walked through the services, then one copy into each of 2 teams."""
    def seed():
        # The seed starts by loading the demo as `load_demo(now=NOW)` makes it: the session's copy is put in
        # first, and the seed's own load then finds it already loaded.
        restore_snapshot(mongoengine.get_db(), demo_snapshot)
        clear_cache()
        return seed_pages(50, now=NOW, teams=2, log=lambda _message: None)

    return snapshot_builder(seed)


@pytest.fixture
def seeded(app, seed_snapshot):
    """Copy the seeded data into the test's database; return what the seed said."""
    clear_cache()
    restore_snapshot(mongoengine.get_db(), seed_snapshot)
    return seed_snapshot.result


def _models_of(collections):
    return {cls for cls in _document_registry.values()
            if not cls._meta.get("abstract") and cls._meta.get("collection") in collections}


def test_seeded_copies_are_valid_documents_with_their_own_ids_references_and_users(seeded):
    demo = Case.objects(team="north").count()
    assert seeded.cases == Case.objects.count() == 2 * demo
    assert Case.objects(team=seeded.teams[0]).count() == demo
    assert len(Case.objects.distinct("reference")) == seeded.cases
    for model in _models_of(seeded.collections):
        for document in model.objects:
            document.validate()  # the copies have exactly the shapes the services wrote
    bench_team = {str(u.pk) for u in User.objects(team=seeded.teams[0])}
    copied = Case.objects.get(pk=seeded.case_id)
    assert copied.team == seeded.teams[0] and copied.allocated_to == seeded.users["practitioner"]["id"]
    assert {d.team for d in Deadline.objects(case_id=copied.pk)} == {seeded.teams[0]}
    assert {o for d in Deadline.objects(case_id=copied.pk) for o in d.owner_ids} <= bench_team
    links = [n.link for n in Notification.objects(case_id=copied.pk)]
    assert links and all(link.endswith(str(copied.pk)) for link in links)


def test_every_benchmarked_page_answers_200_for_its_user(app, seeded):
    copied = Case.objects.get(pk=seeded.case_id)
    clients = {}
    for name, role, path, _heavy in pages(seeded):
        if role not in clients:
            clients[role] = app.test_client()
            who = seeded.users[role]
            sign_in(clients[role], SimpleNamespace(email=who["email"]), who["password"])
        response = clients[role].get(path)
        assert response.status_code == 200, (name, path, response.get_data(as_text=True)[:300])
        if name == "case page":
            assert copied.reference in response.get_data(as_text=True)


def test_a_paired_ratio_is_each_slice_s_to_the_bare_slices_around_it(monkeypatch):
    from types import SimpleNamespace

    import bench.bench_pages as bench_pages

    rates = iter([100.0, 30.0, 200.0, 60.0, 100.0, 45.0, 200.0])  # bare, page, bare, page, bare, page, bare
    asked = []

    def drive(port, path, cookie, *, connections, duration):
        asked.append((port, path, cookie, connections, duration))
        return SimpleNamespace(rate=next(rates))

    monkeypatch.setattr(bench_pages, "drive", drive)
    args = SimpleNamespace(pairs=3, pair_seconds=4.0, connections=16)
    found = bench_pages.paired_ratio((1, "/bare"), (2, "/page", "session=x"), args)
    # 30 / 150, 60 / 150, 45 / 150: the host's swing between 100 and 200 req/s does not move them.
    assert found["paired_ratios"] == [0.2, 0.4, 0.3] and found["paired_ratio"] == 0.3
    assert [a[:3] for a in asked] == [(1, "/bare", "")] + [(2, "/page", "session=x"), (1, "/bare", "")] * 3
    assert {a[3:] for a in asked} == {(16, 4.0)}


def test_each_gunicorn_worker_of_the_bench_holds_only_its_share_of_the_connections():
    from bench.servers import WORKERS, shares

    assert WORKERS == 2
    assert shares(16) == ["--worker-connections", "8"]
    assert shares(15) == ["--worker-connections", "8"]  # rounded up: every connection is served


def test_a_page_is_loaded_for_a_few_seconds_not_counted_before_it_is_measured(monkeypatch):
    from types import SimpleNamespace

    import bench.bench_pages as bench_pages

    runs = iter([SimpleNamespace(rate=50.0, ok=150, statuses={200: 150}, failures=[], percentile=lambda p: 0.5),
                 SimpleNamespace(rate=300.0, ok=3000, statuses={200: 3000}, failures=[], percentile=lambda p: 0.05)])
    asked = []

    def drive(port, path, cookie, *, connections, duration):
        asked.append(duration)
        return next(runs)

    monkeypatch.setattr(bench_pages, "drive", drive)
    monkeypatch.setattr(bench_pages, "median_time", lambda *a, **k: (0.01, 100, [200] * 5))
    args = SimpleNamespace(connections=16, duration=10.0, warm_up=3.0, max_single=120.0)
    row = bench_pages.measure(1, "/page", "", args)
    # The cold first seconds (the first run, 50 req/s) are not what is shown: only the measured run is.
    assert asked == [3.0, 10.0] and row["requests_per_s"] == 300.0 and row["p99_ms"] == 50.0
    assert row["answers"] == 3000
