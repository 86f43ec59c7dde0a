"""Intakes: who waits for a group (urgent first, then the longest waiting), places at each intake, the next one."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from models.case import Case
from models.group import Group, GroupMember, GroupSession
from scheduler.group_schedule import last_number
from services.cases.engine_view import case_view
from services.common.rows import find_rows, rows_of
from services.groups.schedules import extend_schedule, group_programmes, spec_of
from services.pathways.store import definition_for
from workflows.guards import GuardContext, failures
from workflows.programme import ProgrammeSpec

HOLDING = ("active", "completed")
# What the intake plan and the pages that show it read of a waiting man's case.
CANDIDATE_FIELDS = ("reference", "person.name", "priority", "waiting_since", "state_entered_at", "referred_at",
                    "created_at", "team", "workflow_key", "workflow_version", "state", "kind", "status")
# And what the guards read of it besides (its forms and attendance are read only if a guard asks).
GUARDED_FIELDS = CANDIDATE_FIELDS + ("risk_level", "allocated_to", "suspended", "endorsements", "fields")


def waiting_since(case: Case) -> datetime:
    return case.waiting_since or case.state_entered_at or case.referred_at or case.created_at


def priority_key(case: Case):
    """Order the waiting list as everywhere in Pathway: urgent (endorsed) first, then the longest waiting."""
    return (case.priority != "urgent", waiting_since(case))


def candidates(team: str, workflow_key: str, *, whole: bool = True) -> list[Case]:
    """Return the men waiting for a group of a pathway, in priority order (only what plans read unless `whole`)."""
    found = group_programmes().get(workflow_key)
    if found is None:
        return []
    spec = found[1]
    placed = set(GroupMember.objects(team=team, status="active").distinct("case_id"))
    query = {"team": team, "workflow_key": workflow_key, "kind": "perpetrator", "status": "open",
             "state": {"$in": list(spec.candidate_states)}}
    if whole:
        cases = [c for c in Case.objects(__raw__=query) if c.pk not in placed]
    else:
        # A team's waiting men can be hundreds: a plan reads only what orders, checks and shows them, as rows.
        cases = [c for c in _waiting_rows(query, GUARDED_FIELDS if spec.candidate_guards else CANDIDATE_FIELDS)
                 if c.pk not in placed]
    if spec.candidate_guards:
        kept = []
        for case in cases:
            ctx = GuardContext(case=case_view(case, lazy=True), actor={},
                               form_labels=definition_for(case).form_labels)
            if not failures(spec.candidate_guards, ctx):
                kept.append(case)
        cases = kept
    return sorted(cases, key=priority_key)


def _waiting_rows(query: dict, fields: tuple[str, ...]) -> list:
    """Return the cases a query finds as plain rows of the fields given, with the man's name as `person.name`."""
    plain = tuple(f for f in fields if "." not in f)
    found = Case._get_collection().find(query, dict.fromkeys(fields, 1))
    sons = list(found)
    cases = rows_of(Case, sons, fields=plain)
    for case, son in zip(cases, sons, strict=True):
        case.person = SimpleNamespace(name=(son.get("person") or {}).get("name"))
    return cases


def _spans(members, spec) -> list[tuple[int, int]]:
    """Return the first and last session number at which each holding member takes a place."""
    return [(m.join_number, last_number(m.join_number, spec.sessions, m.first_week))
            for m in members if m.status in HOLDING]


def _taken(spans: list[tuple[int, int]], number: int) -> int:
    return sum(1 for first, last in spans if first <= number <= last)


def occupancy(group: Group, number: int, members=None, *, spec: ProgrammeSpec | None = None) -> int:
    """Return how many places are taken at session number."""
    spec = spec or spec_of(group)
    members = members if members is not None else GroupMember.objects(group_id=group.pk, status__in=HOLDING)
    return _taken(_spans(members, spec), number)


