"""Profile one page in-process: CPU milliseconds per request, database commands per request, a cProfile top list.

Run: .venv/bin/python bench/profile_page.py [--cases 2000] [--page "case page"] [--requests 300] [--top 40]
         [--folder DIR]
Seeds a temporary bundled mongod as `bench/bench_pages.py` does, builds the app with the bench's production
settings, signs in through the real form and requests the page through the app's test client (no network, no
server): what is measured is the Python worker's own CPU (`time.process_time`) and, separately, the commands it
sends. `--folder DIR` keeps the seeded database in DIR and reuses it on the next run (delete DIR to seed
again). The page is requested a few times first so that every per-process cache is warm, as in a long-running worker.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import json
import logging
import os
import pstats
import re
import secrets
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import monitoring  # noqa: E402

from bench.bench_pages import pages  # noqa: E402
from bench.page_seed import Seeded  # noqa: E402
from bench.servers import app_environment, database  # noqa: E402
from storage.embedded import EmbeddedMongo  # noqa: E402


class Commands(monitoring.CommandListener):
    """Count the commands sent, by name and collection, while `on` is set."""

    def __init__(self) -> None:
        self.on, self.seen, self.sent = False, Counter(), []

    def started(self, event) -> None:
        if self.on:
            target = event.command.get(event.command_name)
            self.seen[f"{event.command_name} {target if isinstance(target, str) else ''}".strip()] += 1
            self.sent.append({k: v for k, v in event.command.items() if not k.startswith("$") and k not in (
                "lsid", "txnNumber", "documents")})

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


COMMANDS = Commands()
monitoring.register(COMMANDS)  # before any client is made


def signed_in_client(app, email: str, password: str):
    """Return a test client signed in through the real sign-in form (with its CSRF token)."""
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://localhost")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    answer = client.post("/sign-in", base_url="https://localhost",
                         data={"csrf_token": token, "email": email, "password": password},
                         headers={"Referer": "https://localhost/sign-in"})  # HTTPS: the CSRF check asks for it
    if answer.status_code != 302:
        raise RuntimeError(f"Signing in answered {answer.status_code}")
    return client


def server_cpu(folder: Path) -> float:
    """Return the CPU seconds used so far by the mongod serving the data in `folder` (0 when not found)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
            if words and words[0].endswith(b"mongod") and str(folder).encode() in b" ".join(words):
                fields = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    return 0.0


def run(client, path: str, n: int) -> float:
    """Request the page n times; return the CPU milliseconds per request."""
    started = time.process_time()
    for _ in range(n):
        answer = client.get(path, base_url="https://localhost")
        if answer.status_code != 200:
            raise RuntimeError(f"{path} answered {answer.status_code}")
    return (time.process_time() - started) * 1000 / n


@contextmanager
def kept_database(folder: Path):
    """Yield (uri, database name, folder, what was seeded or None) on a bundled mongod kept in `folder`."""
    server = EmbeddedMongo(folder / "instance" / "mongodb", cache_gb=1.0, ephemeral=False)
    uri = server.start()
    saved = folder / "seeded.json"
    try:
        yield uri, "pathway", folder, Seeded(**json.loads(saved.read_text())) if saved.exists() else None
    finally:
        server.stop()


@contextmanager
def seeded_database(args):
    """Yield (uri, database name, folder, what was seeded), seeding unless a kept folder was seeded already."""
    if args.folder is None:
        with database(False) as (uri, db_name, folder):
            yield uri, db_name, folder, None
        return
    with kept_database(args.folder) as opened:
        yield opened


def main(argv: list[str] | None = None) -> int:
    """Seed, sign in, warm up, measure, profile, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--page", default="case page", help="a page's name in bench/bench_pages.py")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=40, help="lines of each cProfile list (0: no profile)")
    parser.add_argument("--show-commands", action="store_true", help="print the commands of one request")
    parser.add_argument("--folder", type=Path, help="keep the seeded database here and reuse it next time")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with seeded_database(args) as (uri, db_name, folder, seeded):
        # Imported here, not above: the app's modules connect nothing at import, but they are slow to import.
        from app import create_app
        from bench.page_seed import seed_pages
        from clock import utcnow

        if seeded is None:
            create_app({"MONGODB_URI": uri, "MONGODB_DB": db_name, "INSTANCE_PATH": str(folder / "instance"),
                        "SECRET_KEY": secrets.token_hex(32), "DEMO": False, "SCHEDULER_ENABLED": False})
            seeded = seed_pages(args.cases, now=utcnow(), log=lambda m: print(m, file=sys.stderr))
            if args.folder is not None:
                (folder / "seeded.json").write_text(json.dumps(dataclasses.asdict(seeded)))
        os.environ.update(app_environment(uri, db_name, folder / "instance"))
        app = create_app()  # the bench's production settings, as gunicorn runs it
        for thread in threading.enumerate():
            if thread.name == "warm-caches":
                thread.join()  # its CPU is the process's too: let it finish before anything is measured
        role, path = next((role, path) for name, role, path, _heavy in pages(seeded) if name == args.page)
        who = seeded.users[role]
        client = signed_in_client(app, who["email"], who["password"])
        run(client, path, 20)  # warm: templates compiled, definitions parsed, locales loaded
        COMMANDS.on = True
        run(client, path, 10)
        COMMANDS.on = False
        per_view = {name: count / 10 for name, count in sorted(COMMANDS.seen.items())}
        if args.show_commands:
            for command in COMMANDS.sent[:len(COMMANDS.sent) // 10]:
                print(command)
        runs = []
        for _ in range(3):
            before = server_cpu(folder)
            runs.append((run(client, path, args.requests), (server_cpu(folder) - before) * 1000 / args.requests))
        cpu, server = min(runs)
        print(f"\n{args.page} ({path}): {cpu:.2f} ms of CPU per request in the Python process "
              f"(best of 3 runs of {args.requests}); mongod: {server:.2f} ms of CPU per request in that run")
        print(f"{sum(per_view.values()):g} database commands per request: "
              + ", ".join(f"{name} x{count:g}" for name, count in per_view.items()))
        if not args.top:
            return 0
        profiler = cProfile.Profile(time.process_time)  # CPU, not the waits for the database
        profiler.enable()
        run(client, path, args.requests)
        profiler.disable()
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
            print(f"\n--- cProfile by {order} ({args.requests} requests) ---")
            print(out.getvalue().split("\n", 6)[-1] if "ncalls" in out.getvalue() else out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
