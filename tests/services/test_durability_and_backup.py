"""Saves a user was told succeeded survive `kill -9` of mongod; backups are consistent snapshots that restore."""

from __future__ import annotations

import os
import signal
import threading
import uuid

import mongoengine
import pymongo
import pytest

from models.case import Case
from models.form import Submission
from services.submissions.filling import start_submission
from storage.backup import BackupError, make_backup, read_manifest, restore_backup
from storage.embedded import EmbeddedMongo
from tests.conftest import DEFAULT_PASSWORD
from tests.db_snapshots import restore_snapshot


@pytest.fixture
def own_mongod(tmp_path):
    """A bundled mongod of this test's own, on disk (not tmpfs), so it can be killed and restarted."""
    server = EmbeddedMongo(tmp_path / "mongodb", ephemeral=True)
    server.start()
    yield server
    server.stop()


def test_confirmed_saves_survive_kill_minus_nine(own_mongod, app_config, forms_snapshot, now):
    from app import create_app
    from services.users.accounts import create_user

    app_config["MONGODB_URI"] = own_mongod.uri
    app = create_app(app_config)
    db_name = app_config["MONGODB_DB"]
    with app.app_context():
        restore_snapshot(mongoengine.get_db(), forms_snapshot)  # the shipped forms, published once per session
        user, _ = create_user(email="worker@example.org", name="A Worker", roles=["practitioner"], team="north",
                              password=DEFAULT_PASSWORD, now=now)
        case = Case(reference="DAO-2026-00001", workflow_key="form_pages_only", workflow_version=1, status="open",
                    team="north", allocated_to=str(user.pk), created_at=now).save()
        drafts = [start_submission(case, "screening", actor=user, now=now)]
    client = app.test_client()
    client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    lost = 0
    for attempt in range(4):
        sub = drafts[0]
        with app.app_context():
            sub.reload()
        marker = f"answer-{attempt}-{uuid.uuid4().hex[:6]}"
        response = client.post(f"/cases/{case.pk}/forms/screening/{sub.pk}/pages/screening", data={
            "revision": str(sub.revision), "action": "draft", "q1_probation_supervision": "no",
            "q2_recent_incident": "yes", "q3_informed_consent": "yes_fully_aware",
            "q4_recognition": "partially_contemplation", "_once": uuid.uuid4().hex})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]  # the user is told it is saved
        with app.app_context():
            Submission.objects(pk=sub.pk).update_one(set__answers__note=marker)  # a second confirmed write
        os.kill(own_mongod.process.pid, signal.SIGKILL)  # at once, before any checkpoint
        own_mongod.process.wait(10)
        own_mongod.process = None
        # On its port again, as the app restarts it: the old client then ends its sessions at once rather than
        # waiting out its server selection timeout for a server that is gone.
        own_mongod.start(port=own_mongod.port)
        mongoengine.disconnect()
        app_config["MONGODB_URI"] = own_mongod.uri
        app = create_app(app_config)
        client = app.test_client()
        client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
        stored = pymongo.MongoClient(own_mongod.uri)[db_name].submissions.find_one({"_id": sub.pk}) or {}
        answers = stored.get("answers", {})
        if answers.get("note") != marker or answers.get("q2_recent_incident") != "yes":
            lost += 1
    assert lost == 0


def _pairs(db):
    return db["pairs_a"].count_documents({}), db["pairs_b"].count_documents({})


def test_a_backup_is_one_moment_even_while_people_write(app, tmp_path):
    from storage.uow import run_in_transaction

    db = mongoengine.get_db()
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set() and n < 2000:
            n += 1

            def both(i=n):
                db["pairs_a"].insert_one({"i": i, "payload": "x" * 200})
                db["pairs_b"].insert_one({"i": i})

            run_in_transaction(both)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while _pairs(db)[0] < 50:
            pass
        manifest = make_backup(db, tmp_path / "snapshot.pathway-backup")
    finally:
        stop.set()
        thread.join()
    counts = {name: info["documents"] for name, info in manifest["collections"].items()}
    assert counts["pairs_a"] == counts["pairs_b"] > 0  # never a case without its history, or the reverse
    target = mongoengine.get_connection()[f"restored_{uuid.uuid4().hex[:8]}"]
    try:
        restore_backup(target, tmp_path / "snapshot.pathway-backup")
        assert _pairs(target) == (counts["pairs_a"], counts["pairs_b"])
        assert read_manifest(tmp_path / "snapshot.pathway-backup")["database"] == db.name
        with pytest.raises(BackupError, match="not empty"):
            restore_backup(target, tmp_path / "snapshot.pathway-backup")
        target["pairs_a"].insert_one({"i": -1})
        restore_backup(target, tmp_path / "snapshot.pathway-backup", replace=True)
        assert _pairs(target) == (counts["pairs_a"], counts["pairs_b"])
    finally:
        target.client.drop_database(target.name)


def test_backup_and_restore_commands(app, runner, make_case, tmp_path, make_user):
    case = make_case()
    path = tmp_path / "nightly.pathway-backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0 and "Backed up" in result.output
    indexes = read_manifest(path)["collections"]["cases"]["indexes"]
    assert indexes  # the indexes travel with the data
    db = mongoengine.get_db()
    built = {name: db[name].index_information() for name in read_manifest(path)["collections"]}
    assert any(spec.get("unique") for spec in built["cases"].values())
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code != 0 and "not empty" in result.output
    Case.objects(pk=case.pk).update_one(set__state="changed-after-backup")
    result = runner.invoke(args=["restore", str(path), "--replace"])
    assert result.exit_code == 0, result.output
    assert Case.objects.get(pk=case.pk).state != "changed-after-backup"
    # Each index comes back with its name, keys and options (unique, partial...), built at once per collection.
    assert {name: db[name].index_information() for name in built} == built
    (tmp_path / "junk").write_text("not a backup")
    result = runner.invoke(args=["restore", str(tmp_path / "junk")])
    assert result.exit_code != 0 and "is not a Pathway backup" in result.output
