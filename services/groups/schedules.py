"""Create groups and keep their schedules: weekly sessions on working days, movable one by one."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from bson import ObjectId
from bson.errors import InvalidId
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from mongoengine.errors import NotUniqueError

from errors import NotAllowed, NotFound, Problems
from models.group import Group, GroupSession
from models.team import Team
from models.user import User
from scheduler.calendar import WorkingCalendar
from scheduler.group_schedule import is_intake, weekly_sessions
from scheduler.holiday_names import holiday_text
from services.audit.trail import record_audit
from services.common.language import LOCALES, active_language
from services.deadlines.timing import (
    calendar_for,
    local_today,  # noqa: F401  (the groups pages read it here)
)
from services.pathways.store import latest_definitions, latest_version
from storage.uow import in_transaction, transactional
from workflows.programme import ProgrammeSpec, programme_spec

# The stored fields' own limits (models.group), checked here so that a long answer is a field error, not a 500.
NAME_MAX = Group.name.max_length
VENUE_MAX = Group.venue.max_length
MOVED_REASON_MAX = GroupSession.moved_reason.max_length
LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The pages' words for the days, and for a group meeting weekly on one (a whole phrase: languages say it differently).
DAY_NAMES = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))
# The days a group may meet: the working weekdays, as a group whose day is never a working day would never meet.
MEETING_DAYS = tuple((str(day), DAY_NAMES[day]) for day in WorkingCalendar.WORKING_WEEKDAYS)
MEETS = (_l("Mondays at %(time)s"), _l("Tuesdays at %(time)s"), _l("Wednesdays at %(time)s"),
         _l("Thursdays at %(time)s"), _l("Fridays at %(time)s"), _l("Saturdays at %(time)s"), _l("Sundays at %(time)s"))
PAIRING_WARNINGS = {
    "male": _l("Both facilitators are men. This programme is co-facilitated by a man and a woman where possible."),
    "female": _l("Both facilitators are women. This programme is co-facilitated by a man and a woman where possible.")}


def page_date(day: date) -> str:
    """Return a date as the page's language writes it in full ("4 January 2027")."""
    return format_date(day, "long", locale=LOCALES[active_language()])


def spec_of(group: Group) -> ProgrammeSpec:
    """Return the programme the group runs, as copied from its pathway when it was created."""
    return programme_spec(group.programme)


def programme_name(group: Group) -> str:
    """Return the name of the programme the group runs, in the reader's language when its pathway translates it."""
    spec, defn = spec_of(group), latest_definitions().get(group.workflow_key)
    if defn is None or (defn.programme or {}).get("name") != spec.name:
        return spec.name  # named otherwise since: the name it was created with
    return defn.text("/programme/name", active_language(), spec.name)


def group_programmes() -> dict[str, tuple[str, ProgrammeSpec]]:
    """Return workflow key -> (pathway title in the reader's language, programme) for every pathway running a group."""
    found = {}
    language = active_language()
    # The parsed definitions are cached per version; the stored documents are large to read and convert.
    for key, defn in latest_definitions().items():
        spec = programme_spec(defn.programme)
        if spec is not None:
            found[key] = (defn.text("/title", language, defn.title) or key, spec)
    return found


def team_calendar(team_key: str) -> WorkingCalendar:
    """Return the working-day calendar of the configured region plus the team's own closures."""
    team = Team.objects(key=team_key).only("closures").first()
    base = calendar_for()
    return WorkingCalendar(base.region, extra_closures=team.closures if team else ())


def get_group(group_id) -> Group:
    """Return a group by id or raise NotFound."""
    try:
        group = Group.objects(pk=ObjectId(str(group_id))).first()
    except (InvalidId, TypeError):
        group = None
    if group is None:
        raise NotFound(_("There is no such group"))
    return group


def is_facilitator(actor, group: Group) -> bool:
    """Tell whether the actor facilitates the group."""
    return str(actor.pk) in group.facilitator_ids


def can_manage(actor, group: Group) -> bool:
    """Tell whether the actor manages the group's team."""
    return actor.has_role("manager") and actor.team == group.team


def can_run(actor, group: Group) -> bool:
    """Tell whether the actor may keep the group's register (a facilitator or the team's manager)."""
    return can_manage(actor, group) or (actor.has_role("practitioner") and is_facilitator(actor, group))


def group_for(group_id, actor, *, manage: bool = False, run: bool = False) -> Group:
    """Return the group if the actor may see it (or manage / run it); outsiders learn nothing of it."""
    group = get_group(group_id)
    readers = actor.has_role("manager", "practitioner", "auditor") and actor.team == group.team
    if not (readers or is_facilitator(actor, group)):
        raise NotFound(_("There is no such group"))
    if manage and not can_manage(actor, group):
        raise NotAllowed(_("Only the team's managers can change the group"))
    if run and not can_run(actor, group):
        raise NotAllowed(_("Only the group's facilitators and the team's managers can keep its register"))
    return group


