"""The community programme through the UI in headless Chromium, with axe-core on every page visited.

An agency referrer chooses the community programme and sends its referral form; the manager books the
assessment; the assessor completes the risk assessment and records the outcome; the partner record opens, is
allocated, and the partner-support worker makes contact and passes on a risk update; the first evaluation
measures are taken; he joins the group and completes it (the second set) and the case closes after follow-up (the
third set), which the manager's reports count. 33 of the 36 group sessions are recorded through the service
beforehand (the sessions page is driven for the rest), so the journey stays within minutes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.case import Case
from services.cases.sessions import record_session as record_session_service
from tests.browser.journey_steps import Journey, act, partner_contact, record_session
from tests.browser.test_dao_journey import fill_form, referral_status, sample

pytestmark = pytest.mark.browser

# The copies are sent separately: the journey uploads no files.
REFERRAL = {**sample("community_referral"), "risk_assessment_copy_attached": False, "cpr_minutes_attached": False}
PARTNER_NOTE = "She said he turned up at her work twice last week and waited by her car."


def test_community_programme_from_referral_to_closure_through_the_browser(browser, live_server, synced, make_team,
                                                                          make_user):
    make_team(key="north")
    referrer = make_user(roles=["referrer"], team="", name="Rhea Referrer", organisation="Children's Services")
    manager = make_user(roles=["manager"], team="north", name="Morgan Manager")
    facilitator = make_user(roles=["practitioner"], team="north", name="Fola Facilitator")
    worker = make_user(roles=["partner_worker"], team="north", name="Wendy Safety")
    journey = Journey(browser, live_server)
    today = date.today()
    try:
        # The referrer chooses the community programme and sends its referral form.
        ref = journey.tab(referrer)
        journey.click(ref, "link", "Make a referral")
        ref.get_by_label("Community perpetrator programme", exact=True).check()
        team = ref.locator('[name="team"]')
        if team.count():
            team.first.check()
        journey.click(ref, "button", "Start now")
        draft = Case.objects.get(referrer_id=str(referrer.pk))
        assert draft.workflow_key == "community_programme"
        tasks = ref.url
        fill_form(journey, ref, draft, "community_referral", REFERRAL)
        journey.start_from(ref, tasks)
        journey.click(ref, "link", "Check your answers and send")
        journey.click(ref, "button", "Send referral")
        case = Case.objects.get(pk=draft.pk)
        path = f"/cases/{case.pk}"
        assert case.status == "open" and case.reference in ref.content()
        assert "Received" in referral_status(journey, ref, case.reference)

        # The manager books the assessment; the assessor completes the risk assessment and records the outcome.
        mgr = journey.tab(manager)
        act(journey, mgr, path, "Book the assessment appointment", choices=[facilitator.name],
            dates={"appointment_date": today})
        fac = journey.tab(facilitator)
        journey.start_from(fac, path)
        fill_form(journey, fac, case, "risk_assessment", sample("risk_assessment"))
        act(journey, fac, path, "Record the assessment", choices=("Medium",))
        case.reload()
        assert case.state == "assessed"

        # Her record opens once he is assessed: allocated, contact made, a risk update passed on.
        linked = Case.objects.get(parent_case_id=case.pk)
        partner_path = f"/partner/cases/{linked.pk}"
        act(journey, mgr, partner_path, "Allocate to a partner-support worker", choices=[worker.name])
        wsw = journey.tab(worker)
        partner_contact(journey, wsw, partner_path, today, PARTNER_NOTE)
        act(journey, wsw, partner_path, "Pass on a risk update", choices=("The risk has increased",))
        journey.start_from(fac, path)
        fill_form(journey, fac, case, "evaluation_measures", {**sample("evaluation_measures"),
                                                              "stage": "pre_programme"})

        # Accepted, into the group, 36 sessions, completed.
        act(journey, mgr, path, "Accept for the group")
        act(journey, mgr, path, "Join the group", choices=[facilitator.name], dates={"start_date": today})
        case.reload()
        assert case.state == "group"
        now = datetime.now(UTC)
        for number in range(1, 34):
            record_session_service(case, {"date": today.isoformat(), "session_type": "group", "number": str(number),
                                          "attendance": "attended"}, actor=facilitator, now=now)
        for number in (34, 35, 36):
            record_session(journey, fac, path, today, "Group session", "Attended", number)
        journey.start_from(fac, path)
        fill_form(journey, fac, case, "evaluation_measures", {**sample("evaluation_measures"),
                                                              "stage": "end_of_programme"})
        act(journey, fac, path, "Completed the programme", dates={"completed_on": today})
        journey.start_from(fac, path)
        fill_form(journey, fac, case, "evaluation_measures", {**sample("evaluation_measures"),
                                                              "stage": "six_months_after"})
        act(journey, fac, path, "Follow-up finished – close",
            choices=("Completed; no incidents known during follow-up",))
        case.reload()
        assert case.status == "closed" and case.outcome == "completed"

        # The three sets of evaluation measures count in the manager's reports.
        journey.go(mgr, "/reports/")
        assert "Community programme" in mgr.content() and "All three" in mgr.content()

        # The referrer sees the status only; what the partner said stays on her record.
        assert "Closed" in referral_status(journey, ref, case.reference)
        journey.go(fac, path)
        assert PARTNER_NOTE not in fac.content()
        ref.goto(path)
        assert PARTNER_NOTE not in ref.content()
        assert journey.visited > 30
    finally:
        journey.close()
