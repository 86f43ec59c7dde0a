"""Benchmark one reminder sweep over 100,000 open deadlines on 20,000 cases, 1,000 of them due.

Run: .venv/bin/python bench/bench_sweep.py [--deadlines N --cases N --due N]
Starts its own bundled mongod in a temporary folder unless MONGODB_URI is set (then uses a throw-away
database there and drops it). Prints the seeding time, the sweep's time, what MongoDB's explain says the
sweep's query examined, and what was sent. The sweep must be index-driven: documents examined ≈ due.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mongoengine  # noqa: E402
from bson import ObjectId  # noqa: E402

from models.case import Case  # noqa: E402
from models.deadline import Deadline  # noqa: E402
from models.notification import Notification  # noqa: E402
from models.user import User  # noqa: E402
from services.deadlines.reminders import sweep_query, sweep_reminders  # noqa: E402
from storage import uow  # noqa: E402
from storage.embedded import EmbeddedMongo  # noqa: E402

NOW = datetime(2026, 11, 24, 9, 0)
TEAMS = ("north", "south", "east", "west")
BATCH = 10_000


def _insert(collection, docs: list[dict]) -> None:
    for start in range(0, len(docs), BATCH):
        collection.insert_many(docs[start:start + BATCH], ordered=False)


def seed(n_cases: int, n_deadlines: int, n_due: int) -> None:
    """Insert users, cases and open deadlines in bulk; n_due of the deadlines have a reminder due at NOW."""
    users = []
    for team in TEAMS:
        users += [{"_id": ObjectId(), "email": f"m{i}.{team}@bench.example", "name": f"Manager {i}",
                   "team": team, "roles": ["manager"], "active": True, "email_reminders": True}
                  for i in range(3)]
        users += [{"_id": ObjectId(), "email": f"p{i}.{team}@bench.example", "name": f"Practitioner {i}",
                   "team": team, "roles": ["practitioner"], "active": True, "email_reminders": i % 2 == 0}
                  for i in range(60)]
    _insert(User._get_collection(), users)
    practitioners = [u for u in users if u["roles"] == ["practitioner"]]
    cases = []
    for i in range(n_cases):
        holder = practitioners[i % len(practitioners)]
        cases.append({"_id": ObjectId(), "reference": f"BENCH-2026-{i:06d}", "kind": "perpetrator",
                      "workflow_key": "bench_pathway", "workflow_version": 1, "status": "open",
                      "team": holder["team"], "allocated_to": str(holder["_id"]),
                      "created_at": NOW - timedelta(days=30)})
    _insert(Case._get_collection(), cases)
    deadlines = []
    for i in range(n_deadlines):
        case = cases[i % n_cases]
        due_now = i < n_due
        # Due ones have a reminder at 08:00 today; the rest have their next reminder weeks or months ahead.
        first = NOW - timedelta(hours=1) if due_now else NOW + timedelta(days=7 + i % 200)
        due_at = first + timedelta(days=7, hours=15, minutes=59, seconds=59)
        deadlines.append({
            "case_id": case["_id"], "case_reference": case["reference"], "case_kind": "perpetrator",
            "team": case["team"], "workflow_key": "bench_pathway", "workflow_version": 1,
            "key": f"kind_{i // n_cases}",
            "label": "Risk assessment", "role": "practitioner", "owner_ids": [case["allocated_to"]],
            "met_by": [{"form": "bench_form"}], "duration": {"weeks": 6},
            "basis": "6 weeks after allocation", "basis_rule": "6 weeks after allocation",
            "started_at": NOW - timedelta(days=30), "due_at": due_at,
            "status": "open", "active": True, "reminder_rules": [{"days_before": 7}, {"on_due": True}],
            "reminders": [first, due_at.replace(hour=8, minute=0, second=0)],
            "escalation": {"to": "manager", "after_days": 0, "repeat_every_days": 3},
            "next_action_at": first, "action_seq": 0, "sent": [], "escalations": 0, "paused_days": 0,
        })
    _insert(Deadline._get_collection(), deadlines)


def main(argv: list[str] | None = None) -> int:
    """Seed, explain, sweep once, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--due", type=int, default=1_000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with bench_database((User, Case, Deadline, Notification)) as (db_name, where):
        started = time.perf_counter()
        seed(args.cases, args.deadlines, args.due)
        seeded = time.perf_counter() - started
        collection = Deadline._get_collection()
        explain = collection.find(sweep_query(NOW)).explain()
        stats = explain["executionStats"]
        settings = {"MAIL_ENABLED": False, "BASE_URL": "https://pathway.example",
                    "HOLIDAY_REGION": "england_wales"}
        started = time.perf_counter()
        result = sweep_reminders(now=NOW, settings=settings)
        swept = time.perf_counter() - started
        started = time.perf_counter()
        idle = sweep_reminders(now=NOW, settings=settings)
        idle_time = time.perf_counter() - started
        print(f"MongoDB: {where}; database {db_name}")
        print(f"Seeded {args.deadlines:,} open deadlines on {args.cases:,} cases ({args.due:,} due) "
              f"in {seeded:.1f} s")
        print(f"Sweep query plan: {_stages(explain['queryPlanner']['winningPlan'])}")
        print(f"Sweep query examined {stats['totalDocsExamined']:,} documents and "
              f"{stats['totalKeysExamined']:,} index keys, returned {stats['nReturned']:,}")
        print(f"Sweep: {swept:.2f} s; reminders sent {result.sent:,}; missed {result.missed}; escalated "
              f"{result.escalated}; examined {result.examined:,}; skipped {result.skipped}")
        print(f"Notifications written: {Notification.objects.count():,}")
        print(f"Second sweep (nothing due): {idle_time * 1000:.1f} ms; examined {idle.examined}; "
              f"sent {idle.sent}")
    return 0


@contextmanager
def bench_database(models):
    """Yield (database name, where) on a throw-away database of MONGODB_URI or a temporary bundled server.

    The connection writes as the app does (majority, journaled, in units of work), so the figures are the real ones.
    """
    server = None
    uri = os.environ.get("MONGODB_URI", "")
    if not uri:
        server = EmbeddedMongo(Path(tempfile.mkdtemp(prefix="pathway-bench-")), ephemeral=True, cache_gb=1.0)
        uri = server.start()
    db_name = f"bench_{uuid.uuid4().hex[:10]}"
    mongoengine.connect(host=uri, db=db_name, tz_aware=False, uuidRepresentation="standard", w="majority",
                        journal=True)
    uow.install()
    try:
        for model in models:
            model.ensure_indexes()
        yield db_name, "bundled (temporary)" if server else "MONGODB_URI"
    finally:
        mongoengine.get_connection().drop_database(db_name)
        mongoengine.disconnect()
        if server is not None:
            server.stop()


def _stages(plan: dict) -> str:
    """Return a plan's stages from the top, e.g. 'FETCH <- IXSCAN status_1_next_action_at_1'."""
    out = []
    while plan:
        out.append(plan["stage"] + (f" {plan['indexName']}" if "indexName" in plan else ""))
        plan = plan.get("inputStage") or (plan.get("inputStages") or [None])[0]
    return " <- ".join(out)


if __name__ == "__main__":
    sys.exit(main())
