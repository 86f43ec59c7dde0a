"""`flask outbox deliver` (send the queued email now) and `flask outbox status`."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group()
def outbox():
    """Email waiting to be sent, sent, or not delivered."""


@outbox.command("deliver")
@with_appcontext
def deliver():
    """Deliver the email that is due now and print what happened."""
    from services.outbox import deliver_outbox

    result = deliver_outbox(now=datetime.utcnow(), settings=current_app.config)
    click.echo(f"Email sent: {result.sent}; attempts that failed: {result.failed} "
               f"(given up on: {result.gave_up}).")


@outbox.command("status")
@with_appcontext
def status():
    """Print how many messages are waiting, sent and could not be delivered."""
    from services.outbox_admin import delivery_counts

    counts = delivery_counts(now=datetime.utcnow())
    click.echo(f"Waiting: {counts['waiting']}; could not deliver: {counts['failed']}; "
               f"sent in the last 24 hours: {counts['sent_today']}; deadlines the sweep is skipping: "
               f"{counts['sweep_errors']}.")
