"""Benchmark Pathway's pages against a bare Flask + pymongo page, under gunicorn, on N seeded cases.

Run: .venv/bin/python bench/bench_pages.py [--cases 2000] [--duration 10] [--connections 16] [--json out.json]
Starts its own bundled mongod (a single-node replica set) in a temporary folder unless MONGODB_URI is set (then a
throw-away database there), seeds the demo team through the services and clones it into other teams, starts the
app and `bench/bare_app.py` under gunicorn (2 workers x 4 threads, gthread), signs in as a practitioner, a manager
and an auditor, and drives each page with keep-alive connections for a fixed time, after a few seconds of load
that are not counted (wrk when it is installed, see bench/load.py). Prints, per page, requests per second, p50
and p99, the ratio to the bare page in the same run (measured first and last; the faster of the two), one
request's time (median of 5), the page's size, and afterwards each gunicorn worker's resident memory.
Each light page is then measured again in `--pairs` short slices, each between two slices of the bare page: the
"paired" ratio is the median of each slice's ratio to the mean of the two around it, which follows the host's speed
as it changes during a run. Every answer must be 200; any other is counted and shown.
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import shutil
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import mongoengine  # noqa: E402
from bson import ObjectId  # noqa: E402

from bench.load import drive, median_time, sign_in  # noqa: E402
from bench.servers import GUNICORN, app_environment, database, gunicorn, shares, worker_rss  # noqa: E402

BARE = ("bare page (one find_one)", "", False)
BARE_AGAIN = "bare page, again at the end"
FRESH_SIGN_IN = 600  # seconds: well inside the idle limit of a sign-in, however slow a page is


def pages(seeded) -> list[tuple[str, str, str, bool]]:
    """Return (page, role signed in, path, heavy) for every page measured."""
    case, sub = seeded.case_id, seeded.submission_id
    return [
        ("case page", "practitioner", f"/cases/{case}", False),
        ("my cases", "practitioner", "/cases", True),
        ("submission page", "practitioner", f"/cases/{case}/submissions/{sub}", False),
        ("API case", "practitioner", f"/api/v1/cases/{case}", False),
        ("team overview", "manager", "/manager/team", True),
        ("manager inbox", "manager", "/manager/referrals", True),
        ("waiting list", "manager", "/manager/waiting-list", True),
        ("case list (auditor, all teams)", "auditor", "/cases", True),
        ("reports (auditor, all teams)", "auditor", "/reports/", True),
        ("monitoring (auditor, all teams)", "auditor", "/retention/monitoring", True),
    ]


def measure(port, path, cookie, args) -> dict:
    """Time one request (median of 5), then load the page; return the figures."""
    single, size, statuses = median_time(port, path, cookie, max_seconds=args.max_single)
    bad = [s for s in statuses if s != 200]
    row = {"single_ms": round(single * 1000, 1), "bytes": size, "requests_per_s": None, "p50_ms": None,
           "p99_ms": None, "answers": 0, "not_200": len(bad), "failures": [f"single request: {s}" for s in bad]}
    if single > args.max_single:
        row["not_loaded"] = f"one request took {single:.1f} s, over --max-single: not loaded"
        return row
    if args.warm_up:
        # Discarded: a page's first seconds of load after the workers start fill their pools and caches and the
        # server's plan cache, and the ratio's bare page is its warm best (see run_bench).
        drive(port, path, cookie, connections=args.connections, duration=args.warm_up)
    run = drive(port, path, cookie, connections=args.connections, duration=args.duration)
    row.update(requests_per_s=round(run.rate, 1), p50_ms=round(run.percentile(50) * 1000, 1),
               p99_ms=round(run.percentile(99) * 1000, 1), answers=run.ok,
               not_200=len(bad) + sum(c for s, c in run.statuses.items() if s != 200))
    row["failures"] = (row["failures"] + run.failures)[:5]
    return row


def paired_ratio(bare: tuple[int, str], page: tuple[int, str, str], args) -> dict:
    """Load the bare page and this page in turn, in short slices; return each slice's ratio and their median.

    Each slice of the page lies between two of the bare page, and its ratio is to their mean: the host's speed
    can change by half within a minute, which the two bare measurements at the ends of a run cannot follow.
    """
    def rate(port, path, cookie="") -> float:
        return drive(port, path, cookie, connections=args.connections, duration=args.pair_seconds).rate

    bares, ratios = [rate(*bare)], []
    for _ in range(args.pairs):
        measured = rate(*page)
        bares.append(rate(*bare))
        ratios.append(measured / max((bares[-2] + bares[-1]) / 2, 1e-9))
    return {"paired_ratio": round(statistics.median(ratios), 2), "paired_ratios": [round(r, 2) for r in ratios],
            "paired_bare_rates": [round(r, 1) for r in bares]}


def run_bench(args, seeded, uri, db_name, folder) -> dict:
    """Start both servers, measure the bare page then every Pathway page, and read the workers' memory."""
    env = app_environment(uri, db_name, folder / "instance")
    figures = {"cases": seeded.cases, "documents_cloned": seeded.documents, "teams": len(seeded.teams),
               "connections": args.connections, "duration_s": args.duration, "warm_up_s": args.warm_up, "pages": {}}
    db = mongoengine.get_db()
    bare_ref = db.cases.find_one({"_id": ObjectId(seeded.case_id)})["reference"]
    # Seeding leaves mongod writing a checkpoint of millions of new documents: flush it now, or it slows only the
    # page measured first (the bare one) and flatters every ratio.
    db.client.admin.command("fsync")
    load = args.connections
    with gunicorn("app:create_app()", env, folder / "pathway.log", load) as (port, master), \
            gunicorn("bench.bare_app:create_app()", env, folder / "bare.log", load) as (bare_port, bare_master):
        figures["pages"][BARE[0]] = measure(bare_port, f"/cases/{bare_ref}", "", args)
        cookies = {}
        for name, role, path, heavy in pages(seeded):
            if args.pages and name not in args.pages:
                continue
            if role not in cookies or time.monotonic() - cookies[role][1] > FRESH_SIGN_IN:
                who = seeded.users[role]
                cookies[role] = (sign_in(port, who["email"], who["password"]), time.monotonic())
            figures["pages"][name] = {**measure(port, path, cookies[role][0], args), "role": role, "heavy": heavy}
            if args.pairs and not heavy and "not_loaded" not in figures["pages"][name]:
                figures["pages"][name].update(paired_ratio((bare_port, f"/cases/{bare_ref}"),
                                                           (port, path, cookies[role][0]), args))
            print(f"  measured {name}", file=sys.stderr, flush=True)
        # Measured again last: the ratios are to the faster of the two, so a slow moment of the host never
        # flatters them.
        figures["pages"][BARE_AGAIN] = measure(bare_port, f"/cases/{bare_ref}", "", args)
        figures["pathway_worker_rss_mb"] = [round(m, 1) for m in worker_rss(master)]
        figures["bare_worker_rss_mb"] = [round(m, 1) for m in worker_rss(bare_master)]
    bare = max(figures["pages"][name]["requests_per_s"] or 0 for name in (BARE[0], BARE_AGAIN)) or 1
    for row in figures["pages"].values():
        row["ratio"] = None if row["requests_per_s"] is None else round(row["requests_per_s"] / bare, 2)
    return figures


