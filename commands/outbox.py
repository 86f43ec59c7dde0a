"""`flask outbox deliver` (send the queued email now) and `flask outbox status`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from clock import utcnow
from services.notifications.outbox import deliver_outbox
from services.notifications.outbox_admin import delivery_counts


@click.group()
def outbox():
    """Email waiting to be sent, sent, or not delivered."""


@outbox.command("deliver")
@with_appcontext
def deliver():
    """Deliver the email that is due now and print what happened."""
    result = deliver_outbox(now=utcnow(), settings=current_app.config)
    click.echo(f"Email sent: {result.sent}; attempts that failed: {result.failed} "
               f"(given up on: {result.gave_up}).")


@outbox.command("status")
@with_appcontext
def status():
    """Print how many messages are waiting, sent and could not be delivered."""
    counts = delivery_counts(now=utcnow())
    click.echo(f"Waiting: {counts['waiting']}; could not deliver: {counts['failed']}; "
               f"sent in the last 24 hours: {counts['sent_today']}; deadlines the sweep is skipping: "
               f"{counts['sweep_errors']}.")
