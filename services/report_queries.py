"""The aggregation pipelines behind the reports: MongoDB counts, Python only reads the grouped rows.

Every pipeline starts with a `$match` that an index serves (see the models' `indexes` and
tests/services/test_report_queries.py) and reads one collection: what the funnel and the evaluation measures
need from a case's history and submissions is kept on the case (services/report_fields.py). Which states,
transitions and forms count come from the pathway files' `reports:` sections, passed in as data.
"""

from __future__ import annotations

from datetime import datetime

from models.deadline import CANCELLED, MET
from models.user import User

STAGES = ("referred", "accepted", "started", "completed", "dropped")


def timeliness_pipeline(scope: dict, low: datetime, high: datetime) -> list[dict]:
    """Return the pipeline counting deadlines that came due in [low, high), per kind and per month."""
    met, on_time = {"$eq": ["$status", MET]}, {"$ne": ["$late", True]}

    def counts() -> dict:
        return {"due": {"$sum": 1},
                "on_time": {"$sum": {"$cond": [{"$and": [met, on_time]}, 1, 0]}},
                "late": {"$sum": {"$cond": [{"$and": [met, {"$not": [on_time]}]}, 1, 0]}},
                "overdue": {"$sum": {"$cond": [met, 0, 1]}}}

    return [
        {"$match": {**scope, "due_at": {"$gte": low, "$lt": high}, "status": {"$ne": CANCELLED}}},
        {"$facet": {
            "kinds": [{"$group": {"_id": "$key", "label": {"$first": "$label"}, **counts()}}],
            "months": [{"$group": {"_id": {"$dateToString": {"format": "%Y-%m", "date": "$due_at"}}, **counts()}}],
        }},
    ]


def cohort_match(scope: dict, low: datetime, high: datetime, keys: list[str]) -> dict:
    """Return the filter of the perpetrator cases referred in [low, high) on the given pathways."""
    return {**scope, "kind": "perpetrator", "referred_at": {"$gte": low, "$lt": high},
            "status": {"$ne": "draft"}, "workflow_key": {"$in": keys}}


def _any(field: str, values) -> dict:
    return {"$gt": [{"$size": {"$setIntersection": [field, {"$literal": sorted(values)}]}}, 0]}


def _reached(rule: dict) -> dict:
    return {"$or": [_any("$states", rule.get("states", ())), _any("$names", rule.get("transitions", ()))]}


def _per_pathway(funnels: dict[str, dict], expression) -> dict:
    """Return an expression choosing, by the case's pathway, that pathway's version of `expression(funnel)`."""
    return {"$switch": {"branches": [{"case": {"$eq": ["$workflow_key", key]}, "then": expression(funnel)}
                                     for key, funnel in funnels.items()], "default": False}}


def funnel_pipeline(scope: dict, low: datetime, high: datetime, funnels: dict[str, dict]) -> list:
    """Return the pipeline counting, per pathway, the cases referred in [low, high) that reached each stage.

    A case reaches a stage when it has ever been in one of the stage's states (its current one included) or has
    ever taken one of its transitions (kept on the case as `passed_states` and `taken_transitions`); it dropped
    out when it started, did not complete, and then closed, sits in a drop-out state, or took a drop-out
    transition.
    """
    flags = {stage: _per_pathway(funnels, lambda f, s=stage: _reached(f[s]))
             for stage in ("accepted", "started", "completed")}
    dropping = _per_pathway(funnels, lambda f: {"$or": [
        {"$in": ["$state", {"$literal": list(f["dropped"].get("states", ()))}]},
        _any("$names", f["dropped"].get("transitions", ()))]})
    return [
        {"$match": cohort_match(scope, low, high, sorted(funnels))},
        {"$project": {"workflow_key": 1, "state": 1, "closed": {"$eq": ["$status", "closed"]},
                      "states": {"$setUnion": [{"$ifNull": ["$passed_states", []]}, ["$state"]]},
                      "names": {"$ifNull": ["$taken_transitions", []]}}},
        {"$project": {"workflow_key": 1, **flags, "dropping": {"$or": ["$closed", dropping]}}},
        {"$project": {"workflow_key": 1, "accepted": {"$or": ["$started", "$accepted"]}, "started": 1,
                      "completed": {"$and": ["$started", "$completed"]},
                      "dropped": {"$and": ["$started", {"$not": ["$completed"]}, "$dropping"]}}},
        {"$group": {"_id": "$workflow_key", "referred": {"$sum": 1},
                    **{s: {"$sum": {"$cond": [f"${s}", 1, 0]}} for s in STAGES[1:]}}},
    ]


def evaluation_pipeline(scope: dict, low: datetime, high: datetime, key: str, spec: dict) -> list[dict]:
    """Return the pipeline grouping one pathway's cohort by the set of evaluation stages whose measures were done.

    Each case keeps the stages done (`evaluation_done`, services/report_fields.py), so no submission is read.
    """
    wanted = sorted(s["value"] for s in spec["stages"])
    done = {"$setIntersection": [{"$ifNull": ["$evaluation_done", []]}, {"$literal": wanted}]}
    return [
        {"$match": cohort_match(scope, low, high, [key])},
        {"$group": {"_id": {"$sortArray": {"input": done, "sortBy": 1}}, "count": {"$sum": 1}}},
    ]


def waiting_pipeline(scope: dict, now: datetime, time_zone: str = "UTC") -> list[dict]:
    """Return the pipeline counting the cases waiting now by whole calendar days waited (the service's days)."""
    days = {"$max": [0, {"$ifNull": [{"$dateDiff": {"startDate": "$waiting_since", "endDate": now,
                                                    "unit": "day", "timezone": time_zone}}, 0]}]}
    return [
        {"$match": {"on_waiting_list": True, **scope, "kind": "perpetrator", "status": "open"}},
        {"$group": {"_id": days, "count": {"$sum": 1}}},
    ]


def waiting_states(definitions) -> list[str]:
    """Return the states whose entry puts a case on the waiting list, as the pathway files declare them."""
    return sorted({name for defn in definitions.values() for name, state in defn.states.items()
                   if any(entry == "join_waiting_list" or (isinstance(entry, dict) and "join_waiting_list" in entry)
                          for entry in state.on_enter)})


def caseload_pipeline(scope: dict, workers: list[str]) -> list[dict]:
    """Return the pipeline counting open perpetrator cases per team and allocated worker."""
    return [
        {"$match": {**scope, "kind": "perpetrator", "status": "open", "allocated_to": {"$in": workers}}},
        {"$group": {"_id": {"team": "$team", "worker": "$allocated_to"}, "count": {"$sum": 1}}},
    ]


def practitioners(scope: dict) -> list[dict]:
    """Return the active practitioners of the scope: id, team and capacity (staff, so a bounded list)."""
    return list(User.objects(**scope, roles="practitioner", active=True).only("team", "capacity")
                .batch_size(10_000).as_pymongo())

