"""The register of a group session: one page, one save records the session on every member's case.

The save checks everything before it writes anything, so a wrong or missing mark records nobody, and the whole
save is one MongoDB transaction: every member's session, history, deadlines and messages commit together or not
at all. Each member's mark is stored once per session (a unique index), so saving the same register again
changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from bson import ObjectId
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from mongoengine.errors import NotUniqueError

from errors import Conflict, NotAllowed, NotFound, Problems
from forms.catalogue import N_
from models.case import Case, CaseSession
from models.group import Group, GroupAttendance, GroupMember, GroupSession
from scheduler.group_schedule import last_number, programme_week
from services.audit.trail import record_audit
from services.cases.effects import apply_effects
from services.cases.engine_view import case_view
from services.cases.history_text import term
from services.cases.sessions import ATTENDANCE_LABELS, ATTENDANCE_TEXT, ENGINE_MARKS, apply_session
from services.cases.transitions import add_history
from services.groups.members import get_member
from services.groups.schedules import can_run, local_today, page_date, spec_of, team_calendar
from services.pathways.store import definition_for, latest_version
from storage.uow import in_transaction, transactional
from workflows import attendance_effects, load_definition

CATCH_UP_TYPE = "catch_up"
STALE_REGISTER = _l("Someone else saved this register after you opened it. Their changes are now in the form; where "
                    "you both changed the same thing, what they saved is shown beside yours. Check, then save again.")


def register_codes(defn) -> list[tuple[str, str]]:
    """Return the attendance codes of the pathway that a register offers, with their words in the reader's language."""
    marks = set(defn.attendance.get("marks") or ENGINE_MARKS.values())
    return [(code, str(ATTENDANCE_TEXT[code])) for code, mark in ENGINE_MARKS.items() if mark in marks]


def get_session(group: Group, session_id) -> GroupSession:
    """Return one session of the group or raise NotFound."""
    session = GroupSession.objects(pk=session_id, group_id=group.pk).first() \
        if ObjectId.is_valid(str(session_id)) else None
    if session is None:
        raise NotFound(_("There is no such session"))
    return session


def session_members(group: Group, session: GroupSession) -> list[GroupMember]:
    """Return who belongs on the session's register: members due at it, or whom the catch-up is for."""
    spec = spec_of(group)
    if session.kind == CATCH_UP_TYPE:
        return list(GroupMember.objects(group_id=group.pk, case_id__in=session.for_case_ids)
                    .order_by("-created_at"))[:len(session.for_case_ids)]
    found = []
    for m in GroupMember.objects(group_id=group.pk).order_by("joined_on", "created_at"):
        if not m.join_number <= session.number <= last_number(m.join_number, spec.sessions, m.first_week):
            continue
        # A man who has left stays on the registers of the sessions held before he left.
        if m.status in ("active", "completed") or (m.left_on and session.date <= m.left_on):
            found.append(m)
    return found


def _session_fields(group: Group, session: GroupSession, member: GroupMember, mark: str, note: str,
                    concern: bool) -> dict:
    spec = spec_of(group)
    week = programme_week(session.number, member.join_number, member.first_week)
    catch_up = session.kind == CATCH_UP_TYPE
    return {"date": session.date, "session_type": CATCH_UP_TYPE if catch_up else spec.session_type(week),
            "attendance": mark, "number": week, "catch_up": catch_up, "notes": note,
            "flags": ["concern"] if concern else []}


def _parse(data: dict, members, cases: dict, codes) -> tuple[dict, Problems]:
    problems, wanted = Problems(), {}
    allowed = {code for code, _ in codes}
    for member in members:
        cid = str(member.case_id)
        case = cases.get(member.case_id)
        if case is None or case.status != "open":
            continue  # a closed case takes no more sessions; the page says so
        mark = data.get(f"mark-{cid}") or ""
        name = case.person.name or case.reference
        if mark not in allowed:
            problems.add(f"mark-{cid}", _("Select the attendance of %(name)s", name=name), name)
        note = (data.get(f"note-{cid}") or "").strip()
        if len(note) > 2000:
            problems.add(f"note-{cid}", _("The note about %(name)s must be 2,000 characters or fewer", name=name), name)
        wanted[member.case_id] = (mark, note, bool(data.get(f"concern-{cid}")))
    return wanted, problems


