"""A referral in headless Chromium: the referrer refers with consent, the manager triages and allocates, the
referrer follows the status only. axe-core runs on every page visited."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from clock import utcnow
from models.case import Case
from services.deadlines.timing import local_today
from tests.browser_fixtures import assert_accessible, sign_in_browser, start_form_if_asked
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

# Set to a folder to keep a screenshot of every page the journey visits.
SHOTS = os.environ.get("PATHWAY_SCREENSHOTS", "")


class Journey:
    """Visit pages, checking each with axe (and keeping a screenshot when asked)."""

    def __init__(self, page):
        self.page = page
        self.count = 0
        self.checked = ""  # the address of the page checked last

    def check(self, name: str) -> None:
        """Check the page now shown: one h1, no script errors, no serious or critical axe violation."""
        self.page.wait_for_load_state("load")
        assert self.page.locator("h1").count() == 1, self.page.url
        assert_accessible(self.page)
        assert not self.page.console_errors, self.page.console_errors
        self.checked = self.page.url
        if SHOTS:
            self.count += 1
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SHOTS) / f"{self.count:02d}-{name}.png"), full_page=True)

    def click(self, name: str, role: str = "link", shot: str = "") -> None:
        """Click a link or button by its name, then check the page it leads to."""
        self.page.get_by_role(role, name=name, exact=True).first.click()
        start_form_if_asked(self.page)
        self.check(shot or re.sub(r"\W+", "-", name.lower()).strip("-"))

    def choose(self, name: str, value: str) -> None:
        """Choose a radio button by its input's name and value."""
        self.page.locator(f'input[name="{name}"][value="{value}"]').check()

    def fill(self, values: dict) -> None:
        """Fill text inputs and text areas by id."""
        for key, value in values.items():
            self.page.locator(f"#{key}").fill(value)

    def date(self, name: str, day: str, month: str, year: str) -> None:
        """Fill a GOV.UK date input."""
        self.fill({name: day, f"{name}-month": month, f"{name}-year": year})

    def save(self) -> None:
        """Press "Save and continue" and check the next page."""
        self.click("Save and continue", role="button", shot="form-page")

    def open_first_section(self) -> None:
        """On a form's own list of sections, open the first section; a one-page form opens straight away."""
        if not self.page.locator("main form input:not([type=hidden]), main form textarea").count():
            self.page.locator(".govuk-task-list__link").first.click()
            self.check("form-first-section")

    def submit_form(self) -> None:
        """Check the form's answers page (unless the step that showed it just did), then submit the form."""
        if self.page.url != self.checked:
            self.check("form-check")
        self.click("Submit", role="button", shot="after-submit")


@pytest.fixture
def people(synced, make_team, make_user):
    make_team(key="north", name="North Family Safeguarding Team")
    return {
        "referrer": make_user(roles=["referrer"], team="", name="Sam Referrer",
                              organisation="Children's Services, North Locality"),
        "manager": make_user(roles=["manager"], team="north", name="Morgan Manager"),
        "practitioner": make_user(roles=["practitioner"], team="north", name="Priya Practitioner"),
    }


def fill_request_for_service(j: Journey) -> None:
    j.click("Request for Service", shot="request-for-service")
    j.open_first_section()
    j.fill({"referrer_name": "Sam Referrer", "referrer_team": "Family Safeguarding Team 3"})
    j.date("referral_date", "20", "11", "2026")
    j.save()
    j.fill({"person_name": "Daniel Okafor-Reeve", "person_address": "14 Larkspur Close\nExampletown",
            "children-0-child_name": "Maya Okafor-Reeve"})
    j.date("person_dob", "23", "7", "1989")
    j.date("children-0-child_dob", "9", "2", "2016")
    j.choose("interpreter_needed", "false")
    j.save()
    j.choose("family_plan", "child_protection_plan")
    j.choose("work_requested", "risk_assessment_and_intervention")
    j.fill({"reason_for_referral": "Two incidents of domestic abuse towards the children's mother."})
    j.choose("service_discussed", "true")
    j.choose("urgent", "false")
    j.save()
    j.fill({"risk_information": "Police called out twice; no weapons."})
    j.choose("victim_contact", "in_contact")
    for name in ("police_investigation", "family_court", "probation_involvement"):
        j.choose(name, "false")
    j.save()
    while j.page.get_by_role("button", name="Save and continue").count():
        j.save()  # the attachments page: nothing to add
    if j.page.get_by_role("link", name="Check your answers and submit").count():
        j.click("Check your answers and submit", shot="rfs-check")
    j.submit_form()


