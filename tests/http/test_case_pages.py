"""The practitioner's case pages through the Flask client: lists, search, the case page, actions, sessions."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from clock import utcnow
from models.case import Case, CaseSession
from models.form import Submission
from services.cases import transitions as case_service
from services.referrals import portal as referrals
from services.submissions.definition_files import FORMS_DIR, sync_forms
from services.submissions.definitions import form_for
from services.submissions.filling import save_draft, start_submission, submit_submission
from tests.conftest import NOW, new_team, new_user, sign_in
from tests.module_data import copy_in

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"
CONFIDENTIAL_TEXT = "followed her to work on two occasions"
HRA = ("hra_why_engaging", "hra_expectations_goals", "hra_self_assessment", "hra_risk_needs",
       "hra_relationship_health_check", "hra_behaviour_inventory", "hra_self_control", "sara")
# The transitions that take a fresh referral to each state, with their inputs.
WALK = [
    ("acknowledge", "manager", {}),
    # Dated the day of the referral (the fixed now): neither before it nor, for the meeting, in the future.
    ("arrange_consultation", "manager", {"consultation_date": "2026-11-24"}),
    ("accept", "manager", {}),
    ("allocate", "manager", {"assignee": "practitioner"}),
    ("begin_assessment", "practitioner", {"first_meeting": "2026-11-24"}),
]


def answers(key: str) -> dict:
    return json.loads((ANSWERS / f"{key}.json").read_text())


def fill(case, key, actor, now, overrides=None, submit=True):
    """Start a form, save the fixture answers and (by default) submit it."""
    sub = start_submission(case, key, actor=actor, now=now)
    sub, _ = save_draft(sub, {**answers(key), **(overrides or {})}, revision=sub.revision, actor=actor, now=now)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=now) if submit else sub


def refer(people, now, **person):
    """Send a complete referral as the team's referrer; return the open case."""
    case = referrals.start_referral(workflow_key="dao_pathway", actor=people["referrer"], team="north", now=now)
    for key in ("request_for_service", "screening", "consent"):
        fill(case, key, people["referrer"], now, person if key == "request_for_service" else None)
    return referrals.submit_referral(case, actor=people["referrer"], now=now)


def walk(case, people, now, to: str):
    """Fire the pathway's transitions until the case reaches `to`."""
    for name, who, inputs in WALK:
        if case.state == to:
            break
        inputs = {k: str(people[v].pk) if v in people else v for k, v in inputs.items()}
        case = case_service.fire_transition(case, name, inputs, actor=people[who], now=now)
    assert case.state == to
    return case


def make_people(make_team, make_user) -> dict:
    """Create two teams and one user per role (and an outsider practitioner and manager in the other team)."""
    make_team(key="north")
    make_team(key="south", name="South Team")
    return {
        "referrer": make_user(roles=["referrer"], team="", organisation="Children's Services", name="Rita Referrer"),
        "manager": make_user(roles=["manager"], team="north", name="Morgan Manager"),
        "practitioner": make_user(roles=["practitioner"], team="north", name="Priya Practitioner"),
        "colleague": make_user(roles=["practitioner"], team="north", name="Colin Colleague"),
        "partner_worker": make_user(roles=["partner_worker"], team="north", name="Pat Partner"),
        "auditor": make_user(roles=["auditor"], team="", name="Alex Auditor"),
        "admin": make_user(roles=["admin"], team="", name="Ada Admin"),
        "outsider": make_user(roles=["practitioner"], team="south", name="Sol South"),
        "south_manager": make_user(roles=["manager"], team="south", name="Sue South"),
    }


@pytest.fixture(scope="module")
def staff_snapshot(synced_builder):
    return synced_builder(lambda: {"people": make_people(new_team, new_user)})


@pytest.fixture(scope="module")
def assessed_snapshot(synced_builder):
    def build():
        people = make_people(new_team, new_user)
        case = walk(refer(people, NOW, person_name="Daniel Marsh", person_dob="1988-03-14"), people, NOW,
                    "risk_assessment")
        return {"people": people, "case": case.pk}

    return synced_builder(build)


@pytest.fixture
def people(synced, request, staff_snapshot, assessed_snapshot):
    """Two teams and a user per role, with the `assessed` case when the test asks for it (each built once)."""
    return copy_in(assessed_snapshot if "assessed" in request.fixturenames else staff_snapshot)["people"]


