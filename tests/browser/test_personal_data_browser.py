"""Browser: the retention review and personal-data pages work by keyboard-free clicks and pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from clock import utcnow
from models.case import Case
from models.retention import RetentionReview
from models.subject_access import SubjectAccessRequest
from services.privacy.retention import list_due_cases
from tests.browser_fixtures import assert_accessible, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD
from tests.pathway_steps import fill


def test_manager_logs_reviews_and_approves_a_request_and_a_destruction(page, make_user, make_case, now):
    manager = make_user(roles=["manager"], team="north")
    case = make_case(workflow_key="community_programme", actor=manager, person={"name": "Dan Example"})
    fill(case, "community_referral", manager, now, {"why_attend": "He wants to change."})
    sign_in_browser(page, manager.email, DEFAULT_PASSWORD)

    page.goto(f"/personal-data/cases/{case.pk}")
    assert_accessible(page)
    page.get_by_role("link", name="Log a subject access request").click()
    page.get_by_role("button", name="Log request").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Who made the request?").fill("Dan Example")
    page.get_by_label("Photo identification seen").check()
    today = utcnow().date()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Log request").click()
    request = SubjectAccessRequest.objects.get(case_id=case.pk)
    page.goto(f"/personal-data/subject-access/{request.pk}")
    assert "He wants to change." in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Approve the file for release").click()
    expect(page.get_by_role("link", name="Download the Word file")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/personal-data/cases/{case.pk}/correct")
    assert_accessible(page)

    ended = utcnow() - timedelta(days=365 * 7)
    Case.objects(pk=case.pk).update_one(set__status="closed", set__state="closed", set__closed_at=ended,
                                        set__state_entered_at=ended)
    list_due_cases(now=utcnow())
    review = RetentionReview.objects.get(case_id=case.pk)
    page.goto("/retention/")
    assert_accessible(page)
    page.get_by_role("link", name=review.case_reference).click()
    page.get_by_role("button", name="Destroy the records").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have checked that nothing requires these records to be kept").check()
    page.get_by_role("button", name="Destroy the records").click()
    expect(page.locator("body")).to_contain_text("No records are due for destruction")
    assert Case.objects.get(pk=case.pk).person.name == ""
    page.get_by_role("link", name="Monitoring figures, destroyed records included").click()
    assert_accessible(page)
    assert not page.console_errors
