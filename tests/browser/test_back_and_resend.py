"""Browser: a form sent, shown again with the Back button and sent again unchanged, acts once."""

from __future__ import annotations

import pytest

from models.partner import PartnerContact
from tests.browser.journey_steps import type_date
from tests.browser_fixtures import assert_accessible, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD, service_today
from tests.http.test_case_pages import make_people
from tests.http.test_partner_pages import link

pytestmark = pytest.mark.browser


@pytest.fixture
def partner_record(synced, make_team, make_user, now):
    """A linked partner record of the north team, allocated to its partner worker; and the people."""
    people = make_people(make_team, make_user)
    _case, record = link(people, now)
    return record, people


def log_contact(page, notes: str) -> None:
    page.get_by_label("Spoke with the partner", exact=True).check()
    page.locator('[name="method"]').first.check()
    page.fill('[name="notes"]', notes)
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_load_state()


def test_back_and_send_again_unchanged_records_once_and_changed_records_anew(page, partner_record):
    record, people = partner_record
    sign_in_browser(page, people["partner_worker"].email, DEFAULT_PASSWORD)
    page.wait_for_load_state()
    page.goto(f"/partner/cases/{record.pk}/contacts/new")
    type_date(page, "date", service_today())
    log_contact(page, "Talked through the safety plan")
    assert "The contact has been logged" in page.content()
    assert PartnerContact.objects(case_id=record.pk).count() == 1

    # Back to the form (fetched anew: pages are not stored) and sent again as it was.
    page.go_back()
    page.wait_for_load_state()
    assert page.input_value('[name="notes"]') == "Talked through the safety plan"
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_load_state()
    assert "That was already done, so it was not done a second time." in page.content()
    assert_accessible(page)
    assert PartnerContact.objects(case_id=record.pk).count() == 1

    # Back again, and this time a different contact: that is new work, recorded.
    page.go_back()
    page.wait_for_load_state()
    page.fill('[name="notes"]', "A second call: she asked about the group's dates")
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_load_state()
    assert "The contact has been logged" in page.content()
    notes = sorted(c.notes for c in PartnerContact.objects(case_id=record.pk))
    assert notes == ["A second call: she asked about the group's dates", "Talked through the safety plan"]
