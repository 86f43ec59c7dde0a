"""Workflow versions on the real mongod: cases keep the version they opened on; a new file is a new pathway."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from errors import NotAllowed, NotFound
from models.case import Case, CaseEvent, WorkflowVersion
from models.deadline import Deadline
from services.cases import transitions as case_service
from services.pathways.store import WORKFLOW_DIR, definition_for, latest_version
from services.pathways.sync import sync_workflows
from services.submissions.filling import save_draft, start_submission, submit_submission
from tests.pathway_steps import fire

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHIPPED = sorted(WORKFLOW_DIR.glob("*.yaml"))


def copy_shipped(directory: Path) -> Path:
    directory.mkdir()
    for path in SHIPPED:
        shutil.copy(path, directory / path.name)
    return directory


@pytest.fixture
def team(synced, make_team, make_user):
    make_team(key="north")
    return {"manager": make_user(roles=["manager"], team="north"),
            "practitioner": make_user(roles=["practitioner"], team="north")}


@pytest.fixture
def changed_dao(tmp_path, now):
    """Sync a copy of the shipped files in which the DAO pathway's title and first label have changed."""
    directory = copy_shipped(tmp_path / "workflows")
    path = directory / "dao_pathway.yaml"
    text = path.read_text()
    assert "title: Domestic Abuse Officer pathway\n" in text and "    label: Referral received\n" in text
    text = text.replace("title: Domestic Abuse Officer pathway\n", "title: Domestic Abuse Officer pathway (2027)\n")
    path.write_text(text.replace("    label: Referral received\n", "    label: Referral received – to triage\n", 1))
    return directory


def test_shipped_files_sync_once(team, now):
    report = sync_workflows(now=now + timedelta(days=1))
    assert {key for key, _, _ in report} == {p.stem for p in SHIPPED}
    assert all(action == "unchanged" and version == 1 for _, version, action in report)
    assert WorkflowVersion.objects(key="dao_pathway").count() == 1


def test_open_case_stays_on_its_version_while_new_cases_open_on_the_new_one(team, changed_dao, now):
    m = team["manager"]
    old = case_service.open_case(workflow_key="dao_pathway", team="north", actor=m, now=now)
    v1 = definition_for(old)
    assert old.workflow_version == 1 and v1.title == "Domestic Abuse Officer pathway"

    later = now + timedelta(days=1)
    report = {key: (version, action) for key, version, action in sync_workflows(changed_dao, now=later)}
    assert report["dao_pathway"] == (2, "new version")
    assert report["probation_cdvp"] == (1, "unchanged") and report["community_programme"] == (1, "unchanged")
    assert latest_version("dao_pathway").version == 2 and latest_version("dao_pathway").synced_at == later
    # Syncing the same files again changes nothing.
    assert dict((k, a) for k, _, a in sync_workflows(changed_dao, now=later))["dao_pathway"] == "unchanged"

    old = Case.objects.get(pk=old.pk)
    assert old.workflow_version == 1
    pinned = definition_for(old)
    assert pinned.content_hash == v1.content_hash and pinned.title == "Domestic Abuse Officer pathway"
    assert pinned.states["received"].label == "Referral received"

    new = case_service.open_case(workflow_key="dao_pathway", team="north", actor=m, now=later)
    assert new.workflow_version == 2
    current = definition_for(new)
    assert current.title == "Domestic Abuse Officer pathway (2027)" and current.content_hash != v1.content_hash
    assert current.states["received"].label == "Referral received – to triage"
    assert current.content_hash == WorkflowVersion.objects.get(key="dao_pathway", version=2).content_hash

    # The old case still moves on under version 1.
    old = fire(old, "not_accept", m, later, reason="Already known to probation", consultation_offered="no")
    assert old.state == "not_accepted" and old.status == "closed" and old.workflow_version == 1
    assert Case.objects.get(pk=new.pk).workflow_version == 2


def test_a_pathway_added_as_a_file_alone_can_be_walked_to_its_end(team, tmp_path, now):
    m, p = team["manager"], team["practitioner"]
    with pytest.raises(NotFound):
        case_service.open_case(workflow_key="consultation_advice", team="north", actor=m, now=now)
    directory = copy_shipped(tmp_path / "workflows")
    shutil.copy(FIXTURES / "workflows" / "good" / "consultation_advice.yaml", directory)
    report = {key: (version, action) for key, version, action in sync_workflows(directory, now=now)}
    assert report["consultation_advice"] == (1, "created")
    assert {action for key, (_, action) in report.items() if key != "consultation_advice"} == {"unchanged"}

    case = case_service.open_case(workflow_key="consultation_advice", team="north", actor=m, now=now,
                                  person={"name": "Sam Example"})
    assert case.status == "open" and case.state == "requested" and case.workflow_version == 1
    assert case.reference.startswith(f"CONS-{now.year}-")
    book = {"assignee": str(p.pk), "on": (now + timedelta(days=3)).date().isoformat()}
    with pytest.raises(NotAllowed):
        fire(case, "book", m, now, **book)  # the screening form is required
    sub = start_submission(case, "screening", actor=m, now=now)
    answers = json.loads((FIXTURES / "answers" / "screening.json").read_text())
    sub, _ = save_draft(sub, answers, revision=sub.revision, actor=m, now=now)
    submit_submission(sub, revision=sub.revision, actor=m, now=now)
    case = fire(case, "book", m, now, **book)
    assert case.state == "booked" and case.allocated_to == str(p.pk)
    assert case.fields["consultation_date"] == book["on"]
    consultation = Deadline.objects.get(case_id=case.pk, key="consultation")
    assert consultation.status == "open" and consultation.owner_ids == [str(p.pk)]

    with pytest.raises(NotAllowed):
        fire(case, "give_advice", m, now, outcome="advice_given")  # practitioners give the advice
    done = now + timedelta(days=3)
    case = fire(case, "give_advice", p, done, outcome="referral_advised", partner_at_risk=True)
    assert case.status == "closed" and case.state == "advised" and case.outcome == "referral_advised"
    consultation.reload()
    assert consultation.status == "met"
    assert not Deadline.objects(case_id=case.pk, active=True)
    partner = Case.objects.get(parent_case_id=case.pk)
    assert partner.kind == "partner" and partner.workflow_key == "partner_support"
    assert case.linked_case_ids == [partner.pk]
    steps = [e.name for e in CaseEvent.objects(case_id=case.pk).order_by("at", "id")]
    assert [s for s in steps if s in ("book", "give_advice")] == ["book", "give_advice"]


def test_the_added_pathways_event_can_end_the_case(team, tmp_path, now):
    directory = copy_shipped(tmp_path / "workflows")
    shutil.copy(FIXTURES / "workflows" / "good" / "consultation_advice.yaml", directory)
    sync_workflows(directory, now=now)
    case = case_service.open_case(workflow_key="consultation_advice", team="north", actor=team["manager"], now=now)
    case = fire(case, "referrer_withdraws", team["manager"], now, event=True)
    assert case.status == "closed" and case.state == "declined" and case.outcome == "withdrawn"
