"""Counters of the cohort reports (the funnel and the evaluation measures), kept per referral day and month.

A case referred on a day counts once in each stage of the funnel it reached and once in the class of evaluation
measures it completed. Each case keeps what it was counted as (`report_counted`: team, pathway, day, metrics);
after any change that can move it (a transition, its closing, entering its pathway, a form of measures, a
migration), `recount_case` works out its metrics again in MongoDB with the funnel's own rules and moves the
counters by the difference, in the same unit of work. Counters are kept per day and per month, for the team and
for all teams (team `*`), so a report reads the months inside the period and the days at its edges: a number of
small documents that grows with neither the cases nor the teams.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from bson import ObjectId

from clock import utcnow
from models.case import Case
from services.common.migrations import MIGRATIONS
from services.deadlines.timing import calendar_for
from services.pathways.store import latest_definitions
from services.reports.counters import ALL_TEAMS, add, counts, ensure_counts_index, period_days
from services.reports.queries import STAGES, funnel_flags

PREFIX = "cohort:"
EVALUATION = "evaluation:"
COHORT_MIGRATION = "report_cohort"


def funnel_metric(stage: str) -> str:
    """Return the counter's metric of a funnel stage."""
    return f"{PREFIX}{stage}"


def evaluation_metric(done) -> str:
    """Return the counter's metric of a class of evaluation measures (the stages done, in order)."""
    return f"{PREFIX}{EVALUATION}{','.join(sorted(done))}"


def declared(definitions=None) -> tuple[dict, dict]:
    """Return the funnels and the evaluation measures the pathway files declare, by pathway key."""
    definitions = latest_definitions() if definitions is None else definitions
    funnels = {key: dict(defn.reports["funnel"]) for key, defn in sorted(definitions.items()) if defn.reports}
    measures = {key: defn.reports["evaluation"] for key, defn in sorted(definitions.items())
                if (defn.reports or {}).get("evaluation")}
    return funnels, measures


def metrics_stages(funnels: dict, measures: dict) -> list[dict]:
    """Return the stages turning a case into its counters' key and metrics (none when it is not in a cohort)."""
    keys = sorted(set(funnels) | set(measures))
    wanted = {"$switch": {"branches": [
        {"case": {"$eq": ["$workflow_key", key]}, "then": {"$literal": sorted(s["value"] for s in spec["stages"])}}
        for key, spec in measures.items()], "default": []}} if measures else []
    done = {"$sortArray": {"input": {"$setIntersection": [{"$ifNull": ["$evaluation_done", []]}, wanted]},
                           "sortBy": 1}}
    joined = {"$reduce": {"input": done, "initialValue": "", "in": {"$concat": [
        "$$value", {"$cond": [{"$eq": ["$$value", ""]}, "", ","]}, "$$this"]}}}
    in_cohort = {"$and": [{"$eq": ["$kind", "perpetrator"]}, {"$ne": ["$status", "draft"]},
                          {"$ne": [{"$ifNull": ["$referred_at", None]}, None]},
                          {"$in": ["$workflow_key", {"$literal": keys}]}]}
    stages = [{"$project": {"kind": 1, "status": 1, "referred_at": 1, "team": 1, "workflow_key": 1, "state": 1,
                            "passed_states": 1, "taken_transitions": 1, "evaluation_done": 1,
                            "report_counted": 1}}]
    stages += funnel_flags(funnels, keep=["kind", "status", "referred_at", "team", "evaluation_done",
                                          "report_counted"]) if funnels else []
    funnel = {"$filter": {"input": [{"$cond": [f"${s}" if s != "referred" else True, funnel_metric(s), ""]}
                                    for s in STAGES], "cond": {"$ne": ["$$this", ""]}}}
    evaluation = [{"$concat": [PREFIX + EVALUATION, joined]}]
    return stages + [{"$project": {
        "report_counted": 1,
        "counted": {"team": {"$ifNull": ["$team", ""]}, "pathway": "$workflow_key",
                    "day": {"$dateToString": {"format": "%Y-%m-%d", "date": "$referred_at",
                                              "timezone": calendar_for().tz.key}},
                    "metrics": {"$cond": [in_cohort, {"$concatArrays": [
                        {"$cond": [{"$in": ["$workflow_key", {"$literal": sorted(funnels)}]}, funnel, []]},
                        {"$cond": [{"$in": ["$workflow_key", {"$literal": sorted(measures)}]}, evaluation, []]},
                    ]}, []]}}}}]


def _move(counted: dict | None, by: int) -> None:
    """Add `by` to every counter a case counts in: its day and month, for its team and for all teams."""
    if not counted or not counted.get("metrics"):
        return
    day = counted["day"]
    for metric in counted["metrics"]:
        for team in (counted["team"], ALL_TEAMS):
            for when in (day, day[:7]):
                add(metric, team=team, pathway=counted["pathway"], day=when, by=by)


