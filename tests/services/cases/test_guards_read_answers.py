"""A guard on an answer reads it when it asks: the case page and the API show a step allowed or blocked by it."""

from __future__ import annotations

import json

import mongoengine
import pytest

from services.cases import transitions as case_service
from services.cases.api_views import case_detail
from services.cases.engine_view import case_submissions, case_view, latest_submissions, left_unread
from services.cases.pages import case_overview
from services.pathways.sync import sync_workflows
from services.submissions.filling import save_draft, start_submission, submit_submission
from tests.command_log import recording
from tests.services.pathways.test_workflow_versions import FIXTURES, copy_shipped

GUARD = "{answer_equals: {form: screening, field: q2_recent_incident, value: 'yes'}}"


@pytest.fixture
def consultation(synced, make_team, make_user, tmp_path, now):
    """Return (manager, case) on a pathway whose first step asks the screening form about a recent incident."""
    make_team(key="north")
    manager = make_user(roles=["manager"], team="north")
    make_user(roles=["practitioner"], team="north")
    directory = copy_shipped(tmp_path / "workflows")
    text = (FIXTURES / "workflows" / "good" / "consultation_advice.yaml").read_text()
    assert "guards: [within_capacity]" in text
    (directory / "consultation_advice.yaml").write_text(
        text.replace("guards: [within_capacity]", f"guards: [within_capacity, {GUARD}]", 1))
    sync_workflows(directory, now=now)
    case = case_service.open_case(workflow_key="consultation_advice", team="north", actor=manager, now=now,
                                  person={"name": "Sam Example"})
    return manager, case


def _screen(case, manager, now, recent: str):
    answers = json.loads((FIXTURES / "answers" / "screening.json").read_text()) | {"q2_recent_incident": recent}
    sub = start_submission(case, "screening", actor=manager, now=now)
    sub, _ = save_draft(sub, answers, revision=sub.revision, actor=manager, now=now)
    submit_submission(sub, revision=sub.revision, actor=manager, now=now)


def _book(overview) -> tuple[bool, list[str]]:
    (option,) = [o for o, _kind in overview["allowed"] + overview["blocked"] if o.name == "book"]
    return option.allowed, list(option.reasons)


@pytest.mark.parametrize("recent, allowed", [("yes", True), ("no_historical_only", False)])
def test_the_case_page_s_guard_reads_the_answer_it_names(app, consultation, now, recent, allowed):
    manager, case = consultation
    _screen(case, manager, now, recent)
    with app.test_request_context("/"):
        with recording(mongoengine.get_db().name) as log:
            overview = case_overview(case, actor=manager, now=now)
        ok, reasons = _book(overview)
        assert ok is allowed, reasons
        assert allowed or any("recent incident" in r.lower() for r in reasons), reasons
        # The page read the records without the answers, then the one form's answers for the guard that asked.
        answers = [c for name, c in log.sent if name == "find" and c.get("projection", {}).get("answers") == 1]
        assert len(answers) == 1, log.sent
        api = case_detail(case, actor=manager, now=now)
        (option,) = [o for o in api["transitions"] if o.name == "book"]
        assert option.allowed is allowed


def test_a_view_without_answers_reads_them_once_and_only_when_a_guard_asks(app, consultation, now):
    manager, case = consultation
    _screen(case, manager, now, "yes")
    latest = latest_submissions(case, case_submissions(case, left_out=left_unread(True)))
    with recording(mongoengine.get_db().name) as log:
        view = case_view(case, submissions=latest, sessions=[])
        assert view["forms"]["screening"]["status"] == "submitted"
    assert not log.sent  # the status is at hand
    with recording(mongoengine.get_db().name) as log:
        assert view["forms"]["screening"]["answers"]["q2_recent_incident"] == "yes"
        assert view["forms"]["screening"]["computed"] == dict(latest["screening"].computed)
        answers = dict(view["forms"]["screening"]["answers"])
    assert [name for name, _c in log.sent] == ["find"]  # the answers and results of every form, once
    assert answers == dict(case_submissions(case)[0].answers)