def fill_screening(j: Journey) -> None:
    j.click("Screening form", shot="screening")
    j.choose("q1_probation_supervision", "no")
    j.choose("q2_recent_incident", "yes")
    j.choose("q3_informed_consent", "yes_fully_aware")
    j.choose("q4_recognition", "partially_contemplation")
    # The green guidance shows as the answer is chosen.
    assert j.page.get_by_text("some motivational work may be needed first").is_visible()
    j.save()
    j.submit_form()


def fill_consent(j: Journey) -> None:
    j.click("Consent form", shot="consent")
    j.open_first_section()
    while not j.page.locator('input[name="consent_method"]').count():
        j.save()  # the information pages come first
    j.choose("consent_method", "signed_here")
    for name in ("contact_drug_alcohol", "contact_gp", "contact_mental_health"):
        j.choose(name, "agree")
    j.fill({"person_signature-full_name": "Daniel Okafor-Reeve"})
    j.date("person_signature-date", "20", "11", "2026")
    j.page.locator("#person_signature-confirmed").check()
    j.save()
    if j.page.get_by_role("link", name="Check your answers and submit").count():
        j.click("Check your answers and submit", shot="consent-check")
    j.submit_form()


def test_referral_with_consent_then_triage_and_allocation_while_the_referrer_sees_statuses(page, people):
    j = Journey(page)
    sign_in_browser(page, people["referrer"].email, DEFAULT_PASSWORD)
    page.wait_for_url("**/referrals/")
    j.check("my-referrals")
    j.click("Make a referral", shot="start")
    service = page.locator('input[name="workflow"][value="dao_pathway"]')
    if service.count() and service.first.get_attribute("type") == "radio":
        service.first.check()  # the referrer's organisation may refer to more than one service
    j.click("Start now", role="button", shot="task-list")
    assert page.get_by_text("Cannot start yet").is_visible()
    fill_request_for_service(j)
    assert "/tasks" in page.url, page.url
    fill_screening(j)
    fill_consent(j)
    assert page.get_by_text("Cannot start yet").count() == 0
    j.click("Check your answers and send", shot="check-and-send")
    assert page.get_by_text("Daniel Okafor-Reeve").first.is_visible()
    j.click("Send referral", role="button", shot="sent")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"DAO-\d{4}-\d{5}", reference)
    j.click("My referrals", shot="my-referrals-received")
    assert page.get_by_role("row").filter(has_text=reference).get_by_text("Received").is_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in_browser(page, people["manager"].email, DEFAULT_PASSWORD)
    page.wait_for_url("**/manager/referrals")
    j.check("inbox")
    j.click(reference, shot="review")
    assert page.get_by_text("Likely to be suitable").first.is_visible()
    j.click("Acknowledge the referral", shot="acknowledge")
    j.fill({"next_steps": "I will call you to arrange the case consultation."})
    j.click("Acknowledge referral", role="button", shot="acknowledged")
    j.click("Arrange the case consultation", shot="consultation")
    j.click("Save the date", role="button", shot="consultation-error")  # no date: the error summary shows
    assert page.locator(".govuk-error-summary").is_visible()
    day = local_today(utcnow())  # the day it was referred: a consultation may not be dated before it
    j.fill({"consultation_date-day": str(day.day), "consultation_date-month": str(day.month),
            "consultation_date-year": str(day.year)})
    j.click("Save the date", role="button", shot="consultation-saved")
    j.click("Accept the referral", shot="accept")
    j.click("Accept referral", role="button", shot="accepted")
    j.click("Allocate the case", shot="allocate")
    assert page.get_by_text("0 of 15 open cases").is_visible()
    page.get_by_label("Priya Practitioner").check()
    j.click("Allocate", role="button", shot="allocated")
    assert page.get_by_text(f"{reference} is allocated to Priya Practitioner").is_visible()
    j.click("Waiting list", shot="waiting-list")
    j.click("Team", shot="team")
    assert page.get_by_role("row").filter(has_text="Priya Practitioner").get_by_text("Has space").is_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in_browser(page, people["referrer"].email, DEFAULT_PASSWORD)
    page.wait_for_url("**/referrals/")
    j.check("my-referrals-allocated")
    assert page.get_by_role("row").filter(has_text=reference).get_by_text("Allocated").is_visible()
    j.click(reference, shot="status")
    timeline = page.locator(".moj-timeline").inner_text()
    for status in ("Referral sent", "Accepted", "Allocated"):
        assert status in timeline
    # The next steps typed at acknowledgement were about the consultation, which is behind the case now.
    assert "I will call you to arrange the case consultation." not in page.content()
    assert "Priya Practitioner" not in page.content()  # who holds the case is the team's business
    case = Case.objects.get(reference=reference)
    assert case.state == "allocated" and case.allocated_to == str(people["practitioner"].pk)
