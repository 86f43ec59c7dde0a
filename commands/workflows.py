"""`flask workflows ...`: lint and sync the pathway files."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from clock import utcnow
from errors import PathwayError
from services.pathways.lint import lint_files
from services.pathways.migration import migrate_cases, plan_migration
from services.pathways.store import WORKFLOW_DIR
from services.pathways.sync import sync_workflows
from services.submissions.definition_files import known_forms

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
    report = sync_workflows(directory, now=utcnow())
    for key, version, action in report:
        click.echo(f"{key:30} {'v' + str(version) if version else '':5} {action}")
    if any(not version for _, version, _ in report):
        raise click.ClickException("Some files were not synced: fix them (flask workflows check lists every "
                                   "problem) and sync again")


@workflows.command("migrate")
@click.argument("key")
@click.option("--map", "mappings", multiple=True, metavar="OLD=NEW", help="Move cases in state OLD to NEW")
@click.option("--to-version", type=int, default=None, help="Defaults to the newest stored version")
@click.option("--dry-run", is_flag=True, help="Check the mapping and say what would move; change nothing")
@with_appcontext
def migrate(key, mappings, to_version, dry_run):
    """Move a pathway's live cases to a newer stored version, mapping states the new version lacks."""

    mapping = {}
    for item in mappings:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise click.ClickException(f"--map {item}: write OLD=NEW, e.g. --map triage=received")
        mapping[old.strip()] = new.strip()
    try:
        if dry_run:
            plan = plan_migration(key, mapping, to_version=to_version)
            for case, state in plan["moves"]:
                click.echo(f"{case.pk}  v{case.workflow_version} {case.state} -> v{plan['to_version']} {state}")
            click.echo(f"{len(plan['moves'])} case(s) would move to version {plan['to_version']}")
            return
        moved = migrate_cases(key, mapping, to_version=to_version, now=utcnow())
    except PathwayError as exc:
        lines = [exc.message] + [f"  {p.message}" for p in exc.problems]
        raise click.ClickException("\n".join(lines)) from None
    click.echo(f"{moved} case(s) of {key} moved")
