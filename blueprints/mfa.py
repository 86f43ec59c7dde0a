"""Multi-factor sign-in pages: the code after the password, setting up an authenticator app, admin reset."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.access import client_address, roles_required
from blueprints.sessions import load_user, start_session
from clock import utcnow
from errors import InvalidInput, NotAllowed
from extensions import limiter
from services.users import mfa
from services.users.accounts import get_user

bp = Blueprint("mfa", __name__)
PENDING_SECONDS = 300  # the code must follow the password within five minutes


def begin_sign_in(user, next_url: str | None):
    """After a correct password: ask for the second factor, or sign in (and ask to set one up if required)."""
    if user.mfa_enabled:
        session.clear()
        session["mfa_pending"] = user.get_id()
        session["mfa_since"] = int(time.time())
        session["mfa_next"] = next_url or ""
        return redirect(url_for("mfa.verify"))
    start_session(user)
    return redirect(next_url or url_for("home.index"))


def _pending_user():

    identity, since = session.get("mfa_pending"), session.get("mfa_since")
    if not identity or not isinstance(since, int) or time.time() - since > PENDING_SECONDS:
        return None
    return load_user(identity)


def _verify_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in/code", methods=["GET", "POST"], endpoint="verify")
@limiter.limit(_verify_limit, methods=["POST"])
def verify():
    """Ask for the code from the authenticator app (or a recovery code) after the password."""
    user = _pending_user()
    if user is None:
        session.clear()
        flash(_("Sign in again: your sign-in had expired"), "info")
        return redirect(url_for("auth.sign_in"))
    problems = []
    if request.method == "POST":
        try:
            method = mfa.check_second_factor(user, request.form.get("code", ""), now=utcnow(),
                                             client_address=client_address())
        except InvalidInput as exc:
            problems = exc.problems
        except NotAllowed as exc:
            session.clear()
            flash(exc.message, "error")
            return redirect(url_for("auth.sign_in"))
        else:
            target = session.get("mfa_next") or url_for("home.index")
            start_session(user)
            if method == "recovery":
                flash(_("You used a recovery code: %(count)s are left. Set up your authenticator again if you have "
                        "lost it.", count=len(user.reload().mfa_recovery_hashes)), "info")
            return redirect(target)
    return render_template("auth/mfa_verify.html", problems=problems), 422 if problems else 200


@bp.route("/account/mfa", methods=["GET", "POST"], endpoint="setup")
@login_required
def setup():
    """Set up multi-factor sign-in with an authenticator app; show the recovery codes once."""
    user = current_user._get_current_object()
    problems = []
    if request.method == "POST":
        try:
            codes = mfa.enable_mfa(user, secret=session.get("mfa_new_secret", ""), code=request.form.get("code", ""),
                                   now=utcnow(), client_address=client_address())
        except InvalidInput as exc:
            problems = exc.problems
        else:
            start_session(user)  # the session version changed: other sessions without the second factor end
            return render_template("auth/mfa_codes.html", codes=codes)
    if user.mfa_enabled and request.method == "GET":
        return render_template("auth/mfa_setup.html", enabled=True, problems=[])
    secret = session.get("mfa_new_secret") or mfa.new_secret()
    session["mfa_new_secret"] = secret
    return render_template("auth/mfa_setup.html", enabled=False, problems=problems, secret=secret,
                           qr=mfa.qr_svg(secret, user.email),
                           required=mfa.mfa_required(user, current_app.config)), 422 if problems else 200


@bp.post("/admin/users/<user_id>/reset-mfa")
@roles_required("admin")
def admin_reset(user_id):
    """Turn off a user's multi-factor sign-in (a lost phone); they set it up again at their next sign-in."""
    account = mfa.reset_mfa(get_user(user_id), actor=current_user._get_current_object(), now=utcnow())
    flash(f"Multi-factor sign-in was reset for {account.name}: they must set it up again", "success")
    return redirect(url_for("admin.user", user_id=account.pk))


def require_mfa_setup():
    """Send a user whose role requires a second factor to set one up before anything else."""
    # The endpoint first: the health check and static files must not need the user (nor the database).
    if (request.endpoint not in ("mfa.setup", "auth.sign_out", "auth.change_password", "static", "health.healthz")
            and current_user.is_authenticated and not current_user.mfa_enabled
            and mfa.mfa_required(current_user, current_app.config)):
        if request.path.startswith("/api/"):
            raise NotAllowed(_("Set up multi-factor sign-in in the browser first"))
        return redirect(url_for("mfa.setup"))
    return None