@pytest.fixture
def assessed(people, assessed_snapshot):
    """A DAO case in the risk assessment, allocated to the practitioner."""
    return Case.objects.get(pk=assessed_snapshot.result["case"])


def text(response) -> str:
    return response.get_data(as_text=True)


def test_my_cases_lists_only_the_practitioners_cases(client, people, assessed, now):
    other = walk(refer(people, now, person_name="Oliver Other"), {**people, "practitioner": people["colleague"]},
                 now, "allocated")
    sign_in(client, people["practitioner"])
    page = text(client.get("/cases"))
    assert "<h1 class=\"govuk-heading-l\">My cases</h1>" in page
    assert assessed.reference in page and "Daniel Marsh" in page and "Risk assessment" in page
    assert other.reference not in page
    assert "Risk assessment</span>" in page  # the next deadline names the 6-week risk assessment
    team = text(client.get("/cases?scope=team"))
    assert "Team cases" in team and other.reference in team and "Colin Colleague" in team


def test_managers_and_auditors_see_cases_headed_cases(client, people, assessed):
    for role in ("manager", "auditor"):
        sign_in(client, people[role])
        page = text(client.get("/cases"))
        assert "<h1 class=\"govuk-heading-l\">Cases</h1>" in page and assessed.reference in page
        assert "Priya Practitioner" in page
    sign_in(client, people["south_manager"])
    assert assessed.reference not in text(client.get("/cases"))


@pytest.mark.parametrize("args, expected", [
    ("sort=person", ["Anna Ash", "Bob Birch", "Cath Cole"]),
    ("sort=person&dir=desc", ["Cath Cole", "Bob Birch", "Anna Ash"]),
    ("sort=risk&dir=desc", ["Bob Birch", "Anna Ash", "Cath Cole"]),
    ("risk=high", ["Bob Birch"]),
    ("risk=none", ["Cath Cole"]),
    ("state=allocated", ["Bob Birch", "Cath Cole", "Anna Ash"]),  # no deadlines: by reference
    ("state=closed", []),
    ("status=closed", []),
])
def test_cases_sort_and_filter(client, people, make_case, args, expected):
    for name, risk in (("Bob Birch", "high"), ("Cath Cole", ""), ("Anna Ash", "medium")):
        make_case(person={"name": name}, state="allocated", allocated_to=people["practitioner"], risk_level=risk)
    sign_in(client, people["practitioner"])
    page = text(client.get(f"/cases?{args}"))
    shown = [n for n in re.findall(r"<td class=\"govuk-table__cell\">([A-Z][a-z]+ [A-Z][a-z]+)", page)]
    assert shown == expected


@pytest.mark.parametrize("query, found", [
    ("marsh", True), ("Daniel M", True), ("daniel   marsh", True), ("14/03/1988", True), ("1988-03-14", True),
    ("14 March 1988", True), ("14 mar 1988", True), ("15/03/1988", False), ("Okafor", False), ("DAO-", True),
    ("m", False), ("(unclosed", False),
])
def test_search_by_reference_name_or_date_of_birth(client, people, make_case, query, found):
    assessed = make_case(person={"name": "Daniel Marsh", "date_of_birth": date(1988, 3, 14)},
                         allocated_to=people["practitioner"], state="risk_assessment")
    sign_in(client, people["colleague"])  # reads the team's cases without working them
    response = client.get("/cases", query_string={"q": query})
    link = f'href="/cases/{assessed.pk}"'
    assert response.status_code == 200
    assert (link in text(response)) is found
    sign_in(client, people["outsider"])
    assert link not in text(client.get("/cases", query_string={"q": query}))
    assert link not in text(client.get("/cases", query_string={"q": assessed.reference}))


def test_search_finds_by_reference(client, people, assessed):
    sign_in(client, people["manager"])
    page = text(client.get("/cases", query_string={"q": assessed.reference.lower()}))
    assert "1 case found" in page and f"/cases/{assessed.pk}" in page


