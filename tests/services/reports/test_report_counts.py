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
from services.cases.transitions import add_history
from services.deadlines.timing import calendar_for, local_today
from services.pathways.store import latest_definitions
from services.reports import cohort as report_cohort
from services.reports.counts import (
    COUNTS_MIGRATION,
    MIGRATIONS,
    WAITING,
    counts,
    fill_report_counts,
    waiting_changes_pipeline,
)
from services.reports.figures import _waiting_history, get_reports, months
from services.reports.queries import waiting_states
from storage.uow import transactional
from tests.command_log import count_commands
from tests.pathway_steps import fire, north_team, refer
from tests.services.reports.test_report_queries import explain

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


def cohort_stored(level: str = "day", team: str | None = None) -> dict:
    """Return every non-zero cohort counter of one level as {(team, pathway, day, metric): n}."""
    width = 10 if level == "day" else 7
    return {(c["team"], c["pathway"], c["day"], c["metric"]): c["n"]
            for c in counts().find({"metric": {"$regex": f"^{report_cohort.PREFIX}"}})
            if c["n"] and len(c["day"]) == width and (team is None or (c["team"] == "*") == (team == "*"))}


def rolled_up(found: dict, *, month: bool, all_teams: bool) -> dict:
    """Add day counters up into months and/or all teams, as the counters keep them."""
    summed: dict = {}
    for (team, pathway, day, metric), n in found.items():
        key = ("*" if all_teams else team, pathway, day[:7] if month else day, metric)
        summed[key] = summed.get(key, 0) + n
    return {key: n for key, n in summed.items() if n}


@pytest.fixture
def cohort_world(make_case, now):
    funnels, measures = report_cohort.declared()
    keys = sorted(funnels)[:3]
    assert keys and set(measures) & set(keys)
    cases = [make_case(workflow_key=key, team=team, referred_at=now - timedelta(days=days, hours=hours))
             for key in keys for team, days, hours in (("north", 3, 23), ("south", 40, 2))]
    for case in cases:
        report_cohort.recount_case(case.pk)  # make_case set referred_at after the case entered its pathway
    return cases, funnels, measures


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 40), st.integers(0, 3)), max_size=20))
def test_cohort_counters_equal_a_count_from_scratch_after_any_changes(cohort_world, now, moves):
    """Every transition, closing and form of measures moves the counters as a count of every case would find."""
    cases, funnels, measures = cohort_world
    Case._get_collection().update_many({}, {"$set": {"passed_states": [], "taken_transitions": [],
                                                     "evaluation_done": [], "status": "open"}})
    for case in cases:
        report_cohort.recount_case(case.pk)
    for index, choice, kind in moves:
        case = Case.objects.get(pk=cases[index % len(cases)].pk)
        rules = funnels[case.workflow_key]
        states = sorted({s for rule in rules.values() if isinstance(rule, dict) for s in rule.get("states", ())})
        names = sorted({t for rule in rules.values() if isinstance(rule, dict) for t in rule.get("transitions", ())})
        if kind == 0 and case.status == "open":
            Case.objects(pk=case.pk).update_one(set__status="closed")
            report_cohort.recount_case(case.pk)
        elif kind == 1 and case.workflow_key in measures:
            stages = [s["value"] for s in measures[case.workflow_key]["stages"]] + ["other"]
            Case.objects(pk=case.pk).update_one(add_to_set__evaluation_done=stages[choice % len(stages)])
            report_cohort.recount_case(case.pk)
        else:
            to_state = (states + ["received"])[choice % (len(states) + 1)]
            Case.objects(pk=case.pk).update_one(set__state=to_state)
            add_history(case, kind="transition", now=now, name=(names + ["other_step"])[choice % (len(names) + 1)],
                        from_state=case.state, to_state=to_state)
    # Months and all teams add up the days of each team.
    days = cohort_stored("day", "north")
    assert cohort_stored("month", "north") == rolled_up(days, month=True, all_teams=False)
    assert cohort_stored("day", "*") == rolled_up(days, month=False, all_teams=True)
    assert cohort_stored("month", "*") == rolled_up(days, month=True, all_teams=True)
    # Every case counts once as referred, once in a class of measures, and the counters equal a count from scratch.
    assert sum(n for (*_, metric), n in days.items() if metric == report_cohort.funnel_metric("referred")) \
        == len(cases)
    before = cohort_stored()
    Case._get_db()[MIGRATIONS].delete_one({"_id": report_cohort.COHORT_MIGRATION})
    assert report_cohort.fill_cohort_counts() > 0
    assert cohort_stored() == before


