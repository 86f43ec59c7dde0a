"""Benchmark the reports page's figures at 100,000 cases: time and database commands, auditor and manager.

Run: .venv/bin/python bench/bench_reports.py [--cases N]
Starts its own bundled mongod in a temporary folder unless MONGODB_URI is set (then uses a throw-away database
there and drops it). Seeds N perpetrator cases over 4 teams and 3 years with their history (4 moves each),
2 deadlines each and evaluation measures on the CDVP ones, fills the report counters from that history and the
cases as the first start does, then prints, for an auditor (all teams) and a manager (one team), the time of get_reports
(best of 3) and the commands it sent.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_sweep import _insert, bench_database  # noqa: E402
from bson import ObjectId  # noqa: E402
from pymongo import monitoring  # noqa: E402

from models.case import Case, CaseEvent, WorkflowVersion  # noqa: E402
from models.deadline import Deadline  # noqa: E402
from models.form import Submission  # noqa: E402
from models.team import Team  # noqa: E402
from models.user import User  # noqa: E402
from services.pathways.store import clear_cache, latest_definitions  # noqa: E402
from services.pathways.sync import sync_workflows  # noqa: E402
from services.reports import figures as reports
from services.reports.cohort import fill_cohort_counts  # noqa: E402
from services.reports.counts import fill_report_counts  # noqa: E402
from services.reports.figures import evaluations, funnels, get_reports  # noqa: E402
from services.reports.queries import waiting_states  # noqa: E402

NOW = datetime(2026, 11, 24, 9, 0)
TEAMS = ("north", "south", "east", "west")


class Commands(monitoring.CommandListener):
    """Count the commands sent while `on` is set."""

    def __init__(self):
        self.on, self.names = False, []

    def started(self, event):
        if self.on and event.command_name not in ("hello", "isMaster", "ismaster", "endSessions"):
            self.names.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


COMMANDS = Commands()
monitoring.register(COMMANDS)  # before bench_database connects, so its client reports here


def seed(n_cases: int, rng: random.Random) -> None:
    """Insert teams, practitioners, cases, their history, deadlines and evaluation submissions in bulk."""
    _insert(Team._get_collection(), [{"key": t, "name": f"{t.title()} Team"} for t in TEAMS])
    workers = [{"_id": ObjectId(), "email": f"p{i}.{t}@bench.example", "name": f"Practitioner {i}", "team": t,
                "roles": ["practitioner"], "active": True, "capacity": 15} for t in TEAMS for i in range(40)]
    _insert(User._get_collection(), workers)
    declared, measures = funnels(), evaluations()
    keys = sorted(declared)
    cases, events, deadlines, submissions = [], [], [], []
    states_of = {key: sorted({s for rule in funnel.values() if isinstance(rule, dict) for s in rule.get("states", ())})
                 for key, funnel in declared.items()}
    for i in range(n_cases):
        key, worker = keys[i % len(keys)], workers[i % len(workers)]
        states = states_of[key]
        referred = NOW - timedelta(days=rng.randint(0, 1100))
        case_id, state, at, passed = ObjectId(), "", referred, set()
        for _ in range(4):
            at += timedelta(days=rng.randint(1, 40))
            to_state = rng.choice(states + ["waiting_list"])
            events.append({"case_id": case_id, "at": at, "kind": "transition", "name": "step", "from_state": state,
                           "to_state": to_state})
            state = to_state
            passed.add(to_state)
        cases.append({"_id": case_id, "reference": f"BENCH-{i:06d}", "kind": "perpetrator", "workflow_key": key,
                      "workflow_version": 1, "status": rng.choice(("open", "open", "closed")), "state": state,
                      "team": worker["team"], "allocated_to": str(worker["_id"]) if i % 3 else "",
                      "referred_at": referred, "created_at": referred, "on_waiting_list": state == "waiting_list",
                      "waiting_since": at, "person": {"name": "Bench Person"}, "revision": 1,
                      # as services.cases.transitions.add_history keeps them
                      "passed_states": sorted(passed), "taken_transitions": ["step"]})
        for n in range(2):
            deadlines.append({"case_id": case_id, "key": f"kind_{n}", "label": f"Kind {n}", "team": worker["team"],
                              "started_at": referred, "due_at": referred + timedelta(days=10 + 20 * n),
                              "status": rng.choice(("met", "met", "open", "missed", "cancelled")),
                              "late": rng.random() < 0.2, "active": False})
        if key in measures:
            spec = measures[key]
            submissions += [{"case_id": case_id, "form_key": spec["form"], "form_version": 1,
                             "classification": "standard", "status": "submitted", "created_at": referred,
                             "answers": {spec["stage_field"]: stage["value"], spec["completion_field"]: "all"}}
                            for stage in spec["stages"] if rng.random() < 0.5]
    for model, docs in ((Case, cases), (CaseEvent, events), (Deadline, deadlines), (Submission, submissions)):
        _insert(model._get_collection(), docs)


def measure(actor) -> tuple[float, list[str]]:
    """Return the best time of three get_reports calls and the commands one of them sent."""
    best = float("inf")
    for _ in range(3):
        COMMANDS.on, COMMANDS.names = True, []
        started = time.perf_counter()
        get_reports(actor=actor, now=NOW)
        best = min(best, time.perf_counter() - started)
        COMMANDS.on = False
    return best, COMMANDS.names


def parts(scope: dict) -> dict[str, float]:
    """Return the seconds each report's aggregation takes on its own (best of 3)."""
    start, end = reports.get_period(now=NOW)
    definitions = latest_definitions()
    calls = {
        "timeliness": lambda: reports._timeliness(scope, now=NOW, start=start, end=end),
        "funnel and evaluation": lambda: [reports._funnel(funnels(definitions), cohort := reports._cohort(
            scope, start=start, end=end))] + [reports._evaluation(key, spec, cohort)
                                              for key, spec in evaluations(definitions).items()],
        "waiting": lambda: reports._waiting(scope, NOW),
        "waiting history": lambda: reports._waiting_history(scope, waiting_states(definitions), now=NOW,
                                                            start=start, end=end),
        "caseload": lambda: reports._caseload(scope, {}),
    }
    found = {}
    for name, call in calls.items():
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            call()
            best = min(best, time.perf_counter() - started)
        found[name] = best
    return found


