"""Retention review pages: managers see their team's due cases, approve with a confirmation, place holds."""

from datetime import timedelta

from models.case import Case
from models.retention import RetentionReview
from services.privacy.retention import list_due_cases


def closed_case(make_case, now, manager, years=7):
    case = make_case(workflow_key="community_programme", actor=manager, person={"name": "Pat Example"})
    ended = now - timedelta(days=365 * years)
    Case.objects(pk=case.pk).update_one(set__status="closed", set__state="closed", set__closed_at=ended,
                                        set__state_entered_at=ended, set__outcome="withdrew")
    list_due_cases(now=now)
    return RetentionReview.objects.get(case_id=case.pk)


def test_manager_reviews_holds_and_approves(client, signed_in, make_case, now):
    manager = signed_in("manager", team="north")
    review = closed_case(make_case, now, manager)
    page = client.get("/retention/").get_data(as_text=True)
    assert review.case_reference in page
    record = client.get(f"/personal-data/cases/{review.case_id}").get_data(as_text=True)
    assert "Six years after he leaves the programme" in page
    assert "Retention: Six years after he leaves the programme. The records are due to be destroyed" in record
    url = f"/retention/{review.pk}"
    refused = client.post(url, data={"decision": "approve"})
    assert refused.status_code == 422 and "Confirm that these records can be destroyed" in refused.get_data(True)
    no_reason = client.post(url, data={"decision": "hold", "reason": " "})
    assert no_reason.status_code == 422 and "Enter why the records must be kept" in no_reason.get_data(True)
    assert client.post(url, data={"decision": "hold", "reason": "Court"}).status_code == 302
    assert "Legal hold" in client.get("/retention/").get_data(as_text=True)
    assert client.post(url, data={"decision": "approve", "confirm": "yes"}).status_code == 403
    client.post(url, data={"decision": "lift"})
    assert client.post(url, data={"decision": "approve", "confirm": "yes"}).status_code == 302
    assert Case.objects.get(pk=review.case_id).person.name == ""
    figures = client.get("/retention/monitoring").get_data(as_text=True)
    assert "Community perpetrator programme: He withdrew" in figures and "Pat Example" not in figures


def test_other_roles_and_teams_cannot_review(client, signed_in, make_user, make_case, now):
    review = closed_case(make_case, now, make_user(roles=["manager"], team="north"))
    signed_in("manager", team="south")
    assert review.case_reference not in client.get("/retention/").get_data(as_text=True)
    assert client.get(f"/retention/{review.pk}").status_code == 404
    client.post("/sign-out")
    signed_in("practitioner", team="north")
    assert client.get("/retention/").status_code == 403


def test_the_retention_job_runs_once_from_the_command_line(runner, make_user, make_case, now):
    manager = make_user(roles=["manager"], team="north")
    case = make_case(workflow_key="community_programme", actor=manager, person={"name": "Pat Example"})
    ended = now - timedelta(days=365 * 7)
    Case.objects(pk=case.pk).update_one(set__status="closed", set__state="closed", set__closed_at=ended,
                                        set__state_entered_at=ended)
    result = runner.invoke(args=["scheduler", "retention"])
    assert result.exit_code == 0
    assert "Cases listed for destruction review: 1;" in result.output
    assert RetentionReview.objects(case_id=case.pk).count() == 1
