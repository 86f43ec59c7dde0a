"""Check a workflow file against workflows/schema.json, with messages that say what to write instead."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from jsonschema import Draft202012Validator

from memo import Memo, content_text
from workflows.registry import describe_error

SCHEMA_PATH = Path(__file__).with_name("schema.json")


class Problem(NamedTuple):
    """One problem: where, what, and whether it stops the file from loading."""

    path: str
    message: str
    blocking: bool = True


@lru_cache(maxsize=1)
def schema() -> dict:
    """Return the workflow file schema."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


DURATION_HELP = ("write one of {hours: n}, {days: n}, {weeks: n}, {months: n}, {working_days: n} or "
                 "{working_days_before: supervision}, with n a whole number of at least 1 (half a day is {hours: 12})")
REMINDER_HELP = "write one of {days_before: n}, {working_days_before: n} or {on_due: true}, n a whole number"


def _friendly(error, path: str) -> str:
    """Return a message that says what to write instead, for the mistakes people make most."""
    if path.endswith("duration") and error.validator == "oneOf":
        return f"{error.instance!r} is not a timescale: {DURATION_HELP}"
    if ".reminders[" in path and error.validator == "oneOf":
        return f"{error.instance!r} is not a reminder: {REMINDER_HELP}"
    if error.validator == "not" and ".inputs[" in path and isinstance(error.instance, dict):
        kind = error.instance.get("kind")
        only = {"no_future": "date", "not_before": "date", "max_days_ahead": "date", "role": "user",
                "minimum": "number", "maximum": "number", "max_length": "reason or text",
                "options": "decision or outcome"}
        wrong = [key for key in only if key in error.instance]
        for key in wrong:
            if kind not in only[key].split(" or "):
                return (f"remove '{key}' from the {kind!r} input {error.instance.get('name')!r}: only a {only[key]} "
                        "input takes it")
    if error.validator == "type" and error.validator_value == "integer":
        return f"write a whole number here, not {error.instance!r}"
    if error.validator == "dependentRequired":
        missing = [k for k in error.validator_value.get(next(iter(error.instance.keys() & set(
            error.validator_value))), []) if k not in error.instance] if isinstance(error.instance, dict) else []
        present = next(iter(error.instance.keys() & set(error.validator_value)), "") if missing else ""
        if missing:
            return f"add '{missing[0]}' as well: a setting with '{present}' needs '{missing[0]}' too"
    return describe_error(error)


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def schema_problems(data: Any) -> list[Problem]:
    """Return a problem for each place data breaks the workflow file schema."""
    # Checking a pathway file against the schema takes tens of milliseconds and every process that stores or loads
    # one does it again: the answer depends only on the content (the schema is a file of the code).
    return list(_checked.get(content_text(data), lambda: tuple(_check(data))))


_checked = Memo(256)


def _check(data: Any) -> list[Problem]:
    found = []
    for error in _validator().iter_errors(data):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        found.append(Problem(path or "(top)", _friendly(error, path)))
    return sorted(found)