def free_places(group: Group, join_number: int, first_week: int = 1, members=None, *,
                spec: ProgrammeSpec | None = None) -> int:
    """Return how many men can join at a session and stay to the end of their programme within the group size."""
    spec = spec or spec_of(group)
    members = list(GroupMember.objects(group_id=group.pk, status__in=HOLDING)) if members is None else members
    # Each member's span is worked out once, not once per session of the range (a page plans many intakes).
    spans = _spans(members, spec)
    end = last_number(join_number, spec.sessions, first_week)
    busiest = max((_taken(spans, n) for n in range(join_number, end + 1)), default=0)
    return max(0, spec.max_group_size - busiest)


def upcoming_intakes(group: Group, today: date) -> list[GroupSession]:
    """Return the group's intake sessions from today on, while it still takes new members."""
    return upcoming_intakes_of([group], today)[group.pk]


def upcoming_intakes_of(groups: list[Group], today: date) -> dict:
    """Return group id -> its intake sessions from today on (as `upcoming_intakes`), in two queries for all groups."""
    found: dict = {g.pk: [] for g in groups}
    running = [g for g in groups if g.status == "running"]
    if not running:
        return found
    specs = {g.pk: spec_of(g) for g in running}
    for session in GroupSession.objects(group_id__in=[g.pk for g in running], kind="programme", intake=True,
                                        date__gte=today).order_by("number"):
        if specs[session.group_id].rolling or session.number == 1:
            found[session.group_id].append(session)
    rolling = [g for g in running if specs[g.pk].rolling and specs[g.pk].intake_every_weeks]
    if rolling:
        # A rolling group's schedule grows as men join: offer the next intake even before it is scheduled.
        last = {row["_id"]: row["number"] for row in GroupSession.objects(
            group_id__in=[g.pk for g in rolling], kind="programme").aggregate(
            [{"$group": {"_id": "$group_id", "number": {"$max": "$number"}}}])}
        for group in rolling:
            if not found[group.pk] and group.pk in last:
                every = specs[group.pk].intake_every_weeks
                extend_schedule(group, (last[group.pk] // every + 1) * every + 1)
                found[group.pk] = list(GroupSession.objects(group_id=group.pk, kind="programme", intake=True,
                                                            date__gte=today).order_by("number"))
    return found


def intake_plan(team: str, workflow_key: str, today: date) -> dict:
    """Return, for each waiting man in priority order, the intake he would join and his place among its joiners."""
    groups = list(Group.objects(team=team, workflow_key=workflow_key, status="running"))
    # Every group's members in one query, not one query per group and intake.
    held: dict = {g.pk: [] for g in groups}
    for member in find_rows(GroupMember, {"group_id": {"$in": list(held)}, "status": {"$in": list(HOLDING)}},
                            fields=("group_id", "status", "join_number", "first_week")):
        held[member.group_id].append(member)
    slots, intakes = [], upcoming_intakes_of(groups, today)
    for group in groups:
        spec = spec_of(group) if intakes[group.pk] else None
        for session in intakes[group.pk]:
            slots.append({"group": group, "session": session,
                          "free": free_places(group, session.number, members=held[group.pk], spec=spec)})
    slots.sort(key=lambda s: (s["session"].date, s["group"].name))
    plan, rows = {}, []
    index, taken = 0, 0
    for position, case in enumerate(candidates(team, workflow_key, whole=False), 1):
        while index < len(slots) and taken >= slots[index]["free"]:
            index, taken = index + 1, 0
        slot = slots[index] if index < len(slots) else None
        if slot:
            taken += 1
        row = {"case": case, "position": position, "group": slot["group"] if slot else None,
               "session": slot["session"] if slot else None, "place": taken if slot else None,
               "free": slot["free"] if slot else 0}
        plan[case.pk] = row
        rows.append(row)
    return {"rows": rows, "by_case": plan, "slots": slots}


def next_intakes(team: str, cases, today: date) -> dict:
    """Return case id -> the intake he would join and his place there, for men waiting for a group."""
    found = {}
    programmes = group_programmes()
    for key in {c.workflow_key for c in cases if c.workflow_key in programmes}:
        found.update(intake_plan(team, key, today)["by_case"])
    return found
