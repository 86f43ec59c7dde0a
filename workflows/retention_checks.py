"""Check a pathway's retention rules: which states start the clock, and what may be kept for monitoring."""

from __future__ import annotations

from collections.abc import Mapping

# Person fields that describe a group, not an individual: the only ones monitoring may keep.
MONITORING_PERSON_FIELDS = ("ethnicity", "language", "interpreter_needed")
IDENTIFYING_PERSON_FIELDS = ("name", "date_of_birth", "address")


def _terminal_names(states: Mapping) -> list[str]:
    return [name for name, spec in states.items() if spec.get("terminal")]


def _listing(names) -> str:
    return ", ".join(names) if names else "(none: mark a closing state `terminal: true` first)"


def retention_problems(data: Mapping) -> list[tuple[str, str, bool]]:
    """Return (path, message, blocking) for each problem in `retention:`; messages say what to write instead."""
    states = data.get("states") or {}
    terminal = _terminal_names(states)
    found: list[tuple[str, str, bool]] = []
    names: set[str] = set()
    counted: dict[str, str] = {}
    for i, rule in enumerate(data.get("retention") or ()):
        where = f"retention[{i}]"
        if rule["name"] in names:
            found.append((f"{where}.name", f"duplicate retention rule '{rule['name']}': give each rule its own "
                          "name", True))
        names.add(rule["name"])
        for j, state in enumerate(rule["after"]["states"]):
            at = f"{where}.after.states[{j}]"
            if state not in states:
                found.append((at, f"unknown state '{state}': write one of the terminal states "
                              f"{_listing(terminal)}", True))
            elif state not in terminal:
                found.append((at, f"state '{state}' is not terminal, so the clock would start while the case can "
                              f"still change: write one of {_listing(terminal)}", True))
            elif state in counted:
                found.append((at, f"state '{state}' already starts rule '{counted[state]}': a closed case follows "
                              "one rule, so name each terminal state once", True))
            else:
                counted[state] = rule["name"]
        for field, source in (rule.get("monitoring") or {}).items():
            problem = _source_problem(source)
            if problem:
                found.append((f"{where}.monitoring.{field}", problem, True))
        if rule["action"] == "anonymise" and not rule.get("monitoring"):
            found.append((f"{where}.action", "'anonymise' keeps nothing without `monitoring:`; list what to keep "
                          "(e.g. `ethnicity: person.ethnicity`) or write `action: destroy`", True))
    return found


def _source_problem(source: str) -> str:
    head, _, rest = source.partition(".")
    if not rest or not head or not rest.replace("_", "a").replace(".", "a").isalnum():
        return (f"'{source}' is not a monitoring source: write person.<field> (one of "
                f"{', '.join(MONITORING_PERSON_FIELDS)}) or <form>.<field>")
    if head == "person":
        if rest in IDENTIFYING_PERSON_FIELDS:
            return (f"person.{rest} identifies the person, and monitoring keeps only anonymous categories: write "
                    f"one of {', '.join('person.' + f for f in MONITORING_PERSON_FIELDS)} or a form's category field")
        if rest not in MONITORING_PERSON_FIELDS:
            return f"the case has no person field '{rest}': write one of {', '.join(MONITORING_PERSON_FIELDS)}"
    return ""


def monitoring_form_refs(data: Mapping) -> list[tuple[str, str, str]]:
    """Return (path, "field", "form.field") for monitoring sources read from forms, for the wider lint."""
    refs = []
    for i, rule in enumerate(data.get("retention") or ()):
        for field, source in (rule.get("monitoring") or {}).items():
            if not source.startswith("person.") and not _source_problem(source):
                path = f"retention[{i}].monitoring.{field}"
                refs += [(path, "form", source.split(".", 1)[0]), (path, "field", source)]
    return refs
