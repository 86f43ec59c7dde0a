"""Load the demo's cases from services/demo/plans.yaml, each walked through the services the pages use."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from models.case import Case
from models.user import User
from services.cases.intake import open_new_case
from services.cases.transitions import fire_transition
from services.demo.cases import SAMPLE_ANSWERS, Clock, Person, fill, session
from services.partner import linked as partner_linked
from services.partner import records as partner
from services.pathways.store import latest_definition
from services.pathways.sync import sync_workflows
from services.referrals import portal as referrals
from services.submissions.definition_files import sync_forms
from services.submissions.filling import countersign_submission
from workflows.intake import referral_form_keys

PLANS = Path(__file__).with_name("plans.yaml")
DEMO_EMAILS = {"referrer": "referrer@demo.pathway", "manager": "manager@demo.pathway",
               "practitioner": "practitioner@demo.pathway", "partner": "partner@demo.pathway"}


class _Walk:
    """One demo case on its way: the case, its person, the demo users, the clock and the forms filled so far."""

    def __init__(self, case: Case, person: Person, users: dict, clock: Clock):
        self.case, self.person, self.users, self.clock, self.filled = case, person, users, clock, {}

    def inputs(self, raw: dict | None, at: datetime) -> dict:
        out = {}
        for key, value in (raw or {}).items():
            if value == "@today":
                value = at.date().isoformat()
            elif isinstance(value, str) and value.startswith("@"):
                value = str(self.users[value[1:]].pk)
            out[key] = value
        return out

    def partner_record(self) -> Case | None:
        if self.users.get("partner") is None:
            return None  # the demo has no partner-support worker to do the partner's side
        return Case.objects(parent_case_id=self.case.pk, kind="partner").first()

    def take(self, step: dict) -> None:
        actor = self.users.get(step.get("as", "practitioner"))
        at = self.clock.tick(20)
        if any(key.startswith("partner_") for key in step):
            self.partner_step(step, actor, at)
        elif "fill" in step:
            for key in step["fill"]:
                self.filled[key] = fill(self.case, key, self.person, actor, self.clock.tick(1),
                                        submit=not step.get("draft"))
        elif "countersign" in step:
            countersign_submission(self.filled[step["countersign"]], actor=actor, now=at,
                                   comment=step.get("comment", ""))
        elif "do" in step or "event" in step:
            self.fire(step, actor, at)
        elif "session" in step:
            marks = step.get("marks") or [step["attendance"]] * int(step.get("count", 1))
            for number, mark in enumerate(marks, 1):
                when = at if number == 1 else self.clock.tick(24 * step.get("every_days", 0) or 1)
                session(self.case, actor, when, step["session"], mark, number)
        self.case.reload()

    def fire(self, step: dict, actor, at: datetime) -> None:
        fire = lambda: fire_transition(self.case, step.get("do") or step["event"],  # noqa: E731
                                       self.inputs(step.get("inputs"), at), actor=actor, now=at,
                                       event="event" in step)
        if not step.get("team_full"):
            fire()
            return
        # The team was full when the step was taken: for a moment, nobody has room.
        team = User.objects(team=self.case.team, roles="practitioner")
        held = {u.pk: u.capacity for u in team}
        team.update(set__capacity=0)
        try:
            fire()
        finally:
            for pk, capacity in held.items():
                User.objects(pk=pk).update_one(set__capacity=capacity)

    def partner_step(self, step: dict, actor, at: datetime) -> None:
        record = self.partner_record()
        if record is None:
            return
        worker = self.users["partner"]
        if "partner_do" in step:
            partner_linked.take_partner_action(record, step["partner_do"], self.inputs(step.get("inputs"), at),
                                        event=bool(step.get("event")), actor=actor, now=at)
            if "details" in step:  # what her worker records of her once the record is hers, in the same step
                partner.update_partner_details(record.reload(), dict(step["details"]), actor=worker, now=at)
        elif "partner_event" in step:
            partner_linked.fire_parent_event(record, step["partner_event"],
                                      self.inputs(step.get("inputs") or {"contact_date": "@today"}, at),
                                      actor=worker, now=at)
        elif "partner_details" in step:
            partner.update_partner_details(record, dict(step["partner_details"]), actor=worker, now=at)
        elif "partner_contact" in step:
            partner.record_partner_contact(record, {"date": at.date().isoformat(), **step["partner_contact"]},
                                           actor=worker, now=at)


def _person(spec: dict, plan: dict, fields: dict) -> Person:
    born = spec["date_of_birth"]
    return Person(name=spec["name"], born=born if isinstance(born, date) else date.fromisoformat(str(born)),
                  address=spec.get("address", ""), children=[dict(c) for c in spec.get("children") or ()],
                  name_fields=tuple(fields.get("name") or ()), dob_fields=tuple(fields.get("date_of_birth") or ()),
                  answers=plan.get("answers") or {}, person_signs=tuple(plan.get("person_signs") or ()))


def _start(plan: dict, person: Person, users: dict, clock: Clock) -> Case:
    """Open the case as staff, or send it as a referral with the intake's referral forms filled."""
    if "refer_as" not in plan:
        return open_new_case(workflow_key=plan["workflow"], actor=users[plan["open_as"]], now=clock.at,
                             person={"name": person.name, "date_of_birth": person.born.isoformat()})
    referrer = users[plan["refer_as"]]
    case = referrals.start_referral(workflow_key=plan["workflow"], actor=referrer, team=referrer_team(users),
                                    now=clock.at)
    for key in referral_form_keys(latest_definition(plan["workflow"])):
        fill(case, key, person, referrer, clock.tick(0.2))
    return referrals.submit_referral(case, actor=referrer, now=clock.tick(0.1))


def referrer_team(users: dict) -> str:
    """Return the demo team the referrals go to: the demo manager's."""
    return users["manager"].team


def load_demo_cases(*, now: datetime) -> str:
    """Create the demo team's sample cases once; return a one-line summary."""
    users = {alias: User.objects(email=email).first() for alias, email in DEMO_EMAILS.items()}
    if any(users[a] is None for a in ("referrer", "manager", "practitioner")):
        return "no demo cases (the demo users are missing)"
    if Case.objects(team=users["manager"].team, kind="perpetrator").first():
        return "demo cases already loaded"
    if not SAMPLE_ANSWERS.is_dir():
        return "no demo cases (the sample answers in tests/fixtures/answers are missing)"
    sync_workflows(now=now)
    sync_forms(now=now)
    data = yaml.safe_load(PLANS.read_text(encoding="utf-8"))
    made = 0
    for plan in data["plans"]:
        for spec in plan["people"]:
            person = _person(spec, plan, data.get("person_fields") or {})
            clock = Clock(now - timedelta(days=spec["days_ago"]), limit=now - timedelta(hours=1))
            walk = _Walk(_start(plan, person, users, clock), person, users, clock)
            for step in plan["steps"][:spec["steps"]] + list(spec.get("then") or ()):
                walk.take(step)
            made += 1
    return f"{made} demo cases"