def test_cohort_counters_move_with_the_services(synced, make_team, make_user, now):
    """A referral walked through its pathway is counted in its funnel by the services' own writes."""
    team = north_team(make_team, make_user)
    manager = team["manager"]
    case = fire(refer(team, now), "acknowledge", manager, now)
    referred = local_today(case.referred_at).isoformat()
    found = {metric for (_, _, day, metric) in cohort_stored("day", "north") if day == referred}
    assert report_cohort.funnel_metric("referred") in found
    assert report_cohort.funnel_metric("completed") not in found
    case = fire(case, "arrange_consultation", manager, now, consultation_date=now.date().isoformat())
    fire(case, "accept", manager, now)
    funnel = get_reports(actor=manager, now=now)["funnel"]
    row = next(r for r in funnel if r["key"] == "dao_pathway")
    assert (row["referred"], row["accepted"]) == (1, 1)


@pytest.mark.parametrize("scope", [{}, {"team": "north"}], ids=["all teams", "one team"])
def test_the_cohort_counters_read_as_many_documents_at_2400_cases_as_at_600(synced, make_team, now, app_config,
                                                                           scope):
    for team in TEAMS:
        make_team(key=team, name=f"{team.title()} Team")
    funnels, measures = report_cohort.declared()
    keys = sorted(funnels)
    start, end = date(2025, 11, 25), date(2026, 11, 24)
    pipeline = report_cohort.cohort_pipeline(scope, start, end)
    rng, figures = random.Random(5), []
    for count in (600, 1800):
        docs = []
        for _ in range(count):
            # Referred on a few days, the period's edges among them, so 600 cases already use every counter.
            key, referred = rng.choice(keys), now - timedelta(days=rng.choice((1, 2, 30, 200, 363, 364, 390)),
                                                              hours=rng.randint(0, 9))
            docs.append({"_id": ObjectId(), "reference": str(ObjectId()), "kind": "perpetrator", "workflow_key": key,
                         "workflow_version": 1, "status": "open", "state": "received", "team": rng.choice(TEAMS),
                         "referred_at": referred, "created_at": referred, "person": {"name": "Secret Person"},
                         "revision": 1})
        Case._get_collection().insert_many(docs)
        Case._get_db()[MIGRATIONS].delete_one({"_id": report_cohort.COHORT_MIGRATION})
        report_cohort.fill_cohort_counts()
        explained = explain("report_counts", pipeline)
        referred = sum(row["n"] for row in counts().aggregate(pipeline)
                       if row["_id"]["metric"] == report_cohort.funnel_metric("referred"))
        figures.append((docs_examined(explained), referred, counts().count_documents(pipeline[0]["$match"])))
    (examined_small, referred_small, _), (examined_large, referred_large, _) = figures
    assert referred_large > referred_small > 50
    # Whole months and the edge days, per pathway and metric: the same documents however many cases.
    assert examined_large == examined_small, figures
    assert examined_small <= len(keys) * 12 * 7


def test_the_waiting_history_stops_at_the_current_month(synced, now):
    today = local_today(now)
    later = date(today.year + 1, 6, 30)
    history = _waiting_history({}, ["waiting_list"], now=now, start=today.replace(day=1), end=later)
    # Months still to come have no length yet: nothing is said of them, rather than a 0.
    assert [row["month"] for row in history] == [today.isoformat()[:7]]