def _parse_group(data: dict, programmes: dict, team: str) -> tuple[dict, Problems]:
    problems = Problems()
    key = data.get("workflow_key") or ""
    if key not in programmes:
        problems.add("workflow_key", _("Select the programme the group runs"), "Programme")
    name = (data.get("name") or "").strip()
    if not name:
        problems.add("name", _("Enter a name for the group"), "Name")
    elif len(name) > NAME_MAX:
        problems.add("name", _("The group's name must be %(max)s characters or fewer", max=NAME_MAX), "Name")
    venue = (data.get("venue") or "").strip()
    if not venue:
        problems.add("venue", _("Enter where the group meets"), "Venue")
    elif len(venue) > VENUE_MAX:
        problems.add("venue", _("Where the group meets must be %(max)s characters or fewer", max=VENUE_MAX), "Venue")
    weekday = str(data.get("weekday") or "")
    if weekday not in dict(MEETING_DAYS):
        problems.add("weekday", _("Select the day the group meets, from Monday to Friday"), "Day")
    start_time = (data.get("start_time") or "").strip()
    if len(start_time) == 4 and start_time[1] == ":":
        start_time = "0" + start_time
    if not (len(start_time) == 5 and start_time[2] == ":" and start_time[:2].isdigit() and start_time[3:].isdigit()
            and int(start_time[:2]) < 24 and int(start_time[3:]) < 60):
        problems.add("start_time", _("Enter the start time as hours and minutes, like 18:30"), "Start time")
    start = None
    try:
        start = date.fromisoformat((data.get("start_date") or "").strip())
    except ValueError:
        problems.add("start_date", _("Enter the date of the first session as a real date"),
                     "Start date")
    if start is not None and weekday in dict(MEETING_DAYS) and start.weekday() != int(weekday):
        # Not moved on quietly to the next meeting day: the page asks for the first session's own date.
        problems.add("start_date", _("The first session must be on the day the group meets (%(day)s)",
                                     day=DAY_NAMES[int(weekday)]), "Start date")
    ids = [str(data.get("facilitator_1") or ""), str(data.get("facilitator_2") or "")]
    people = {str(u.pk): u for u in User.objects(team=team, roles="practitioner", active=True)}
    for i, uid in enumerate(ids, 1):
        if uid not in people:
            problems.add(f"facilitator_{i}", _("Choose the first facilitator from the team's practitioners") if i == 1
                         else _("Choose the second facilitator from the team's practitioners"), f"Facilitator {i}")
    if ids[0] and ids[0] == ids[1]:
        problems.add("facilitator_2", _("Choose two different facilitators"), "Facilitator 2")
    return {"workflow_key": key, "name": name, "venue": venue, "weekday": int(weekday) if weekday.isdigit() else 0,
            "start_time": start_time, "start_date": start, "facilitator_ids": ids,
            "people": [people.get(uid) for uid in ids]}, problems


def pairing_warning(spec: ProgrammeSpec | None, people) -> str:
    """Return a warning when the programme asks for a man and a woman and both facilitators are the same sex."""
    sexes = [getattr(p, "sex", "") for p in people if p is not None]
    if spec and spec.mixed_facilitators and len(sexes) == 2 and sexes[0] and sexes[0] == sexes[1]:
        return str(PAIRING_WARNINGS[sexes[0]])
    return ""


@transactional
def create_group(data: dict, *, actor, now: datetime) -> Group:
    """Create a group of a pathway's programme with its schedule; same-sex facilitators need confirming."""
    if not actor.has_role("manager"):
        raise NotAllowed(_("Only team managers can create groups"))
    programmes = group_programmes()
    fields, problems = _parse_group(data, programmes, actor.team)
    spec = programmes[fields["workflow_key"]][1] if fields["workflow_key"] in programmes else None
    warning = pairing_warning(spec, fields["people"])
    if warning and not problems.items and not data.get("confirm_pairing"):
        problems.add("confirm_pairing",
                     _("%(warning)s Choose another facilitator, or confirm this pair.", warning=warning),
                     "Facilitators")
    problems.raise_if_any()
    stored = latest_version(fields["workflow_key"])
    group = Group(team=actor.team, workflow_key=fields["workflow_key"], name=fields["name"], venue=fields["venue"],
                  weekday=fields["weekday"], start_time=fields["start_time"], start_date=fields["start_date"],
                  facilitator_ids=fields["facilitator_ids"], programme=dict(stored.definition["programme"]),
                  created_at=now, created_by=str(actor.pk))
    group.save()
    extend_schedule(group, spec.sessions)
    record_audit("group.created", actor=actor, now=now, target_type="group", target_id=group.pk,
                 details={"workflow": group.workflow_key, "pairing_warning": warning})
    return group


def programme_sessions(group: Group) -> list[GroupSession]:
    """Return the group's programme sessions in order."""
    return list(GroupSession.objects(group_id=group.pk, kind="programme").order_by("number"))


def extend_schedule(group: Group, up_to: int) -> int:
    """Make sure sessions 1..up_to exist (a rolling group grows as men join); return how many were added."""
    spec = spec_of(group)
    existing = programme_sessions(group)
    if len(existing) >= up_to:
        return 0
    cal = team_calendar(group.team)
    if existing:
        from datetime import timedelta

        start, first = existing[-1].date + timedelta(days=1), existing[-1].number + 1
    else:
        start, first = group.start_date, 1
    planned, _skipped = weekly_sessions(start, group.weekday, up_to - len(existing), cal, first_number=first)
    added = 0
    for item in planned:
        try:
            GroupSession(group_id=group.pk, number=item.number, date=item.date, start_time=group.start_time,
                         intake=is_intake(item.number, rolling=spec.rolling, every=spec.intake_every_weeks)).save()
        except NotUniqueError:
            if in_transaction():
                raise  # the unit of work reruns and finds the sessions the other request added
            continue
        added += 1
    return added


def skipped_weeks(group: Group) -> list[dict]:
    """Return the weeks between the first and last session with no session, and why (bank holiday, closure)."""
    sessions = programme_sessions(group)
    if not sessions:
        return []
    cal = team_calendar(group.team)
    _planned, skipped = weekly_sessions(sessions[0].date, group.weekday, len(sessions), cal)
    moved = {s.moved_from for s in sessions if s.moved_from}
    language = active_language()
    return [{"date": s.date, "reason": holiday_text(s.reason, language)} for s in skipped if s.date not in moved]
