"""Counters of the on-time figures: how many deadlines fall due per team, pathway, day, kind, label and outcome.

A deadline counts once its due time is set and it is not cancelled, under the metric
`timeliness:<outcome>:<length of kind>:<kind><label>` (the outcome: met on time, met late, or not met, whether open,
paused or missed), in the counters of the UTC day and month of its due time (the report groups by UTC month, as
stored), for its team and for all teams. Each deadline keeps what it was counted as (`report_counted`); after any
change `recount_deadlines` moves the counters by the difference, in the same unit of work, and a deadline saved
whole is recounted by the `post_save` signal. Day counters also keep how many fall due at each moment (`at`, by
epoch milliseconds), so the report counts the current day's deadlines only once their due time has passed, exactly
as an aggregate of the deadlines themselves would. A report reads months and edge days: a number of small documents
that grows with neither the deadlines nor the teams.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from mongoengine import signals
from pymongo import UpdateOne

from clock import utcnow
from models.deadline import CANCELLED, MET, Deadline
from services.common.migrations import MIGRATIONS
from services.reports.counters import ALL_TEAMS, counts, ensure_counts_index

PREFIX = "timeliness:"
TIMELINESS_MIGRATION = "report_timeliness"
BATCH = 20_000  # deadlines per command of the one-off fill, each well within a command's time limit
FIELDS = ("status", "due_at", "late", "key", "label", "team", "workflow_key", "report_counted")


def epoch_ms(moment: datetime) -> int:
    """Return a naive UTC moment as whole milliseconds since 1970, as MongoDB stores it."""
    return calendar.timegm(moment.timetuple()) * 1000 + moment.microsecond // 1000


def metric(outcome: str, key: str, label: str) -> str:
    """Return the counter's metric of a kind, label and outcome (the kind's length first: any text can follow)."""
    return f"{PREFIX}{outcome}:{len(key)}:{key}{label}"


def parse_metric(name: str) -> tuple[str, str, str]:
    """Return (outcome, kind, label) from a counter's metric."""
    outcome, length, rest = name[len(PREFIX):].split(":", 2)
    return outcome, rest[:int(length)], rest[int(length):]


def counted_as(doc: dict) -> dict | None:
    """Return the counter a stored deadline counts in, or None (cancelled, or waiting for a due date)."""
    due = doc.get("due_at")
    if doc.get("status") == CANCELLED or not isinstance(due, datetime):
        return None
    outcome = ("late" if doc.get("late") is True else "on_time") if doc.get("status") == MET else "overdue"
    return {"team": doc.get("team") or "", "pathway": doc.get("workflow_key") or "",
            "day": due.strftime("%Y-%m-%d"), "at": str(epoch_ms(due)),
            "metric": metric(outcome, doc.get("key") or "", doc.get("label") or "")}


def _moves(counted: dict | None, by: int) -> list[UpdateOne]:
    """Return the updates adding `by` to the day and month counters of a deadline, for its team and for all."""
    if not counted:
        return []
    found = []
    for team in (counted["team"], ALL_TEAMS):
        key = {"metric": counted["metric"], "team": team, "pathway": counted["pathway"]}
        found.append(UpdateOne({**key, "day": counted["day"]}, {"$inc": {"n": by, f"at.{counted['at']}": by}},
                               upsert=True))
        found.append(UpdateOne({**key, "day": counted["day"][:7]}, {"$inc": {"n": by}}, upsert=True))
    return found


def recount_deadlines(query: dict) -> int:
    """Count the deadlines matching `query` again after a change, moving their counters; return how many moved."""
    moves, marks = [], []
    for doc in Deadline._get_collection().find(query, dict.fromkeys(FIELDS, 1)):
        before, now = doc.get("report_counted") or None, counted_as(doc)
        if before == now:
            continue
        moves += _moves(before, -1) + _moves(now, +1)
        marks.append(UpdateOne({"_id": doc["_id"]}, {"$set": {"report_counted": now}} if now
                               else {"$unset": {"report_counted": ""}}))
    if moves:
        counts().bulk_write(moves)
    if marks:
        Deadline._get_collection().bulk_write(marks)
    return len(marks)


def _saved(sender, document, **kwargs) -> None:
    """Count a deadline saved whole (started, or written by a fixture or a seed)."""
    recount_deadlines({"_id": document.pk})


signals.post_save.connect(_saved, sender=Deadline)


def _counted_expression() -> dict:
    """Return, in MongoDB's terms, what `counted_as` returns for a deadline that counts."""
    key, label = {"$ifNull": ["$key", ""]}, {"$ifNull": ["$label", ""]}
    outcome = {"$cond": [{"$eq": ["$status", MET]}, {"$cond": [{"$eq": ["$late", True]}, "late", "on_time"]},
                         "overdue"]}
    return {"team": {"$ifNull": ["$team", ""]}, "pathway": {"$ifNull": ["$workflow_key", ""]},
            "day": {"$dateToString": {"format": "%Y-%m-%d", "date": "$due_at"}},
            "at": {"$toString": {"$toLong": "$due_at"}},
            "metric": {"$concat": [PREFIX, outcome, ":", {"$toString": {"$strLenCP": key}}, ":", key, label]}}


def _batches(collection):
    """Yield filters of consecutive ranges of at most BATCH documents by `_id` (read from the `_id` index alone)."""
    last = None
    while True:
        after = {"$gt": last} if last is not None else {}
        edge = next(collection.find({"_id": after} if after else {}, {"_id": 1}).sort("_id", 1).skip(BATCH - 1)
                    .limit(1), None)
        if edge is None:
            yield {"_id": after} if after else {}
            return
        yield {"_id": {**after, "$lte": edge["_id"]}}
        last = edge["_id"]


