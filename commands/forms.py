"""`flask forms ...`: publish the shipped form files, list forms, check a definition file."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from clock import utcnow
from errors import PathwayError
from services.submissions import definition_files, definitions


@click.group()
def forms():
    """Manage form definitions."""


@forms.command("sync")
@click.option("--directory", default=None, help="Folder of definition files (default: forms/definitions)")
@with_appcontext
def sync(directory):
    """Publish every definition file that is new or changed."""
    try:
        report = definition_files.sync_forms(directory or definition_files.FORMS_DIR, now=utcnow())
    except PathwayError as exc:
        lines = [exc.message] + [f"  {p.field}: {p.message}" for p in exc.problems]
        raise click.ClickException("\n".join(lines)) from None
    changed = [row for row in report if row[2] != "unchanged"]
    for key, version, action in changed:
        click.echo(f"{key} version {version}: {action}")
    click.echo(f"{len(changed)} changed, {len(report) - len(changed)} unchanged.")


@forms.command("list")
@click.option("--tag", default=None)
@with_appcontext
def list_(tag):
    """List the latest published version of each form."""
    rows = definitions.published_forms(tag)
    if not rows:
        click.echo("No published forms.")
    for doc in rows:
        click.echo(f"{doc.key:34} v{doc.version:<4} {doc.classification:13} {doc.title}")


@forms.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def check(file):
    """Check one definition file; print one line per problem and exit 1 when there are any."""
    problems = definition_files.check_definition_file(file)
    for problem in problems:
        click.echo(f"{problem.field}: {problem.message}")
    if problems:
        sys.exit(1)
    click.echo(f"{file}: no problems found.")
