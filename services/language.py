"""The language of what is being made now: a page, an email (force_locale), or English outside both."""

from __future__ import annotations

import flask_babel
from flask import has_app_context


def active_language() -> str:
    """Return the language code (en, cy...) of the page or message being made; en outside a request."""
    if not has_app_context():
        return "en"
    locale = flask_babel.get_locale()
    return locale.language if locale is not None else "en"
