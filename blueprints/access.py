"""Role checks for views: the wrong role gets 403, never the page."""

from __future__ import annotations

from functools import wraps

from flask_babel import gettext as _
from flask_login import current_user, login_required

from errors import NotAllowed


def roles_required(*roles: str):
    """Require a signed-in user holding at least one of the roles."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                raise NotAllowed(_("You do not have access to this page"))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_actor():
    """Return the signed-in user as the actor services take (the real object, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def client_address() -> str:
    """Return the client's address for the audit trail."""
    from flask import request

    return request.remote_addr or ""


def no_store(response):
    """Forbid every cache, the browser's included, from keeping a download (send_file sets no-cache)."""
    response.headers["Cache-Control"] = "no-store, max-age=0"
    response.headers["Pragma"] = "no-cache"
    return response
