"""Teams: create and rename them, and keep each team's group-supervision dates. Every change is audited."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _
from mongoengine.errors import NotUniqueError

from errors import FieldProblem, InvalidInput, NotFound, Problems
from models.team import Team
from models.user import User
from scheduler.holiday_names import holiday_text
from services.audit.trail import record_audit
from services.common.language import active_language, date_words
from services.deadlines.timing import calendar_for, local_today
from services.deadlines.tracking import reschedule_supervision_deadlines
from storage.uow import transactional

KEY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")


def list_teams() -> list[dict]:
    """Return every team with its number of active members and its next supervision date."""
    counts: dict[str, int] = {}
    for user in User.objects(active=True).only("team"):
        counts[user.team] = counts.get(user.team, 0) + 1
    return [{"team": team, "members": counts.get(team.key, 0)} for team in Team.objects.order_by("name")]


def team_choices() -> list[tuple[str, str]]:
    """Return (key, name) of every team, for a select."""
    return [(team.key, team.name) for team in Team.objects.order_by("name").only("key", "name")]


def get_team(key: str) -> Team:
    """Return a team by key or raise NotFound."""
    team = Team.objects(key=key).first()
    if team is None:
        raise NotFound(_("There is no team called %(key)s", key=key))
    return team


def team_members(key: str) -> list[User]:
    """Return the team's users, active first, by name."""
    return sorted(User.objects(team=key), key=lambda u: (not u.active, u.name.lower()))


@transactional
def create_team(data: dict, *, actor, now: datetime) -> Team:
    """Create a team from its key and name."""
    key, name = (data.get("key") or "").strip().lower(), (data.get("name") or "").strip()
    problems = Problems()
    if not KEY_RE.fullmatch(key) or len(key) > 50:
        problems.add("key", _("Enter a short key in lower-case letters, digits, hyphens or underscores, like north"),
                     "Key")
    if not name:
        problems.add("name", _("Enter the team's name"), "Name")
    problems.raise_if_any()
    try:
        team = Team(key=key, name=name).save(force_insert=True)
    except NotUniqueError:
        raise InvalidInput(problems=[FieldProblem(
            "key", _("There is already a team with the key %(key)s", key=key), "Key")]) from None
    record_audit("team.created", actor=actor, now=now, target_type="team", target_id=key, details={"name": name})
    return team


@transactional
def rename_team(key: str, data: dict, *, actor, now: datetime) -> Team:
    """Change a team's name (its key stays: users and cases refer to it)."""
    team = get_team(key)
    name = (data.get("name") or "").strip()
    if not name:
        raise InvalidInput(problems=[FieldProblem("name", _("Enter the team's name"), "Name")])
    before = team.name
    Team.objects(pk=team.pk).update_one(set__name=name)
    team.reload()
    record_audit("team.renamed", actor=actor, now=now, target_type="team", target_id=key,
                 details={"before": before, "after": name})
    return team


def parse_date_parts(day: str, month: str, year: str, field: str = "date", missing: str = "") -> date:
    """Return the date typed into a day/month/year input, or InvalidInput naming the field."""
    day, month, year = (str(v or "").strip() for v in (day, month, year))
    if not (day or month or year):
        raise InvalidInput(problems=[FieldProblem(field, missing or _("Enter the date of the supervision"), "Date")])
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidInput(problems=[FieldProblem(field, _("Enter a real date, like 14 1 2027"), "Date")]) from None


@transactional
def add_supervision_date(key: str, data: dict, *, actor, now: datetime) -> Team:
    """Add one group-supervision date to a team (workbooks fall due two working days before it)."""
    team = get_team(key)
    when = parse_date_parts(data.get("date-day"), data.get("date-month"), data.get("date-year"))
    if when < local_today(now):
        raise InvalidInput(problems=[FieldProblem("date", _("The supervision date must be today or in the future"),
                                                  "Date")])
    if when in team.supervision_dates:
        raise InvalidInput(problems=[FieldProblem("date", _("This date is already in the list"), "Date")])
    _working_day(team, when, "date")  # workbooks fall due two working days before: it must be one itself
    # $addToSet keeps two admins adding dates at once from overwriting each other's list.
    Team.objects(pk=team.pk).update_one(add_to_set__supervision_dates=datetime.combine(when, datetime.min.time()))
    team.reload()
    scheduled = reschedule_supervision_deadlines(team, now=now)  # workbooks waiting for a date get their due date
    record_audit("team.supervision_date_added", actor=actor, now=now, target_type="team", target_id=key,
                 details={"date": when.isoformat(), "deadlines_scheduled": scheduled})
    return team


@transactional
def remove_supervision_date(key: str, when: str, *, actor, now: datetime) -> Team:
    """Remove one group-supervision date from a team."""
    return _remove_day(key, "supervision_dates", when, missing=_("There is no such supervision date"),
                       action="team.supervision_date_removed", actor=actor, now=now)


@transactional
def add_closure(key: str, data: dict, *, actor, now: datetime) -> Team:
    """Add a day the service is closed; group sessions on it are flagged for moving and new ones skip it."""
    team = get_team(key)
    when = parse_date_parts(data.get("closure-day"), data.get("closure-month"), data.get("closure-year"),
                            field="closure", missing=_("Enter the date the service is closed"))
    if when < local_today(now):
        raise InvalidInput(problems=[FieldProblem("closure", _("The closure must be today or in the future"), "Date")])
    if when in team.closures:
        raise InvalidInput(problems=[FieldProblem("closure", _("This date is already in the list"), "Date")])
    _working_day(team, when, "closure")  # a weekend or a bank holiday is closed already
    Team.objects(pk=team.pk).update_one(add_to_set__closures=datetime.combine(when, datetime.min.time()))
    team.reload()
    record_audit("team.closure_added", actor=actor, now=now, target_type="team", target_id=key,
                 details={"date": when.isoformat()})
    return team


@transactional
def remove_closure(key: str, when: str, *, actor, now: datetime) -> Team:
    """Remove a closure day."""
    return _remove_day(key, "closures", when, missing=_("There is no such closure"), action="team.closure_removed",
                       actor=actor, now=now)


def _working_day(team: Team, when: date, field: str) -> None:
    """Refuse a day that is not a working day of the team (a weekend, a bank holiday, one of its closures)."""
    cal = calendar_for()
    if cal.is_working_day(when) and when not in team.closures:
        return
    why = holiday_text(cal.holiday_name(when), active_language()) or (
        _("a weekend") if when.weekday() >= 5 else _("a closure"))
    raise InvalidInput(problems=[FieldProblem(field, _(
        "%(date)s is not a working day (%(why)s); choose another date", date=date_words(when), why=why), "Date")])


def _remove_day(key: str, field: str, when: str, *, missing: str, action: str, actor, now: datetime) -> Team:
    """Take one day out of a team's list of days (supervision dates, closures), audited."""
    team = get_team(key)
    try:
        day = date.fromisoformat(when)
    except (TypeError, ValueError):
        raise NotFound(missing) from None
    if day not in getattr(team, field):
        raise NotFound(missing)
    Team.objects(pk=team.pk).update_one(**{f"pull__{field}": datetime.combine(day, datetime.min.time())})
    team.reload()
    record_audit(action, actor=actor, now=now, target_type="team", target_id=key, details={"date": day.isoformat()})
    return team


def upcoming_supervision(team: Team, today: date) -> list[date]:
    """Return the team's supervision dates from today on, in order."""
    return sorted(d for d in team.supervision_dates if d >= today)
