"""Results of submitted forms on the case page and in the API: labelled, and confidential ones only for those
who may read them, every showing audited."""

from __future__ import annotations

import pytest

from forms import content_hash
from models.audit import AuditEntry
from models.form import ConfidentialSubmission, FormDefinition
from services.submissions.results import case_results, result_line
from tests.engine.forms.test_forms_expr import OUTCOME, SCORE, dash_like
from tests.services.submissions.test_submission_confidential import make_case


@pytest.fixture
def submitted(app, now, make_user):
    definition = {**dash_like([SCORE, OUTCOME]), "classification": "confidential", "repeatable": True}
    FormDefinition(key="checklist", version=1, status="published", title="Checklist", classification="confidential",
                   definition=definition, content_hash=content_hash(definition), published_at=now).save()
    practitioner = make_user(roles=["practitioner"])
    case = make_case(practitioner, now)
    sub = ConfidentialSubmission(case_id=case.pk, form_key="checklist", form_version=1, classification="confidential",
                                 status="submitted", answers={"q1": "yes", "q2": "yes"}, submitted_at=now,
                                 computed={"score": 2, "outcome": "High risk — refer to MARAC"}, created_at=now,
                                 updated_at=now).save()
    return practitioner, case, sub


def test_a_result_reads_as_one_line(submitted):
    _, _, sub = submitted
    assert result_line(sub) == "Score: 2 — High risk — refer to MARAC"


def test_the_api_gives_confidential_results_only_to_those_who_may_read_them(submitted, now, make_user):
    practitioner, case, _ = submitted
    rows = case_results(case, actor=practitioner, now=now)
    assert [(r["form"], r["version"], [x["text"] for x in r["results"]]) for r in rows] == [
        ("checklist", 1, ["2", "High risk — refer to MARAC"])]
    assert AuditEntry.objects(action="submission.results_read", actor_id=str(practitioner.pk)).count() == 1
    colleague = make_user(roles=["practitioner"])  # in the team, may read the case, but it is not theirs
    assert case_results(case, actor=colleague, now=now) == []
    assert AuditEntry.objects(action="submission.results_read", actor_id=str(colleague.pk)).count() == 0
