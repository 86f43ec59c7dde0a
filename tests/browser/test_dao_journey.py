"""The whole DAO pathway through the UI in headless Chromium, with axe-core on every page visited.

A referrer refers with consent; a manager accepts and allocates; the practitioner completes the risk assessment
(with its confidential record), the SARA and the action plan, records sessions and writes the post-intervention
report; the manager countersigns and closes; the referrer sees only the statuses, never the content.
Form pages are filled from the sample answer sets (typed into the page's own inputs, or added to the page's form
where the page has no input for them yet, such as a second repeater row), then sent with the page's own buttons.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from forms.widgets import html_value
from models.case import Case
from services.submissions.definitions import compiled_form, get_form
from tests.browser.journey_steps import Journey
from tests.browser_fixtures import start_form_if_asked

pytestmark = pytest.mark.browser

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"
PERSON = "Daniel Okafor-Reeve"
CONFIDENTIAL = "She disclosed that he tracks her phone and has threatened to take the children abroad."
HRA = ("hra_why_engaging", "hra_expectations_goals", "hra_self_assessment", "hra_risk_needs",
       "hra_relationship_health_check", "hra_behaviour_inventory", "hra_self_control", "sara")
FILL_SCRIPT = """(pairs) => {
  const form = document.querySelector('main form[method="post"]');
  const wanted = new Map();
  for (const [name, value] of pairs) { if (!wanted.has(name)) wanted.set(name, []); wanted.get(name).push(value); }
  for (const [name, values] of wanted) {
    const inputs = [...form.querySelectorAll(`[name="${CSS.escape(name)}"]`)];
    const boxes = inputs.filter((e) => e.type === 'radio' || e.type === 'checkbox');
    let placed = false;
    if (boxes.length) {
      boxes.forEach((e) => { e.checked = values.includes(e.value); });
      placed = boxes.some((e) => e.checked);
    } else if (inputs.length && inputs[0].tagName === 'SELECT') {
      placed = [...inputs[0].options].some((o) => o.value === values[0]);
      if (placed) inputs[0].value = values[0];
    } else if (inputs.length && inputs[0].type !== 'file') {
      inputs[0].value = values[0];
      placed = true;
    }
    // As if typed: the page's script shows the questions that depend on this answer.
    inputs.forEach((e) => ['input', 'change'].forEach((t) => e.dispatchEvent(new Event(t, {bubbles: true}))));
    if (!placed) {
      for (const value of values) {
        const extra = document.createElement('input');
        Object.assign(extra, {type: 'hidden', name, value});
        form.appendChild(extra);
      }
    }
  }
}"""


def sample(key: str) -> dict:
    return json.loads((ANSWERS / f"{key}.json").read_text())


def _has_file(value) -> bool:
    if isinstance(value, dict):
        return "filename" in value or any(_has_file(v) for v in value.values())
    return isinstance(value, list) and any(_has_file(v) for v in value)


def posted(spec, value, name: str):
    """Yield the (input name, value) pairs a page posts for an answer: the inverse of the form's parsing."""
    if spec.widget == "repeater":
        for index, row in enumerate(value):
            for child in spec.children:
                if child.name in row:
                    yield from posted(child, row[child.name], f"{name}-{index}-{child.name}")
    elif spec.widget == "attestation":
        yield f"{name}-full_name", value.get("full_name", "")
        yield from posted(type("D", (), {"widget": "date"}), value.get("date", ""), f"{name}-date")
        if value.get("confirmed"):
            yield f"{name}-confirmed", "true"
    elif spec.widget == "date":
        year, month, day = str(value).split("-")
        yield from ((f"{name}-day", str(int(day))), (f"{name}-month", str(int(month))), (f"{name}-year", year))
    elif spec.widget == "checkboxes":
        for item in value:
            yield name, spec.option_for(item).html
    elif spec.widget in ("radios", "select", "scale", "yesno"):
        option = spec.option_for(value)
        yield name, option.html if option else html_value(value)
    elif spec.widget != "file":
        yield name, html_value(value)


