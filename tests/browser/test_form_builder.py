"""An admin builds a form in the browser, a practitioner fills it on a case, and versions keep answers intact."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from models.form import FormDefinition, Submission
from tests.browser_fixtures import assert_accessible, sign_in_browser, start_form_if_asked
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

TITLE = "Quality of Life interview"
SUPPORT = "Do you have support from friends or family?"
RATING = "How would you rate your quality of life?"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")


def add_question(page, kind: str, label: str, *, required: bool = False, fill=None) -> None:
    """Add one question from the builder page: choose its type, then fill in its details."""
    page.get_by_role("button", name="Add a question").first.click()
    page.get_by_label(kind, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Question", exact=True).fill(label)
    if required:
        page.get_by_label("The question must be answered").check()
    if fill:
        fill(page)
    page.get_by_role("button", name="Add the question").click()
    page.wait_for_url("**/admin/forms/qol_interview#*")
    assert page.locator(".govuk-notification-banner--success").inner_text().endswith(f"“{label}” added")


def only_when_supported(page) -> None:
    assert_accessible(page)
    page.get_by_label("Show this question").select_option(label=SUPPORT)
    page.get_by_label("Answer", exact=True).select_option(label="Yes")


def test_an_admin_builds_publishes_and_revises_a_form_a_practitioner_fills(page, make_user, make_team, make_case):
    make_team(key="north", name="North Team")
    admin = make_user(roles=["admin"], team="", name="Ada Admin")
    practitioner = make_user(roles=["practitioner"], team="north", name="Priya Practitioner")
    case = make_case(state="risk_assessment", allocated_to=practitioner)

    # The admin builds the form purely through the pages.
    sign_in_browser(page, admin.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/admin/forms")
    assert page.get_by_role("heading", level=1).inner_text() == "Forms"
    assert_accessible(page)
    page.get_by_role("button", name="Create a form").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Key").fill("qol_interview")
    assert_accessible(page)
    page.get_by_role("button", name="Create the form").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert_accessible(page)

    add_question(page, "Short text", "What matters most to you?", required=True)
    add_question(page, "Date", "Date of the interview", fill=lambda p: p.get_by_label("The date cannot be in the "
                                                                                         "future").check())
    add_question(page, "Rating scale", RATING, fill=lambda p: (p.get_by_label("Lowest point").fill("1"),
                                                               p.get_by_label("Highest point").fill("10")))
    add_question(page, "Yes or no", SUPPORT)
    add_question(page, "Long text", "Who supports you?", required=True, fill=only_when_supported)
    assert page.get_by_text(f"Shown only when “{SUPPORT}” is Yes").is_visible()
    assert_accessible(page)

    # A refused change names the question and keeps the page as it was.
    page.get_by_role("button", name="Move up the question Who supports you?").click()
    assert "Question “Who supports you?” (its condition)" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    # Preview with the practitioners' renderer, and try sample answers.
    page.get_by_role("link", name="Preview and try").first.click()
    page.wait_for_load_state()
    supporters = page.get_by_label("Who supports you?")
    expect(page.get_by_label("What matters most to you?")).to_be_visible()
    expect(supporters).to_be_hidden()
    expect(page.get_by_role("group", name=RATING).get_by_label("10", exact=True)).to_be_visible()
    page.get_by_role("group", name=SUPPORT).get_by_label("Yes").check()
    expect(supporters).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Check these answers").click()
    errors = page.locator(".govuk-error-summary").inner_text()
    assert "What matters most to you" in errors and "Who supports you" in errors
    assert_accessible(page)
    page.get_by_label("What matters most to you?").fill("My children")
    page.get_by_label("Who supports you?").fill("My sister")
    page.get_by_role("button", name="Check these answers").click()
    expect(page.get_by_text("These answers would be accepted.")).to_be_visible()

    # Tag it so the risk assessment stage of the DAO pathway offers it, then publish version 1.
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_label("Tags (optional)").fill("dao_assessment")
    assert_accessible(page)
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("Settings saved")).to_be_visible()  # saved, before leaving the page
    page.get_by_role("link", name="Publish", exact=True).click()
    # Waits for the publish page: a count taken at once may read the page being left.
    expect(page.locator("tbody .govuk-tag", has_text="Added")).to_have_count(5)
    assert_accessible(page)
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator("body")).to_contain_text("Version 1 of Quality of Life interview is published")
    assert_accessible(page)
    sign_out(page)

    # The practitioner finds it on the case and fills it in.
    sign_in_browser(page, practitioner.email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"/cases/{case.pk}")
    page.get_by_role("link", name=TITLE).click()
    start_form_if_asked(page)
    page.get_by_label("What matters most to you?").fill("Being a better dad")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("group", name=RATING).get_by_label("6", exact=True).check()
    page.get_by_role("group", name=SUPPORT).get_by_label("Yes").check()
    page.get_by_label("Who supports you?").fill("My brother")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/check")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(f"**/cases/{case.pk}/submissions/**")
    submission_url = page.url
    assert "Version 1" in page.content() and "My brother" in page.content()
    first = Submission.objects.get(case_id=case.pk, form_key="qol_interview")
    assert (first.form_version, first.status) == (1, "submitted")
    sign_out(page)

    # The admin changes the form: that is version 2, published after its diff is shown.
    sign_in_browser(page, admin.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/admin/forms")
    page.get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("button", name="Edit this form").click()
    page.get_by_role("link", name=f"Change the question {RATING}").click()
    page.get_by_label("Question", exact=True).fill("Rate your quality of life")
    page.get_by_role("button", name="Save the question").click()
    page.get_by_role("link", name="Publish", exact=True).click()
    changes = page.locator("tbody").inner_text()
    assert "Changed" in changes and "Question changed from “How would you rate" in changes
    page.get_by_role("button", name="Publish version 2").click()
    assert FormDefinition.objects(key="qol_interview", status="published").count() == 2
    sign_out(page)

    # The first submission still shows version 1, with the question as it was asked.
    sign_in_browser(page, practitioner.email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(submission_url)
    content = page.content()
    assert "Version 1" in content and RATING in content and "Rate your quality of life" not in content
    assert re.search(r"Version 2", content) is None
    assert_accessible(page)
    assert not page.console_errors
