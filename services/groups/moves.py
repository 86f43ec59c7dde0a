"""Move one group session to another working day: the rest of the schedule stays where it is."""

from __future__ import annotations

from datetime import date, datetime

from bson import ObjectId
from flask_babel import gettext as _

from errors import Conflict, NotAllowed, NotFound, Problems
from models.group import Group, GroupSession
from scheduler.holiday_names import holiday_text
from services.audit.trail import record_audit
from services.common.language import active_language
from services.deadlines.timing import local_today
from services.groups.schedules import MOVED_REASON_MAX, can_manage, page_date, team_calendar
from storage.uow import transactional


def _wrong_day(group: Group, session: GroupSession, new: date, now: datetime) -> str:
    """Return why the session cannot move to this day ("" when it can)."""
    if new == session.date:
        return _("Session %(number)s is already on %(date)s: choose the date it moves to", number=session.number,
                 date=page_date(new))
    cal = team_calendar(group.team)
    if not cal.is_working_day(new):
        why = holiday_text(cal.holiday_name(new), active_language()) or _("a weekend")
        return _("%(date)s is not a working day (%(why)s); choose another date", date=page_date(new), why=why)
    if new < local_today(now):
        return _("The new date must be today or later")
    if GroupSession.objects(group_id=group.pk, kind="programme", date=new, pk__ne=session.pk).first():
        return _("The group already meets on %(date)s", date=page_date(new))
    before = GroupSession.objects(group_id=group.pk, kind="programme", number=session.number - 1).first()
    after = GroupSession.objects(group_id=group.pk, kind="programme", number=session.number + 1).first()
    if (before and new <= before.date) or (after and new >= after.date):
        return _("The session must stay between the sessions before and after it")
    return ""


@transactional
def move_session(group: Group, session_id, data: dict, *, actor, now: datetime) -> GroupSession:
    """Move one session to another working day; the rest of the schedule stays where it is."""
    if not can_manage(actor, group):
        raise NotAllowed(_("Only the team's managers can move sessions"))
    session = GroupSession.objects(pk=session_id, group_id=group.pk).first() if ObjectId.is_valid(
        str(session_id)) else None
    if session is None:
        raise NotFound(_("There is no such session"))
    problems = Problems()
    if session.recorded_at:
        raise NotAllowed(_("The register of this session has been saved, so it cannot be moved"))
    new, typed = None, (data.get("date") or "").strip()
    try:
        new = date.fromisoformat(typed)
    except ValueError:
        problems.add("date", _("Enter the new date as a real date") if typed else _("Enter the new date"), "New date")
    wrong = _wrong_day(group, session, new, now) if new is not None else ""
    if wrong:  # the date first, as the page asks it first
        problems.add("date", wrong, "New date")
    reason = (data.get("reason") or "").strip()
    if not reason:
        problems.add("reason", _("Say why the session is moving"), "Reason")
    elif len(reason) > MOVED_REASON_MAX:
        problems.add("reason", _("Why it is moving must be %(max)s characters or fewer", max=MOVED_REASON_MAX),
                     "Reason")
    problems.raise_if_any()
    won = GroupSession.objects(pk=session.pk, revision=session.revision, recorded_at=None).update_one(
        set__moved_from=session.moved_from or session.date, set__date=new, set__moved_reason=reason,
        inc__revision=1)
    if not won:
        raise Conflict(_("Someone changed this session while you were moving it. Check it and try again."))
    record_audit("group.session_moved", actor=actor, now=now, target_type="group", target_id=group.pk,
                 details={"session": session.number, "from": session.date.isoformat(), "to": new.isoformat()})
    session.reload()
    return session
