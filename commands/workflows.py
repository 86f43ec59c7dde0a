"""`flask workflows ...`: lint and sync the pathway files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from errors import DefinitionError
from models.user import ROLES
from services.workflow_store import WORKFLOW_DIR, sync_workflows
from workflows.lint import lint_directory

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms" / "definitions"


def known_forms(forms_dir: Path = FORMS_DIR) -> dict[str, set[str]]:
    """Return each known form key with its top-level field names: shipped files plus forms stored in MongoDB."""
    known: dict[str, set[str]] = {}
    for path in sorted(forms_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except ValueError:
            continue
        known[data.get("key", path.stem)] = set((data.get("schema") or {}).get("properties") or {})
    try:
        from models.form import FormDefinition

        for stored in FormDefinition.objects(status__in=["published", "draft"]).only("key", "definition"):
            props = ((stored.definition or {}).get("schema") or {}).get("properties") or {}
            known.setdefault(stored.key, set()).update(props)
    except Exception:  # noqa: BLE001, S110 - linting files must work without a database too
        pass
    return known


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
        report = sync_workflows(directory, now=datetime.utcnow())
    except DefinitionError as exc:
        lines = [exc.message] + [f"  {p.field}: {p.message}" for p in exc.problems]
        raise click.ClickException("\n".join(lines)) from None
    for key, version, action in report:
        click.echo(f"{key:30} v{version:<4} {action}")
