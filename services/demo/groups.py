"""Demo groups: every pathway that runs a group programme gets one, with men, intakes and saved registers.

The men are placed straight into the stage where they wait for a group (as a service moving its existing waiting
list into Pathway would); from there everything goes through the group services at earlier times, so joining,
registers, absences and drop-outs leave the history and deadlines the pathways themselves produce.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from forms.catalogue import N_
from models.case import Case
from models.group import Group, GroupMember
from models.user import User
from services.cases.history import add_history
from services.cases.stages import entering
from services.cases.transitions import open_case
from services.groups import members as groups_members
from services.groups import register as groups_register
from services.groups import schedules as groups
from services.groups.schedules import group_programmes
from services.pathways.store import definition_for, definition_version, latest_version

FIRST_NAMES = ("Craig", "Darren", "Lee", "Wayne", "Gary", "Shaun", "Nathan", "Carl", "Dean", "Jamie", "Ross",
               "Scott", "Glen", "Mark", "Adam", "Neil")
SURNAMES = ("Barker", "Holt", "Pearce", "Dixon", "Frost", "Lowe", "Rowe", "Sutton", "Webb", "Marsh", "Kemp",
            "Nash", "Tate", "Quinn", "Booth", "Lang")
# The men of the demo groups, made up like every demo person.
GROUP_MEN = tuple(f"{FIRST_NAMES[n % 16]} {SURNAMES[(n * 7) % 16]}" for n in range(16))
PLACED = N_("Brought to this stage with the demonstration data")
# Per group, in pathway order: (weekday, start time, venue, weeks since the first session, men placed, waiting).
PLANS = (
    (3, "18:30", "Hope Centre, Room 2, 14 Market Street", 10, 6, 2),
    (2, "13:30", "Family Safeguarding Hub, Meeting Room 3", 5, 5, 1),
    (1, "10:00", "Probation office, Group Room 1", -3, 4, 1),
)


def _men(defn, state: str, count: int, fields: dict, users: dict, start: int, now: datetime):
    manager, workers = users["manager"], users["facilitators"]
    made = []
    for i in range(count):
        n = start + i
        since = now - timedelta(days=120 - 9 * i)
        case = open_case(workflow_key=defn.key, team=manager.team, actor=manager, now=since,
                         person={"name": GROUP_MEN[n],
                                 "date_of_birth": date(1978 + n % 17, 1 + n % 12, 1 + n % 27)})
        waiting = defn.states[state].public_status == "On the waiting list"
        # A man ready for a group has long been allocated to a practitioner: unallocated, he would sit among the
        # team's new referrals.
        worker = workers[i % len(workers)]
        # Recorded as a move, so the reports count him as the product would have: on the waiting list from then
        # (its counters), and at the stages he has reached (the funnel's).
        add_history(case, kind="transition", now=since, actor=manager, name="demo_placed", label=PLACED,
                    label_key=PLACED, from_state=case.state, to_state=state)
        Case.objects(pk=case.pk).update_one(**entering(definition_for(case), state, since),
                                            set__on_waiting_list=waiting, set__waiting_since=since, inc__revision=1,
                                            set__allocated_to=str(worker.pk), set__allocated_at=since,
                                            **{f"set__fields__{k}": v for k, v in fields.items()})
        made.append(case.reload())
    return made


def _mark(man: int, session: int) -> str:
    """Return a plausible mark: most attend, one man is often late, one misses a session without good reason."""
    if man == 1 and session == 4:
        return "unacceptable_absence"
    if man == 2 and session in (2, 6):
        return "acceptable_absence"
    return "late" if man == 3 and session % 3 == 0 else "attended"


def _evening(day: date) -> datetime:
    return datetime.combine(day, time(20, 30))


def _build(key: str, spec, users: dict, now: datetime, index: int) -> Group:
    defn = definition_version(key, latest_version(key).version)
    manager, facilitators = users["manager"], users["facilitators"]
    weekday, start_time, venue, weeks_ago, placed, waiting = PLANS[index % len(PLANS)]
    start = (now - timedelta(weeks=weeks_ago)).date()
    start += timedelta(days=(weekday - start.weekday()) % 7)  # the first session falls on the group's own day
    state = spec.candidate_states[0]
    fields = {}
    for guard in spec.candidate_guards:  # satisfy the programme's own entry condition, e.g. information sent
        inner = guard.get("any_of", [guard])[0] if isinstance(guard, dict) else {}
        check = inner.get("case_field_equals") if isinstance(inner, dict) else None
        if check:
            fields[check["field"]] = check["value"]
    men = _men(defn, state, placed + waiting, fields, users, index * 5, now)
    created = min(now - timedelta(days=1), datetime.combine(start, time(9)) - timedelta(days=14))
    group = groups.create_group({
        "workflow_key": key, "name": f"{spec.name} – {groups.WEEKDAYS[weekday]} group", "venue": venue,
        "weekday": str(weekday), "start_time": start_time, "start_date": start.isoformat(),
        "facilitator_1": str(facilitators[0].pk), "facilitator_2": str(facilitators[1].pk), "confirm_pairing": "yes",
    }, actor=manager, now=created)
    first = groups.programme_sessions(group)[0]
    groups_members.add_members(group, first.pk, [str(m.pk) for m in men[:placed]], actor=manager,
                               now=created + timedelta(days=1))
    held = [s for s in groups.programme_sessions(group) if s.date < now.date()]
    members = list(men[:placed])
    for session in held:
        if session.number == 4 and len(members) > 4 and spec.leave:
            leaver = GroupMember.objects.get(group_id=group.pk, case_id=members[4].pk, status="active")
            groups_members.leave_group(group, leaver.pk, {"week": "3", "reason": "Said the sessions clash with "
                                                          "his new shift pattern"},
                                       actor=facilitators[0], now=_evening(session.date) - timedelta(days=2))
            members = members[:4] + members[5:]
        data = {f"mark-{m.pk}": _mark(i, session.number) for i, m in enumerate(members)}
        data["facilitator_note"] = "" if session.number % 3 else "Quieter session; check in with the newer men."
        groups_register.save_register(group, session.pk, data, actor=facilitators[1], now=_evening(session.date))
    return group


def load_demo_groups(*, now: datetime) -> str:
    """Create one demo group per pathway that runs a group programme, once; return a one-line summary."""
    manager = User.objects(email="manager@demo.pathway").first()
    facilitators = [User.objects(email=e).first() for e in ("practitioner@demo.pathway",
                                                            "cofacilitator@demo.pathway")]
    if manager is None or None in facilitators:
        return "no demo groups (the demo users are missing)"
    if Group.objects(team=manager.team).first():
        return "demo groups already loaded"
    made = []
    for i, (key, (_title, spec)) in enumerate(sorted(group_programmes().items())):
        made.append(_build(key, spec, {"manager": manager, "facilitators": facilitators}, now, index=i))
    return f"{len(made)} demo groups"
