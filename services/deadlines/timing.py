"""When deadlines fall due: the service's working-day calendar, due dates and the sweep's next moment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from functools import lru_cache

from models.case import Case, CaseEvent
from models.deadline import MISSED, OPEN, Deadline
from models.team import Team
from scheduler.calendar import WorkingCalendar, next_date_after, working_days_before
from scheduler.timescales import add_duration, basis_text, counted_from, end_of_day, local_date
from services.notifications.send import current_settings
from wording import N_, say

SUPERVISION = "supervision"
# Protocol 004 §5: workbooks are completed 2 working days before the monthly group supervision.
SUPERVISION_LEAD_WORKING_DAYS = 2
SUPERVISION_LABEL = N_("the team's group supervision")


def ms(moment: datetime) -> datetime:
    """Return moment at MongoDB's millisecond precision, so stored and compared times agree."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@lru_cache(maxsize=8)
def _calendar(region: str, time_zone: str = "Europe/London") -> WorkingCalendar:
    return WorkingCalendar(region, time_zone=time_zone)


def calendar_for(settings: Mapping | None = None) -> WorkingCalendar:
    """Return the working-day calendar of the configured holiday region and the service's time zone."""
    settings = current_settings(settings)
    return _calendar(str(settings.get("HOLIDAY_REGION") or "england_wales"),
                     str(settings.get("TIME_ZONE") or "Europe/London"))


def local_today(now: datetime) -> date:
    """Return the service's date at `now` (services take naive UTC times; the service's days are local ones)."""
    return local_date(now if now.tzinfo is None else now.astimezone(UTC).replace(tzinfo=None), calendar_for())


def record_deadline_event(case: Case, deadline: Deadline | None, *, now: datetime, actor=None,
                          what: str, said: tuple[str, dict] = ("", {})) -> None:
    """Append a deadline entry to the case's history: `what` in English, `said` its message id and values."""
    label = f"{deadline.label}: {what}" if deadline is not None else f"Deadlines {what}"
    key, values = said
    # The label too, for a deadline no pathway file declares (a subject access request's): said again from it.
    values = {**values, **({"deadline": {"deadline": deadline.key, "label": deadline.label}}
                           if deadline is not None and key else {})}
    CaseEvent(case_id=case.pk, at=now, actor_id=str(actor.pk) if actor is not None else "",
              actor_name=actor.name if actor is not None else "Pathway", kind="deadline",
              name=deadline.key if deadline is not None else "", label=label[:300], label_key=key,
              label_values=values).save()


def _supervision_day(team: Team | None, anchor: datetime, after, cal: WorkingCalendar):
    """Return the first supervision whose workbook day is not before the anchor (None when none is set)."""
    dates = list(team.supervision_dates) if team else []
    day = next_date_after(dates, after)
    while day is not None and working_days_before(day, SUPERVISION_LEAD_WORKING_DAYS, cal) < anchor.date():
        day = next_date_after(dates, day)
    return day


def schedule(spec: dict, *, anchor: datetime, anchor_label: str | None, team: Team | None,
             previous_target: datetime | None, cal: WorkingCalendar) -> dict:
    """Return due_at, basis and (for supervision kinds) target_date of a deadline starting at anchor."""
    duration = spec["duration"]
    if duration.get("working_days_before") == SUPERVISION:
        after = max(anchor.date(), previous_target.date()) if previous_target else anchor.date()
        day = _supervision_day(team, anchor, after, cal)
        basis = basis_words(duration, "", anchor=anchor, anchor_label=anchor_label, supervision_day=day)
        if day is None:
            return {"due_at": None, "target_date": None, "basis": basis}
        return {"due_at": end_of_day(working_days_before(day, SUPERVISION_LEAD_WORKING_DAYS, cal)),
                "target_date": datetime.combine(day, datetime.min.time()), "basis": basis}
    basis = basis_words(duration, spec["basis"], anchor=anchor, anchor_label=anchor_label)
    return {"due_at": add_duration(anchor, duration, cal), "target_date": None, "basis": basis}


def basis_words(duration: Mapping, rule: str, *, anchor: datetime, anchor_label: str | None,
                supervision_day: date | datetime | None = None, language: str = "en") -> str:
    """Return why a deadline is due when it is, in a language: its timescale and what it counts from."""
    if duration.get("working_days_before") == SUPERVISION:
        lead = {"working_days": -SUPERVISION_LEAD_WORKING_DAYS}
        if supervision_day is None:
            return say(language, N_("%(basis)s (no supervision date is set)"),
                       basis=basis_text(lead, SUPERVISION_LABEL, language=language))
        return basis_text(lead, anchor_label or SUPERVISION_LABEL, supervision_day, language)
    if anchor_label:
        return basis_text(duration, anchor_label, anchor, language)
    return counted_from(rule, anchor, language)


def deadline_basis(deadline: Deadline, language: str, rule: str | None = None) -> str:
    """Return a deadline's basis in a language (its stored English one in English or when it cannot be rebuilt)."""
    if language == "en" or not deadline.duration or deadline.anchor_at is None:
        return deadline.basis
    return basis_words(deadline.duration, rule or deadline.basis_rule, anchor=deadline.anchor_at,
                       anchor_label=deadline.anchor_label, supervision_day=deadline.target_date, language=language)


def first_action(status: str, due_at, reminders: Iterable[datetime], reminded_through, next_escalation_at):
    """Return when the sweep next has something to do for a deadline in this state, or None."""
    if status == OPEN:
        pending = [t for t in reminders if reminded_through is None or t > reminded_through]
        candidates = pending[:1] + ([due_at] if due_at else [])
        return min(candidates) if candidates else None
    if status == MISSED:
        return next_escalation_at
    return None
