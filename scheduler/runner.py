"""Run the periodic jobs (APScheduler): the reminder sweep, delivery of the email outbox, and retention."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from clock import utcnow
from services.audit.chain import log_chain_head, seal_inbox
from services.deadlines.reminders import sweep_reminders
from services.notifications.outbox import deliver_outbox, forget_wakers, on_queued
from services.privacy.retention import run_retention

log = logging.getLogger(__name__)

JOB_ID = "pathway-reminder-sweep"
OUTBOX_JOB_ID = "pathway-outbox-delivery"
AUDIT_JOB_ID = "pathway-audit-chain-head"
SEAL_JOB_ID = "pathway-audit-seal"
# Reads wait in the audit inbox until sealed into the chain: often, so the unchained window stays short.
SEAL_INTERVAL_SECONDS = 30
RETENTION_JOB_ID = "pathway-retention"
# Keeping periods are counted in years: a few runs a day list due cases promptly without needless work.
RETENTION_INTERVAL_HOURS = 6


def _sweep(app) -> None:
    """Sweep once inside the app context; a failure is logged and the next run tries again."""
    with app.app_context():
        try:
            result = sweep_reminders(now=utcnow(), settings=app.config)
        except Exception:  # noqa: BLE001 - the scheduler must survive one bad sweep
            log.exception("Reminder sweep failed; it will run again at the next interval")
            return
        if result.sent or result.escalated or result.failed:
            log.info("Reminder sweep: %s", result)


def _log_audit_head(app) -> None:
    """Log the audit chain's head once a day: a later removal of the newest entries then shows."""

    with app.app_context():
        try:
            log_chain_head(utcnow())
        except Exception:  # noqa: BLE001 - the scheduler must survive one failed run
            log.exception("Could not log the audit chain head")


def _seal_audit(app) -> None:
    """Chain the reads waiting in the audit inbox; a failure leaves them there for the next run."""
    with app.app_context():
        try:
            seal_inbox()
        except Exception:  # noqa: BLE001 - the scheduler must survive one failed run
            log.exception("Could not seal the audit inbox; it will run again at the next interval")


def _retention(app) -> None:
    """List cases due for destruction review and finish approved destructions; failures wait for the next run."""
    with app.app_context():
        try:
            result = run_retention(now=utcnow())
        except Exception:  # noqa: BLE001 - the scheduler must survive one bad run
            log.exception("Retention job failed; it will run again at the next interval")
            return
        if result.listed or result.finished or result.orphans_removed:
            log.info("Retention job: %s", result)


class _Delivery:
    """The outbox job: never two runs at once in this process; `wake` asks for a run as soon as possible."""

    def __init__(self, app):
        self.app = app
        self.scheduler = None
        self.running = threading.Lock()

    def __call__(self) -> None:
        if not self.running.acquire(blocking=False):
            return
        try:
            with self.app.app_context():
                result = deliver_outbox(now=utcnow(), settings=self.app.config)
            if result.sent or result.failed:
                log.info("Outbox delivery: %s", result)
        except Exception:  # noqa: BLE001 - the scheduler must survive one bad run
            log.exception("Outbox delivery failed; it will run again at the next interval")
        finally:
            self.running.release()

    def wake(self) -> None:
        """Run the job now rather than at its next interval (mail was just queued)."""
        if self.scheduler is None or self.running.locked():
            return  # a run in progress picks the new message up, or the next one does
        job = self.scheduler.get_job(OUTBOX_JOB_ID)
        if job is not None and job.next_run_time is not None:  # None: paused or shutting down; leave it
            job.modify(next_run_time=datetime.now(job.next_run_time.tzinfo))


def _configure(scheduler, app):
    # Each job never overlaps itself; a late run is merged rather than run several times.
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None, "replace_existing": True}
    scheduler.add_job(_sweep, "interval", seconds=app.config["SCHEDULER_INTERVAL_SECONDS"], args=[app],
                      id=JOB_ID, next_run_time=datetime.now(UTC), **common)
    delivery = _Delivery(app)
    scheduler.add_job(delivery, "interval", seconds=app.config["OUTBOX_INTERVAL_SECONDS"], id=OUTBOX_JOB_ID,
                      next_run_time=datetime.now(UTC), **common)
    delivery.scheduler = scheduler
    on_queued(delivery.wake)
    scheduler.add_job(_log_audit_head, "interval", days=1, args=[app], id=AUDIT_JOB_ID,
                      next_run_time=datetime.now(UTC), **common)
    scheduler.add_job(_seal_audit, "interval", seconds=SEAL_INTERVAL_SECONDS, args=[app], id=SEAL_JOB_ID,
                      next_run_time=datetime.now(UTC), **common)
    scheduler.add_job(_retention, "interval", hours=RETENTION_INTERVAL_HOURS, args=[app], id=RETENTION_JOB_ID,
                      next_run_time=datetime.now(UTC), **common)
    return scheduler


def start_background_scheduler(app) -> BackgroundScheduler:
    """Start the jobs in a background thread of this process (the embedded default)."""
    scheduler = _configure(BackgroundScheduler(daemon=True), app)
    scheduler.start()
    return scheduler


def run_blocking_scheduler(app) -> None:
    """Run the jobs in the foreground: the production scheduler process (`flask scheduler run`)."""
    scheduler = _configure(BlockingScheduler(), app)
    log.info("Pathway scheduler: reminder sweep every %s s, email delivery every %s s",
             app.config["SCHEDULER_INTERVAL_SECONDS"], app.config["OUTBOX_INTERVAL_SECONDS"])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
    finally:
        forget_wakers()
