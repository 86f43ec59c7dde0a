"""The language of what is being made now: a page, an email (force_locale), or English outside both."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache

import flask_babel
from babel import Locale, UnknownLocaleError
from flask import has_app_context


def active_language() -> str:
    """Return the language code (en, cy...) of the page or message being made; en outside a request."""
    if not has_app_context():
        return "en"
    locale = flask_babel.get_locale()
    return locale.language if locale is not None else "en"


LANGUAGE_COOKIE = "lang"  # the header's switch remembers a choice in this cookie until the person signs in
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


@lru_cache(maxsize=256)
def language_code(text: str) -> str:
    """Return the language code for a language as a case records it ("Welsh", "Cymraeg", "cy", "Arabic"), or ""."""
    wanted = " ".join((text or "").split()).casefold()
    if not wanted:
        return ""
    english_names = Locale("en").languages
    if wanted in english_names and "_" not in wanted:
        return wanted
    for code, name in english_names.items():
        if "_" not in code and name.casefold() == wanted:
            return code
    for code in english_names:
        try:
            native = Locale(code).display_name if "_" not in code else None
        except (UnknownLocaleError, ValueError):
            continue
        if native and native.casefold() == wanted:
            return code
    return ""


def right_to_left(language: str) -> bool:
    """Tell whether a language is written right to left (Arabic, Urdu, Hebrew...)."""
    try:
        return Locale.parse(language).text_direction == "rtl"
    except (UnknownLocaleError, ValueError, TypeError):
        return False
