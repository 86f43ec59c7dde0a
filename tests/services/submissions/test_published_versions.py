"""Which form versions are published, as every case page asks: kept a few seconds, read again at once after a change."""

from __future__ import annotations

import mongoengine

import services.submissions.definitions as definitions
from models.form import FormDefinition
from services.builder.versions import restore_form, retire_form
from services.submissions.definition_files import FORMS_DIR, sync_forms
from services.submissions.definitions import PUBLISHED_SECONDS, get_form, newest_published
from services.submissions.form_versions import create_new_version, publish_form_version
from tests.command_log import recording


def _reads(function):
    with recording(mongoengine.get_db().name) as log:
        answer = function()
    return answer, [target for target in log.targets if "form_definitions" in target]


def test_published_versions_are_kept_a_few_seconds_and_read_again_at_once_after_a_change_here(
        app, now, make_user, monkeypatch):
    admin = make_user(roles=["admin"])
    sync_forms(FORMS_DIR, now=now)
    clock = [1000.0]
    monkeypatch.setattr(definitions.time, "monotonic", lambda: clock[0])
    first, reads = _reads(newest_published)
    assert first["screening"] == 1 and len(reads) == 1
    again, reads = _reads(newest_published)
    assert again == first and reads == []  # kept: no read
    # Another process publishes a version: this one sees it once its few seconds are over.
    v1 = get_form("screening")
    FormDefinition.objects(pk=v1.pk).update_one(set__status="retired")
    clock[0] += PUBLISHED_SECONDS - 0.5
    assert newest_published()["screening"] == 1
    clock[0] += 1
    assert "screening" not in newest_published()
    # A change made here is seen at once, inside a unit of work or not.
    restore_form("screening", actor=admin, now=now)
    assert newest_published()["screening"] == 1
    retire_form("screening", actor=admin, now=now)
    assert "screening" not in newest_published()
    restore_form("screening", actor=admin, now=now)
    draft = create_new_version("screening", dict(v1.definition, title="Screening v2"), actor=admin, now=now)
    assert newest_published()["screening"] == 1  # a draft is not published
    publish_form_version(draft, actor=admin, now=now)
    assert newest_published()["screening"] == 2
