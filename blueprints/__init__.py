"""Web blueprints. Views parse input, call one service, render."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_login import current_user

from extensions import login_manager


def register_blueprints(app: Flask) -> None:
    """Register every blueprint, the error handler, the user loader and the security headers."""
    from blueprints import (
        admin,
        api,
        auth,
        cases,
        deadlines,
        documents,
        errors,
        groups,
        health,
        home,
        intake,
        manager,
        once,
        partner,
        personal_data,
        referrals,
        reports,
        retention,
        submissions,
    )

    errors.register(app)
    once.register(app)
    for module in (auth, health, home, referrals, intake, cases, manager, partner, deadlines, admin, api, submissions,
                   documents, reports, retention, personal_data, groups):
        app.register_blueprint(module.bp)

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)

    app.before_request(_require_password_change)
    app.after_request(_security_headers)
    app.context_processor(_template_globals)


def _load_user(identity: str):
    """Return the signed-in user, or None when the account is gone, inactive or its sessions were ended."""
    from models.user import User

    user_id, _, version = (identity or "").partition(":")
    try:
        user = User.objects(pk=user_id).first()
    except Exception:  # noqa: BLE001 - a malformed id in an old cookie just means "signed out"
        return None
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def _require_password_change():
    """Send a user with a one-time password to the change-password page first."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in ("auth.change_password", "auth.sign_out", "static", "health.healthz")
    ):
        return redirect(url_for("auth.change_password"))
    return None


def _security_headers(response):
    """Add headers that keep pages out of frames, caches and other origins."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        # Case data must not linger in shared browsers' caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _template_globals() -> dict:
    """Expose the navigation for the signed-in user's roles."""
    from blueprints.navigation import navigation_for

    return {"navigation": navigation_for(current_user), "demo_mode": _demo_mode()}


def _demo_mode() -> bool:
    from flask import current_app

    return bool(current_app.config.get("DEMO"))
