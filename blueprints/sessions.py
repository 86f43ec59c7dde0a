"""Browser sessions: start, end, idle time-out and absolute expiry, checked on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from bson import ObjectId
from flask import current_app, flash, g, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from pymongo.errors import ConnectionFailure

from blueprints.errors import sign_in_required_json
from clock import utcnow
from errors import DatabaseUnavailable
from models.user import LANGUAGES, User
from services.common.language import LANGUAGE_COOKIE
from services.users.accounts import set_language

# Pages that must work whatever the state of the session.
OPEN_ENDPOINTS = ("static", "health.healthz", "auth.sign_in", "mfa.verify")


def start_session(user) -> None:
    """Start a fresh session for the user (a new cookie: no session fixation)."""
    session.clear()
    login_user(user)
    session.permanent = True
    now = int(time.time())
    session["started"] = now
    session["seen"] = now
    # A language chosen with the switch before signing in becomes the user's own, on every browser they use.
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if not user.language and chosen in LANGUAGES:
        set_language(user, chosen, actor=user, now=utcnow())


def end_session() -> None:
    """Forget the signed-in user in this browser."""
    logout_user()
    session.clear()


def check_session():
    """End a session idle for too long or older than its lifetime; note this request otherwise."""
    # The endpoint first: the health check and static files must not need the user (nor the database).
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint in ("static", "health.healthz") \
            or not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle = int(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    lifetime = int(current_app.config["SESSION_HOURS"]) * 3600
    started, seen = session.get("started"), session.get("seen")
    if not isinstance(started, int) or not isinstance(seen, int) or now - seen > idle or now - started > lifetime:
        end_session()
        if request.path.startswith("/api/"):
            return sign_in_required_json()
        flash(_("You were signed out because your session ended. Sign in again to continue."), "info")
        return redirect(url_for("auth.sign_in", next=request.full_path if request.method == "GET" else None))
    if now - seen >= 30:
        # Refreshing at most every half minute keeps the cookie from changing on every request.
        session["seen"] = now
    return None


# Endpoint → a function (user id, the address's values) that reads the user's document with the page's first read,
# returning (the document, what the page takes from `g.page_read`), or None to read the user alone.
PAGE_READS: dict[str, Callable[[str, dict], tuple | None]] = {}


def reads_with_user(endpoint: str):
    """Register a page's first read as the one that also reads the signed-in user (one command, not two).

    What it reads before the user is known is only kept for the page (on `g.page_read`), which checks the user's
    access as always: a user found inactive, or whose sessions were ended, is signed out and nothing is shown.
    """

    def register(function):
        PAGE_READS[endpoint] = function
        return function

    return register


def load_user(identity: str):
    """Return the signed-in user, or None when the account is gone, inactive or its sessions were ended."""
    user_id, _, version = (identity or "").partition(":")
    if not ObjectId.is_valid(user_id):
        return None  # a malformed id in an old cookie just means "signed out"
    try:
        reader = PAGE_READS.get(request.endpoint) if has_request_context() else None
        read = reader(user_id, request.view_args or {}) if reader is not None else None
        if read is not None:
            # The page's own first read brought the user's document with it: see `reads_with_user`.
            son, g.page_read = read
        else:
            # Every request asks: one find_one made into the document, without building a query set.
            son = User._get_collection().find_one({"_id": ObjectId(user_id)})
        user = User._from_son(son) if son is not None else None
    except ConnectionFailure as exc:
        # Not "no such user": sending them to sign in would throw away what they were saving.
        raise DatabaseUnavailable() from exc
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user
