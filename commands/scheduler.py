"""`flask scheduler run` (the production scheduler process) and `flask scheduler sweep` (one sweep now)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from clock import utcnow
from scheduler.runner import run_blocking_scheduler
from services.deadlines.reminders import sweep_reminders
from services.privacy.retention import run_retention


@click.group()
def scheduler():
    """Reminders, missed deadlines and escalations."""


@scheduler.command("run")
@with_appcontext
def run():
    """Sweep reminders every PATHWAY_SCHEDULER_INTERVAL_SECONDS and deliver email until stopped."""
    every = current_app.config["SCHEDULER_INTERVAL_SECONDS"]
    click.echo(f"Sweeping reminders every {every} s and delivering email every "
               f"{current_app.config['OUTBOX_INTERVAL_SECONDS']} s (Ctrl-C to stop).")
    run_blocking_scheduler(current_app._get_current_object())


@scheduler.command("sweep")
@with_appcontext
def sweep():
    """Sweep once now and print what was sent."""
    result = sweep_reminders(now=utcnow(), settings=current_app.config)
    click.echo(f"Reminders sent: {result.sent}; deadlines missed: {result.missed}; escalations sent: "
               f"{result.escalated}; deadlines examined: {result.examined}; "
               f"claimed elsewhere: {result.skipped}; could not be processed: {result.failed}.")


@scheduler.command("retention")
@with_appcontext
def retention():
    """Run the retention job once now: list due cases for review, finish approved destructions."""
    result = run_retention(now=utcnow())
    click.echo(f"Cases listed for destruction review: {result.listed}; approved destructions finished: "
               f"{result.finished}; uploads no answer keeps removed: {result.orphans_removed}.")