def print_table(figures: dict) -> None:
    """Print the figures as a plain table."""
    settings = " ".join(GUNICORN + shares(figures["connections"]))
    print(f"\n{figures['cases']:,} cases in {figures['teams']} teams (+ the demo team), seeded in "
          f"{figures['seed_s']:.0f} s; "
          f"{figures['connections']} connections, {figures['duration_s']:g} s per page after "
          f"{figures['warm_up_s']:g} s not counted; gunicorn {settings}; "
          f"load from {'wrk' if shutil.which('wrk') else 'the Python generator (wrk is not installed)'}")
    head = (f"{'page':34} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'paired':>6} {'1 req ms':>9} "
            f"{'bytes':>10} {'non-200':>7}")
    print(head)
    print("-" * len(head))
    for name, row in figures["pages"].items():
        print(f"{name:34} {_cell(row['requests_per_s'], 7, 1)} {_cell(row['p50_ms'], 8, 1)} "
              f"{_cell(row['p99_ms'], 8, 1)} {_cell(row['ratio'], 6, 2)} {_cell(row.get('paired_ratio'), 6, 2)} "
              f"{row['single_ms']:9.1f} {row['bytes']:10,} {row['not_200']:7}")
    for name, row in figures["pages"].items():
        if row.get("paired_ratios"):
            print(f"  {name}: paired ratios {', '.join(f'{r:.2f}' for r in row['paired_ratios'])} (bare page "
                  f"{', '.join(f'{r:.0f}' for r in row['paired_bare_rates'])} req/s around them)")
    print(f"\nPathway gunicorn workers' memory afterwards (VmRSS): "
          f"{', '.join(f'{m:.0f} MB' for m in figures['pathway_worker_rss_mb'])}")
    print(f"Bare page workers' memory afterwards (VmRSS): "
          f"{', '.join(f'{m:.0f} MB' for m in figures['bare_worker_rss_mb'])}")
    failed = {name: row for name, row in figures["pages"].items() if row["not_200"]}
    for name, row in figures["pages"].items():
        if "not_loaded" in row:
            print(f"{name}: {row['not_loaded']}")
    for name, row in failed.items():
        print(f"\n{name}: {row['not_200']} answers were not 200, e.g.")
        for failure in row["failures"]:
            print(f"    {failure}")
    if not failed:
        print("Every answer was 200.")


