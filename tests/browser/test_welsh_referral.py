"""A referrer switches to Welsh and makes a whole referral in Welsh, in headless Chromium; axe runs on every page.

Every page must be marked lang="cy" and show none of the English words of the journey.
"""

from __future__ import annotations

import re

import pytest

from models.case import Case
from models.form import Submission
from models.user import User
from tests.browser_fixtures import assert_accessible
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

# Words of the English journey that must not show once the referrer reads Pathway in Welsh.
ENGLISH = ("Save and continue", "Sign out", "Back to", "Not started", "Check your answers", "Submit",
           "Make a referral", "My referrals", "Request for Service", "Screening form", "Consent form",
           "Start now", "What happens next", "Cannot start yet", "Completed", "Date of birth", "Skip to main")


class WelshJourney:
    """Visit pages, checking each: Welsh, one h1, no script errors, no serious axe violation."""

    def __init__(self, page):
        self.page = page
        self.visited = 0

    def check(self) -> None:
        """Check the page now shown."""
        self.page.wait_for_load_state("load")
        assert self.page.locator("html").get_attribute("lang") == "cy", self.page.url
        assert self.page.locator("h1").count() == 1, self.page.url
        shown = self.page.locator("body").inner_text()
        english = [words for words in ENGLISH if words in shown]
        assert not english, f"{self.page.url} shows English: {english}"
        assert_accessible(self.page)
        assert not self.page.console_errors, self.page.console_errors
        self.visited += 1

    def click(self, name: str, role: str = "link") -> None:
        """Click a link or button by its (Welsh) name, start a form if asked, and check the page it leads to."""
        self.page.get_by_role(role, name=name, exact=True).first.click()
        self.page.wait_for_load_state()
        start = self.page.get_by_role("button", name="Dechrau’r ffurflen", exact=True)
        if start.count():
            self.check()
            start.first.click()
        self.check()

    def choose(self, name: str, value: str) -> None:
        self.page.locator(f'input[name="{name}"][value="{value}"]').check()

    def fill(self, values: dict) -> None:
        for key, value in values.items():
            self.page.locator(f"#{key}").fill(value)

    def date(self, name: str, day: str, month: str, year: str) -> None:
        self.fill({name: day, f"{name}-month": month, f"{name}-year": year})

    def save(self) -> None:
        self.click("Cadw a pharhau", role="button")

    def open_first_section(self) -> None:
        if not self.page.locator("main form input:not([type=hidden]), main form textarea").count():
            self.page.locator(".govuk-task-list__link").first.click()
            self.check()

    def submit_form(self) -> None:
        if self.page.get_by_role("link", name="Gwiriwch eich atebion a chyflwyno").count():
            self.click("Gwiriwch eich atebion a chyflwyno")
        assert "Gwiriwch eich atebion" in self.page.locator("h1").inner_text()
        self.click("Cyflwyno", role="button")


@pytest.fixture
def referrer(synced, make_team, make_user):
    make_team(key="north", name="North Family Safeguarding Team")
    make_user(roles=["manager"], team="north", name="Morgan Manager")
    return make_user(roles=["referrer"], team="", name="Siân Atgyfeiriwr", organisation="Gwasanaethau Plant")


