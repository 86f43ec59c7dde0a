"""`flask ...` commands. Each calls the same services the web pages use."""

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from commands import demo, users

    app.cli.add_command(users.users)
    app.cli.add_command(demo.demo)
    for name in ("forms", "workflows", "scheduler"):
        try:
            module = __import__(f"commands.{name}", fromlist=[name])
        except ModuleNotFoundError as exc:
            if exc.name != f"commands.{name}":
                raise
            continue
        app.cli.add_command(getattr(module, name))
