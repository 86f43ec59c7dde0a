"""Reports at scale: every report's pipeline starts on an index, its figures match a plain count, its cost is flat."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, date, datetime, timedelta

import mongoengine
import pytest
from bson import ObjectId

from models.case import Case, CaseEvent
from models.deadline import DEADLINE_STATUSES, Deadline
from models.form import Submission
from models.team import Team
from models.user import User
from services.deadlines.timing import calendar_for, local_today
from services.pathways.store import latest_definitions
from services.reports import cohort as report_cohort
from services.reports import counts as report_counts
from services.reports import deadline_counts
from services.reports import queries as report_queries
from services.reports.counts import COUNTS_MIGRATION, fill_report_counts
from services.reports.fields import MIGRATIONS, REPORT_FIELDS_MIGRATION, fill_report_fields
from services.reports.figures import (
    classify_measures,
    evaluation_classes,
    evaluations,
    funnels,
    get_reports,
)
from services.reports.period import bounds as _bounds
from services.triage.views import days_between
from tests.command_log import count_commands
from tests.module_data import crowd_fixtures

TEAMS = ("north", "south", "east")
START, END = date(2025, 11, 25), date(2026, 11, 24)


def first_plan(explained) -> dict | None:
    """Return the first winning plan of an explain answer (the plan of the pipeline's first stage)."""
    if isinstance(explained, dict):
        if "winningPlan" in explained:
            return explained["winningPlan"]
        values = explained.values()
    elif isinstance(explained, list):
        values = explained
    else:
        return None
    return next((plan for plan in map(first_plan, values) if plan is not None), None)


def plan_stages(plan) -> list[str]:
    """Return every stage name in a plan."""
    if isinstance(plan, dict):
        return ([plan["stage"]] if "stage" in plan else []) + [s for v in plan.values() for s in plan_stages(v)]
    if isinstance(plan, list):
        return [s for item in plan for s in plan_stages(item)]
    return []


def explain(collection, pipeline: list[dict], hint: dict | None = None) -> dict:
    db = mongoengine.get_db()
    return db.command("explain", {"aggregate": collection, "pipeline": pipeline, "cursor": {},
                                  **({"hint": hint} if hint else {})}, verbosity="executionStats")


def seed(count: int, now: datetime, workers: list, *, rng: random.Random) -> None:
    """Insert cases, their history, deadlines and evaluation submissions shaped like the services' documents."""
    declared, measures = funnels(), evaluations()
    waiting = report_queries.waiting_states(latest_definitions())
    cases, events, deadlines, submissions = [], [], [], []
    for i in range(count):
        key = rng.choice(sorted(declared))
        funnel = declared[key]
        states = sorted({s for rule in ("accepted", "started", "completed", "dropped")
                         for s in funnel[rule].get("states", ())} | {"received", "closed"})
        names = sorted({t for rule in ("accepted", "started", "completed", "dropped")
                        for t in funnel[rule].get("transitions", ())} | {"other_step"})
        team = rng.choice(TEAMS)
        status = rng.choice(("open", "open", "open", "closed", "draft"))
        referred = now - timedelta(days=rng.randint(-5, 500), hours=rng.randint(0, 23))
        worker = rng.choice([w for w in workers if w.team == team] + [None])
        case_id = ObjectId()
        cases.append({
            "_id": case_id, "reference": f"R-{count}-{i:05d}", "kind": rng.choice(("perpetrator",) * 5 + ("partner",)),
            "workflow_key": key, "workflow_version": 1, "status": status, "state": rng.choice(states),
            "team": team, "allocated_to": str(worker.pk) if worker else "", "referred_at": referred,
            "person": {"name": f"Secret Person {i}"}, "created_at": referred, "revision": 1,
            "on_waiting_list": rng.random() < 0.3,
            "waiting_since": now - timedelta(days=rng.randint(0, 200), hours=rng.randint(0, 23)),
        })
        at, state, moves = referred, "", []
        for _ in range(rng.randint(0, 5)):
            at += timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
            if at >= now:  # history is never in the future
                break
            if rng.random() < 0.3:
                events.append({"case_id": case_id, "at": at, "kind": "form", "name": "risk_assessment"})
                continue
            to_state = rng.choice(states + waiting)
            moves.append({"case_id": case_id, "at": at, "kind": "transition", "name": rng.choice(names),
                          "from_state": state, "to_state": to_state})
            events.append(moves[-1])
            state = to_state
        # What services.cases.transitions.add_history keeps on the case with each transition.
        cases[-1]["passed_states"] = sorted({e["to_state"] for e in moves})
        cases[-1]["taken_transitions"] = sorted({e["name"] for e in moves})
        for _ in range(rng.randint(0, 2)):
            deadline_status = rng.choice(DEADLINE_STATUSES)
            deadlines.append({
                "case_id": case_id, "key": f"kind_{rng.randint(1, 3)}", "label": f"Kind {rng.randint(1, 3)}",
                "team": team, "started_at": referred, "status": deadline_status, "late": rng.random() < 0.3,
                "active": False, "due_at": now - timedelta(days=rng.randint(-30, 420), hours=rng.randint(0, 23))})
        if key in measures:
            spec = measures[key]
            for n in range(rng.randint(0, 3)):
                # At most one draft per case and form, as the services keep it.
                submissions.append({
                    "case_id": case_id, "form_key": spec["form"], "form_version": 1, "classification": "standard",
                    "status": rng.choice(("draft", "submitted", "countersigned")[bool(n):]), "created_at": referred,
                    "answers": {spec["stage_field"]: rng.choice([s["value"] for s in spec["stages"]] + ["other"]),
                                spec["completion_field"]: rng.choice(("all", "some", "none", ""))}})
            # What services.reports.fields.refresh_evaluation keeps on the case as each form is submitted.
            cases[-1]["evaluation_done"] = sorted({
                sub["answers"][spec["stage_field"]] for sub in submissions if sub["case_id"] == case_id
                and sub["status"] != "draft" and sub["answers"][spec["stage_field"]] != "other"
                and sub["answers"][spec["completion_field"]] not in ("", "none")})
    # Deadline kinds share their label, as the services write them.
    for deadline in deadlines:
        deadline["label"] = deadline["key"].replace("kind_", "Kind ")
    for model, docs in ((Case, cases), (CaseEvent, events), (Deadline, deadlines), (Submission, submissions)):
        model.ensure_indexes()
        if docs:
            model._get_collection().insert_many(docs)


def refill_counts() -> int:
    """Compute the report counters of the documents inserted directly, as the one-off fills do at start-up."""
    Case._get_db()[MIGRATIONS].delete_many({"_id": {"$in": [COUNTS_MIGRATION, report_cohort.COHORT_MIGRATION]}})
    return fill_report_counts() + report_cohort.fill_cohort_counts()


def populate(make_user, now: datetime) -> dict:
    """Make three teams, their practitioners and a leaver, and 400 cases with their history; return two readers."""
    for key in TEAMS:
        Team(key=key, name=f"{key.title()} Team").save()
    people = {"auditor": make_user(roles=["auditor"], team=""),
              "manager": make_user(roles=["manager"], team="north")}
    workers = [make_user(roles=["practitioner"], team=team, capacity=capacity)
               for team in TEAMS for capacity in (3, 10)]
    leaver = make_user(roles=["practitioner"], team="north")
    User.objects(pk=leaver.pk).update_one(set__active=False)  # a leaver: no capacity any more
    seed(400, now, workers, rng=random.Random(15))
    assert refill_counts() > 100
    return people


# The 400 cases, shared by the tests that only read them; `own_crowd` for a test that changes them.
shared_crowd, crowd, own_crowd = crowd_fixtures(populate)


def plain_counts(scope: dict, now: datetime) -> dict:
    """Count every report the plain way: read every document into Python, as the reports once did."""
    low, high = _bounds(START, END)
    mine = list(Case._get_collection().find(scope))
    cohort = [c for c in mine if c["kind"] == "perpetrator" and c["status"] != "draft"
              and low <= c["referred_at"] < high]
    timeliness: dict[str, list] = {}
    for d in Deadline._get_collection().find(scope):
        if d["status"] != "cancelled" and low <= d["due_at"] < min(high, now):
            met = d["status"] == "met"
            row = timeliness.setdefault(d["key"], [0, 0, 0, 0])
            for i, yes in enumerate((True, met and not d["late"], met and d["late"], not met)):
                row[i] += int(yes)
    funnel = {}
    for key, rules in funnels().items():
        row = funnel[key] = dict.fromkeys(report_queries.STAGES, 0)
        for case in (c for c in cohort if c["workflow_key"] == key):
            history = [e for e in CaseEvent._get_collection().find({"case_id": case["_id"]})
                       if e["kind"] == "transition"]
            states = {e["to_state"] for e in history} | {case["state"]}
            names = {e["name"] for e in history}

            def reached(rule, states=states, names=names):
                return bool(states & set(rule.get("states", ())) or names & set(rule.get("transitions", ())))

            started = reached(rules["started"])
            completed = started and reached(rules["completed"])
            dropping = case["status"] == "closed" or case["state"] in rules["dropped"].get("states", ()) or bool(
                names & set(rules["dropped"].get("transitions", ())))
            for stage, yes in (("referred", True), ("accepted", started or reached(rules["accepted"])),
                               ("started", started), ("completed", completed),
                               ("dropped", started and not completed and dropping)):
                row[stage] += int(yes)
    waits = [days_between(c["waiting_since"], now) for c in mine
             if c["on_waiting_list"] and c["kind"] == "perpetrator" and c["status"] == "open"]
    evaluation = {}
    for key, spec in evaluations().items():
        classes, counts = evaluation_classes(spec["stages"]), {}
        for case in (c for c in cohort if c["workflow_key"] == key):
            done = {s["answers"][spec["stage_field"]] for s in Submission._get_collection().find(
                {"case_id": case["_id"], "form_key": spec["form"]}) if s["status"] != "draft"
                and s["answers"][spec["stage_field"]] in {x["value"] for x in spec["stages"]}
                and s["answers"][spec["completion_field"]] not in ("", "none")}
            label = classify_measures(done, classes)
            counts[label] = counts.get(label, 0) + 1
        evaluation[key] = counts
    caseload = {}
    for user in User.objects(roles="practitioner", active=True, **scope):
        load = sum(1 for c in mine if c["allocated_to"] == str(user.pk) and c["status"] == "open"
                   and c["kind"] == "perpetrator")
        row = caseload.setdefault(user.team, [0, 0, 0, 0])
        for i, value in enumerate((1, user.capacity, load, int(load >= user.capacity))):
            row[i] += value
    waiting_states = set(report_queries.waiting_states(latest_definitions()))
    waiting_history = []
    # Month ends are the service's midnights (Europe/London: 1 June starts at 23:00 UTC on 31 May).
    zone = calendar_for().tz
    month_ends = [datetime(y, m, 1, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
                  for y, m in ((2025, 12), (2026, 1), (2026, 6), (2026, 11))]
    for month_end in [*month_ends, now]:
        on_list = 0
        for case in mine:
            moves = sorted((e["at"], e["to_state"]) for e in CaseEvent._get_collection().find(
                {"case_id": case["_id"], "kind": "transition"}) if e["at"] < month_end)
            on_list += int(bool(moves) and moves[-1][1] in waiting_states)
        waiting_history.append(on_list)
    return {"timeliness": timeliness, "funnel": funnel, "waits": waits, "evaluation": evaluation,
            "caseload": caseload, "waiting_history": waiting_history}


@pytest.mark.parametrize("who", ["auditor", "manager"])
def test_pipeline_figures_match_a_plain_count(crowd, now, who):
    actor = crowd[who]
    reports = get_reports(actor=actor, now=now, raw_from=START.isoformat(), raw_to=END.isoformat())
    plain = plain_counts({} if who == "auditor" else {"team": "north"}, now)
    assert {r["key"]: [r["due"], r["on_time"], r["late"], r["overdue"]] for r in reports["timeliness"]} \
        == plain["timeliness"]
    assert sum(m["due"] for m in reports["monthly"]) == sum(r[0] for r in plain["timeliness"].values())
    assert {r["key"]: {s: r[s] for s in report_queries.STAGES} for r in reports["funnel"]} == plain["funnel"]
    assert sum(r["referred"] for r in reports["funnel"]) > 50
    waits = plain["waits"]
    assert reports["waiting"]["count"] == len(waits) > 10
    assert reports["waiting"]["longest"] == max(waits)
    assert float(reports["waiting"]["median"]) == statistics.median(waits)
    for found in reports["evaluation"]:
        assert {r["label"]: r["count"] for r in found["rows"] if r["count"]} == plain["evaluation"][found["key"]]
    assert {r["team"]: [r["practitioners"], r["capacity"], r["cases"], r["at_capacity"]]
            for r in reports["caseload"]} == plain["caseload"]
    assert len(reports["caseload"]) == (3 if who == "auditor" else 1)
    # The list's length at the end of November 2025, December 2025, May 2026, October 2026, and now.
    history = {row["month"]: row["waiting"] for row in reports["waiting_history"]}
    assert [history[m] for m in ("2025-11", "2025-12", "2026-05", "2026-10", "2026-11")] == plain["waiting_history"]
    assert min(plain["waiting_history"]) > 0 and max(plain["waiting_history"]) > 10


def report_pipelines(scope: dict, now: datetime) -> dict[str, tuple[str, list]]:
    """Return every report's (collection, pipeline), as get_reports runs them."""
    low, high = _bounds(START, END)
    states = report_queries.waiting_states(latest_definitions())
    found = {
        "timeliness": ("deadlines", report_queries.timeliness_pipeline(scope, low, min(high, now))),
        "funnel and evaluation": (report_counts.COLLECTION, report_cohort.cohort_pipeline(scope, START, END)),
        "waiting": ("cases", report_queries.waiting_pipeline(scope, now)),
        "waiting history": (report_counts.COLLECTION, report_counts.waiting_changes_pipeline(
            scope, local_today(now) + timedelta(days=1))),
        "caseload": ("cases", report_queries.caseload_pipeline(
            scope, [str(w["_id"]) for w in report_queries.practitioners(scope)])),
        "on-time counters": (report_counts.COLLECTION, deadline_counts.timeliness_counts_pipeline(
            scope, START, END, now)),
    }
    assert states
    return found


@pytest.mark.parametrize("scope", [{}, {"team": "north"}], ids=["all teams", "one team"])
def test_every_report_starts_on_an_index(crowd, now, scope):
    pipelines = report_pipelines(scope, now)
    assert {"timeliness", "funnel and evaluation", "waiting", "caseload"} < set(pipelines) and len(pipelines) >= 5
    for name, (collection, pipeline) in pipelines.items():
        explained = explain(collection, pipeline)
        found = plan_stages(first_plan(explained))
        assert "IXSCAN" in found and "COLLSCAN" not in found, (name, found)
        # No report reads another collection per document: no $lookup, no $unionWith.
        assert not any(stage_name in str(pipeline) for stage_name in ("$lookup", "$unionWith")), name


@pytest.mark.parametrize("who", ["auditor", "manager"])
def test_a_report_page_costs_the_same_commands_however_many_cases(own_crowd, now, app_config, who):
    crowd = own_crowd
    database = app_config["MONGODB_DB"]
    workers = []

    def page():
        return get_reports(actor=crowd[who], now=now)

    page()
    first_result, first = count_commands(database, page)
    seed(1200, now, workers, rng=random.Random(16))
    refill_counts()
    second_result, second = count_commands(database, page)
    assert sum(r["referred"] for r in second_result["funnel"]) > sum(r["referred"] for r in first_result["funnel"])
    assert sorted(second) == sorted(first), (first, second)
    # Teams, practitioners and pathways (3 finds), then one aggregation per report (the waiting list's history,
    # the funnel and the evaluation measures on their counters).
    assert first.count("aggregate") == 5, first
    assert sorted(set(first)) == ["aggregate", "find"]
    assert len(first) == first.count("aggregate") + 3, first


def test_cases_stored_before_the_funnel_fields_are_filled_in_from_their_history(own_crowd, now):
    fields = ("passed_states", "taken_transitions", "evaluation_done")
    expected = {c["_id"]: tuple(c.get(f, []) for f in fields) for c in Case._get_collection().find()}
    Case._get_collection().update_many({}, {"$unset": dict.fromkeys(fields, "")})
    Case._get_db()[MIGRATIONS].delete_one({"_id": REPORT_FIELDS_MIGRATION})
    assert fill_report_fields() == sum(1 for states, *_ in expected.values() if states) > 100
    found = {c["_id"]: tuple(sorted(c.get(f, [])) for f in fields) for c in Case._get_collection().find()}
    assert found == expected
    assert sum(1 for *_, done in expected.values() if done) > 20
    assert fill_report_fields() == 0  # done once: later starts skip the scan


@pytest.mark.parametrize("scope", [{}, {"team": "north"}], ids=["all teams", "one team"])
@pytest.mark.parametrize("name", ["timeliness", "waiting", "caseload"])
def test_the_reports_on_every_case_count_from_an_index_alone(crowd, now, scope, name):
    """Timeliness, waits and caseloads read every deadline or case they count: from index keys, never a document."""
    collection, pipeline = report_pipelines(scope, now)[name]
    # Timeliness names its index, as get_reports runs it (the planner may prefer the sweep's on few deadlines).
    explained = explain(collection, pipeline, report_queries.TIMELINESS_INDEX if name == "timeliness" else None)
    found = plan_stages(first_plan(explained))
    assert "IXSCAN" in found and "FETCH" not in found and "COLLSCAN" not in found, found
    assert docs_examined(explained) == 0 and keys_examined(explained) > 20, explained


def docs_examined(explained) -> int:
    """Return the documents an explained aggregation examined (every `totalDocsExamined` in the answer)."""
    return _total(explained, "totalDocsExamined")


def keys_examined(explained) -> int:
    """Return the index keys an explained aggregation examined."""
    return _total(explained, "totalKeysExamined")


def _total(explained, field: str) -> int:
    if isinstance(explained, dict):
        return int(explained.get(field, 0)) + sum(_total(v, field) for k, v in explained.items() if k != field)
    if isinstance(explained, list):
        return sum(_total(item, field) for item in explained)
    return 0
