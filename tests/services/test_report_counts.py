"""Report counters: kept with each change they follow, equal to a plain count, and read at a flat cost."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import mongoengine
import pytest
from bson import ObjectId
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models.case import Case, CaseEvent
from models.user import User
from services.cases import add_history
from services.deadline_timing import calendar_for, local_today
from services.report_counts import (
    COUNTS_MIGRATION,
    MIGRATIONS,
    WAITING,
    counts,
    fill_report_counts,
    waiting_changes_pipeline,
)
from services.report_queries import waiting_states
from services.reports import _waiting_history, get_reports, months
from services.workflow_store import latest_definitions
from storage.uow import transactional
from tests.pathway_steps import fire, north_team, refer
from tests.services.test_report_queries import count_commands, explain

TEAMS = ("north", "south", "east")


def refill() -> int:
    """Compute the counters again from the stored history, as the one-off fill does."""
    Case._get_db()[MIGRATIONS].delete_one({"_id": COUNTS_MIGRATION})
    return fill_report_counts()


def stored() -> dict:
    """Return every non-zero waiting-list counter as {(team, pathway, day): n}."""
    return {(c["team"], c["pathway"], c["day"]): c["n"] for c in counts().find({"metric": WAITING}) if c["n"]}


def plain(waiting: set[str]) -> dict:
    """Count joins less leaves per team, pathway and service day the plain way, from every transition."""
    found: dict = {}
    cases = {c["_id"]: c for c in Case._get_collection().find()}
    cal = calendar_for()
    for event in CaseEvent._get_collection().find({"kind": "transition"}):
        case = cases[event["case_id"]]
        day = event["at"].replace(tzinfo=UTC).astimezone(cal.tz).date().isoformat()
        key = (case["team"], case["workflow_key"], day)
        found[key] = found.get(key, 0) + int(event["to_state"] in waiting) - int(event["from_state"] in waiting)
    return {key: n for key, n in found.items() if n}


def on_list_before(moment: datetime, waiting: set[str], scope: dict | None = None) -> int:
    """Return how many cases were on the waiting list just before `moment`: their last move took them there."""
    last: dict = {}
    ids = Case._get_collection().distinct("_id", scope or {})
    for event in CaseEvent._get_collection().find({"kind": "transition", "at": {"$lt": moment},
                                                   "case_id": {"$in": ids}}).sort([("at", 1), ("_id", 1)]):
        last[event["case_id"]] = event["to_state"]
    return sum(1 for state in last.values() if state in waiting)


@pytest.fixture
def world(make_case):
    definitions = latest_definitions()
    waiting = waiting_states(definitions)
    keys = sorted(key for key, defn in definitions.items() if set(waiting) & set(defn.states))[:2]
    assert waiting and keys
    cases = [make_case(workflow_key=key, team=team) for key in keys for team in ("north", "south")]
    return cases, waiting


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(moves=[(0, 0, 0), (0, 1, 0)])  # two moves at the same moment: the later one written wins
@given(moves=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5), st.integers(0, 60 * 24 * 120)),
                      max_size=25))
def test_counters_equal_a_plain_count_after_any_transitions(world, now, moves):
    cases, waiting = world
    CaseEvent._get_collection().delete_many({})
    counts().delete_many({})
    choices = [*waiting, "received", "assessment", "closed"]
    current = {i: "" for i in range(len(cases))}
    first = now - timedelta(days=130)
    for index, choice, minutes in sorted(moves, key=lambda move: move[2]):
        to_state = choices[choice % len(choices)]
        add_history(cases[index], kind="transition", now=first + timedelta(minutes=minutes), name="step",
                    from_state=current[index], to_state=to_state)
        current[index] = to_state
    expected = plain(set(waiting))
    assert stored() == expected
    # The list's length at the end of each month (now for the current one) is the running sum.
    start, end = first.date(), local_today(now)
    history = _waiting_history({}, waiting, now=now, start=start, end=end)
    zone = calendar_for().tz
    for row, month in zip(history, months(start, end), strict=True):
        year, number = int(month[:4]), int(month[5:])
        following = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        assert row["waiting"] == on_list_before(min(following, now), set(waiting)), month
    # The one-off fill computes the same counters from the history alone.
    counts().delete_many({})
    refill()
    assert stored() == expected


def test_a_counter_is_written_in_the_same_unit_of_work_as_the_change(world, now):
    cases, waiting = world

    @transactional
    def move_then_fail(case):
        add_history(case, kind="transition", now=now, name="step", from_state="", to_state=waiting[0])
        raise RuntimeError("the use-case fails after the move")

    with pytest.raises(RuntimeError):
        move_then_fail(cases[0])
    assert stored() == {} and CaseEvent.objects(kind="transition").count() == 0
    add_history(cases[0], kind="transition", now=now, name="step", from_state="", to_state=waiting[0])
    assert stored() == {(cases[0].team, cases[0].workflow_key, local_today(now).isoformat()): 1}


def seed_waits(count: int, now: datetime, keys: list[str], waiting: list[str], rng: random.Random) -> None:
    """Insert cases that joined (and some that then left) the waiting list within the last four days."""
    cases, events = [], []
    for _ in range(count):
        case_id, team, key = ObjectId(), rng.choice(TEAMS), rng.choice(keys)
        at = now - timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 23))
        cases.append({"_id": case_id, "reference": str(case_id), "kind": "perpetrator", "workflow_key": key,
                      "workflow_version": 1, "status": "open", "state": waiting[0], "team": team,
                      "referred_at": at, "created_at": at, "person": {"name": "Secret Person"}, "revision": 1})
        events.append({"case_id": case_id, "at": at, "kind": "transition", "name": "step", "from_state": "",
                       "to_state": waiting[0]})
        if rng.random() < 0.3:
            events.append({"case_id": case_id, "at": at + timedelta(hours=1), "kind": "transition", "name": "step",
                           "from_state": waiting[0], "to_state": "closed"})
    Case._get_collection().insert_many(cases)
    CaseEvent._get_collection().insert_many(events)


def docs_examined(explained) -> int:
    """Return the documents an explained aggregation examined (every `totalDocsExamined` in the answer)."""
    if isinstance(explained, dict):
        return int(explained.get("totalDocsExamined", 0)) + sum(
            docs_examined(v) for k, v in explained.items() if k != "totalDocsExamined")
    if isinstance(explained, list):
        return sum(map(docs_examined, explained))
    return 0


@pytest.mark.parametrize("scope", [{}, {"team": "north"}], ids=["all teams", "one team"])
def test_the_waiting_history_reads_as_many_documents_at_1600_cases_as_at_400(synced, make_team, now, app_config,
                                                                             scope):
    for team in TEAMS:
        make_team(key=team, name=f"{team.title()} Team")
    definitions = latest_definitions()
    waiting = waiting_states(definitions)
    keys = sorted(definitions)[:2]
    actor = User(roles=["auditor"], team="") if not scope else User(roles=["manager"], team=scope["team"])
    pipeline = waiting_changes_pipeline(scope, local_today(now) + timedelta(days=1))
    database = app_config["MONGODB_DB"]
    figures = []
    for count, seed in ((400, 1), (1200, 2)):
        seed_waits(count, now, keys, waiting, random.Random(seed))
        refill()
        explained = explain("report_counts", pipeline)
        get_reports(actor=actor, now=now)  # the first call creates the models' indexes
        history, commands = count_commands(database, lambda: get_reports(actor=actor, now=now)["waiting_history"])
        figures.append((docs_examined(explained), sorted(commands), history[-1]["waiting"]))
        assert history[-1]["waiting"] == on_list_before(now, set(waiting), scope)
    (examined_small, commands_small, waiting_small), (examined_large, commands_large, waiting_large) = figures
    assert waiting_large > waiting_small > 50  # four times the cases, many more on the list...
    assert examined_large == examined_small > 0  # ...read from the same counters: a team's day per pathway
    assert examined_small <= len(TEAMS) * len(keys) * 5
    assert commands_large == commands_small, str((commands_small, commands_large))
    # Exactly the scope's counters are read, nothing else.
    assert examined_large == mongoengine.get_db()["report_counts"].count_documents({"metric": WAITING, **scope})


def test_days_are_the_service_days(world, now):
    cases, waiting = world
    # 23:30 UTC on 31 May is already 1 June in London.
    late = datetime(2026, 5, 31, 23, 30)
    add_history(cases[0], kind="transition", now=late, name="step", from_state="", to_state=waiting[0])
    assert set(stored()) == {(cases[0].team, cases[0].workflow_key, date(2026, 6, 1).isoformat())}


def test_a_case_that_joins_then_leaves_the_waiting_list_through_its_pathway_is_counted(synced, make_team, make_user,
                                                                                      now):
    team = north_team(make_team, make_user)
    team["practitioner"].update(set__capacity=0)
    manager = team["manager"]
    case = fire(refer(team, now), "acknowledge", manager, now)
    case = fire(case, "arrange_consultation", manager, now, consultation_date=now.date().isoformat())
    case = fire(case, "accept", manager, now)
    joined = now - timedelta(days=40)
    case = fire(case, "add_to_waiting_list", manager, joined)
    assert case.on_waiting_list
    team["practitioner"].update(set__capacity=15)
    fire(case, "allocate_from_waiting_list", manager, now, assignee=str(team["practitioner"].pk))
    assert stored() == {("north", "dao_pathway", local_today(joined).isoformat()): 1,
                        ("north", "dao_pathway", local_today(now).isoformat()): -1}
    history = get_reports(actor=manager, now=now, raw_from=(now - timedelta(days=70)).date().isoformat(),
                          raw_to=now.date().isoformat())["waiting_history"]
    assert [row["waiting"] for row in history] == [0, 1, 0]  # September, October, November 2026
