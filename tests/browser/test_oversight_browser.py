"""Browser: multi-factor enrolment and sign-in, "who has seen this" and break-the-glass, each page checked with axe."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import expect

from models.audit import AuditEntry
from models.case import Case
from models.notification import Notification
from models.user import User
from services.partner import records as partner_service
from tests.browser_fixtures import assert_accessible, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD
from tests.http.test_case_pages import make_people, refer, walk

pytestmark = pytest.mark.browser


def sign_out(page) -> None:
    """Sign out with the header button and wait for the sign-in page."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")


@pytest.fixture
def people(synced, make_team, make_user):
    return make_people(make_team, make_user)


@pytest.fixture
def partner_record(people, now):
    """A linked partner record of the north team, allocated to its partner worker, read by her once."""
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    return partner_service.take_partner_action(
        Case.objects.get(parent_case_id=case.pk), "allocate", {"assignee": str(people["partner_worker"].pk)},
        event=False, actor=people["manager"], now=now)


def test_a_practitioner_sets_up_an_authenticator_then_signs_in_with_a_code(page, make_user):
    user = make_user(roles=["practitioner"], team="north", name="Priya Practitioner")
    sign_in_browser(page, user.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/cases**")
    page.goto("/account/mfa")
    assert page.locator(".app-qr-wrapper svg").count() == 1
    assert_accessible(page)
    secret = page.locator(".app-mfa-secret").text_content().strip()
    page.get_by_label("Code from the app").fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.get_by_role("button", name="Turn on multi-factor sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on multi-factor sign-in").click()
    expect(page.get_by_role("heading", name="Multi-factor sign-in is on")).to_be_visible()
    assert User.objects.get(pk=user.pk).mfa_enabled
    assert User.objects.get(pk=user.pk).mfa_secret == secret
    assert len(User.objects.get(pk=user.pk).mfa_recovery_hashes) > 0
    assert_accessible(page)

    sign_out(page)
    sign_in_browser(page, user.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/sign-in/code")
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your security code"
    assert_accessible(page)
    page.goto("/cases")
    assert "/sign-in" in page.url  # the password alone does not start a session
    sign_in_browser(page, user.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/sign-in/code")
    # The code of the next 30-second step: the one used to enrol may not be used again.
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/cases**")
    assert page.get_by_role("heading", level=1).first.inner_text().startswith("My cases")
    assert AuditEntry.objects(action="sign_in.second_factor", actor_id=str(user.pk)).count() == 1
    assert not page.console_errors


def test_a_manager_sees_who_has_read_the_partner_record(page, people, partner_record):
    sign_in_browser(page, people["partner_worker"].email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    assert page.goto(f"/partner/cases/{partner_record.pk}/details").status == 200
    sign_out(page)

    sign_in_browser(page, people["manager"].email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"/partner/cases/{partner_record.pk}")
    page.get_by_role("link", name="Who has seen this record").first.click()
    page.wait_for_url(f"**/cases/{partner_record.pk}/seen")
    table = page.locator("main").inner_text()
    assert "Pat Partner" in table and "the partner’s details" in table
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    assert not page.console_errors


def test_another_teams_manager_breaks_the_glass_and_the_owning_manager_is_told(page, people, partner_record):
    sign_in_browser(page, people["south_manager"].email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    refused = page.goto(f"/cases/{partner_record.pk}")
    assert refused.status == 403
    assert_accessible(page)
    page.get_by_role("link", name="Open it and state why").click()
    page.wait_for_url(f"**/cases/{partner_record.pk}/break-glass")
    assert_accessible(page)
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    reason = "MARAC meeting this afternoon: checking the latest contact with the victim"
    page.get_by_label("Why do you need to open this record?").fill(reason)
    page.get_by_role("button", name="Open the record").click()
    page.wait_for_url(f"**/partner/cases/{partner_record.pk}")
    assert "You have opened this record for one hour" in page.locator("main").inner_text()
    assert_accessible(page)
    entry = AuditEntry.objects(action="break_glass", target_id=str(partner_record.pk)).get()
    assert entry.details["reason"] == reason
    sign_out(page)

    assert Notification.objects(user_id=str(people["manager"].pk), template="oversight").count() >= 1
    sign_in_browser(page, people["manager"].email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto("/notifications")
    listing = page.locator("main").inner_text()
    assert "read by someone outside its usual workers" in listing
    assert_accessible(page)
    page.goto(f"/cases/{partner_record.pk}/seen")
    seen = page.locator("main").inner_text()
    assert reason in seen and "Sue South" in seen
    assert_accessible(page)
    assert not page.console_errors


def test_the_audit_trail_gives_its_details_the_room_to_be_read(page, people, partner_record):
    sign_in_browser(page, people["auditor"].email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/audit")
    expect(page.locator("td").filter(has_text="@example.org").first).to_be_visible()
    details = page.locator("th", has_text="Details").bounding_box()
    # Squeezed by unbroken emails, the column was 75 px wide and its words one letter a line.
    assert details["width"] >= 250, details
    assert_accessible(page)