def fill_form(journey: Journey, tab, case: Case, key: str, answers: dict) -> None:
    """Open a form from the case, fill every page from the answers, check the answers and submit."""
    tab.locator(f'main a[href$="/forms/{key}"]').first.click()
    start_form_if_asked(tab)
    journey.check(tab)
    found = re.search(rf"/forms/{key}/(\w+)", tab.url)
    assert found, tab.url
    form = compiled_form(get_form(key))
    prefix = f"/cases/{case.pk}/forms/{key}/{found.group(1)}"
    for page in form.pages:
        # "Save and continue" has normally just shown (and checked) this page: it is opened only when it has not.
        if not tab.url.endswith(f"{prefix}/pages/{page.key}"):
            journey.go(tab, f"{prefix}/pages/{page.key}")
        pairs = [pair for spec in page.fields if spec.name in answers and not _has_file(answers[spec.name])
                 for pair in posted(spec, answers[spec.name], spec.name)]
        tab.evaluate(FILL_SCRIPT, pairs)
        journey.click(tab, "button", "Save and continue")
        summary = tab.locator(".govuk-error-summary")
        assert not summary.count(), f"{key}/{page.key}: {summary.first.inner_text()}"
    assert tab.url.endswith("/check"), tab.url
    journey.click(tab, "button", "Submit")
    assert "The form has been submitted" in tab.content()


def referral_status(journey: Journey, tab, reference: str) -> str:
    """Return the status the referrer's list shows for a referral."""
    journey.go(tab, "/referrals")
    row = tab.locator("tr", has_text=reference)
    return row.inner_text()


