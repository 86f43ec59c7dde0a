"""Demo cases for the demo team: fictional people at every stage of the DAO pathway, made through the services.

Each case is walked through the real steps (referral, triage, allocation, forms, sessions) at earlier times, so
its history, deadlines and notifications are what the pathway itself produces. Form answers come from the sample
answer sets shipped with the tests, with the demo person's name put in.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from models.case import Case
from models.user import User
from services import partner, referrals
from services.cases import fire_transition
from services.form_definitions import sync_forms
from services.sessions import record_session
from services.submissions import countersign_submission, save_draft, start_submission, submit_submission
from services.workflow_store import latest_definition, sync_workflows
from workflows.intake import referral_form_keys

SAMPLE_ANSWERS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "answers"
REFERRAL_FORMS = ("request_for_service", "screening", "consent")
ASSESSMENT_FORMS = ("hra_why_engaging", "hra_expectations_goals", "hra_self_assessment", "hra_risk_needs",
                    "hra_relationship_health_check", "hra_behaviour_inventory", "hra_self_control", "sara",
                    "risk_assessment_confidential")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NAME_KEYS = ("person_name", "parent_name", "participant_name", "accused_name", "client_name")
DOB_KEYS = ("person_dob", "parent_dob", "participant_dob", "accused_dob")
STREETS = ("Willow Road", "Station Street", "Mill Lane", "Church View", "Orchard Close", "Park Terrace")
# (name, date of birth, children, the stage to reach, days ago the referral was sent)
PEOPLE = [
    ("Liam Carter", date(1991, 5, 2), [("Ruby Carter", date(2019, 8, 14))], "received", 1),
    ("Marcus Bell", date(1985, 11, 20), [("Evie Bell", date(2015, 3, 9)), ("Max Bell", date(2018, 6, 1))],
     "consultation", 6),
    ("Paul Ward", date(1979, 2, 11), [("Sophie Ward", date(2012, 1, 30))], "not_accepted", 9),
    ("Ryan Doyle", date(1993, 9, 7), [("Harry Doyle", date(2021, 4, 22))], "allocated", 12),
    ("Daniel Marsh", date(1988, 3, 14), [("Ella Marsh", date(2018, 5, 3)), ("Noah Marsh", date(2021, 10, 8))],
     "risk_assessment", 26),
    ("Kieran Walsh", date(1990, 7, 25), [("Isla Walsh", date(2017, 12, 12))], "action_plan", 48),
    ("Tom Fletcher", date(1987, 1, 18), [("Alfie Fletcher", date(2014, 9, 2))], "intervention", 90),
    ("Aaron Price", date(1983, 4, 5), [("Mia Price", date(2013, 7, 19))], "reporting", 150),
    ("Steven Grant", date(1980, 12, 1), [("Leo Grant", date(2011, 2, 27))], "closed", 210),
    ("Jason Hughes", date(1995, 6, 30), [("Poppy Hughes", date(2022, 3, 5))], "waiting_list", 20),
]


class _Clock:
    """Hand out moments some hours apart, in office hours on weekdays and before `limit`, always in order."""

    def __init__(self, start: datetime, limit: datetime):
        self.at, self.limit = start, limit

    def tick(self, hours: float = 20) -> datetime:
        at = self.at + timedelta(hours=hours)
        if at.hour >= 17:
            at = (at + timedelta(days=1)).replace(hour=9, minute=at.minute)
        elif at.hour < 9:
            at = at.replace(hour=9)
        while at.weekday() >= 5:
            at += timedelta(days=1)
        self.at = at if at < self.limit else self.at + timedelta(minutes=5)
        return self.at


def _dated(value, day: str):
    """Return the sample answers with every recent date moved to `day` (the samples were written in 2024-26)."""
    if isinstance(value, dict):
        return {k: _dated(v, day) for k, v in value.items()}
    if isinstance(value, list):
        return [_dated(v, day) for v in value]
    if isinstance(value, str) and ISO_DATE.fullmatch(value) and value >= "2023-01-01":
        return day
    return value


def _answers(key: str, person: tuple, worker: User, at: datetime) -> dict:
    name, born, children, *_ = person
    data = _dated(json.loads((SAMPLE_ANSWERS / f"{key}.json").read_text(encoding="utf-8")), at.date().isoformat())
    for field in NAME_KEYS:
        if field in data:
            data[field] = name
    for field in DOB_KEYS:
        if field in data:
            data[field] = born.isoformat()
    if key == "request_for_service":
        i = [p[0] for p in PEOPLE].index(name)
        data["person_address"] = f"{12 + 7 * i} {STREETS[i % len(STREETS)]}\nNorthtown\nNT{i + 1} 4QA"
        data["children"] = [{"child_name": n, "child_dob": d.isoformat()} for n, d in children]
        data.pop("signed_consent_form", None)  # sample files: no such upload is stored
        data.pop("attachments", None)
    if key == "action_plan":
        data["name"] = name
    if key == "risk_assessment_confidential":
        data["children_names"] = ", ".join(n for n, _ in children)
    for value in data.values():
        if isinstance(value, dict) and "full_name" in value and key not in ("consent", "action_plan"):
            value["full_name"] = worker.name
    return data


def _fill(case, key, person, actor, at, *, submit=True):
    sub = start_submission(case, key, actor=actor, now=at)
    sub, _ = save_draft(sub, _answers(key, person, actor, at), revision=sub.revision, actor=actor, now=at)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=at) if submit else sub


def _session(case, actor, at, session_type, attendance, number=None, flags=()):
    record_session(case, {"date": at.date().isoformat(), "session_type": session_type, "attendance": attendance,
                          "number": str(number or ""), "flags": list(flags)}, actor=actor, now=at)


def _demo_pathway(referrer) -> str:
    """Return the pathway the demo's referrals go to: the one referred to with exactly the demo's referral forms."""

    return next(key for key in referrals.referral_services(referrer)
                if set(referral_form_keys(latest_definition(key))) == set(REFERRAL_FORMS))


def _build(person, users, now: datetime) -> Case:
    target, days = person[3], person[4]
    clock = _Clock(now - timedelta(days=days), limit=now - timedelta(hours=1))
    referrer, manager, worker = users["referrer"], users["manager"], users["practitioner"]
    case = referrals.start_referral(workflow_key=_demo_pathway(referrer), actor=referrer, team="north", now=clock.at)
    for key in REFERRAL_FORMS:
        _fill(case, key, person, referrer, clock.tick(0.2))
    case = referrals.submit_referral(case, actor=referrer, now=clock.tick(0.1))

    def step(name, actor, hours=20, **inputs):
        return fire_transition(case, name, inputs, actor=actor, now=clock.tick(hours))

    if target == "received":
        return case
    if target == "not_accepted":
        return step("not_accept", manager, reason="He is already on the probation programme for this behaviour; "
                    "the probation officer will share the risk information.", consultation_offered="yes")
    case = step("acknowledge", manager, next_steps="A DAO will call you to arrange a case consultation.")
    case = step("arrange_consultation", manager, consultation_date=clock.at.date().isoformat())
    if target == "consultation":
        return case
    case = step("accept", manager, notes="Risk assessment, then one-to-one work if suitable")
    if target == "waiting_list":
        # The team was full when it was accepted: for a moment, nobody has room.
        held = {u.pk: u.capacity for u in User.objects(team="north", roles="practitioner")}
        User.objects(team="north", roles="practitioner").update(set__capacity=0)
        try:
            return step("add_to_waiting_list", manager)
        finally:
            for pk, capacity in held.items():
                User.objects(pk=pk).update_one(set__capacity=capacity)
    case = step("allocate", manager, assignee=str(worker.pk))
    if target == "allocated":
        return case
    case = step("begin_assessment", worker, first_meeting=clock.tick(30).date().isoformat())
    _session(case, worker, clock.tick(24), "assessment", "attended", 1)
    for key in ASSESSMENT_FORMS if target != "risk_assessment" else ASSESSMENT_FORMS[:4]:
        _fill(case, key, person, worker, clock.tick(6))
    if target == "risk_assessment":
        _fill(case, "sara", person, worker, clock.tick(3), submit=False)
        _fill(case, "risk_assessment_confidential", person, worker, clock.tick(3))
        _partner_work(case, users, clock)
        return case
    risk = _fill(case, "risk_assessment", person, worker, clock.tick(8))
    countersign_submission(risk, actor=manager, now=clock.tick(20), comment="Agreed. High risk to the children.")
    case = step("further_work_needed", worker)
    if target == "action_plan":
        return case
    _fill(case, "action_plan", person, worker, clock.tick(30))
    case = step("start_intervention", worker, intervention="one_to_one")
    marks = ["attended", "attended", "unacceptable_absence", "late", "attended", "attended"]
    for number, attendance in enumerate(marks, 1):
        _session(case, worker, clock.tick(24 * 7), "individual", attendance, number)
    if target == "intervention":
        return case
    case = step("finish_intervention", worker, hours=48)
    report = _fill(case, "post_intervention_report", person, worker, clock.tick(30))
    if target == "reporting":
        return case
    countersign_submission(report, actor=manager, now=clock.tick(24))
    return step("close", manager, outcome="completed", summary="The work is complete; the plan is stepped down.")


def _partner_work(case, users, clock) -> None:
    """Allocate the partner's record, log contacts and pass on a risk update (what a partner worker does)."""
    linked = Case.objects(parent_case_id=case.pk, kind="partner").first()
    if linked is None or users.get("partner") is None:
        return
    worker = users["partner"]
    linked = partner.take_partner_action(linked, "allocate", {"assignee": str(worker.pk)}, event=False,
                                         actor=users["manager"], now=clock.tick(2))
    partner.update_partner_details(linked, {"name": "Joanne Reed", "safe_contact": "Mobile, weekdays 10am to "
                                            "2pm only. Do not leave messages."}, actor=worker, now=clock.tick(1))
    partner.record_partner_contact(linked, {"date": clock.tick(20).date().isoformat(), "method": "phone",
                                            "outcome": "no_answer"}, actor=worker, now=clock.at)
    partner.record_partner_contact(linked, {
        "date": clock.tick(26).date().isoformat(), "method": "phone", "outcome": "spoke",
        "notes": "Safety plan reviewed. She says he has been calm at home but checks her phone most evenings."},
        actor=worker, now=clock.at)
    partner.take_partner_action(linked, "partner_risk_update", {"risk_change": "no_change"}, event=True,
                                actor=worker, now=clock.tick(1))


def load_demo_cases(*, now: datetime) -> str:
    """Create the demo team's sample cases once; return a one-line summary."""
    emails = {"referrer": "referrer@demo.pathway", "manager": "manager@demo.pathway",
              "practitioner": "practitioner@demo.pathway", "partner": "partner@demo.pathway"}
    users = {role: User.objects(email=email).first() for role, email in emails.items()}
    if any(users[r] is None for r in ("referrer", "manager", "practitioner")):
        return "no demo cases (the demo users are missing)"
    if Case.objects(referrer_id=str(users["referrer"].pk)).first():
        return "demo cases already loaded"
    if not SAMPLE_ANSWERS.is_dir():
        return "no demo cases (the sample answers in tests/fixtures/answers are missing)"
    sync_workflows(now=now)
    sync_forms(now=now)
    made = [_build(person, users, now) for person in PEOPLE]
    extra = 0
    if users.get("partner") is not None:
        from services.demo_programmes import load_programme_cases  # it builds on this module's helpers

        extra = load_programme_cases(users, now=now)
    return f"{len(made) + extra} demo cases"
