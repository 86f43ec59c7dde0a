"""Shared fixtures: one real bundled mongod per session (per xdist worker), a fresh database per test."""

from __future__ import annotations

import itertools
import os
import tempfile
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import mongoengine
import pytest

from clock import utcnow
from errors import ConfigurationError
from services.deadlines.timing import local_today
from services.users.passwords import use_fast_hashing
from storage.embedded import EmbeddedMongo
from tests.app_pool import AppPool
from tests.db_snapshots import ReusedDatabase, build_snapshot, restore_snapshot, shared_snapshot

DEFAULT_PASSWORD = "correct-horse-battery"
NOW = datetime(2026, 11, 24, 10, 0, 0)
_counter = itertools.count(1)

pytest_plugins = ["tests.browser_fixtures", "tests.file_order", "tests.gc_settings", "tests.module_data"]


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory):
    """Start one bundled mongod for the session, so one per xdist worker (or use PATHWAY_TEST_MONGODB_URI)."""
    external = os.environ.get("PATHWAY_TEST_MONGODB_URI")
    if external:
        yield external
        return
    # Throw-away data on tmpfs when there is one: creating each test's fresh database is then ~8x faster.
    shm = Path("/dev/shm")
    root = tempfile.mkdtemp(prefix="pathway-mongod-", dir=shm) if os.access(shm, os.W_OK) else \
        tmp_path_factory.mktemp("mongod")
    # No TTL monitor: tests write documents dated by a fixed clock, days or months behind the real one the monitor
    # reads, so it would delete (say) a sign-in throttle between two of a test's steps, at a moment of its choosing.
    server = EmbeddedMongo(root, ephemeral=True, ttl_monitor=False)
    for attempt in range(3):
        try:
            server.start()
            break
        except ConfigurationError:
            # Parallel workers pick free ports at the same moment; a port taken in between fails the start.
            server.stop()
            if attempt == 2:
                raise
    yield server.uri
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def _fast_passwords():
    use_fast_hashing()


@pytest.fixture(scope="session", autouse=True)
def _no_outbound_email():
    """Refuse any SMTP connection except to a sink a test starts on the loopback address."""
    import smtplib

    connect = smtplib.SMTP.connect

    def loopback_only(self, host="localhost", port=0, source_address=None):
        if host not in ("127.0.0.1", "::1"):
            raise AssertionError(f"A test tried to send email to {host}:{port}; use tests/mail_sink.py")
        return connect(self, host, port, source_address)

    smtplib.SMTP.connect = loopback_only
    yield
    smtplib.SMTP.connect = connect


def settings_for(mongo_uri: str, database: str, instance: Path) -> dict:
    """Return the settings of a test app on its own database."""
    return {
        "TESTING": True,
        "MONGODB_URI": mongo_uri,
        "MONGODB_DB": database,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SCHEDULER_ENABLED": False,
        "BOOTSTRAP_ADMIN": False,
        "WTF_CSRF_ENABLED": False,
        "MAIL_ENABLED": False,
        "SIGN_IN_RATE_LIMIT": "1000 per minute",
    }


@pytest.fixture(scope="session")
def test_database(mongo_uri):
    """Return this process's one test database, emptied after each test (making a new one costs ~1 s)."""
    database = ReusedDatabase(mongo_uri, f"test_{os.getpid()}_{uuid.uuid4().hex[:6]}")
    yield database
    database.close()


@pytest.fixture
def app_config(mongo_uri, test_database, tmp_path):
    """Return the settings of the test app; tests may change them before asking for `app`."""
    test_database.in_use = True
    yield settings_for(mongo_uri, test_database.name, tmp_path / "instance")
    test_database.in_use = False
    test_database.reset()
    # The same database name holds the next test's data: caches keyed by it must not outlive this test's.
    from services.pathways.store import clear_cache as forget_workflows
    from services.submissions.definitions import clear_cache as forget_forms

    forget_forms()
    forget_workflows()


@pytest.fixture(scope="session")
def snapshot_builder(mongo_uri, test_database, tmp_path_factory):
    """Return `build(function)`: run it once on an empty database and return the snapshot of what it made.

    Use it from a session- or module-scoped fixture, so pytest sets it up before the test's own `app`.
    """
    def build(function):
        # The process's test database when no test holds it (the usual case), else a throw-away one.
        reused = None if test_database.in_use else test_database
        return build_snapshot(lambda name, instance: settings_for(mongo_uri, name, instance),
                              tmp_path_factory.mktemp("snapshot"), function, reused)

    return build


@pytest.fixture(scope="session")
def synced_snapshot(snapshot_builder):
    """Sync the shipped pathways and forms once per session; return the documents that makes."""
    return snapshot_builder(_sync_shipped)


def _sync_shipped():
    from services.pathways.store import clear_cache
    from services.pathways.sync import sync_workflows
    from services.submissions.definition_files import sync_forms

    clear_cache()
    sync_workflows(now=NOW)
    sync_forms(now=NOW)


@pytest.fixture(scope="session")
def app_pool(mongo_uri, test_database, tmp_path_factory):
    """Return this process's pool: one app shared by the tests on the usual settings (see tests/app_pool.py)."""
    return AppPool(settings_for(mongo_uri, test_database.name, tmp_path_factory.mktemp("app") / "instance"),
                   test_database)