def recount_case(case_id: ObjectId, definitions=None) -> None:
    """Count a case again after a change: move its counters from what it was counted as to what it is now."""
    funnels, measures = declared(definitions)
    if not funnels and not measures:
        return
    found = next(Case._get_collection().aggregate([{"$match": {"_id": case_id}}, *metrics_stages(funnels, measures)]),
                 None)
    if found is None:
        return
    before, now = found.get("report_counted") or None, found["counted"]
    if not now["metrics"]:
        now = None
    if before == now:
        return
    key = ("team", "pathway", "day")
    if before and now and all(before[k] == now[k] for k in key):
        # Same cohort: only the metrics it gained or lost move (usually one stage reached).
        _move({**now, "metrics": sorted(set(before["metrics"]) - set(now["metrics"]))}, -1)
        _move({**now, "metrics": sorted(set(now["metrics"]) - set(before["metrics"]))}, +1)
    else:
        _move(before, -1)
        _move(now, +1)
    Case._get_collection().update_one({"_id": case_id}, {"$set": {"report_counted": now}} if now
                                      else {"$unset": {"report_counted": ""}})


def _spec_hash(funnels: dict, measures: dict) -> str:
    spec = json.dumps([funnels, measures, calendar_for().tz.key], sort_keys=True, default=str)
    return hashlib.sha256(spec.encode()).hexdigest()


def fill_cohort_counts(definitions=None) -> int:
    """Count every case of a cohort from scratch when the pathways' report rules changed; return the counters.

    Two passes in MongoDB ($merge): each case's metrics onto the case, then their sums into the counters. Run at
    start-up after the definitions are synced; it records the rules it counted by, so later starts skip it.
    """
    ensure_counts_index()
    funnels, measures = declared(definitions)
    spec, done = _spec_hash(funnels, measures), Case._get_db()[MIGRATIONS]
    if (done.find_one({"_id": COHORT_MIGRATION}) or {}).get("spec") == spec:
        return 0
    counts().delete_many({"metric": {"$regex": f"^{PREFIX}"}})
    cases = Case._get_collection()
    cases.update_many({"report_counted": {"$exists": True}}, {"$unset": {"report_counted": ""}})
    if funnels or measures:
        cases.aggregate([
            {"$match": {"kind": "perpetrator", "status": {"$ne": "draft"}, "referred_at": {"$ne": None}}},
            *metrics_stages(funnels, measures),
            {"$match": {"counted.metrics.0": {"$exists": True}}},
            {"$project": {"report_counted": "$counted"}},
            {"$merge": {"into": cases.name, "on": "_id", "whenMatched": "merge", "whenNotMatched": "discard"}},
        ], allowDiskUse=True)
        month = {"$substrBytes": ["$report_counted.day", 0, 7]}
        cases.aggregate([
            {"$match": {"report_counted": {"$exists": True}}},
            {"$project": {"_id": 0, "metric": "$report_counted.metrics", "pathway": "$report_counted.pathway",
                          "key": [{"team": "$report_counted.team", "day": "$report_counted.day"},
                                  {"team": "$report_counted.team", "day": month},
                                  {"team": ALL_TEAMS, "day": "$report_counted.day"},
                                  {"team": ALL_TEAMS, "day": month}]}},
            {"$unwind": "$metric"},
            {"$unwind": "$key"},
            {"$group": {"_id": {"metric": "$metric", "day": "$key.day", "team": "$key.team", "pathway": "$pathway"},
                        "n": {"$sum": 1}}},
            {"$project": {"_id": 0, "metric": "$_id.metric", "day": "$_id.day", "team": "$_id.team",
                          "pathway": "$_id.pathway", "n": 1}},
            {"$merge": {"into": counts().name, "on": ["metric", "day", "team", "pathway"], "whenMatched": "replace",
                        "whenNotMatched": "insert"}},
        ], allowDiskUse=True)
    done.update_one({"_id": COHORT_MIGRATION}, {"$set": {"spec": spec, "done_at": utcnow()}}, upsert=True)
    return counts().count_documents({"metric": {"$regex": f"^{PREFIX}"}})


def cohort_pipeline(scope: dict, start: date, end: date) -> list[dict]:
    """Return the pipeline adding up the cohort counters of [start, end] per pathway and metric for the scope."""
    team = scope.get("team", ALL_TEAMS)
    return [
        {"$match": {"metric": {"$regex": f"^{PREFIX}"}, "team": team, "$or": period_days(start, end)}},
        {"$group": {"_id": {"pathway": "$pathway", "metric": "$metric"}, "n": {"$sum": "$n"}}},
    ]
