"""The language of what is being made now: a page, an email (force_locale), or English outside both."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache

import flask_babel
from babel import Locale, UnknownLocaleError
from flask import has_app_context
from flask.globals import _cv_app
from flask_babel.speaklater import LazyString

from scheduler.calendar import format_date as calendar_date


def _babel_space():
    """Return Flask-Babel's namespace of the current context, or None before its first use or outside an app."""
    # The app context's own variable, as has_app_context reads it: `g` is a proxy that finds the same context through
    # three more calls, and a page asks for the namespace a few hundred times.
    context = _cv_app.get(None)
    return getattr(context.g, "_flask_babel", None) if context is not None else None


def page_locale():
    """Return the Babel locale of what is being made (the page's, or force_locale's); None outside an app."""
    # Flask-Babel keeps the locale, once chosen, on its namespace of the context (force_locale swaps it there);
    # its get_locale finds that namespace through three context lookups each time, and a page asks a hundred.
    found = getattr(_babel_space(), "babel_locale", None)
    return found if found is not None else flask_babel.get_locale()


def page_timezone():
    """Return the time zone pages show times in, as Flask-Babel chose it for this context."""
    found = getattr(_babel_space(), "babel_tzinfo", None)
    return found if found is not None else flask_babel.get_timezone()


def page_catalogue():
    """Return the gettext catalogue of the locale in force, found once per locale and context."""
    space = _babel_space()
    if space is None:
        return flask_babel.get_translations()
    # The namespace's slot for it: force_locale empties it on entry and puts it back on exit, as refresh() does.
    found = getattr(space, "babel_translations", None)
    if found is None:
        found = space.babel_translations = flask_babel.get_translations()
    return found


def gettext(text: str, **values) -> str:
    """Say an interface text in the language in force, as Flask-Babel's gettext does, finding the catalogue once."""
    said = page_catalogue().ugettext(text)
    return said % values if values else said


def lazy_gettext(text: str, **values) -> LazyString:
    """Return an interface text said in the language in force each time it is used (Flask-Babel's lazy string)."""
    return LazyString(gettext, text, **values)


def format_date(value, style: str = "long") -> str:
    """Format a date or (naive UTC) date-time for the page's locale; empty for no value; RuntimeError outside an app."""
    if not value:
        return ""
    return _said_date(value, style, locale_key(), page_timezone())


def date_words(value) -> str:
    """Return a date in words in the language in force; in English outside an app (a script, a service's test)."""
    return format_date(value) if has_app_context() else calendar_date(value)


def day_words(text) -> str:
    """Return a day stored as ISO text (as a step's date input keeps it) in words; any other text as it is."""
    try:
        return date_words(datetime.fromisoformat(str(text)).date())
    except ValueError:
        return str(text)


def locale_key() -> tuple | None:
    """Return what identifies the page's locale, as caches of said words are keyed."""
    # Not the Locale itself: each request parses its own, and comparing two (Babel's __eq__) costs ten lookups.
    locale = page_locale()
    if locale is None:
        return None
    return locale.language, locale.territory, locale.script, locale.variant, locale.modifier


# The words for a date depend only on it, the style, the locale and the time zone (a date-time's day is the
# zone's): a page says the same dates many times, and Flask-Babel finds the locale, formats and zone anew each time.
@lru_cache(maxsize=4096)
def _said_date(value, style: str, locale: tuple | None, zone) -> str:
    return flask_babel.format_date(value, style)


def active_language() -> str:
    """Return the language code (en, cy...) of the page or message being made; en outside a request."""
    locale = page_locale()
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
