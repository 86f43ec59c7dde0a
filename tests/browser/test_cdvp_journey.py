"""The probation CDVP pathway through the UI in headless Chromium, with axe-core on every page visited.

A case manager's manager opens the case inside probation and allocates it; the case manager completes the
suitability assessment forms, pre-programme sessions, Quality of Life interview and first evaluation measures,
sends the referral information and starts the group programme; the Women's Safety Worker contacts the partner
and passes on a risk update from the partner record; the programme ends, post-programme work and the third
evaluation measures are done and the case closes. 27 of the 30 weekly group sessions are recorded through the
service beforehand (the sessions page itself is driven for the rest), so the journey stays within minutes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from models.case import Case
from services.cases.sessions import record_session as record_session_service
from tests.browser.journey_steps import Journey, act, partner_contact, record_session
from tests.browser.test_dao_journey import fill_form, sample

pytestmark = pytest.mark.browser

PERSON = "Callum Ashworth-Pike"
PARTNER_NOTE = "She said he has been calling her from a withheld number since the group started."
SUITABLE = ("The SARA rates the risk of relationship violence as moderate or high",
            "He can take part in and learn from group work", "He has signed the Statement of Understanding",
            "No exclusion applies: no severe mental illness and no complete denial of the offence")


def test_probation_cdvp_from_opening_to_closure_through_the_browser(browser, live_server, synced, make_team,
                                                                    make_user):
    make_team(key="north")
    manager = make_user(roles=["manager"], team="north", name="Morgan Manager")
    officer = make_user(roles=["practitioner"], team="north", name="Olu Officer")
    worker = make_user(roles=["partner_worker"], team="north", name="Wendy Safety")
    journey = Journey(browser, live_server)
    today = date.today()
    try:
        # The manager opens the case inside probation and allocates a case manager.
        mgr = journey.tab(manager)
        journey.go(mgr, "/cases/new")
        mgr.get_by_label("Community Domestic Violence Programme (probation)").check()
        mgr.fill('[name="name"]', PERSON)
        journey.click(mgr, "button", "Open the case")
        case = Case.objects.get(workflow_key="probation_cdvp")
        path = f"/cases/{case.pk}"
        assert case.state == "referred" and case.reference.startswith("CDVP")
        act(journey, mgr, path, "Allocate a case manager", choices=[officer.name])
        case.reload()
        assert case.state == "assessment" and case.allocated_to == str(officer.pk)

        # The case manager assesses suitability with the SARA, the signed statements and the risk assessment.
        om = journey.tab(officer)
        for key in ("sara", "cdvp_statements", "risk_assessment"):
            journey.start_from(om, path)
            fill_form(journey, om, case, key, sample(key))
        act(journey, om, path, "Suitable – start pre-programme work", confirms=SUITABLE)
        case.reload()
        assert case.state == "pre_programme"

        # Pre-programme work: three sessions, the Quality of Life interview and the first evaluation measures.
        for number in (1, 2, 3):
            record_session(journey, om, path, today - timedelta(days=10 - number), "Pre-group session", "Attended",
                           number)
        for key in ("quality_of_life", "evaluation_measures"):
            journey.start_from(om, path)
            fill_form(journey, om, case, key, sample(key))
        act(journey, om, path, "Send the referral information",
            confirms=("Sent to the County Programmes Team",
                      "Sent to the Women's Safety Workers in the Victim Liaison Unit"))

        # The partner record opened on acceptance: the manager allocates it and the worker makes contact.
        linked = Case.objects.get(parent_case_id=case.pk)
        partner_path = f"/partner/cases/{linked.pk}"
        act(journey, mgr, partner_path, "Allocate to a partner-support worker", choices=[worker.name])
        wsw = journey.tab(worker)
        partner_contact(journey, wsw, partner_path, today, PARTNER_NOTE)

        # The group programme: 30 weekly sessions, the last three recorded on the page.
        act(journey, om, path, "Start the group programme", numbers={"pre_programme_sessions": 3},
            confirms=("A full description of the abusive behaviour has been agreed with him",),
            dates={"start_date": today})
        case.reload()
        assert case.state == "group_programme"
        now = datetime.now(UTC)
        for number in range(1, 28):
            record_session_service(case, {"date": today.isoformat(), "session_type": "group", "number": str(number),
                                          "attendance": "attended"}, actor=officer, now=now)
        for number in (28, 29, 30):
            record_session(journey, om, path, today, "Group session", "Attended", number)
        act(journey, wsw, partner_path, "Pass on a risk update", choices=("The risk has increased",))
        act(journey, om, path, "Group programme completed", dates={"end_date": today})
        case.reload()
        assert case.state == "post_programme" and case.fields.get("partner_risk_change") == "increased"

        # Post-programme work, the second and third evaluation measures, and closure.
        for key, answers in (("feedback_sheet", sample("feedback_sheet")),
                             ("evaluation_measures", {**sample("evaluation_measures"), "stage": "end_of_programme"})):
            journey.start_from(om, path)
            fill_form(journey, om, case, key, answers)
        act(journey, om, path, "Post-programme work completed",
            confirms=("The second evaluation measures were completed at the end", "The final review has been held",
                      "Preventing re-offending sessions 1 to 4 have been held"))
        journey.start_from(om, path)
        fill_form(journey, om, case, "evaluation_measures", {**sample("evaluation_measures"),
                                                              "stage": "six_months_after"})
        act(journey, om, path, "Third evaluation measures done – close", dates={"third_measures_date": today},
            choices=("Programme completed",))
        case.reload()
        assert case.status == "closed" and case.outcome == "completed"

        # What the partner said stays on the partner record: never on the offender's case.
        journey.go(om, path)
        assert PARTNER_NOTE not in om.content()
        journey.go(mgr, f"{path}/history")
        assert "Third evaluation measures done – close" in mgr.content()
        journey.go(mgr, "/reports")
        assert journey.visited > 40
    finally:
        journey.close()
