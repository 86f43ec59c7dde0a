"""Counters the reports add up instead of reading every case: one small document per team, pathway, day and metric.

A change to a case adds to its counters in the same unit of work (`storage.uow`: a `$inc` upsert inside the
use-case's transaction), so a report reads as many documents as there are teams x pathways x days with a change,
however many cases there are. Days are the service's (local) days. A one-off fill computes the counters of data
stored before they were kept.
"""

from __future__ import annotations

from datetime import date, datetime

from clock import utcnow
from models.case import Case, CaseEvent
from services.common.migrations import MIGRATIONS
from services.deadlines.timing import calendar_for, local_today
from services.pathways.store import latest_definitions
from services.reports.counters import COLLECTION, KEY, add, counts, ensure_counts_index
from services.reports.deadline_counts import fill_timeliness_counts
from services.reports.queries import waiting_states

# How many cases joined less left the waiting list that day.
WAITING = "waiting_change"
COUNTS_MIGRATION = "report_counts"


def waiting_change(from_state: str, to_state: str, definitions=None) -> int:
    """Return +1 when a move puts a case on the waiting list, -1 when it takes it off, else 0."""
    states = set(waiting_states(latest_definitions() if definitions is None else definitions))
    return int(to_state in states) - int(from_state in states)


def count_transition(case: Case, *, from_state: str, to_state: str, now: datetime) -> None:
    """Count what one transition of a case changes in the reports' counters."""
    add(WAITING, team=case.team, pathway=case.workflow_key, day=local_today(now),
        by=waiting_change(from_state, to_state))


def waiting_changes_pipeline(scope: dict, high_day: date) -> list[dict]:
    """Return the pipeline adding up, per local month before `high_day`, how many joined less left the list."""
    return [
        {"$match": {"metric": WAITING, "day": {"$lt": high_day.isoformat()}, **scope}},
        {"$group": {"_id": {"$substrBytes": ["$day", 0, 7]}, "change": {"$sum": "$n"}}},
    ]


def fill_report_counts() -> int:
    """Compute the counters of the history stored before they were kept, once; return how many were written.

    One pass over the transitions into or out of a waiting-list state, grouped per case and day, then per team,
    pathway and day; then the on-time counters of every deadline (services/reports/deadline_counts.py). Run at
    start-up after the definitions are synced; it records that it is done.
    """
    ensure_counts_index()
    done = Case._get_db()[MIGRATIONS]
    if done.find_one({"_id": COUNTS_MIGRATION}):
        return 0
    states = waiting_states(latest_definitions())
    counts().delete_many({"metric": WAITING})
    into, out_of = {"$in": ["$to_state", {"$literal": states}]}, {"$in": ["$from_state", {"$literal": states}]}
    day = {"$dateToString": {"format": "%Y-%m-%d", "date": "$at", "timezone": calendar_for().tz.key}}
    CaseEvent._get_collection().aggregate([
        {"$match": {"kind": "transition", "$or": [{"to_state": {"$in": states}}, {"from_state": {"$in": states}}]}},
        {"$project": {"case_id": 1, "day": day,
                      "change": {"$subtract": [{"$cond": [into, 1, 0]}, {"$cond": [out_of, 1, 0]}]}}},
        {"$match": {"change": {"$ne": 0}}},
        {"$group": {"_id": {"case_id": "$case_id", "day": "$day"}, "n": {"$sum": "$change"}}},
        {"$lookup": {"from": Case._get_collection().name, "localField": "_id.case_id", "foreignField": "_id",
                     "as": "case", "pipeline": [{"$project": {"team": 1, "workflow_key": 1}}]}},
        {"$unwind": "$case"},
        {"$group": {"_id": {"team": {"$ifNull": ["$case.team", ""]},
                            "pathway": {"$ifNull": ["$case.workflow_key", ""]}, "day": "$_id.day"},
                    "n": {"$sum": "$n"}}},
        {"$match": {"n": {"$ne": 0}}},
        {"$project": {"_id": 0, "metric": {"$literal": WAITING}, "day": "$_id.day", "team": "$_id.team",
                      "pathway": "$_id.pathway", "n": 1}},
        {"$merge": {"into": COLLECTION, "on": list(KEY), "whenMatched": "replace", "whenNotMatched": "insert"}},
    ], allowDiskUse=True)
    fill_timeliness_counts(again=True)  # the on-time counters, from the deadlines stored with that history
    done.update_one({"_id": COUNTS_MIGRATION}, {"$set": {"done_at": utcnow()}}, upsert=True)
    return counts().count_documents({"metric": WAITING})
