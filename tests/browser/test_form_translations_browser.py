"""An admin translates a builder-made form into Welsh; a practitioner reading Welsh sees its Welsh question."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models.user import User
from services.builder import drafts as builder
from tests.browser_fixtures import assert_accessible, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

QUESTION = "What matters most to you?"
WELSH = "Beth sydd bwysicaf i chi?"


def test_an_admin_translates_a_form_and_a_practitioner_fills_it_in_welsh(page, make_user, make_team, make_case,
                                                                        now):
    make_team(key="north", name="North Team")
    admin = make_user(roles=["admin"], team="", name="Ada Admin")
    practitioner = make_user(roles=["practitioner"], team="north", name="Priya Practitioner")
    case = make_case(state="risk_assessment", allocated_to=practitioner)
    doc = builder.create_form({"key": "qol_interview", "title": "Quality of Life interview"}, actor=admin, now=now)
    question = {"widget": "text", "label": QUESTION, "name": "matters", "hint": "In your own words",
                "where": "page_1:0"}
    doc = builder.add_field("qol_interview", question, revision=doc.revision, actor=admin, now=now)
    builder.set_form_tags("qol_interview", "dao_assessment", revision=doc.revision, actor=admin, now=now)

    sign_in_browser(page, admin.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/admin/forms")
    page.goto("/admin/forms/qol_interview")
    page.get_by_role("link", name="Translations", exact=True).click()
    warning = page.locator(".govuk-warning-text")
    assert "4 texts not yet translated; English is shown for them" in warning.inner_text()
    assert_accessible(page)

    # A translation that is too long is explained, and what was typed stays.
    page.get_by_label(f"Cymraeg for “{QUESTION}”").fill(WELSH)
    page.get_by_label("Cymraeg for “In your own words”").fill("Yn eich geiriau eich hun " * 100)
    page.get_by_role("button", name="Save the translations").click()
    assert "must be 2000 characters or fewer" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label(f"Cymraeg for “{QUESTION}”").input_value() == WELSH
    assert_accessible(page)
    page.get_by_label("Cymraeg for “In your own words”").fill("Yn eich geiriau eich hun")
    for title in page.get_by_label("Cymraeg for “Quality of Life interview”").all():
        title.fill("Cyfweliad ansawdd bywyd")
    page.get_by_role("button", name="Save the translations").click()
    expect(page.locator("body")).to_contain_text("Translations saved. Every text is translated.")
    assert page.get_by_text("Every text of this form is translated.").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator("body")).to_contain_text("Version 1 of Quality of Life interview is published")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")

    User.objects(pk=practitioner.pk).update_one(set__language="cy")
    sign_in_browser(page, practitioner.email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"/cases/{case.pk}")
    page.locator('a[href*="qol_interview"]').first.click()
    page.wait_for_load_state()
    start = page.get_by_role("button", name="Dechrau’r ffurflen", exact=True)
    if start.count():
        start.first.click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_label(WELSH).is_visible()
    assert page.get_by_text("Yn eich geiriau eich hun").is_visible()
    assert QUESTION not in page.locator("main").inner_text()
    assert_accessible(page)
    assert not page.console_errors