def test_case_page_shows_summary_tasks_actions_and_deadlines(client, people, assessed, now):
    fill(assessed, "hra_why_engaging", people["practitioner"], now)
    fill(assessed, "sara", people["practitioner"], now, submit=False)
    sign_in(client, people["practitioner"])
    response = client.get(f"/cases/{assessed.pk}")
    page = text(response)
    assert response.status_code == 200
    for expected in ("Daniel Marsh", "14 March 1988", "Rita Referrer, Children&#39;s Services", "Priya Practitioner",
                     "Risk assessment", "Not assessed yet", "Forms for this stage", "moj-timeline",
                     "Start the risk assessment", "Deadlines", "Record a session", "Partner support"):
        assert expected in page, expected
    tasks = page.split('id="tasks-heading"')[1].split("</ul>")[0]
    assert re.search(r"“Why am I engaging\?” workbook</a>.*?Completed", tasks, re.S)
    assert re.search(r"SARA</a>.*?In progress", tasks, re.S)
    assert re.search(r"Self-Assessment Questionnaire</a>.*?Not started", tasks, re.S)
    assert re.search(r"Risk assessment audit</div>.*?Completed by a team manager.*?Cannot start yet", tasks, re.S)
    assert "Confidential information record" in tasks
    # Not yet possible: the reasons are given.
    assert "Actions not available yet" in page and "must be submitted first" in page


def test_task_list_includes_published_forms_carrying_the_states_tags(client, people, assessed, now, tmp_path):
    extra = json.loads((FORMS_DIR / "hra_self_control.json").read_text())
    extra.update(key="extra_workbook", title="Extra reflection workbook", tags=["dao_assessment"])
    (tmp_path / "extra_workbook.json").write_text(json.dumps(extra))
    sync_forms(tmp_path, now=now)
    sign_in(client, people["practitioner"])
    tasks = text(client.get(f"/cases/{assessed.pk}")).split('id="tasks-heading"')[1].split("</ul>")[0]
    assert re.search(r'/forms/extra_workbook"[^>]*>Extra reflection workbook</a>.*?Optional.*?Not started', tasks, re.S)
    allocated = walk(refer(people, now), people, now, "allocated")
    tasks = text(client.get(f"/cases/{allocated.pk}")).split('id="tasks-heading"')[1].split("</ul>")[0]
    assert "Extra reflection workbook" not in tasks  # the allocated stage takes no tagged forms


def test_team_reader_sees_no_confidential_task_or_history_and_no_actions(client, people, assessed, now):
    fill(assessed, "risk_assessment_confidential", people["practitioner"], now)
    sign_in(client, people["colleague"])
    page = text(client.get(f"/cases/{assessed.pk}"))
    assert "You can read this case but not change it" in page
    assert "Confidential information record" not in page and "Record a session" not in page
    sign_in(client, people["practitioner"])
    page = text(client.get(f"/cases/{assessed.pk}/history"))
    assert "The confidential information record submitted" in page and "govuk-tag--red\">Confidential" in page
    sign_in(client, people["colleague"])
    history = text(client.get(f"/cases/{assessed.pk}/history"))
    assert "Confidential information record" not in history and "Referral sent" in history
    assert CONFIDENTIAL_TEXT not in history


def test_action_page_shows_copy_and_refuses_missing_inputs(client, people, now):
    case = walk(refer(people, now), people, now, "accepted")
    sign_in(client, people["manager"])
    url = f"/cases/{case.pk}/transitions/allocate"
    page = text(client.get(url))
    assert "Allocate the case" in page and "The 6-week risk assessment deadline starts now" in page
    assert "Priya Practitioner" in page and "0 open cases of 15" in page
    response = client.post(url, data={})
    assert response.status_code == 422
    assert "govuk-error-summary" in text(response) and 'href="#assignee"' in text(response)
    assert Case.objects.get(pk=case.pk).state == "accepted"
    response = client.post(url, data={"assignee": str(people["outsider"].pk)})
    assert response.status_code == 422 and "Choose one of the people listed" in text(response)
    response = client.post(url, data={"assignee": str(people["practitioner"].pk)})
    assert response.status_code == 302
    case.reload()
    assert case.state == "allocated" and case.allocated_to == str(people["practitioner"].pk)
    assert "Done: Allocate to a DAO" in text(client.get(f"/cases/{case.pk}"))
    assert "DAO to allocate the case to: Priya Practitioner" in text(client.get(f"/cases/{case.pk}/history"))