def _cell(value, width: int, places: int) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:{width}.{places}f}"


def main(argv: list[str] | None = None) -> int:
    """Seed, start the servers, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--warm-up", type=float, default=3.0,
                        help="seconds of load on each page, not counted, before it is measured (0: none)")
    parser.add_argument("--pairs", type=int, default=3,
                        help="slices of each light page measured between slices of the bare page (0: none)")
    parser.add_argument("--pair-seconds", type=float, default=4.0, help="seconds of load per slice")
    parser.add_argument("--teams", type=int, default=0, help="default: one per 1,000 cases, at least 3")
    parser.add_argument("--max-single", type=float, default=120.0,
                        help="a page one request of which takes longer (seconds) is timed once and not loaded")
    parser.add_argument("--keep", action="store_true", help="keep the database folder afterwards")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--page", dest="pages", action="append", default=[],
                        help="measure only this page (its name in the table; repeat for more); default: every page")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    # Stopped from outside, it still stops its gunicorns and mongod and removes its folder.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    with database(args.keep) as (uri, db_name, folder):
        # Imported here, not above: each load process re-imports this module and must start quickly.
        from app import create_app
        from bench.page_seed import seed_pages
        from clock import utcnow

        create_app({"MONGODB_URI": uri, "MONGODB_DB": db_name, "INSTANCE_PATH": str(folder / "instance"),
                    "SECRET_KEY": secrets.token_hex(32), "DEMO": False, "SCHEDULER_ENABLED": False})
        started = time.perf_counter()
        seeded = seed_pages(args.cases, now=utcnow(), teams=args.teams, log=lambda m: print(m, file=sys.stderr))
        seconds = time.perf_counter() - started
        print(f"Seeded {seeded.cases:,} cases ({seeded.documents:,} documents cloned) in {seconds:.0f} s",
              file=sys.stderr)
        figures = {**run_bench(args, seeded, uri, db_name, folder), "seed_s": round(seconds, 1)}
    print_table(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 1 if any(row["not_200"] for row in figures["pages"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