@transactional
def save_register(group: Group, session_id, data: dict, *, actor, now: datetime) -> dict:
    """Record the session on every member's case at once; a second identical save changes nothing."""
    if not can_run(actor, group):
        raise NotAllowed(_("Only the group's facilitators and the team's managers can keep its register"))
    session = get_session(group, session_id)
    if session.date > local_today(now):
        raise NotAllowed(_("This session is on %(date)s; record it on the day or after",
                           date=page_date(session.date)))
    members = session_members(group, session)
    cases = {c.pk: c for c in Case.objects(pk__in=[m.case_id for m in members])}
    codes = register_codes(_definition(cases, group))
    wanted, problems = _parse(data, members, cases, codes)
    note = (data.get("facilitator_note") or "").strip()
    if len(note) > 10000:
        problems.add("facilitator_note", _("The session notes must be 10,000 characters or fewer"), "Session notes")
    problems.raise_if_any()
    shown = str(data.get("revision") or "")
    if shown and shown != str(session.revision):
        # Saved by someone else since this page was opened: saving it would put back what they changed.
        raise Conflict(str(STALE_REGISTER))
    existing = {a.case_id: a for a in GroupAttendance.objects(session_id=session.pk)}
    changes = [(m, wanted[m.case_id]) for m in members
               if m.case_id in wanted and _differs(existing.get(m.case_id), wanted[m.case_id])]
    if not changes and note == session.facilitator_note and session.recorded_at:
        return {"recorded": 0, "corrected": 0}
    recorded = corrected = 0
    for member, (mark, text, concern) in changes:
        case = cases[member.case_id]
        before = existing.get(member.case_id)
        if before is None:
            recorded += _record(group, session, member, case, mark, text, concern, actor=actor, now=now)
        else:
            _correct(before, case, mark, text, concern, actor=actor, now=now)
            corrected += 1
    # A compare-and-set on the revision read above: of two saves of the same page at once, the second is refused.
    if not GroupSession.objects(pk=session.pk, revision=session.revision).update_one(
            set__recorded_at=session.recorded_at or now, set__recorded_by=str(actor.pk), set__changed_at=now,
            set__facilitator_note=note, inc__revision=1):
        raise Conflict(str(STALE_REGISTER))
    record_audit("group.register_saved", actor=actor, now=now, target_type="group", target_id=group.pk,
                 details={"session": str(session.pk), "recorded": recorded, "corrected": corrected})
    return {"recorded": recorded, "corrected": corrected}


def _definition(cases: dict, group: Group):
    if cases:
        return definition_for(next(iter(cases.values())))
    return load_definition(latest_version(group.workflow_key).definition)


def _differs(before: GroupAttendance | None, wanted: tuple) -> bool:
    if before is None:
        return True
    mark, note, concern = wanted
    stored = CaseSession.objects(pk=before.case_session_id).only("flags").first()
    return (before.mark, before.note, bool(stored and stored.flags)) != (mark, note, concern)


def _record(group, session, member, case, mark, note, concern, *, actor, now) -> int:
    case_session_id = ObjectId()
    try:
        # The unique (session, case) entry is written first: of two saves at once, only one records him.
        GroupAttendance(session_id=session.pk, group_id=group.pk, case_id=case.pk, mark=mark, note=note,
                        case_session_id=case_session_id, recorded_at=now, recorded_by=str(actor.pk)).save()
    except NotUniqueError:
        if in_transaction():
            raise Conflict(_("Someone else saved this register at the same moment. Open it again to check it, "
                             "then save.")) from None
        return 0
    apply_session(case, _session_fields(group, session, member, mark, note, concern), actor=actor, now=now,
                  session_id=case_session_id)
    return 1


def _correct(before: GroupAttendance, case: Case, mark: str, note: str, concern: bool, *, actor, now) -> None:
    """Correct a member's mark; rules fire only for marks the first save did not already have."""
    stored = CaseSession.objects(pk=before.case_session_id).first()
    old_marks = {ENGINE_MARKS.get(before.mark)} | ({"concern"} if stored and stored.flags else set())
    CaseSession.objects(pk=before.case_session_id).update_one(
        set__attendance=mark, set__notes=note, set__flags=["concern"] if concern else [])
    GroupAttendance.objects(pk=before.pk).update_one(set__mark=mark, set__note=note)
    if mark != before.mark:
        add_history(case, kind="session", now=now, actor=actor, name="attendance_corrected",
                    label=f"Group attendance corrected: {ATTENDANCE_LABELS[before.mark].lower()} → "
                          f"{ATTENDANCE_LABELS[mark].lower()}",
                    label_key=N_("Group attendance corrected: %(before)s → %(after)s"),
                    label_values={"before": term("attendance", before.mark), "after": term("attendance", mark)})
    # What else changed is said as it is, not as an attendance "corrected" to itself.
    had_concern = bool(stored and stored.flags)
    for changed, said in ((concern and not had_concern, N_("Group session: a concern about his behaviour noted")),
                          (had_concern and not concern, N_("Group session: the concern about his behaviour withdrawn")),
                          (note != (before.note or ""), N_("Group session: the note on his case changed"))):
        if changed:
            add_history(case, kind="session", now=now, actor=actor, name="attendance_details_changed", label=said,
                        label_key=said)
    defn = definition_for(case)
    new_marks = [m for m in [ENGINE_MARKS.get(mark)] + (["concern"] if concern else []) if m and m not in old_marks]
    known = set(defn.attendance.get("marks") or ())
    new_marks = [m for m in new_marks if not known or m in known]
    if new_marks:
        effects = attendance_effects(defn, case_view(case), new_marks, actor.as_actor())
        apply_effects(case, effects, actor=actor, now=now, inputs={})


