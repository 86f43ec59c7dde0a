"""Web blueprints. Views parse input, call one service, render."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints import (
    admin,
    api,
    assets,
    auth,
    cases,
    deadlines,
    documents,
    errors,
    groups,
    health,
    home,
    intake,
    language,
    list_exports,
    manager,
    mfa,
    once,
    oversight,
    page_urls,
    partner,
    personal_data,
    read_audit,
    referrals,
    reports,
    retention,
    submissions,
)
from blueprints.navigation import fixed_url, navigation_for
from blueprints.sessions import check_session, load_user
from clock import utcnow
from extensions import login_manager
from forms.spec import paragraphs
from services.audit.actions import action_words
from services.audit.oversight import page_read
from services.deadlines.timing import local_today


def register_blueprints(app: Flask) -> None:
    """Register every blueprint, the error handler, the user loader and the security headers."""

    assets.register(app)
    page_urls.register(app)
    errors.register(app)
    language.register(app)
    once.register(app)
    for module in (auth, mfa, oversight, health, home, referrals, intake, list_exports, cases, manager, partner,
                   deadlines, admin, api, submissions, documents, reports, retention, personal_data, groups):
        app.register_blueprint(module.bp)

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to continue")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the lazy message in the reader's language, as the session stores text
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


    app.before_request(check_session)
    app.before_request(_require_password_change)
    app.before_request(mfa.require_mfa_setup)
    app.after_request(_security_headers)
    read_audit.register(app)  # last: its after-request hook runs first, so the others see what it answers
    app.context_processor(_template_globals)
    # Text typed in a box (introductions, guidance) keeps its paragraphs on every page that shows it.
    app.add_template_filter(paragraphs, "paragraphs")
    app.add_template_filter(action_words, "audit_action")
    app.add_template_filter(page_read, "page_read")
    # The layout's links to static files and to the header's pages, built once per process.
    app.add_template_global(fixed_url, "fixed_url")
    app.add_template_global(example_day, "example_day")
    app.add_template_global(case_caption, "case_caption")


def case_caption(case) -> str:
    """Return what a page's caption calls a case: its reference, or a referral not yet sent (whose is temporary)."""
    if getattr(case, "status", "") == "draft" or not getattr(case, "reference", ""):
        return str(_l("Referral"))
    return str(_l("Case %(reference)s", reference=case.reference))


def example_day(past: bool = False) -> str:
    """Return a date-input hint's example as its boxes take it ("11 12 2026"): a week ago or a week ahead."""
    # Never a day the question itself refuses: a past example for a date that cannot be in the future, else one
    # soon after today, which no date "on or after the referral" refuses either.
    day = local_today(utcnow()) + timedelta(days=-7 if past else 7)
    return f"{day.day} {day.month} {day.year}"


def _require_password_change():
    """Send a user with a one-time password to the change-password page first."""
    # The endpoint first: the health check and static files must not need the user (nor the database).
    if (
        request.endpoint not in ("auth.change_password", "auth.sign_out", "static", "health.healthz")
        and current_user.is_authenticated
        and current_user.must_change_password
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
    if current_app.config.get("ENV") == "production":
        # Browsers then refuse plain HTTP to this host for a year, so a network attacker cannot strip TLS.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        # Case data must not linger in shared browsers' caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _template_globals() -> dict:
    """Expose the navigation for the signed-in user's roles."""
    # The user itself, not the proxy: the navigation asks for its roles once per menu item.
    return {"navigation": navigation_for(current_user._get_current_object()), "demo_mode": _demo_mode()}


def _demo_mode() -> bool:
    from flask import current_app

    return bool(current_app.config.get("DEMO"))
