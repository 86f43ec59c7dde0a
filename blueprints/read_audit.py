"""Each request's audited reads are written while its page is made, and are durable before its response leaves."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g

from services.audit.inbox_writer import defer_reads, settle_reads

log = logging.getLogger(__name__)


def _begin() -> None:
    g.read_scope = defer_reads()


def _settle(response):
    token = g.pop("read_scope", None)
    if token is None:
        return response
    try:
        settle_reads(token)
    except Exception as exc:  # noqa: BLE001 - any failure: the reads are not on the record, so nothing is shown
        log.warning("An audited read could not be recorded; the response is withheld", exc_info=True)
        return current_app.make_response(current_app.handle_user_exception(exc))
    return response


def _end(exc=None) -> None:
    token = g.pop("read_scope", None)
    if token is not None:  # no response was made (an error escaped): stop deferring all the same
        try:
            settle_reads(token)
        except Exception:  # noqa: BLE001 - the request has already failed; its reads' failure is only logged
            log.warning("An audited read of a failed request could not be recorded", exc_info=True)


def register(app: Flask) -> None:
    """Defer each request's audited reads and wait for them before its response (register after other hooks)."""
    app.before_request(_begin)
    # After-request hooks run last-registered first: this one replaces the response before the others see it.
    app.after_request(_settle)
    app.teardown_request(_end)
