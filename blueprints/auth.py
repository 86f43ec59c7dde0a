"""Sign in, sign out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.access import client_address, current_actor
from blueprints.mfa import begin_sign_in
from blueprints.sessions import end_session, start_session
from clock import utcnow
from errors import InvalidInput, NotAllowed
from extensions import limiter
from services.demo.load import DEMO_USERS
from services.users.accounts import authenticate_user, change_password, record_sign_out

bp = Blueprint("auth", __name__)

def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in():
    """Show the sign-in form; sign the user in."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.index"))
    error, email = None, ""
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        password = request.form.get("password", "")
        if not email or not password:
            error = _("Enter your email address and password")
        else:
            try:
                user = authenticate_user(email=email, password=password, now=utcnow(),
                                         client_address=client_address(), settings=current_app.config)
            except NotAllowed as exc:
                error = exc.message
            else:
                return begin_sign_in(user, _safe_next(request.args.get("next")))
    demo_accounts = None
    if current_app.config.get("DEMO"):
        demo_accounts = DEMO_USERS
    status = 200 if not error else 401
    return render_template("auth/sign_in.html", error=error, email=email, demo_accounts=demo_accounts), status


def _safe_next(target: str | None) -> str | None:
    """Return a local path to go to after sign-in, never another site.

    Browsers drop tabs and newlines from addresses, so "/\t/evil.example" would become "//evil.example":
    anything but printable characters, a second leading slash or a backslash is refused.
    """
    if not target or not target.startswith("/") or len(target) > 2000:
        return None
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return None
    if target.startswith("//") or urlsplit(target).netloc or urlsplit(target).scheme:
        return None
    return target


@bp.post("/sign-out")
@login_required
def sign_out():
    """Sign the user out."""
    record_sign_out(actor=current_actor(), now=utcnow(),
                    client_address=client_address())
    end_session()
    flash(_("You have signed out"), "success")
    return redirect(url_for("auth.sign_in"))


def _password_change_limit() -> str:
    return current_app.config["PASSWORD_CHANGE_RATE_LIMIT"]


def _user_key() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else client_address()


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@login_required
@limiter.limit(_password_change_limit, methods=["POST"], key_func=_user_key)
def change_password_view():
    """Let a user choose a new password (required after a one-time password)."""
    problems = []
    if request.method == "POST":
        try:
            user = change_password(
                current_actor(), current=request.form.get("current_password", ""),
                new=request.form.get("new_password", ""), confirm=request.form.get("confirm_password", ""),
                now=utcnow(), settings=current_app.config, client_address=client_address(),
            )
        except InvalidInput as exc:
            problems = exc.problems
        except NotAllowed as exc:
            end_session()  # every session of the user has just been ended on the server
            flash(exc.message, "error")
            return redirect(url_for("auth.sign_in"))
        else:
            start_session(user)  # the session version changed: other browsers are out, this one stays in
            flash(_("Your password has been changed"), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", problems=problems), 422 if problems else 200

