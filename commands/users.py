"""`flask users ...`: create, list, deactivate, reactivate and reset users."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from clock import utcnow
from errors import PathwayError
from models.user import ROLES
from services.users import accounts as user_service


def _fail(exc: PathwayError) -> None:
    lines = [exc.message] + [f"  {p.field}: {p.message}" for p in exc.problems]
    raise click.ClickException("\n".join(lines))


@click.group()
def users():
    """Manage users."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", default="", help="Full name (defaults to the part of the email before @)")
@click.option("--role", "roles", multiple=True, required=True, metavar="ROLE",
              # Pathway files may add roles, so the service checks them and lists those that exist.
              help="Repeat for several roles")
@click.option("--team", default="")
@click.option("--organisation", default="")
@click.option("--password", default=None, help="Omit to be prompted; --generate-password to have one made")
@click.option("--generate-password", is_flag=True, help="Generate a one-time password and print it")
@with_appcontext
def create(email, name, roles, team, organisation, password, generate_password):
    """Create a user."""
    if password is None and not generate_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user, used = user_service.create_user(
            email=email, name=name or email.split("@")[0], roles=list(roles), team=team,
            organisation=organisation, password=None if generate_password else password, now=utcnow(),
        )
    except PathwayError as exc:
        _fail(exc)
    click.echo(f"Created {user.email} ({', '.join(user.roles)}).")
    if generate_password:
        click.echo(f"One-time password: {used}")


@users.command("list")
@click.option("--team", default=None)
@click.option("--role", default=None, type=click.Choice(ROLES))
@with_appcontext
def list_(team, role):
    """List users."""
    rows = user_service.list_users(team=team, role=role)
    if not rows:
        click.echo("No users.")
    for user in rows:
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email:40} {user.name:30} {','.join(user.roles):30} {user.team or '-':12} {state}")


@users.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate(email):
    """Deactivate a user and end their sessions."""
    try:
        user = user_service.set_user_active(user_service.find_user(email), False, now=utcnow())
    except PathwayError as exc:
        _fail(exc)
    click.echo(f"Deactivated {user.email}.")


@users.command("reactivate")
@click.argument("email")
@with_appcontext
def reactivate(email):
    """Reactivate a user."""
    try:
        user = user_service.set_user_active(user_service.find_user(email), True, now=utcnow())
    except PathwayError as exc:
        _fail(exc)
    click.echo(f"Reactivated {user.email}.")


@users.command("reset-password")
@click.argument("email")
@with_appcontext
def reset_password(email):
    """Give a user a one-time password (printed here) and end their sessions."""
    try:
        password = user_service.reset_password(user_service.find_user(email), now=utcnow())
    except PathwayError as exc:
        _fail(exc)
    click.echo(f"One-time password for {email}: {password}")
