"""Record sessions and attendance on a case; attendance rules of the pathway turn marks into events."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from flask_babel import gettext as _

from errors import InvalidInput, NotAllowed, Problems
from forms.catalogue import N_, say
from models.case import ATTENDANCE, Case, CaseSession
from services.audit.trail import record_audit
from services.cases.access import can_change_case
from services.cases.effects import apply_effects
from services.cases.engine_view import case_view
from services.cases.history_text import term
from services.cases.transitions import add_history
from services.common.dates import EARLIEST_BIRTH, past_date
from services.common.language import active_language, date_words
from services.common.language import lazy_gettext as _l
from services.common.rows import find_rows
from services.deadlines.timing import local_today
from services.pathways.store import definition_for, shown_definition
from storage.uow import transactional
from workflows import attendance_effects
from workflows.declarations import DEFAULT_SESSION_TYPES, session_types
from workflows.programme import programme_spec

SESSION_TYPES = DEFAULT_SESSION_TYPES
ATTENDANCE_LABELS = {
    "attended": "Attended",
    "late": "Attended late",
    "acceptable_absence": "Acceptable absence",
    "unacceptable_absence": "Unacceptable absence",
    "did_not_happen": "Did not happen",
}
# What the pages show; the history keeps the English words above.
ATTENDANCE_TEXT = {
    "attended": _l("Attended"),
    "late": _l("Attended late"),
    "acceptable_absence": _l("Acceptable absence"),
    "unacceptable_absence": _l("Unacceptable absence"),
    "did_not_happen": _l("Did not happen"),
}
FLAGS = {"concern": _l("Concern about behaviour"), "risk": _l("Risk information disclosed"),
         "disclosure": _l("New disclosure"), "under_influence": _l("Under the influence")}
# Marks the pathway's attendance rules understand, derived from what was recorded.
ENGINE_MARKS = {"attended": "attended", "late": "late", "acceptable_absence": "acceptable_absence",
                "unacceptable_absence": "unacceptable_absence"}


DEFAULT_HINTS = {"attendance": "", "number": _l("For example, 3 for the third session"),
                 "notes": _l("What happened in the session. Never record here what a partner has said.")}


def session_hints(case: Case) -> dict[str, str]:
    """Return the wording of the record-a-session page: the pathway's own, else the general one."""
    # The shown (translated) definition: its hints are in the reader's language; the cached English ones are not.
    declared = (shown_definition(case).attendance or {}).get("hints") or {}
    return {**DEFAULT_HINTS, **declared}


def session_types_for(case: Case, language: str | None = None) -> dict[str, str]:
    """Return the session types the case's pathway records, with their labels (in a language, for a page)."""
    defn = definition_for(case)
    types = dict(_declared_types(defn))
    if not language or language == "en":
        return types
    declared = bool((defn.attendance or {}).get("session_types"))
    return {key: defn.text(f"/attendance/session_types/{key}", language, label) if declared
            else say(language, label) for key, label in types.items()}


@lru_cache(maxsize=64)
def _declared_types(defn) -> tuple:
    # Per definition (equal by content): copying the whole pathway for one small list cost every case page ~5 ms.
    return tuple(session_types(defn.to_dict()).items())


def session_number_limit(case: Case) -> int | None:
    """Return the highest number a session on the case can have (its pathway's programme's sessions), or None."""
    # The whole programme's count for every type: a pathway's plan does not say how many one-to-one or pre-group
    # meetings a man may need, but no session of any kind is numbered beyond the programme itself.
    spec = programme_spec(definition_for(case).programme)
    return spec.sessions if spec is not None else None


