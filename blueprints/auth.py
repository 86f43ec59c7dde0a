"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.access import client_address, current_actor
from clock import utcnow
from errors import InvalidInput, NotAllowed
from extensions import limiter
from services.demo import DEMO_USERS
from services.users import authenticate_user, change_password, record_sign_out

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
            error = "Enter your email address and password"
        else:
            try:
                user = authenticate_user(email=email, password=password, now=utcnow(),
                                         client_address=client_address(), settings=current_app.config)
            except NotAllowed as exc:
                error = exc.message
            else:
                session.clear()
                login_user(user)
                session.permanent = True
                return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    demo_accounts = None
    if current_app.config.get("DEMO"):
        demo_accounts = DEMO_USERS
    status = 200 if not error else 401
    return render_template("auth/sign_in.html", error=error, email=email, demo_accounts=demo_accounts), status


def _safe_next(target: str | None) -> str | None:
    """Return a local path to go to after sign-in, never another site."""
    # Printable ASCII only: a newline would break the Location header, and browsers drop tabs and newlines,
    # which would turn "/\t/evil.example" into another site.
    if target and target.isascii() and target.isprintable() and " " not in target and target.startswith("/") \
            and not target.startswith("//") and "\\" not in target and len(target) <= 2000:
        return target
    return None


@bp.post("/sign-out")
@login_required
def sign_out():
    """Sign the user out."""
    record_sign_out(actor=current_actor(), now=utcnow(),
                    client_address=client_address())
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_view():
    """Let a user choose a new password (required after a one-time password)."""
    problems = []
    if request.method == "POST":
        try:
            user = change_password(
                current_actor(), current=request.form.get("current_password", ""),
                new=request.form.get("new_password", ""), confirm=request.form.get("confirm_password", ""),
                now=utcnow(),
            )
        except InvalidInput as exc:
            problems = exc.problems
        else:
            login_user(user)  # the session version changed; keep this browser signed in
            flash("Your password has been changed", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", problems=problems), 422 if problems else 200

