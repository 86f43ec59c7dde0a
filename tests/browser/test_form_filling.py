"""Filling in a form in headless Chromium: a mistake, its error message, the fix, check your answers, submit."""

import pytest

from models.case import Case
from models.form import Submission
from services.cases import hooks as case_hooks
from services.submissions.definition_files import sync_forms
from tests.browser_fixtures import assert_accessible, sign_in_browser, start_form_if_asked
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

ANSWERS = {"q1_probation_supervision": "no", "q2_recent_incident": "yes", "q3_informed_consent": "yes_fully_aware"}


def test_fill_a_short_form_with_a_mistake_then_fix_it_and_submit(page, make_user, now, monkeypatch):
    monkeypatch.setattr(case_hooks, "form_submitted", lambda *a, **k: None)
    sync_forms(now=now)
    practitioner = make_user(roles=["practitioner"])
    # A bare case outside any stored pathway: the form pages alone are under test, whatever ran before.
    case = Case(reference="DAO-2026-00001", workflow_key="form_pages_only", workflow_version=1, status="open",
                team="north", allocated_to=str(practitioner.pk), created_at=now).save()
    sign_in_browser(page, practitioner.email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)

    page.goto(f"/cases/{case.pk}/forms/screening")
    start_form_if_asked(page)
    page.wait_for_url("**/pages/screening")
    for name, value in ANSWERS.items():
        page.locator(f'input[name="{name}"][value="{value}"]').check()
    page.get_by_role("button", name="Save and continue").click()

    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    links = summary.locator("a")
    assert links.count() == 1 and links.first.get_attribute("href") == "#q4_recognition"
    assert page.title().startswith("Error:")
    for name, value in ANSWERS.items():  # what was chosen is still chosen
        assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked()
    assert_accessible(page)
    assert Submission.objects.get(case_id=case.pk).answers == ANSWERS  # saved despite the error

    links.first.click()
    page.locator('input[name="q4_recognition"]').first.check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/check")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers"
    assert page.get_by_role("link", name="Change").count() == 1
    assert_accessible(page)

    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(f"**/cases/{case.pk}/submissions/**")
    assert page.locator(".govuk-tag", has_text="Submitted").is_visible()
    assert "Version 1" in page.content()
    assert_accessible(page)
    assert not page.console_errors
    assert Submission.objects.get(case_id=case.pk).status == "submitted"
