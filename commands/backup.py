"""`flask backup PATH` and `flask restore PATH`: a consistent snapshot of the database, made while the app runs."""

import click
import mongoengine
from flask.cli import with_appcontext

from storage.backup import BackupError, make_backup, restore_backup


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup(path):
    """Write a consistent snapshot of the whole database to PATH (safe while Pathway runs)."""
    manifest = make_backup(mongoengine.get_db(), path)
    total = sum(c["documents"] for c in manifest["collections"].values())
    click.echo(f"Backed up {total} documents in {len(manifest['collections'])} collections of "
               f"{manifest['database']} to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Overwrite a database that already holds data.")
@with_appcontext
def restore(path, replace):
    """Load the snapshot in PATH into the configured database (stop the web app and scheduler first)."""
    try:
        manifest = restore_backup(mongoengine.get_db(), path, replace=replace)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    total = sum(c["documents"] for c in manifest["collections"].values())
    click.echo(f"Restored {total} documents in {len(manifest['collections'])} collections, "
               f"as backed up at {manifest['made_at']}.")
