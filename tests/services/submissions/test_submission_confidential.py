"""Confidential forms: stored apart, every read audited, refused to those who may not see victim information."""

import itertools

import pytest

from errors import NotAllowed, NotFound
from models.audit import AuditEntry
from models.case import Case
from models.form import ConfidentialSubmission, Submission
from services.submissions.filling import save_draft, start_submission
from services.submissions.reads import read_submission

_refs = itertools.count(1)
SECRET = "She told us he threatened her at the school gate"


def make_case(practitioner, now, **overrides):
    fields = {"reference": f"DAO-2026-{next(_refs):05d}", "workflow_key": "bare_form_test", "workflow_version": 1,
              "status": "open", "team": "north", "allocated_to": str(practitioner.pk), "created_at": now}
    fields.update(overrides)
    return Case(**fields).save()


@pytest.fixture
def record(app, shipped_forms, now, make_user):
    """Return (practitioner, case, confidential draft holding the secret)."""
    practitioner = make_user(roles=["practitioner"])
    case = make_case(practitioner, now)
    draft = start_submission(case, "risk_assessment_confidential", actor=practitioner, now=now)
    field = next(f.name for f in _fields(draft) if f.widget == "textarea")
    draft, _ = save_draft(draft, {field: SECRET}, revision=draft.revision, actor=practitioner, now=now)
    return practitioner, case, draft


def _fields(draft):
    from services.submissions.filling import form_for

    return form_for(draft).fields


def test_confidential_answers_are_stored_apart_from_shareable_ones(record):
    _, case, draft = record
    assert isinstance(draft, ConfidentialSubmission)
    assert Submission.objects(case_id=case.pk).count() == 0
    assert ConfidentialSubmission.objects(case_id=case.pk).count() == 1
    assert SECRET not in str(list(Submission._get_collection().find({})))


def test_every_read_of_a_confidential_submission_is_audited(record, now, make_user):
    practitioner, _, draft = record
    manager = make_user(roles=["manager"])
    for reader in (practitioner, manager, manager):
        assert read_submission(draft.pk, actor=reader, now=now).answers
    reads = AuditEntry.objects(action="confidential.read", target_id=str(draft.pk))
    assert sorted(e.actor_id for e in reads) == sorted([str(practitioner.pk)] + [str(manager.pk)] * 2)


@pytest.mark.parametrize(("roles", "team", "error"), [
    (["referrer"], "", NotFound),
    (["practitioner"], "north", NotAllowed),  # in the team, may read the case, but it is not theirs
    (["manager"], "south", NotAllowed),
    (["auditor"], "", NotAllowed),
])
def test_confidential_reads_are_refused_to_those_without_need(record, now, make_user, roles, team, error):
    _, case, draft = record
    outsider = make_user(roles=roles, team=team)
    if roles == ["referrer"]:
        Case.objects(pk=case.pk).update_one(set__referrer_id=str(outsider.pk))  # even the case's own referrer
    with pytest.raises(error):
        read_submission(draft.pk, actor=outsider, now=now)
    assert AuditEntry.objects(action="confidential.read", actor_id=str(outsider.pk)).count() == 0


def test_a_refused_read_by_a_team_reader_is_itself_recorded(record, now, make_user):
    _, _, draft = record
    colleague = make_user(roles=["practitioner"])
    with pytest.raises(NotAllowed):
        read_submission(draft.pk, actor=colleague, now=now)
    assert AuditEntry.objects(action="confidential.refused", actor_id=str(colleague.pk)).count() == 1


def test_a_team_reader_cannot_start_or_fill_a_confidential_form(record, now, make_user):
    _, case, draft = record
    colleague = make_user(roles=["practitioner"])
    with pytest.raises(NotAllowed):
        start_submission(case, "risk_assessment_confidential", actor=colleague, now=now)
    with pytest.raises(NotAllowed):
        save_draft(draft, {}, revision=draft.revision, actor=colleague, now=now)


def test_standard_reads_are_not_audited(app, shipped_forms, now, make_user):
    practitioner = make_user(roles=["practitioner"])
    draft = start_submission(make_case(practitioner, now), "screening", actor=practitioner, now=now)
    read_submission(draft.pk, actor=practitioner, now=now)
    assert AuditEntry.objects(action="confidential.read").count() == 0
