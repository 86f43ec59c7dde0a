"""Run the one periodic job that sweeps due reminders and escalations (APScheduler)."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger(__name__)

JOB_ID = "pathway-reminder-sweep"
RETENTION_JOB_ID = "pathway-retention"
# Keeping periods are counted in years: a few runs a day list due cases promptly without needless work.
RETENTION_INTERVAL_HOURS = 6


def _sweep(app) -> None:
    """Sweep once inside the app context; a failure is logged and the next run tries again."""
    from services.reminders import sweep_reminders

    with app.app_context():
        try:
            result = sweep_reminders(now=datetime.utcnow(), settings=app.config)
        except Exception:  # noqa: BLE001 - the scheduler must survive one bad sweep
            log.exception("Reminder sweep failed; it will run again at the next interval")
            return
        if result.sent or result.escalated:
            log.info("Reminder sweep: %s", result)


def _retention(app) -> None:
    """List cases due for destruction review and finish approved destructions; failures wait for the next run."""
    from services.retention import run_retention

    with app.app_context():
        try:
            result = run_retention(now=datetime.utcnow())
        except Exception:  # noqa: BLE001 - the scheduler must survive one bad run
            log.exception("Retention job failed; it will run again at the next interval")
            return
        if result.listed or result.finished or result.orphans_removed:
            log.info("Retention job: %s", result)


def _configure(scheduler, app):
    # One job, never overlapping itself; a late run is merged rather than run several times.
    scheduler.add_job(
        _sweep, "interval", seconds=app.config["SCHEDULER_INTERVAL_SECONDS"], args=[app], id=JOB_ID,
        max_instances=1, coalesce=True, misfire_grace_time=None, next_run_time=datetime.now(),
        replace_existing=True,
    )
    scheduler.add_job(
        _retention, "interval", hours=RETENTION_INTERVAL_HOURS, args=[app], id=RETENTION_JOB_ID, max_instances=1,
        coalesce=True, misfire_grace_time=None, next_run_time=datetime.now(), replace_existing=True,
    )
    return scheduler


def start_background_scheduler(app) -> BackgroundScheduler:
    """Start the sweep in a background thread of this process (the embedded default)."""
    scheduler = _configure(BackgroundScheduler(daemon=True), app)
    scheduler.start()
    return scheduler


def run_blocking_scheduler(app) -> None:
    """Run the sweep in the foreground: the production scheduler process (`flask scheduler run`)."""
    scheduler = _configure(BlockingScheduler(), app)
    log.info("Pathway scheduler running every %s s", app.config["SCHEDULER_INTERVAL_SECONDS"])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