def _parse(data: dict, today: date, types: dict[str, str], limit: int | None = None) -> dict:
    problems = Problems()
    when = past_date(data.get("date"), "date", _("Date of the session"), problems, today=today,
                     missing=_("Enter the date of the session"),
                     invalid=_("Date of the session must be a real date"),
                     future=_("Date of the session must be today or in the past"), earliest=EARLIEST_BIRTH,
                     too_early=_("Date of the session must be in 1900 or later"))
    session_type = data.get("session_type") or ""
    if session_type not in types:
        problems.add("session_type", _("Select the type of session"), _("Type"))
    attendance = data.get("attendance") or ""
    if attendance not in ATTENDANCE:
        problems.add("attendance", _("Select the attendance"), _("Attendance"))
    number = (str(data.get("number") or "")).strip()
    if number.startswith("-") and number[1:].isascii() and number[1:].isdigit():
        problems.add("number", _("Session number must be 1 or more"), _("Session number"))
    elif number and not (number.isascii() and number.isdigit() and len(number) <= 6):
        problems.add("number", _("Session number must be a whole number, like 3"), _("Session number"))
    elif number and int(number) < 1:
        problems.add("number", _("Session number must be 1 or more"), _("Session number"))
    elif number and limit is not None and int(number) > limit:
        problems.add("number", _("Session number must be %(max)s or fewer: the programme has %(max)s sessions",
                                 max=limit), _("Session number"))
    flags = [f for f in data.get("flags") or [] if f in FLAGS]
    notes_max = CaseSession.notes.max_length
    if len((data.get("notes") or "").strip()) > notes_max:
        problems.add("notes", _("Notes must be %(max)s characters or fewer", max=f"{notes_max:,}"), _("Notes"))
    problems.raise_if_any()
    return {"date": when, "session_type": session_type, "attendance": attendance,
            "number": int(number) if number else None, "catch_up": bool(data.get("catch_up")),
            "notes": (data.get("notes") or "").strip(), "flags": flags}


@transactional
def record_session(case: Case, data: dict, *, actor, now: datetime) -> CaseSession:
    """Record a session and apply the pathway's attendance rules (an absence may start a breach deadline)."""
    if not can_change_case(actor, case) or case.status != "open":
        raise NotAllowed(_("You cannot record sessions on this case"))
    fields = _parse(data, local_today(now), session_types_for(case), session_number_limit(case))
    if fields["number"] and not data.get("again"):
        _refuse_a_repeat(case, fields)
    return apply_session(case, fields, actor=actor, now=now)


def _refuse_a_repeat(case: Case, fields: dict) -> None:
    """Refuse a session number he has already attended unless the form says he took that session again."""
    # Only attended ones: after an absence the next one-to-one usually keeps the number he missed.
    earlier = CaseSession._get_collection().find_one(
        {"case_id": case.pk, "session_type": fields["session_type"], "number": fields["number"],
         "attendance": {"$in": ["attended", "late"]}}, {"date": 1}, sort=[("date", 1)])
    if earlier is None:
        return
    kind = session_types_for(case, active_language()).get(fields["session_type"], fields["session_type"])
    problems = Problems()
    problems.add("again", _("%(session)s %(number)s is already recorded as attended, on %(date)s: change the "
                            "number, or confirm that he took this session again", session=kind,
                            number=fields["number"], date=date_words(earlier["date"])), _("Session number"))
    problems.raise_if_any()


def apply_session(case: Case, fields: dict, *, actor, now: datetime, session_id=None) -> CaseSession:
    """Store checked session fields on the case and carry out the pathway's attendance rules (no access check)."""

    session = CaseSession(case_id=case.pk, recorded_by=str(actor.pk), recorded_at=now, **fields)
    if session_id is not None:
        session.pk = session_id
    session.save(force_insert=True)
    types = session_types_for(case)
    kind = types.get(session.session_type, SESSION_TYPES.get(session.session_type, session.session_type))
    label = f"{kind}: {ATTENDANCE_LABELS[session.attendance].lower()}"
    add_history(case, kind="session", now=now, actor=actor, name=session.session_type, label=label,
                label_key=N_("%(session)s: %(attendance)s"),
                label_values={"session": {"term": kind},
                              "attendance": term("attendance", session.attendance)},
                inputs={"date": session.date, "catch_up": session.catch_up, "flags": session.flags})
    marks = [ENGINE_MARKS[session.attendance]] if session.attendance in ENGINE_MARKS else []
    if session.catch_up and session.attendance in ("attended", "late"):
        marks.append("catch_up")
    if session.flags:
        marks.append("concern")
    defn = definition_for(case)
    known = set(defn.attendance.get("marks") or ())
    marks = [m for m in marks if not known or m in known]
    if marks:
        try:
            effects = attendance_effects(defn, case_view(case), marks, actor.as_actor(),
                                                session_type=session.session_type)
        except InvalidInput:
            effects = []
        apply_effects(case, effects, actor=actor, now=now, inputs={})
    record_audit("case.session_recorded", actor=actor, now=now, target_type="case", target_id=case.pk,
                 details={"session": str(session.pk), "attendance": session.attendance})
    return session


def list_sessions(case: Case) -> list[CaseSession]:
    """Return the case's sessions, oldest first."""
    return find_rows(CaseSession, {"case_id": case.pk}, sort=[("date", 1), ("recorded_at", 1)])
