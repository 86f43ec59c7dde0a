"""A pathway added as a file only (tests/fixtures/workflows/fathers/) is driven by its users through the pages.

The file is synced beside the shipped pathways; a referrer refers to it, the manager records the 24-hour safety
check and accepts him, the facilitator (a role the file adds) records sessions, the partner-support worker
records contact with the mother from her record, and the case runs to closure and into the reports.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from models.case import Case
from models.deadline import Deadline
from services.pathways.store import clear_cache
from services.pathways.sync import sync_workflows
from tests.browser.journey_steps import Journey, act, record_session
from tests.browser.test_dao_journey import fill_form, referral_status, sample

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "tests" / "fixtures" / "workflows" / "fathers" / "fathers_programme.yaml"
REFERRAL = {**sample("community_referral"), "client_name": "Tom Example", "client_dob": "1983-05-06",
            "risk_assessment_copy_attached": False, "cpr_minutes_attached": False}


@pytest.fixture
def fathers(synced, tmp_path, now):
    """Sync the shipped pathways and the fathers' programme file, as an administrator adding one would."""
    directory = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", directory, ignore=shutil.ignore_patterns("*.py", "*.json", "__pycache__"))
    shutil.copy(FILE, directory)
    report = {key: action for key, _, action in sync_workflows(directory, now=now)}
    assert report["fathers_programme"] == "created"
    clear_cache()
    yield
    clear_cache()


def test_a_pathway_added_as_a_file_is_run_by_its_users_in_the_browser(browser, live_server, fathers, make_team,
                                                                     make_user):
    make_team(key="north")
    referrer = make_user(roles=["referrer"], team="", name="Rhea Referrer", organisation="Children's Services")
    manager = make_user(roles=["manager"], team="north", name="Morgan Manager")
    facilitator = make_user(roles=["facilitator"], team="north", name="Fola Facilitator")
    worker = make_user(roles=["partner_worker"], team="north", name="Wendy Safety")
    journey = Journey(browser, live_server)
    today = date.today()
    try:
        ref = journey.tab(referrer)
        journey.click(ref, "link", "Make a referral")
        ref.get_by_label("Fathers' group programme", exact=True).check()
        team = ref.locator('[name="team"]')
        if team.count():
            team.first.check()
        journey.click(ref, "button", "Start now")
        draft = Case.objects.get(referrer_id=str(referrer.pk))
        tasks = ref.url
        fill_form(journey, ref, draft, "community_referral", REFERRAL)
        journey.start_from(ref, tasks)
        journey.click(ref, "link", "Check your answers and send")
        journey.click(ref, "button", "Send referral")
        case = Case.objects.get(pk=draft.pk)
        path = f"/cases/{case.pk}"
        assert case.reference.startswith("FP-") and case.person.name == "Tom Example"
        assert "checks the family's safety within 24 hours" in ref.content()

        mgr = journey.tab(manager)
        act(journey, mgr, path, "Record the safety check", texts={"comment": "Children seen at school"})
        assert Deadline.objects.get(case_id=case.pk, key="safety_check").status == "met"
        act(journey, mgr, path, "Accept into the group", choices=[facilitator.name])
        case.reload()
        assert case.state == "in_group" and case.allocated_to == str(facilitator.pk)
        partner = Case.objects.get(parent_case_id=case.pk)
        partner_path = f"/partner/cases/{partner.pk}"
        act(journey, mgr, partner_path, "Allocate to a partner-support worker", choices=[worker.name])

        fac = journey.tab(facilitator)
        record_session(journey, fac, path, today, "Group session", "Attended", 1)
        wsw = journey.tab(worker)
        act(journey, wsw, partner_path, "Record contact with the mother", dates={"contact_date": today})
        case.reload()
        assert case.fields["last_mother_contact"] == today.isoformat()

        act(journey, fac, path, "Finish the group", dates={"last_session": today})
        assert Deadline.objects.get(case_id=case.pk, key="closing_report").active
        act(journey, fac, path, "Send the closing report")
        act(journey, mgr, path, "Close after the closing report")
        case.reload()
        assert case.status == "closed" and case.outcome == "completed"
        assert "Closed" in referral_status(journey, ref, case.reference)
        journey.go(mgr, "/reports/")
        assert "Fathers' programme" in mgr.content()
    finally:
        journey.close()
