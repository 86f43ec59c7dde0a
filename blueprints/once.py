"""Every form post and API write acts once: a double click or a client retry never does the work twice.

Each form on a page carries a fresh random key (`_once`), added here to every POST form of every HTML page so
no template can forget it; API clients send an `Idempotency-Key` header. The first unit of work of the request
records the key in its own transaction (see storage/uow.py), so of two requests with one key only one can
commit; the other is answered as the first was (the same redirect) instead of doing the work again.
"""

from __future__ import annotations

import re
import uuid

from flask import Flask, flash, g, jsonify, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from errors import AlreadyDone
from storage import uow
from wording import N_

FIELD = "_once"
HEADER = "Idempotency-Key"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
# Matched on the encoded body (UTF-8: a '>' byte is always '>'), at each "<form" found by a plain search.
_POST_FORM = re.compile(rb"<form\b[^>]*\bmethod\s*=\s*[\"']?post\b[^>]*>", re.IGNORECASE)
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
DONE_MESSAGE = N_("That was already done, so it was not done a second time.")


def _request_key() -> str | None:
    raw = request.headers.get(HEADER) or (request.form.get(FIELD) if request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data") else None)
    if not raw or not _KEY.match(raw):
        return None
    who = current_user.get_id() if current_user and current_user.is_authenticated else "anonymous"
    return f"{who}|{raw}"


def _begin():
    if request.method in WRITES:
        g.once_token = uow.use_request_key(_request_key())


def _finish(response):
    key = uow.request_key_used() if request.method in WRITES else None
    if key and response.status_code in (301, 302, 303, 307, 308) and response.location:
        uow.remember_location(key, response.location)
    if response.mimetype == "text/html" and not response.is_streamed and response.status_code < 500:
        body = response.get_data()
        keyed = _with_keys(body)
        if keyed is not body:
            response.set_data(keyed)
    return response


def _with_keys(body: bytes) -> bytes:
    """Return the page with a fresh key after each POST form's opening tag (the same body when it has none)."""
    # A case-insensitive pattern gets no fast literal search, so scanning a page with it costs more than the page's
    # own encoding: the lowered copy finds each "<form" and the pattern is tried only there.
    lowered, pieces, done = body.lower(), [], 0
    start = lowered.find(b"<form")
    while start != -1:
        match = _POST_FORM.match(body, start)
        if match is not None:
            pieces += [body[done:match.end()], f'<input type="hidden" name="{FIELD}" value="{uuid.uuid4().hex}">'
                       .encode()]
            done = match.end()
        start = lowered.find(b"<form", max(start + 5, done))
    return b"".join(pieces) + body[done:] if pieces else body


def _end(exc=None):
    token = g.pop("once_token", None)
    if token is not None:
        uow.reset_request_key(token)


def _already_done(exc: AlreadyDone):
    if request.path.startswith("/api/") or request.is_json:
        return jsonify({"error": {"status": 409, "title": exc.title, "message": exc.message}}), 409
    flash(_(DONE_MESSAGE), "info")  # in the reader's language, as the page it leads to
    return redirect(exc.location or request.referrer or "/", code=303)


def register(app: Flask) -> None:
    """Install the request key handling on the app."""
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_end)
    app.register_error_handler(AlreadyDone, _already_done)