def bare_read() -> float:
    """Return the time of one indexed find_one (best of 20): the machine's yardstick in the same run."""
    best = float("inf")
    for i in range(20):
        started = time.perf_counter()
        Case._get_collection().find_one({"reference": f"BENCH-{i:06d}"})
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    """Seed, time each scope, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    models = (Team, User, Case, CaseEvent, Deadline, Submission, WorkflowVersion)
    with bench_database(models) as (db_name, where):
        clear_cache()
        sync_workflows(now=NOW)
        started = time.perf_counter()
        seed(args.cases, random.Random(15))
        print(f"MongoDB: {where}; database {db_name}")
        print(f"Seeded {args.cases:,} cases with their history, deadlines and measures in "
              f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        written = fill_report_counts() + fill_cohort_counts()
        print(f"Report counters filled from the history (one-off, as at the first start): {written:,} in "
              f"{time.perf_counter() - started:.1f} s")
        for label, actor in (("auditor (all teams)", User(roles=["auditor"], team="")),
                             ("manager (one team)", User(roles=["manager"], team="north"))):
            seconds, names = measure(actor)
            print(f"Reports, {label}: {seconds * 1000:.0f} ms; {len(names)} commands "
                  f"({', '.join(sorted(set(names)))})")
            scope = {} if actor.has_role("auditor") else {"team": actor.team}
            print("  " + "; ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in parts(scope).items()))
        print(f"One indexed find_one (yardstick): {bare_read() * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
