"""Measure the email outbox across a mail server outage: nothing lost, nothing sent twice.

Run: .venv/bin/python bench/bench_outbox.py [--reminders 400 --outage-minutes 10 --deliverers 2]
Starts its own bundled mongod in a temporary folder unless MONGODB_URI is set (then uses a throw-away database
there and drops it), and an SMTP sink (aiosmtpd) on 127.0.0.1 that is down for the outage. The real sweep queues
one reminder email per due deadline; delivery runs every 15 s of simulated time (the default interval), by several
deliverers at once, through the outage and after it. Prints queued, delivered, duplicates (by Message-ID), lost,
and how long after the server's return the last email went out.
"""

from __future__ import annotations

import argparse
import collections
import logging
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.bench_sweep import NOW, bench_database, seed  # noqa: E402
from models.case import Case  # noqa: E402
from models.deadline import Deadline  # noqa: E402
from models.notification import Notification  # noqa: E402
from models.outbox import FAILED, PENDING, OutboxMessage  # noqa: E402
from models.user import User  # noqa: E402
from services.deadlines.reminders import sweep_reminders  # noqa: E402
from services.notifications.outbox import deliver_outbox  # noqa: E402
from tests.mail_sink import SinkServer  # noqa: E402

TICK = timedelta(seconds=15)


def run_tick(now, settings, deliverers: int) -> tuple[int, int]:
    """Run the given number of deliverers at once at `now`; return (sent, failed attempts)."""
    results = []
    threads = [threading.Thread(target=lambda: results.append(deliver_outbox(now=now, settings=settings)))
               for _ in range(deliverers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(r.sent for r in results), sum(r.failed for r in results)


def main(argv: list[str] | None = None) -> int:
    """Seed due reminders, sweep, deliver through an outage and after it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=400)
    parser.add_argument("--outage-minutes", type=int, default=10)
    parser.add_argument("--deliverers", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    sink = SinkServer()
    settings = sink.settings()
    with bench_database((User, Case, Deadline, Notification, OutboxMessage)), sink_stopped(sink):
        seed(args.reminders, args.reminders, args.reminders)
        User.objects.update(set__email_reminders=True)
        swept = sweep_reminders(now=NOW, settings=settings)
        queued = OutboxMessage.objects.count()
        print(f"Sweep: {swept.sent} reminders; emails queued {queued}; sent during the sweep {len(sink.messages)}")

        now, attempts, started = NOW, 0, time.perf_counter()
        back = NOW + timedelta(minutes=args.outage_minutes)
        while now < back:
            attempts += run_tick(now, settings, args.deliverers)[1]
            now += TICK
        print(f"Outage of {args.outage_minutes} min, {args.deliverers} deliverers every {TICK.seconds} s: "
              f"{attempts} failed attempts; waiting {OutboxMessage.objects(status=PENDING).count()}, "
              f"given up {OutboxMessage.objects(status=FAILED).count()}, delivered {len(sink.messages)}")
        sink.start()
        last = now
        while OutboxMessage.objects(status=PENDING).count() and now < back + timedelta(hours=2):
            if run_tick(now, settings, args.deliverers)[0]:
                last = now
            now += TICK
        wall = time.perf_counter() - started
        ids = collections.Counter(m["Message-ID"] for m in sink.messages)
        lost = queued - len(ids)
        print(f"Delivered {len(sink.messages)} of {queued}; distinct Message-IDs {len(ids)}; "
              f"duplicates {sum(ids.values()) - len(ids)}; lost {lost}; "
              f"notifications marked emailed {Notification.objects(emailed=True).count()}")
        print(f"The last email went out {(last - back).total_seconds():.0f} s (simulated) after the server "
              f"came back; delivery runs took {wall:.1f} s of real time in all")
    return 0


@contextmanager
def sink_stopped(sink):
    """Stop the mail sink at the end, whatever happened."""
    try:
        yield sink
    finally:
        sink.stop()


if __name__ == "__main__":
    sys.exit(main())
