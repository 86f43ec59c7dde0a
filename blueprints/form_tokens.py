"""Pages' form tokens: each session's signed token made once per process, as its token never expires by itself."""

from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

from memo import Memo

_SIGNED = "pathway.signed_form_tokens"
_MOST = 4096  # sessions whose signed token a process keeps


def csrf_token() -> str:
    """Return the form token of this session, as Flask-WTF's generate_csrf does, signing it once per session.

    Every page carries a token (the header's sign-out form at least), and signing one costs more than the rest of
    the header. With no time limit (WTF_CSRF_TIME_LIMIT None: the session's own lifetime bounds it), a token signed
    earlier for the same session and key checks exactly as a new one would, so it is kept. With a time limit, each
    page signs afresh, as the time inside the token then counts.
    """
    config = current_app.config
    name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = session.get(name)
    if config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None or not isinstance(raw, str) or name in g:
        return generate_csrf()
    key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)
    # Made on first use, as the app's other caches (the test app's pool forgets them); past its limit each
    # session signs once more.
    kept = current_app.extensions.get(_SIGNED) or current_app.extensions.setdefault(_SIGNED, Memo(_MOST))
    token = kept.get(key, generate_csrf)
    setattr(g, name, token)  # as generate_csrf leaves it: the request's forms (Flask-WTF's too) use this one
    return token


def register(app: Flask) -> None:
    """Make templates' csrf_token() keep each session's signed token (after CSRFProtect's init_app)."""
    # CSRFProtect puts its own both among the globals and in every page's context: this one replaces both (a
    # context processor registered later wins).
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(_in_context)


def _in_context() -> dict:
    return {"csrf_token": csrf_token}