def test_a_referrer_switches_to_welsh_and_makes_a_whole_referral_in_welsh(page, referrer):
    j = WelshJourney(page)
    page.goto("/sign-in")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    switch = page.get_by_role("link", name="Cymraeg")
    assert switch.get_attribute("hreflang") == "cy" and switch.get_attribute("lang") == "cy"
    switch.click()
    j.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Mewngofnodi i Pathway"
    page.get_by_label("Cyfeiriad e-bost").fill(referrer.email)
    page.get_by_label("Cyfrinair").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Mewngofnodi").click()
    page.wait_for_url("**/referrals/")
    j.check()
    assert User.objects.get(pk=referrer.pk).language == "cy"  # chosen before signing in: now the user's own
    # The English link in the header is marked as English; the current language is not a link.
    english = page.get_by_role("link", name="English")
    assert english.get_attribute("lang") == "en" and english.get_attribute("hreflang") == "en"
    assert page.get_by_role("link", name="Cymraeg").count() == 0

    j.click("Gwneud atgyfeiriad")
    service = page.locator('input[name="workflow"][value="dao_pathway"]')
    if service.count() and service.first.get_attribute("type") == "radio":
        service.first.check()  # the referrer's organisation may refer to more than one service
    j.click("Dechrau nawr", role="button")
    assert page.get_by_text("Methu dechrau eto").is_visible()

    j.click("Cais am Wasanaeth")
    j.open_first_section()
    j.fill({"referrer_name": "Siân Atgyfeiriwr", "referrer_team": "Tîm Diogelu Teuluoedd 3"})
    j.date("referral_date", "20", "11", "2026")
    j.save()
    j.fill({"person_name": "Rhys ap Dafydd", "person_address": "14 Heol y Bryn\nTrefenghreifftiol",
            "children-0-child_name": "Elin ap Rhys"})
    j.date("person_dob", "23", "7", "1989")
    j.date("children-0-child_dob", "9", "2", "2016")
    assert page.get_by_text("A oes angen cyfieithydd?").is_visible()
    j.choose("interpreter_needed", "false")
    j.save()
    j.choose("family_plan", "child_protection_plan")
    j.choose("work_requested", "risk_assessment_and_intervention")
    j.fill({"reason_for_referral": "Dau ddigwyddiad o gam-drin domestig tuag at fam y plant."})
    j.choose("service_discussed", "true")
    j.choose("urgent", "false")
    j.save()
    j.fill({"risk_information": "Galwyd yr heddlu ddwywaith; dim arfau."})
    j.choose("victim_contact", "in_contact")
    for name in ("police_investigation", "family_court", "probation_involvement"):
        j.choose(name, "false")
    j.save()
    while page.get_by_role("button", name="Cadw a pharhau").count():
        j.save()  # the attachments page: nothing to add
    j.submit_form()
    assert "/tasks" in page.url, page.url

    j.click("Ffurflen sgrinio")
    j.choose("q1_probation_supervision", "no")
    j.choose("q2_recent_incident", "yes")
    j.choose("q3_informed_consent", "yes_fully_aware")
    j.choose("q4_recognition", "partially_contemplation")
    # The form's own guidance shows, in Welsh, as the answer is chosen.
    assert page.get_by_text("efallai y bydd angen rhywfaint o waith cymhelliant yn gyntaf").is_visible()
    j.save()
    j.submit_form()

    j.click("Ffurflen gydsynio")
    j.open_first_section()
    while not page.locator('input[name="consent_method"]').count():
        j.save()  # the information pages come first
    j.choose("consent_method", "signed_here")
    for name in ("contact_drug_alcohol", "contact_gp", "contact_mental_health"):
        j.choose(name, "agree")
    j.fill({"person_signature-full_name": "Rhys ap Dafydd"})
    j.date("person_signature-date", "20", "11", "2026")
    page.locator("#person_signature-confirmed").check()
    j.save()
    j.submit_form()

    assert page.get_by_text("Methu dechrau eto").count() == 0
    j.click("Gwiriwch eich atebion ac anfon")
    assert page.get_by_text("Rhys ap Dafydd").first.is_visible()
    j.click("Anfon atgyfeiriad", role="button")
    assert page.locator(".govuk-panel__title").inner_text() == "Atgyfeiriad wedi’i anfon"
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"DAO-\d{4}-\d{5}", reference)
    j.click("Fy atgyfeiriadau")
    assert page.get_by_role("row").filter(has_text=reference).get_by_text("Wedi dod i law").is_visible()
    j.click(reference)
    assert "Atgyfeiriad wedi’i anfon" in page.locator(".moj-timeline").inner_text()

    case = Case.objects.get(reference=reference)
    assert case.status == "open" and case.person.name == "Rhys ap Dafydd"
    languages = {s.form_key: s.language for s in Submission.objects(case_id=case.pk)}
    assert languages == {"request_for_service": "cy", "screening": "cy", "consent": "cy"}
    assert j.visited > 20
