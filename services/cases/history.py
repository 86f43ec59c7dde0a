"""The case's history: one entry per thing that happened, and the facts the reports keep from transitions."""

from __future__ import annotations

from datetime import datetime

from models.case import Case, CaseEvent
from services.reports.cohort import recount_case
from services.reports.counts import count_transition


def add_history(case: Case, *, kind: str, now: datetime, actor=None, name: str = "", label: str = "",
                from_state: str = "", to_state: str = "", inputs: dict | None = None, comment: str = "",
                confidential: bool = False, label_key: str = "", label_values: dict | None = None) -> CaseEvent:
    """Append one entry to the case's history: its English label and, to say it in other languages, its message."""
    entry = CaseEvent(
        case_id=case.pk, at=now, actor_id=str(actor.pk) if actor is not None else "",
        actor_name=actor.name if actor is not None else "Pathway", kind=kind, name=name, label=label,
        label_key=label_key, label_values=_plain(label_values or {}),
        from_state=from_state or "", to_state=to_state or "", inputs=_plain(inputs or {}), comment=comment,
        confidential=confidential,
    )
    entry.save()
    if kind == "transition":
        # Kept on the case so the reports' funnel never has to read every case's history.
        reached = {f"add_to_set__{field}": value for field, value in (("passed_states", to_state),
                                                                       ("taken_transitions", name)) if value}
        if reached:
            Case.objects(pk=case.pk).update_one(**reached)
        count_transition(case, from_state=from_state or "", to_state=to_state or "", now=now)
        recount_case(case.pk)
    return entry


def _plain(value):
    """Return inputs as storable data (dates as ISO strings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
