"""`flask ...` commands. Each calls the same services the web pages use."""

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from commands import backup, cases, demo, forms, outbox, scheduler, users, workflows

    for group in (users.users, cases.cases, demo.demo, forms.forms, workflows.workflows, scheduler.scheduler,
                  outbox.outbox):
        app.cli.add_command(group)
    app.cli.add_command(backup.backup)
    app.cli.add_command(backup.restore)