def test_whole_dao_pathway_through_the_browser(browser, live_server, synced, make_team, make_user):
    make_team(key="north")
    referrer = make_user(roles=["referrer"], team="", name="Harriet Lindqvist", organisation="Children's Services")
    manager = make_user(roles=["manager"], team="north", name="Morgan Manager")
    practitioner = make_user(roles=["practitioner"], team="north", name="Priya Shah")
    journey = Journey(browser, live_server)
    today = date.today()
    try:
        # The referrer makes the referral: Request for Service, screening and consent, then sends it.
        ref = journey.tab(referrer)
        assert ref.get_by_role("heading", level=1).inner_text() == "My referrals"
        journey.click(ref, "link", "Make a referral")
        service = ref.locator('input[name="workflow"][value="dao_pathway"]')
        if service.count() and service.first.get_attribute("type") == "radio":
            service.first.check()  # the referrer's organisation may refer to more than one service
        journey.click(ref, "button", "Start now")
        draft = Case.objects.get(referrer_id=str(referrer.pk))
        tasks = ref.url
        for key in ("request_for_service", "screening", "consent"):
            fill_form(journey, ref, draft, key, sample(key))
            journey.start_from(ref, tasks)
        journey.click(ref, "link", "Check your answers and send")
        journey.click(ref, "button", "Send referral")
        case = Case.objects.get(pk=draft.pk)
        assert case.status == "open" and case.reference in ref.content()
        assert "Received" in referral_status(journey, ref, case.reference)

        # The manager acknowledges, arranges the consultation, accepts and allocates.
        mgr = journey.tab(manager)
        journey.click(mgr, "link", case.reference)
        journey.click(mgr, "link", "Acknowledge the referral")
        journey.click(mgr, "button", "Acknowledge referral")
        journey.click(mgr, "link", "Arrange the case consultation")
        for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
            mgr.fill(f'[name="consultation_date-{part}"]', str(value))
        journey.click(mgr, "button", "Save the date")
        journey.click(mgr, "link", "Accept the referral")
        journey.click(mgr, "button", "Accept referral")
        assert "Accepted" in referral_status(journey, ref, case.reference)
        journey.go(mgr, f"/manager/referrals/{case.pk}")
        journey.click(mgr, "link", "Allocate the case")
        mgr.get_by_label(re.compile("Priya Shah")).first.check()
        journey.click(mgr, "button", "Allocate")
        case.reload()
        assert case.state == "allocated" and case.allocated_to == str(practitioner.pk)
        assert "Allocated" in referral_status(journey, ref, case.reference)

        # The practitioner starts the assessment from their case list.
        pra = journey.tab(practitioner)
        assert pra.get_by_role("heading", level=1).inner_text() == "My cases"
        journey.click(pra, "link", case.reference)
        journey.click(pra, "link", "Start the risk assessment")
        for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
            pra.fill(f'[name="first_meeting-{part}"]', str(value))
        journey.click(pra, "button", "Start assessment")
        assert "Work in progress" in referral_status(journey, ref, case.reference)
        for key in HRA:
            journey.start_from(pra, f"/cases/{case.pk}")
            fill_form(journey, pra, case, key, sample(key))

        # The confidential record is typed in by hand.
        journey.go(pra, f"/cases/{case.pk}")
        pra.locator('main a[href$="/forms/risk_assessment_confidential"]').first.click()
        start_form_if_asked(pra)
        journey.check(pra)
        assert "CONFIDENTIAL – NOT TO BE DISCLOSED TO PERPETRATOR" in pra.content()
        pra.fill('[name="parent_name"]', PERSON)
        for part, value in (("day", "23"), ("month", "7"), ("year", "1989")):
            pra.fill(f'[name="parent_dob-{part}"]', value)
        pra.fill('[name="confidential_information"]', CONFIDENTIAL)
        pra.fill('[name="da_officer-full_name"]', "Priya Shah")
        for field in ("da_officer-date", "assessment_date"):
            for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
                pra.fill(f'[name="{field}-{part}"]', str(value))
        pra.check('[name="da_officer-confirmed"]')
        journey.click(pra, "button", "Save and continue")
        journey.click(pra, "button", "Submit")

        journey.go(pra, f"/cases/{case.pk}")
        fill_form(journey, pra, case, "risk_assessment", {**sample("risk_assessment"), "risk_children": "high"})
        case.reload()
        assert case.risk_level in ("high", "very_high")

        # The manager countersigns the risk assessment from the case page.
        journey.go(mgr, f"/cases/{case.pk}")
        mgr.locator("main .govuk-task-list a", has_text="Risk assessment").first.click()
        journey.check(mgr)
        journey.click(mgr, "button", "Countersign")

        # Action plan, intervention, sessions.
        journey.go(pra, f"/cases/{case.pk}")
        journey.click(pra, "link", "Further work needed – write the action plan")
        journey.click(pra, "button", "Continue to the action plan")
        fill_form(journey, pra, case, "action_plan", sample("action_plan"))
        journey.go(pra, f"/cases/{case.pk}")
        journey.click(pra, "link", "Start the intervention")
        pra.get_by_label("One-to-one work", exact=True).check()
        journey.click(pra, "button", "Start")
        for number, attendance in ((1, "Attended"), (2, "Unacceptable absence"), (3, "Attended late")):
            journey.go(pra, f"/cases/{case.pk}")
            journey.click(pra, "link", "Record a session")
            for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
                pra.fill(f'[name="date-{part}"]', str(value))
            pra.get_by_label("One-to-one session").check()
            pra.fill('[name="number"]', str(number))
            pra.get_by_label(attendance, exact=True).check()
            journey.click(pra, "button", "Record session")
            assert "The session has been recorded" in pra.content()
        assert "Unacceptable absence" in pra.content() and "Attended late" in pra.content()

        # The report, countersigned, and the manager closes the case.
        journey.go(pra, f"/cases/{case.pk}")
        journey.click(pra, "link", "Intervention finished – write the report")
        journey.click(pra, "button", "Continue to the report")
        fill_form(journey, pra, case, "post_intervention_report", sample("post_intervention_report"))
        journey.go(mgr, f"/cases/{case.pk}")
        mgr.locator("main .govuk-task-list a", has_text="Post-intervention report").first.click()
        journey.check(mgr)
        journey.click(mgr, "button", "Countersign")
        journey.go(mgr, f"/cases/{case.pk}")
        journey.click(mgr, "link", "Close the case", exact=True)
        mgr.get_by_label("Work completed").check()
        journey.click(mgr, "button", "Close case")
        case.reload()
        assert case.status == "closed" and case.outcome == "completed"
        journey.go(mgr, f"/cases/{case.pk}/history")
        assert "Close the case" in mgr.content() and "The confidential information record submitted" in mgr.content()

        # The referrer sees the statuses only.
        assert "Closed" in referral_status(journey, ref, case.reference)
        journey.click(ref, "link", case.reference)
        shown = ref.content()
        for secret in (CONFIDENTIAL, sample("risk_assessment_confidential")["confidential_information"][:40],
                       "Spousal Assault", "Action Plan", "Unacceptable absence", "risk of serious harm"):
            assert secret not in shown, secret
        ref.goto(f"/cases/{case.pk}")
        assert CONFIDENTIAL not in ref.content() and PERSON not in ref.content()
        assert journey.visited > 60
    finally:
        journey.close()


