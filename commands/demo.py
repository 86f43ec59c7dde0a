"""`flask demo load`: a demo team with one user per role."""

import click
from flask.cli import with_appcontext

from clock import utcnow
from services.demo.load import DEMO_USERS, load_demo


@click.group()
def demo():
    """Demo data."""


@demo.command("load")
@with_appcontext
def load():
    """Load the demo team (idempotent). Demo passwords show on the sign-in page only in demo mode."""
    summary = load_demo(now=utcnow())
    click.echo(f"Demo data loaded: {summary}.")
    for account in DEMO_USERS:
        click.echo(f"  {account['label']:24} {account['email']:34} {account['password']}")
