"""The language of what is being made now: a page, an email (force_locale), or English outside both."""

from __future__ import annotations

from contextlib import contextmanager

import flask_babel
from flask import has_app_context


def active_language() -> str:
    """Return the language code (en, cy...) of the page or message being made; en outside a request."""
    if not has_app_context():
        return "en"
    locale = flask_babel.get_locale()
    return locale.language if locale is not None else "en"


# Babel's locale for each language code (British English dates for English).
LOCALES = {"en": "en_GB", "cy": "cy"}


def user_language(user) -> str:
    """Return the language a user chose to read Pathway in (English when they have not chosen)."""
    language = getattr(user, "language", "") or "en"
    return language if language in LOCALES else "en"


@contextmanager
def in_language(language: str):
    """Make words marked for translation (gettext) come out in a language inside the block."""
    if not has_app_context():
        yield  # a bare script: there is no catalogue to speak from, so English
        return
    with flask_babel.force_locale(LOCALES.get(language, "en_GB")):
        yield