def _add_up(found: dict, row: dict) -> None:
    """Add one group of deadlines counted alike to its day and month counters, for its team and for all teams."""
    counted, n = row["_id"], row["n"]
    for team in (counted["team"], ALL_TEAMS):
        for day in (counted["day"], counted["day"][:7]):
            counter = found.setdefault((counted["metric"], day, team, counted["pathway"]), {"n": 0})
            counter["n"] += n
            if len(day) > 7:
                moments = counter.setdefault("at", {})
                moments[counted["at"]] = moments.get(counted["at"], 0) + n


def fill_timeliness_counts(*, again: bool = False) -> int:
    """Count every deadline from scratch, once (or `again`); return how many counters there are.

    In batches of deadlines by `_id`, so no one command runs long: each deadline's counter onto the deadline (a
    $merge), then the deadlines counted alike grouped and added up here, then the counters written. Run at start-up,
    and whenever the waiting list's counters are filled again (services/reports/counts.py).
    """
    ensure_counts_index()
    done = Deadline._get_db()[MIGRATIONS]
    if not again and done.find_one({"_id": TIMELINESS_MIGRATION}):
        return 0
    deadlines = Deadline._get_collection()
    counting = {"$and": [{"$ne": ["$status", CANCELLED]}, {"$eq": [{"$type": "$due_at"}, "date"]}]}
    grouped = {field: f"$report_counted.{field}" for field in ("team", "pathway", "day", "at", "metric")}
    found: dict = {}
    for batch in _batches(deadlines):
        deadlines.aggregate([
            {"$match": batch},
            {"$project": {"report_counted": {"$cond": [counting, _counted_expression(), None]}}},
            {"$merge": {"into": deadlines.name, "on": "_id", "whenMatched": "merge", "whenNotMatched": "discard"}},
        ])
        for row in deadlines.aggregate([{"$match": {**batch, "report_counted": {"$type": "object"}}},
                                        {"$group": {"_id": grouped, "n": {"$sum": 1}}}], batchSize=100_000):
            _add_up(found, row)
    counts().delete_many({"metric": {"$regex": f"^{PREFIX}"}})
    docs = [{"metric": metric, "day": day, "team": team, "pathway": pathway, **counter}
            for (metric, day, team, pathway), counter in found.items()]
    for first in range(0, len(docs), BATCH):
        counts().insert_many(docs[first:first + BATCH])
    done.update_one({"_id": TIMELINESS_MIGRATION}, {"$set": {"done_at": utcnow()}}, upsert=True)
    return len(docs)


def _days(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def whole_days(start: date, last: date, today: date) -> tuple[list[dict], list[str]]:
    """Return the filters of the counters of the whole days [start, last], and the days to take away.

    Whole months are read by their month; a month cut by the period by its days, or, when fewer and the month is
    over, by its month less the days left out (a year back from mid-month reads 3 days rather than 28).
    """
    found, months, less, first = [], [], [], date(start.year, start.month, 1)
    while first <= last:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        final = following - timedelta(days=1)
        low, high = max(first, start), min(final, last)
        inside, outside = _days(low, high), _days(first, low - timedelta(days=1)) + _days(high + timedelta(days=1),
                                                                                          final)
        if not outside or (len(outside) < len(inside) and final < today):
            months.append(first.isoformat()[:7])
            less += outside
        else:  # within one month, so the range never takes in a month's own counter
            found.append({"day": {"$gte": low.isoformat(), "$lte": high.isoformat()}})
        first = following
    return ([{"day": {"$in": months + less}}] if months else []) + found, less


def timeliness_counts_pipeline(scope: dict, start: date, end: date, now: datetime) -> list[dict] | None:
    """Return the pipeline adding up the on-time counters of deadlines due in [start, end] before `now`.

    Whole days before the current (UTC) day are read from their month's or day's counter; the current day counts
    the moments before `now` in its counter's `at`. None when nothing in the period has come due.
    """
    today = now.date()
    last_whole = min(end, today - timedelta(days=1))
    filters, less = whole_days(start, last_whole, today) if start <= last_whole else ([], [])
    partial = today.isoformat() if start <= today <= end else None
    if partial:
        filters.append({"day": partial})
    if not filters:
        return None
    # A deadline has come due when its due time is before `now` as MongoDB compares it: to the millisecond below.
    threshold = epoch_ms(now)
    before_now = {"$sum": {"$map": {"input": {"$filter": {
        "input": {"$objectToArray": {"$ifNull": ["$at", {}]}},
        "cond": {"$lt": [{"$toLong": "$$this.k"}, threshold]}}}, "in": "$$this.v"}}}
    n = {"$cond": [{"$eq": ["$day", partial]}, before_now, "$n"]} if partial else "$n"
    n = {"$cond": [{"$in": ["$day", less]}, {"$subtract": [0, "$n"]}, n]} if less else n
    return [
        {"$match": {"metric": {"$regex": f"^{PREFIX}"}, "team": scope.get("team", ALL_TEAMS), "$or": filters}},
        {"$group": {"_id": {"metric": "$metric", "month": {"$substrBytes": ["$day", 0, 7]}}, "n": {"$sum": n}}},
        {"$match": {"n": {"$ne": 0}}},
    ]


def timeliness_rows(rows: list[dict]) -> list[dict]:
    """Return the counters' sums as the rows the deadlines' own aggregate gives: kind, month, met, late, label, n."""
    found = []
    for row in rows:
        outcome, key, label = parse_metric(row["_id"]["metric"])
        found.append({"_id": {"key": key, "month": row["_id"]["month"], "met": outcome != "overdue",
                              "late": outcome == "late"}, "label": label, "n": row["n"]})
    return found
