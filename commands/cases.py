"""`flask cases ...`: open a case from the command line, as the named member of staff."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from clock import utcnow
from errors import PathwayError
from models.user import User
from services.cases.intake import open_new_case


@click.group()
def cases():
    """Cases."""


@cases.command("open")
@click.option("--workflow", required=True, help="Key of the pathway, e.g. the `key:` of its file")
@click.option("--name", required=True, help="Full name of the person")
@click.option("--dob", default="", help="Date of birth, YYYY-MM-DD")
@click.option("--address", default="")
@click.option("--as", "as_email", required=True, help="Email of the member of staff opening the case")
@with_appcontext
def open_(workflow, name, dob, address, as_email):
    """Open a case on a pathway that lets staff open cases."""
    actor = User.objects(email=as_email.strip().lower(), active=True).first()
    if actor is None:
        raise click.ClickException(f"There is no active user {as_email}")
    try:
        case = open_new_case(workflow_key=workflow, person={"name": name, "date_of_birth": dob, "address": address},
                             actor=actor, now=utcnow())
    except PathwayError as exc:
        lines = [exc.message] + [f"  {p.field}: {p.message}" for p in exc.problems]
        raise click.ClickException("\n".join(lines)) from None
    click.echo(f"Opened {case.reference} ({case.workflow_key}, {case.state}) in team {case.team}")
