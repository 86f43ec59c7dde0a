"""One error handler: every failure becomes a page in the app's layout, or JSON for JSON clients."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from errors import PathwayError

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("There is a problem with this request", "Go back and try again."),
    403: ("You do not have access to this page", "If you think you should, ask your team manager or an administrator."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("This action is not available here", "Go back and use the buttons on the page."),
    409: ("This was changed by someone else", "Reload the page to see the latest version."),
    413: ("The file is too large", "Choose a smaller file and try again."),
    422: ("Check the answers", "Some answers need correcting."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service", "Your work up to your last save is safe. Try again later."),
}


def wants_json() -> bool:
    """Tell whether the client asked for JSON rather than a page."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _respond(status: int, message: str = "", problems=None, reference: str = "", break_glass_case: str = ""):
    title, advice = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    problems = problems or []
    if wants_json():
        body = {"error": {"status": status, "title": title, "message": message or advice}}
        if problems:
            body["error"]["problems"] = [{"field": p.field, "message": p.message} for p in problems]
        if reference:
            body["error"]["reference"] = reference
        return jsonify(body), status
    html = render_template(
        "errors/error.html", status=status, title=title, message=message, advice=advice, problems=problems,
        reference=reference, break_glass_case=break_glass_case,
    )
    return html, status


def register(app: Flask) -> None:
    """Install the handler for domain errors, HTTP errors and anything unexpected."""

    @app.errorhandler(PathwayError)
    def domain_error(exc: PathwayError):
        glass = getattr(exc, "break_glass_case", "")
        return _respond(exc.status, exc.message, exc.problems, break_glass_case=glass)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _respond(400, "The form had expired or was sent from somewhere else. Go back, reload the page "
                             "and send it again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = exc.description if exc.code in (400, 413, 429) and exc.code != 400 else ""
        return _respond(exc.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        # The reference lets support find the trace in the log without showing it to the user.
        reference = uuid.uuid4().hex[:10]
        log.exception("Unhandled error (reference %s) on %s %s", reference, request.method, request.path)
        return _respond(500, "", reference=reference)