def test_case_and_partner_pages_pass_axe_in_every_state_they_show(browser, live_server, synced, make_team,
                                                                    make_user, now):
    from services.partner import records as partner_service
    from tests.http.test_case_pages import fill, make_people, refer, walk

    people = make_people(make_team, make_user)
    case = walk(refer(people, now, person_name="Daniel Marsh", person_dob="1988-03-14"), people, now,
                "risk_assessment")
    fill(case, "hra_why_engaging", people["practitioner"], now)
    fill(case, "risk_assessment_confidential", people["practitioner"], now)
    linked = partner_service.take_partner_action(
        Case.objects.get(parent_case_id=case.pk), "allocate", {"assignee": str(people["partner_worker"].pk)},
        event=False, actor=people["manager"], now=now)
    partner_service.record_partner_contact(linked, {"date": now.date().isoformat(), "method": "phone",
                                                    "outcome": "spoke",
                                                    "notes": CONFIDENTIAL}, actor=people["partner_worker"], now=now)
    journey = Journey(browser, live_server)
    try:
        pra = journey.tab(people["practitioner"])
        for path in ("/cases?scope=team", "/cases?q=marsh", "/cases?q=nobody", "/cases?sort=person&dir=desc&risk=high",
                     f"/cases/{case.pk}", f"/cases/{case.pk}/history", f"/cases/{case.pk}/sessions",
                     f"/cases/{case.pk}/events/escalate_risk", f"/cases/{case.pk}/sessions/new"):
            journey.go(pra, path)
            if path.endswith("/sessions"):
                # The counts' names have the room: at GOV.UK's 30% "Unacceptable absences" broke inside a word.
                shares = pra.evaluate("[...document.querySelectorAll('.pathway-figures .govuk-summary-list__key')]"
                                      ".map(key => key.offsetWidth / key.parentElement.offsetWidth)")
                assert shares and min(shares) > 0.6, shares
        journey.click(pra, "button", "Record session")  # nothing chosen: the error summary and the fields say what
        assert pra.locator(".govuk-error-summary").is_visible() and pra.title().startswith("Error:")
        pra.locator(".govuk-error-summary a").first.click()
        assert pra.evaluate("document.activeElement.name") == "date-day"
        journey.go(pra, f"/cases/{case.pk}/transitions/further_work_needed")
        assert "You cannot do this yet" in pra.content()
        journey.go(pra, f"/cases/{case.pk}")
        pra.get_by_text("Actions not available yet").click()  # the reasons open with the keyboard or a click
        assert pra.get_by_text("must be submitted first").first.is_visible()
        assert CONFIDENTIAL not in pra.content()

        worker = journey.tab(people["partner_worker"])
        for path in (f"/partner/cases/{linked.pk}", f"/partner/cases/{linked.pk}/details",
                     f"/partner/cases/{linked.pk}/events/partner_risk_update",
                     f"/partner/cases/{linked.pk}/linked/escalate_risk", f"/partner/cases/{linked.pk}/contacts/new"):
            journey.go(worker, path)
        journey.click(worker, "button", "Log contact")
        assert worker.title().startswith("Error:")
        journey.go(worker, f"/partner/cases/{linked.pk}")
        assert CONFIDENTIAL in worker.content()

        mgr = journey.tab(people["manager"])
        for path in ("/cases", "/partner", "/partner?status=closed", f"/partner/cases/{linked.pk}",
                     f"/cases/{case.pk}"):
            journey.go(mgr, path)
    finally:
        journey.close()