def catch_ups_used(case_id) -> int:
    """Return how many catch-up sessions he has had or been offered on his programme."""
    offered = GroupSession.objects(kind=CATCH_UP_TYPE, for_case_ids=case_id).count()
    from_groups = set(GroupAttendance.objects(case_id=case_id).distinct("case_session_id"))
    own = sum(1 for s in CaseSession.objects(case_id=case_id).only("catch_up", "session_type")
              if (s.catch_up or s.session_type == CATCH_UP_TYPE) and s.pk not in from_groups)
    return offered + own


def missed_sessions(group: Group, member: GroupMember) -> list[GroupSession]:
    """Return the programme sessions he missed in this group that no catch-up has been offered for."""
    absent = [a.session_id for a in GroupAttendance.objects(group_id=group.pk, case_id=member.case_id,
                                                            mark__in=["acceptable_absence", "unacceptable_absence"])]
    covered = set(GroupSession.objects(group_id=group.pk, kind=CATCH_UP_TYPE, for_case_ids=member.case_id)
                  .distinct("missed_session_id"))
    return list(GroupSession.objects(pk__in=[s for s in absent if s not in covered], kind="programme")
                .order_by("number"))


@transactional
def offer_catch_up(group: Group, member_id, data: dict, *, actor, now: datetime) -> GroupSession:
    """Offer a catch-up session for a session he missed, within the programme's limit."""
    if not can_run(actor, group):
        raise NotAllowed(_("Only the group's facilitators and the team's managers can offer catch-ups"))
    spec = spec_of(group)
    member = get_member(group, member_id)
    missed = {str(s.pk): s for s in missed_sessions(group, member)}
    limit = spec.max_catch_ups
    used = catch_ups_used(member.case_id)
    if limit is not None and used >= limit:
        raise NotAllowed(_("He has had the %(limit)s catch-up sessions the programme allows", limit=limit))
    problems = Problems()
    session = missed.get(str(data.get("missed_session_id") or ""))
    if session is None:
        problems.add("missed_session_id", _("Choose the session he missed"), "Session missed")
    when, typed = None, (data.get("date") or "").strip()
    try:
        when = date.fromisoformat(typed)
    except ValueError:
        problems.add("date", _("Enter the date of the catch-up as a real date") if typed else
                     _("Enter the date of the catch-up"), "Date")
    if when is not None:
        cal = team_calendar(group.team)
        if not cal.is_working_day(when):
            problems.add("date", _("%(date)s is not a working day; choose another date", date=page_date(when)), "Date")
        elif session is not None and when <= session.date:
            problems.add("date", _("The catch-up must come after the session he missed"), "Date")
    start_time = (data.get("start_time") or group.start_time).strip()
    problems.raise_if_any()
    catch_up = GroupSession(group_id=group.pk, number=session.number, kind=CATCH_UP_TYPE, date=when,
                            start_time=start_time, for_case_ids=[member.case_id], missed_session_id=session.pk)
    catch_up.save()
    record_audit("group.catch_up_offered", actor=actor, now=now, target_type="group", target_id=group.pk,
                 details={"case": str(member.case_id), "session": session.number, "date": when.isoformat()})
    return catch_up


def get_register(group: Group, session_id, *, actor) -> dict:
    """Return what the register page shows: the members with their current marks, the codes and the notes."""
    if not can_run(actor, group):
        raise NotAllowed(_("Only the group's facilitators and the team's managers can keep its register"))
    session = get_session(group, session_id)
    members = session_members(group, session)
    cases = {c.pk: c for c in Case.objects(pk__in=[m.case_id for m in members])}
    marks = {a.case_id: a for a in GroupAttendance.objects(session_id=session.pk)}
    flagged = {s.pk for s in CaseSession.objects(pk__in=[a.case_session_id for a in marks.values()], flags__ne=[])}
    rows = []
    for member in members:
        case = cases.get(member.case_id)
        saved = marks.get(member.case_id)
        rows.append({"member": member, "case": case, "open": bool(case and case.status == "open"),
                     "week": programme_week(session.number, member.join_number, member.first_week),
                     "mark": saved.mark if saved else "", "note": saved.note if saved else "",
                     "concern": bool(saved and saved.case_session_id in flagged)})
    return {"group": group, "session": session, "rows": rows, "codes": register_codes(_definition(cases, group))}
