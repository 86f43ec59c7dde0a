"""`flask workflows ...`: lint and sync the pathway files."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from clock import utcnow
from errors import DefinitionError
from models.user import ROLES
from services.form_definitions import known_forms
from services.workflow_store import WORKFLOW_DIR, sync_workflows
from workflows.lint import lint_directory


@click.group()
def workflows():
    """Pathway files."""


@workflows.command("check")
@click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False), default=str(WORKFLOW_DIR))
@with_appcontext
def check(directory):
    """Lint every workflow file; exit 1 with one line per problem."""
    lines = lint_directory(directory, known_forms=known_forms(), known_roles=ROLES)
    for line in lines:
        click.echo(line)
    if lines:
        raise SystemExit(1)
    click.echo(f"All workflow files in {directory} are valid.")


@workflows.command("sync")
@click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False), default=str(WORKFLOW_DIR))
@with_appcontext
def sync(directory):
    """Store changed workflow files as new versions (existing cases keep theirs)."""
    try:
        report = sync_workflows(directory, now=utcnow())
    except DefinitionError as exc:
        lines = [exc.message] + [f"  {p.field}: {p.message}" for p in exc.problems]
        raise click.ClickException("\n".join(lines)) from None
    for key, version, action in report:
        click.echo(f"{key:30} v{version:<4} {action}")