def test_action_with_a_date_and_a_typed_reason_keeps_what_was_typed(client, people, now):
    case = walk(refer(people, now), people, now, "allocated")
    sign_in(client, people["practitioner"])
    url = f"/cases/{case.pk}/transitions/begin_assessment"
    response = client.post(url, data={"first_meeting-day": "31", "first_meeting-month": "2",
                                      "first_meeting-year": "2026"})
    assert response.status_code == 422
    assert "must be a real date" in text(response) and 'value="31"' in text(response)
    assert 'href="#first_meeting-day"' in text(response)
    future = utcnow().date() + timedelta(days=3)  # the pages check against the real clock
    response = client.post(url, data={"first_meeting-day": future.day, "first_meeting-month": future.month,
                                      "first_meeting-year": future.year})
    assert response.status_code == 422 and "must be today or in the past" in text(response)
    # Nor before the referral (the fixed now, 24 November 2026).
    response = client.post(url, data={"first_meeting-day": "23", "first_meeting-month": "11",
                                      "first_meeting-year": "2026"})
    assert response.status_code == 422 and "must be on or after 24 November 2026" in text(response)
    assert 'value="23"' in text(response)  # what was typed is kept
    response = client.post(url, data={"first_meeting-day": "25", "first_meeting-month": "11",
                                      "first_meeting-year": "2026"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).fields["first_meeting_date"] == "2026-11-25"


def test_a_practitioner_s_risk_mix_reads_in_welsh_highest_first(client, people, now, make_case):
    for level in ("low", None, "high"):
        make_case(allocated_to=people["practitioner"], **({"risk_level": level} if level else {}))
    case = walk(refer(people, now), people, now, "accepted")
    sign_in(client, people["manager"])
    english = text(client.get(f"/cases/{case.pk}/transitions/allocate"))
    assert "risk: 1 high, 1 low, 1 not assessed" in english
    client.get(f"/language/cy?next=/cases/{case.pk}")
    welsh = text(client.get(f"/cases/{case.pk}/transitions/allocate"))
    assert "1 uchel, 1 isel, 1 heb ei asesu" in welsh and "not assessed" not in welsh


@pytest.mark.parametrize("who, name, status", [
    ("practitioner", "further_work_needed", 403),  # forms missing: the page says why
    ("practitioner", "withdraw", 403),  # a manager's step
    ("practitioner", "no_such_step", 404),
    ("manager", "allocate", 409),  # a step of its pathway, not from this state: the case has moved on
])
def test_action_not_available_says_why(client, people, assessed, who, name, status):
    sign_in(client, people[who])
    response = client.get(f"/cases/{assessed.pk}/transitions/{name}")
    # Opened when the case has moved on: back to the case, which says so; sent then, a conflict (below).
    assert response.status_code == (302 if status == 409 else status)
    if name == "further_work_needed":
        assert "You cannot do this yet" in text(response) and "must be submitted first" in text(response)
    if name == "withdraw":
        assert "Only a team manager can do this" in text(response)
    assert client.post(f"/cases/{assessed.pk}/transitions/{name}").status_code == status
    assert Case.objects.get(pk=assessed.pk).state == "risk_assessment"


def test_a_step_sent_from_a_page_opened_before_the_case_closed_is_a_conflict_that_shows_what_was_typed(
        client, people, assessed):
    sign_in(client, people["practitioner"])
    url = f"/cases/{assessed.pk}/events/escalate_risk"
    assert client.get(url).status_code == 200
    Case.objects(pk=assessed.pk).update_one(set__status="closed", set__state="closed")  # closed meanwhile
    response = client.post(url, data={"reason": "He turned up at her work this morning"})
    page = text(response)
    assert response.status_code == 409 and "may have moved on or been closed since you opened the page" in page
    assert "reason: He turned up at her work this morning" in page
    assert "risk_escalated" not in Case.objects.get(pk=assessed.pk).fields
    # Not "changed by someone else" (it may well have been this user), and a way back to the case.
    html = response.get_data(as_text=True)
    assert "<title>This action cannot be taken now" in html and "This was changed by someone else" not in html
    assert f'href="/cases/{assessed.pk}">Go back to the case</a>' in html


def test_opening_a_step_no_longer_open_leads_back_to_the_case_saying_so(client, people, assessed):
    sign_in(client, people["practitioner"])
    url = f"/cases/{assessed.pk}/events/escalate_risk"
    Case.objects(pk=assessed.pk).update_one(set__status="closed", set__state="closed")  # e.g. Back after closing
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{assessed.pk}"
    shown = text(client.get(response.headers["Location"]))
    assert "may have moved on or been closed since you opened the page" in shown


def test_event_page_records_an_event(client, people, assessed):
    sign_in(client, people["practitioner"])
    url = f"/cases/{assessed.pk}/events/escalate_risk"
    assert "Escalate an increase in risk" in text(client.get(url))
    assert client.post(url, data={"reason": "  "}).status_code == 422
    assert client.post(url, data={"reason": "New police call-out"}).status_code == 302
    assert Case.objects.get(pk=assessed.pk).fields["risk_escalated"] is True
    assert "What has changed: New police call-out" in text(client.get(f"/cases/{assessed.pk}/history"))


def test_record_a_session(client, people, assessed, now):
    sign_in(client, people["practitioner"])
    url = f"/cases/{assessed.pk}/sessions/new"
    assert "Record a session" in text(client.get(url))
    response = client.post(url, data={"notes": "Talked about triggers", "session_type": "individual"})
    assert response.status_code == 422
    page = text(response)
    assert "Enter the date of the session" in page and "Select the attendance" in page
    assert "Talked about triggers" in page and 'value="individual" checked' in page
    day = now.date()
    response = client.post(url, data={"date-day": day.day, "date-month": day.month, "date-year": day.year,
                                      "session_type": "individual", "attendance": "late", "number": "2",
                                      "flags": ["concern"], "notes": "Talked about triggers"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{assessed.pk}/sessions")
    session = CaseSession.objects.get(case_id=assessed.pk)
    assert (session.date, session.attendance, session.number, session.flags) == (day, "late", 2, ["concern"])
    page = text(client.get(response.headers["Location"]))
    assert "Attended late" in page and "Concern about behaviour" in page and "Talked about triggers" in page
    overview = text(client.get(f"/cases/{assessed.pk}"))
    assert "Attended: 1 (late: 1)" in overview
    # A catch-up he attended is a session attended: in the total, and counted on its own too.
    CaseSession(case_id=assessed.pk, date=day, session_type="catch_up", number=3, attendance="attended",
                catch_up=True, recorded_at=now).save()
    page = text(client.get(response.headers["Location"]))
    assert re.search(r"Attended \(including late and catch-ups\)</dt>\s*<dd[^>]*>2<", page)
    assert re.search(r"Catch-up sessions attended</dt>\s*<dd[^>]*>1<", page)


def test_closed_case_page_has_no_actions(client, people, now):
    case = refer(people, now)
    case = case_service.fire_transition(case, "not_accept", {"reason": "Working with probation",
                                                             "consultation_offered": "no"},
                                        actor=people["manager"], now=now)
    sign_in(client, people["manager"])
    page = text(client.get(f"/cases/{case.pk}"))
    assert "This case is closed." in page and "Not accepted" in page
    assert client.get(f"/cases/{case.pk}/sessions/new").status_code == 403
    assert client.get(f"/cases/{case.pk}/transitions/accept").status_code == 302  # a step it can no longer take
    assert client.post(f"/cases/{case.pk}/transitions/accept").status_code == 409


def test_case_list_shows_overdue_deadlines_in_red(client, people, assessed, now):
    from models.deadline import Deadline

    Deadline.objects(case_id=assessed.pk).update(set__due_at=now - timedelta(days=2))
    sign_in(client, people["practitioner"])
    page = text(client.get("/cases"))
    assert 'class="pathway-overdue">Overdue: ' in page


def test_date_of_birth_search_parsing():
    from services.cases.lists import parse_search_date

    assert parse_search_date("1/2/1990") == date(1990, 2, 1)
    assert parse_search_date("31/02/1990") is None
    assert parse_search_date("3 sept 1990") == date(1990, 9, 3)
    assert parse_search_date("3 ju 1990") is None
    assert parse_search_date("marsh") is None


def test_the_forms_list_names_every_form_by_its_title_for_whoever_reads_it(client, people, assessed):
    for who in ("manager", "auditor", "practitioner"):
        sign_in(client, people[who])
        page = text(client.get(f"/cases/{assessed.pk}/submissions"))
        for sub in Submission.objects(case_id=assessed.pk):
            assert f"{form_for(sub).title}</a>" in page, (who, sub.form_key)
            assert f">{sub.form_key}</a>" not in page
