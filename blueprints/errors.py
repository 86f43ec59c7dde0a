"""One error handler: every failure becomes a page in the app's layout, or JSON for JSON clients."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from mongoengine.errors import ValidationError as DocumentValidationError
from pymongo.errors import ConnectionFailure
from werkzeug.exceptions import HTTPException

from errors import DatabaseUnavailable, NotFound, PathwayError, StepNotOpen

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("There is a problem with this request"), _l("Go back and try again.")),
    401: (_l("You are not signed in"), _l("Sign in to continue")),
    403: (_l("You do not have access to this page"),
          _l("If you think you should, ask your team manager or an administrator.")),
    404: (_l("Page not found"), _l("If you typed the web address, check it is correct.")),
    405: (_l("This action is not available here"), _l("Go back and use the buttons on the page.")),
    409: (_l("This was changed by someone else"), _l("Reload the page to see the latest version.")),
    413: (_l("The file is too large"), _l("Nothing on this page was saved. Go back (your browser usually keeps what "
                                          "you typed), choose a smaller file and send the page again.")),
    422: (_l("Check the answers"), _l("Some answers need correcting.")),
    429: (_l("Too many attempts"), _l("Wait a minute, then try again.")),
    500: (_l("Sorry, there is a problem with the service"),
          _l("Your work up to your last save is safe. Try again later.")),
    503: (_l("Pathway can't reach its database"), _l("Your answers below are not saved yet. Copy them somewhere "
                                                     "safe, wait a minute, then go back and send the page again.")),
}
# Errors with a heading and advice of their own, rather than their status's.
HEADINGS = {
    StepNotOpen: (_l("This action cannot be taken now"),
                  _l("Nothing was changed. Go back to the case to see where it is now.")),
}
# Inputs the pages add for their own use: not answers, so not worth showing back.
_NOT_ANSWERS = {"csrf_token", "revision", "action", "_once"}


def wants_json() -> bool:
    """Tell whether the client asked for JSON rather than a page."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def sign_in_required_json():
    """Answer an API call that has no signed-in user: 401 in JSON, as every other API error is answered."""
    return _respond(401)  # MESSAGES[401] says it: "Sign in to continue"


def _respond(status: int, message: str = "", problems=None, reference: str = "", break_glass_case: str = "",
             heading: tuple | None = None, back: tuple[str, str] | None = None):
    own = heading or MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    title, advice = (str(text) for text in own)
    problems = problems or []
    if wants_json():
        body = {"error": {"status": status, "title": title, "message": message or advice}}
        if problems:
            body["error"]["problems"] = [{"field": p.field, "message": p.message} for p in problems]
        if reference:
            body["error"]["reference"] = reference
        return jsonify(body), status
    # A refused post (changed meanwhile, gone, not allowed) shows back what was sent: nothing typed is lost.
    answers = _posted_answers() if status in (403, 404, 409) else []
    html = render_template(
        "errors/error.html", status=status, title=title, message=message, advice=advice, problems=problems,
        reference=reference, break_glass_case=break_glass_case, answers=answers, back=back,
    )
    return html, status


def _posted_answers() -> list[tuple[str, str]]:
    """Return what the user posted with this request (never anything read from the database)."""
    if request.method != "POST" or request.is_json:
        return []
    try:
        return [(name, value) for name, value in request.form.items(multi=True)
                if name not in _NOT_ANSWERS and value.strip()]
    except Exception:  # noqa: BLE001 - the body itself may be what failed; the page must still be shown
        return []


def _unavailable():
    """Answer 503, re-showing a page's posted answers so nothing typed is lost."""
    title, advice = str(MESSAGES[503][0]), str(MESSAGES[503][1])
    if wants_json():
        return jsonify({"error": {"status": 503, "title": title, "message": "The database did not answer; nothing "
                                  "was saved. Try again in a minute."}}), 503
    # Rendered without the context processors, which would ask the database again and wait as long again.
    loaded = g.get("_login_user")
    html = current_app.jinja_env.get_template("errors/unavailable.html").render(
        request=request, current_user=loaded if loaded is not None and loaded.is_authenticated else None,
        title=title, advice=advice, answers=_posted_answers(),
    )
    return html, 503, {"Retry-After": "30"}


def _cause(exc: BaseException, kind: type) -> BaseException | None:
    """Return exc or the first error it was raised from that is a `kind`."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def register(app: Flask) -> None:
    """Install the handler for domain errors, HTTP errors and anything unexpected."""

    @app.errorhandler(PathwayError)
    def domain_error(exc: PathwayError):
        if isinstance(exc, DatabaseUnavailable):
            log.warning("Database unavailable on %s %s", request.method, request.path)
            return _unavailable()
        glass = getattr(exc, "break_glass_case", "")
        case_id = getattr(exc, "case_id", None)
        if isinstance(exc, StepNotOpen) and request.method == "GET" and case_id and not wants_json():
            # Opened after the case moved on (Back, say): the case shows where it is now. A post is answered below,
            # with what it sent shown back.
            flash(exc.message, "info")
            return redirect(url_for("cases.case_page", case_id=case_id))
        back = (url_for("cases.case_page", case_id=case_id), str(_l("Go back to the case"))) if case_id else None
        return _respond(exc.status, exc.message, exc.problems, break_glass_case=glass, heading=HEADINGS.get(type(exc)),
                        back=back)

    @app.errorhandler(ConnectionFailure)
    def database_down(exc: ConnectionFailure):
        # Server selection timed out, the connection dropped or the server was too slow: nothing was saved.
        return domain_error(DatabaseUnavailable())

    @app.errorhandler(DocumentValidationError)
    def bad_id(exc: DocumentValidationError):
        # A query on an id that is not an ObjectId: whatever the URL named does not exist.
        if "ObjectId" in str(exc):
            return domain_error(NotFound())
        return unexpected(exc)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _respond(400, "The form had expired or was sent from somewhere else. Go back, reload the page "
                             "and send it again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = exc.description if exc.code == 429 else ""
        if exc.code == 413:  # Werkzeug's own words name no limit and are English on every page
            message = str(_l("The files sent were larger than Pathway accepts from one page: each file must be "
                             "smaller than %(size)sMB.", size=current_app.config.get("MAX_UPLOAD_MB", 10)))
        return _respond(exc.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if _cause(exc, ConnectionFailure) is not None:  # a database outage wrapped by mongoengine or a service
            return domain_error(DatabaseUnavailable())
        # The reference lets support find the trace in the log without showing it to the user.
        reference = uuid.uuid4().hex[:10]
        log.exception("Unhandled error (reference %s) on %s %s", reference, request.method, request.path)
        return _respond(500, "", reference=reference)
