"""Separation of duties a pathway file may declare: rule names from this registry, checked on load."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# rule name -> what it means; the service layer enforces each one by name.
RULES = {
    "not_linked_case_worker": "the worker allocated to a case of this pathway is never the worker allocated to a "
                              "case linked to it (the perpetrator's practitioner never supports the partner)",
}


def declared(data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Return the (rule, reason) pairs a workflow file declares."""
    return tuple((item["rule"], item["reason"]) for item in data.get("separation_of_duties", ()) or ())


def problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (path, message) for every declared rule the registry does not know, or declared twice."""
    found, seen = [], set()
    for i, item in enumerate(data.get("separation_of_duties", ()) or ()):
        rule = item.get("rule")
        if rule not in RULES:
            found.append((f"separation_of_duties[{i}].rule",
                          f"unknown rule '{rule}'; rules are: {', '.join(sorted(RULES))}"))
        elif rule in seen:
            found.append((f"separation_of_duties[{i}].rule", f"rule '{rule}' is declared twice"))
        seen.add(rule)
    return found
