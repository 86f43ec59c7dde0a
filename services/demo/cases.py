"""Helpers of the demo's cases: a clock in office hours, sample answers with a demo person's details, form filling.

Each demo case is walked through the real steps at earlier times, so its history, deadlines and notifications are
what the pathway itself produces. Form answers come from the sample answer sets shipped with the tests, with the
demo person's details put in as the plan (services/demo/plans.yaml) says.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from models.user import User
from services.cases.sessions import record_session
from services.submissions.filling import save_draft, start_submission, submit_submission

SAMPLE_ANSWERS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "answers"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Person:
    """A fictional person of the demo, and what the plan puts into their forms."""

    name: str
    born: date
    address: str = ""
    children: list[dict] = field(default_factory=list)
    name_fields: tuple = ()
    dob_fields: tuple = ()
    answers: dict = field(default_factory=dict)  # form key -> {field: value or "@placeholder"}
    person_signs: tuple = ()  # forms whose signature is the person's, not the worker's


class Clock:
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


# The sample answers were written about a few men, their families and their workers: in a demo person's case
# each is that person, his children, his partner (always Sarah Reed) and the demo worker filling the form.
SAMPLE_MEN = ("Daniel Okafor-Reeve", "Daniel Marsh", "Lee Dawson", "Lewis Harcourt", "Marcus Fenwright")
SAMPLE_WORKERS = ("Priya Shah", "Priya Nandakumar", "Priya Castellano", "Joanne Pritchard")
SAMPLE_FAMILY = (("Ella Marsh (7), Noah Marsh (4)", "{children_names}"), ("Ella and Noah", "{children}"),
                 ("Ella", "{child}"), ("Sophie Reed", "Sarah Reed"))


def _replacements(person: Person, worker_name: str) -> list[tuple[re.Pattern, str]]:
    first, _, surname = person.name.partition(" ")
    children = [str(c.get("name", "")).split(" ")[0] for c in person.children if c.get("name")]
    words = {"children_names": ", ".join(str(c.get("name", "")) for c in person.children),
             "children": " and ".join(children) or "the children", "child": children[0] if children else "his child"}
    # The children's names first, before their surname is his: then the workers, the men, the rest of the family.
    family = [(old, new.format(**words)) for old, new in SAMPLE_FAMILY]
    pairs = family[:1] + [(worker, worker_name) for worker in SAMPLE_WORKERS]
    for man in SAMPLE_MEN:
        his_first, _, his_surname = man.partition(" ")
        pairs += [(man, person.name), (f"Mr {his_surname}", f"Mr {surname or first}"), (his_surname, surname or first),
                  (his_first, first)]
    return [(re.compile(("\\b" if old[0].isalnum() else "") + re.escape(old) + ("\\b" if old[-1].isalnum() else "")),
             new) for old, new in pairs + family[1:]]


def _renamed(value, replacements: list[tuple[re.Pattern, str]]):
    """Return the sample answers with the sample people's names made the demo's own, in every text."""
    if isinstance(value, dict):
        return {k: _renamed(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, replacements) for v in value]
    if not isinstance(value, str):
        return value
    for pattern, new in replacements:
        value = pattern.sub(lambda _match, new=new: new, value)
    return value


def _value(spec, person: Person):
    """Return what a plan's answer spec stands for: a placeholder, one row per child, or the value itself."""
    if isinstance(spec, dict) and "each_child" in spec:
        return [{name: str(child.get(attr, "")) for name, attr in spec["each_child"].items()}
                for child in person.children]
    placeholders = {"@name": person.name, "@address": person.address,
                    "@children_names": ", ".join(c["name"] for c in person.children)}
    return placeholders.get(spec, spec) if isinstance(spec, str) else spec


def answers(key: str, person: Person, worker: User, at: datetime) -> dict:
    """Return the sample answers of form `key` with the person's details and the worker's signature put in."""
    data = _renamed(_dated(json.loads((SAMPLE_ANSWERS / f"{key}.json").read_text(encoding="utf-8")),
                           at.date().isoformat()), _replacements(person, worker.name))
    for name in person.name_fields:
        if name in data:
            data[name] = person.name
    for name in person.dob_fields:
        if name in data:
            data[name] = person.born.isoformat()
    for name, spec in (person.answers.get(key) or {}).items():
        if spec is None:
            data.pop(name, None)  # the sample's upload is not stored in the demo
        else:
            data[name] = _value(spec, person)
    if key not in person.person_signs:
        for value in data.values():
            if isinstance(value, dict) and "full_name" in value:
                value["full_name"] = worker.name
    return data


def fill(case, key: str, person: Person, actor, at: datetime, *, submit: bool = True):
    """Start form `key` on the case, save the person's sample answers and submit it unless told to leave a draft."""
    sub = start_submission(case, key, actor=actor, now=at)
    sub, _ = save_draft(sub, answers(key, person, actor, at), revision=sub.revision, actor=actor, now=at)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=at) if submit else sub


def session(case, actor, at: datetime, session_type: str, attendance: str, number=None) -> None:
    """Record one session of the case."""
    record_session(case, {"date": at.date().isoformat(), "session_type": session_type, "attendance": attendance,
                          "number": str(number or ""), "flags": []}, actor=actor, now=at)
