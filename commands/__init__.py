"""`flask ...` commands. Each calls the same services the web pages use."""

from flask import Flask

from commands import audit, backup, cases, demo, forms, outbox, scheduler, users, workflows


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""

    for group in (users.users, cases.cases, demo.demo, forms.forms, workflows.workflows, scheduler.scheduler,
                  outbox.outbox, audit.audit):
        app.cli.add_command(group)
    app.cli.add_command(backup.backup)
    app.cli.add_command(backup.restore)
