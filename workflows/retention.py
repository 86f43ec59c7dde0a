"""Retention rules of a pathway: which rule a closed case follows and when its records fall due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from scheduler.calendar import add_months

DESTROY, ANONYMISE, KEEP = "destroy", "anonymise", "keep"


@dataclass(frozen=True)
class RetentionRule:
    """One rule: counted from entering one of `states`, kept for `keep_for`, then destroyed or anonymised."""

    name: str
    label: str
    basis: str
    states: tuple[str, ...]
    keep_for: Mapping[str, int]
    action: str
    linked: str = DESTROY
    monitoring: Mapping[str, str] = field(default_factory=dict)

    def due_at(self, counted_from: datetime) -> datetime:
        """Return when records counted from this moment fall due (calendar years or months, end-of-month safe)."""
        months = 12 * self.keep_for.get("years", 0) + self.keep_for.get("months", 0)
        return datetime.combine(add_months(counted_from.date(), months), counted_from.timetz())

    def period(self) -> str:
        """Return the keeping period in words."""
        ((unit, count),) = self.keep_for.items()
        return f"{count} {unit[:-1] if count == 1 else unit}"


def retention_rules(data: Mapping) -> list[RetentionRule]:
    """Return the rules of a pathway's (already checked) data."""
    return [RetentionRule(name=r["name"], label=r["label"], basis=r["basis"], states=tuple(r["after"]["states"]),
                          keep_for=dict(r["keep_for"]), action=r["action"], linked=r.get("linked", DESTROY),
                          monitoring=dict(r.get("monitoring") or {}))
            for r in data.get("retention") or ()]


def rule_for_state(data: Mapping, state: str) -> RetentionRule | None:
    """Return the rule a case ending in `state` follows, or None when the pathway keeps it (no rule)."""
    return next((r for r in retention_rules(data) if state in r.states), None)


def monitoring_values(rule: RetentionRule, person: Mapping, answers: Mapping[str, Mapping]) -> dict[str, str]:
    """Return the anonymous monitoring categories the rule keeps, read from the person and the latest answers."""
    out: dict[str, str] = {}
    for name, source in rule.monitoring.items():
        head, _, rest = source.partition(".")
        value = person.get(rest) if head == "person" else (answers.get(head) or {}).get(rest)
        if value not in (None, "", [], {}):
            out[name] = value if isinstance(value, str | bool | int) else str(value)
    return out