@pytest.fixture
def app(app_config, app_pool):
    """Return an app on an empty database (emptied again afterwards, see `test_database`)."""
    application = app_pool.take(app_config)
    # No app context is held across the test: each request must start as clean as in production.
    yield application
    app_pool.give_back(application)


@pytest.fixture
def client(app):
    """Return a Flask test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner for `flask ...` commands."""
    return app.test_cli_runner()


@pytest.fixture
def now():
    """Return a fixed 'now' for services."""
    return NOW


def new_user(**overrides):
    """Create a user with a new address, the usual password and these fields (what `make_user` makes)."""
    from services.users.accounts import create_user

    n = next(_counter)
    fields = {
        "email": f"user{n}@example.org",
        "name": f"Test User {n}",
        "roles": ["practitioner"],
        "team": "north",
        "password": DEFAULT_PASSWORD,
        "now": NOW,
    }
    fields.update(overrides)
    user, _ = create_user(**fields)
    return user


@pytest.fixture
def make_user(app, now):
    """Create users: `make_user(roles=["manager"], team="north", ...)`."""
    return lambda **overrides: new_user(**{"now": now, **overrides})


def sign_in(client, user, password: str = DEFAULT_PASSWORD):
    """Sign a user in through the real sign-in form."""
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def weekday_on_or_before(day: date) -> date:
    """Return the last day from Monday to Friday on or before day: a day a group may meet on, whatever today is."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def weekday_on_or_after(day: date) -> date:
    """Return the first day from Monday to Friday on or after day."""
    return day + timedelta(days=7 - day.weekday() if day.weekday() > 4 else 0)


def service_today() -> date:
    """Return what the pages call today: the service's day (after 23:00 UTC in summer, the day after UTC's)."""
    return local_today(utcnow())


@pytest.fixture
def signed_in(client, make_user):
    """Return a function that creates a user with the roles and signs them in: `signed_in("manager")`."""

    def factory(*roles, **overrides):
        user = make_user(roles=list(roles) or ["practitioner"], **overrides)
        sign_in(client, user)
        return user

    return factory


@pytest.fixture
def synced(app, synced_snapshot):
    """Load the shipped workflow files and form definitions into the test database (copied from one sync)."""
    from services.pathways.store import clear_cache

    clear_cache()
    restore_snapshot(mongoengine.get_db(), synced_snapshot)
    return True


@pytest.fixture(scope="session")
def forms_snapshot(snapshot_builder):
    """Publish the shipped form files once per session; return the documents that makes."""
    return snapshot_builder(_sync_forms)


def _sync_forms():
    from services.submissions.definition_files import sync_forms

    return sync_forms(now=NOW)


@pytest.fixture
def shipped_forms(app, forms_snapshot):
    """Publish the shipped form files into the test database (copied from one `sync_forms`); return its report."""
    restore_snapshot(mongoengine.get_db(), forms_snapshot)
    return forms_snapshot.result


@pytest.fixture(scope="session")
def demo_snapshot(snapshot_builder, tmp_path_factory, worker_id):
    """Load the demo team, users, cases and groups once per run (it walks many cases through their pathways)."""
    from services.demo.load import load_demo

    # Parallel workers share one temporary folder above their own: the first to need the demo builds it there.
    shared = None if worker_id == "master" else tmp_path_factory.getbasetemp().parent / "demo_snapshot.pickle"
    return shared_snapshot(shared, lambda: snapshot_builder(lambda: load_demo(now=NOW)))


@pytest.fixture
def demo(app, demo_snapshot):
    """Copy the demo data into the test's database; return what loading it said."""
    from services.pathways.store import clear_cache

    clear_cache()
    restore_snapshot(mongoengine.get_db(), demo_snapshot)
    return demo_snapshot.result


def new_team(**overrides):
    """Create a team: `new_team(key="north", supervision_dates=[...])` (what `make_team` makes)."""
    from models.team import Team

    return Team(**{"key": "north", "name": "North Team", "supervision_dates": [], **overrides}).save()


@pytest.fixture
def make_team(app):
    """Create a team: `make_team(key="north", supervision_dates=[...])`."""
    return new_team


@pytest.fixture
def make_case(synced, make_user, now):
    """Open a case on a shipped pathway: `make_case(workflow_key="dao_pathway", state=None, allocated_to=user)`."""
    from models.case import Case, risk_rank
    from services.cases.transitions import open_case

    def factory(*, workflow_key="dao_pathway", team="north", person=None, actor=None, state=None,
                allocated_to=None, referrer=None, **fields):
        actor = actor or make_user(roles=["manager"], team=team)
        case = open_case(workflow_key=workflow_key, team=team, actor=actor, now=now, referrer=referrer,
                         person=person or {"name": "Dan Example"})
        changes = {f"set__{k}": v for k, v in fields.items()}
        if "risk_level" in fields:
            changes["set__risk_rank"] = risk_rank(fields["risk_level"])
        if state:
            from services.cases.stages import stage_order
            from services.pathways.store import definition_for

            changes["set__state"] = state
            changes["set__stage_order"] = stage_order(definition_for(case), state)
        if allocated_to is not None:
            changes["set__allocated_to"] = str(allocated_to.pk)
        if changes:
            Case.objects(pk=case.pk).update_one(**changes)
            case.reload()
        return case

    return factory
