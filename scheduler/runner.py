"""Run the one periodic job that sweeps due reminders and escalations (APScheduler)."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger(__name__)

JOB_ID = "pathway-reminder-sweep"
AUDIT_JOB_ID = "pathway-audit-chain-head"


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


def _log_audit_head(app) -> None:
    """Log the audit chain's head once a day: a later removal of the newest entries then shows."""
    from services.audit_chain import log_chain_head

    with app.app_context():
        try:
            log_chain_head(datetime.utcnow())
        except Exception:  # noqa: BLE001 - the scheduler must survive one failed run
            log.exception("Could not log the audit chain head")


def _configure(scheduler, app):
    # One job, never overlapping itself; a late run is merged rather than run several times.
    scheduler.add_job(
        _sweep, "interval", seconds=app.config["SCHEDULER_INTERVAL_SECONDS"], args=[app], id=JOB_ID,
        max_instances=1, coalesce=True, misfire_grace_time=None, next_run_time=datetime.now(),
        replace_existing=True,
    )
    scheduler.add_job(_log_audit_head, "interval", days=1, args=[app], id=AUDIT_JOB_ID, max_instances=1,
                      coalesce=True, next_run_time=datetime.now(), replace_existing=True)
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
