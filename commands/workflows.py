"""`flask workflows ...`: lint and sync the pathway files."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from services.workflow_lint import known_forms, lint_files
from services.workflow_store import WORKFLOW_DIR, sync_workflows

__all__ = ["known_forms", "workflows"]

@click.group()
def workflows():
    """Pathway files."""


@workflows.command("check")
@click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False), default=str(WORKFLOW_DIR))
@with_appcontext
def check(directory):
    """Lint every workflow file and store nothing; exit 1 with one line per problem."""
    lines = lint_files(directory)
    for line in lines:
        click.echo(line)
    if lines:
        raise SystemExit(1)
    click.echo(f"All workflow files in {directory} are valid.")


@workflows.command("sync")
@click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False), default=str(WORKFLOW_DIR))
@with_appcontext
def sync(directory):
    """Store changed lint-clean workflow files as new versions (existing cases keep theirs); name broken ones."""
    report = sync_workflows(directory, now=datetime.utcnow())
    for key, version, action in report:
        click.echo(f"{key:30} {'v' + str(version) if version else '':5} {action}")
    if any(not version for _, version, _ in report):
        raise click.ClickException("Some files were not synced: fix them (flask workflows check lists every "
                                   "problem) and sync again")
