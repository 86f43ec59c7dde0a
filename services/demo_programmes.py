"""Demo cases on the pathways other than the referral one, run from services/demo_plans.yaml through the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from models.case import Case
from services import partner
from services.cases import fire_transition
from services.demo_cases import _Clock, _fill, _session
from services.intake import open_new_case

PLANS = Path(__file__).with_name("demo_plans.yaml")


def _inputs(raw: dict, users: dict, at: datetime) -> dict:
    out = {}
    for key, value in (raw or {}).items():
        if value == "@today":
            value = at.date().isoformat()
        elif isinstance(value, str) and value.startswith("@"):
            value = str(users[value[1:]].pk)
        out[key] = value
    return out


def _partner_record(case: Case) -> Case | None:
    return Case.objects(parent_case_id=case.pk, kind="partner").first()


def _step(case: Case, step: dict, person: tuple, users: dict, clock) -> Case:

    actor = users.get(step.get("as", "practitioner"))
    at = clock.tick(20)
    if "fill" in step:
        for key in step["fill"]:
            _fill(case, key, person, actor, clock.tick(1))
    elif "do" in step or "event" in step:
        case = fire_transition(case, step.get("do") or step["event"], _inputs(step.get("inputs"), users, at),
                               actor=actor, now=at, event="event" in step)
    elif "session" in step:
        for number in range(1, int(step.get("count", 1)) + 1):
            _session(case, actor, clock.tick(1) if number > 1 else at, step["session"], step["attendance"], number)
    elif "partner_do" in step:
        record = _partner_record(case)
        if record is not None:
            partner.take_partner_action(record, step["partner_do"], _inputs(step.get("inputs"), users, at),
                                        event=False, actor=actor, now=at)
    elif "partner_event" in step:
        record = _partner_record(case)
        if record is not None:
            record.reload()
            partner.fire_parent_event(record, step["partner_event"],
                                      _inputs(step.get("inputs") or {"contact_date": "@today"}, users, at),
                                      actor=users["partner"], now=at)
    case.reload()
    return case


def load_programme_cases(users: dict, *, now: datetime) -> int:
    """Open the demo cases of every plan, each taken as far as its person's number of steps; return how many."""

    made = 0
    for plan in yaml.safe_load(PLANS.read_text(encoding="utf-8")):
        for spec in plan["people"]:
            born = spec["date_of_birth"]
            born = born if isinstance(born, date) else date.fromisoformat(str(born))
            clock = _Clock(now - timedelta(days=spec["days_ago"]), limit=now - timedelta(hours=1))
            case = open_new_case(workflow_key=plan["workflow"], actor=users[plan["open_as"]], now=clock.at,
                                 person={"name": spec["name"], "date_of_birth": born.isoformat()})
            person = (spec["name"], born, [], "", 0)
            for step in plan["steps"][:spec["steps"]]:
                case = _step(case, step, person, users, clock)
            made += 1
    return made
