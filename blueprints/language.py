"""The language Pathway speaks: choosing it for each request, the switch in the header, locale-aware filters."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode, urlsplit

import flask_babel
from babel import numbers
from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, url_for
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from blueprints.access import current_actor
from blueprints.navigation import fixed_url
from blueprints.template_words import SAY, FixedTexts
from clock import utcnow
from extensions import babel
from models.user import LANGUAGE_NAMES, LANGUAGES
from services.common.language import (
    LANGUAGE_COOKIE,
    LOCALES,
    active_language,
    format_date,
    locale_key,
    page_catalogue,
    page_locale,
    page_timezone,
)
from services.users.accounts import set_language

bp = Blueprint("language", __name__)
# What url_for leaves unquoted in a query string (werkzeug.urls), so an address built here reads as url_for's.
QUERY_SAFE = "!$'()*,/:;?@"

COOKIE = LANGUAGE_COOKIE
COOKIE_DAYS = 365


def select_locale() -> str | None:
    """Return the request's locale: the user's saved choice, else the switch's cookie, else the browser's, else en."""
    if not has_request_context():
        return None  # a command or the scheduler: Babel's default (English), unless force_locale says otherwise
    # Only a user already loaded for this request: choosing words must never be what asks the database (it may be
    # the database being down that is being reported).
    user = g.get("_login_user")
    language = (getattr(user, "language", "") or "") if getattr(user, "is_authenticated", False) else ""
    if language not in LANGUAGES:
        language = request.cookies.get(COOKIE, "")
    if language not in LANGUAGES:
        language = request.accept_languages.best_match(LANGUAGES) or "en"
    return LOCALES[language]


def current_language() -> str:
    """Return the language (en or cy) of the page being rendered."""
    return active_language()


def safe_next(target: str | None) -> str:
    """Return a path on this site to go back to; anything that could leave the site becomes the home page."""
    target = (target or "").strip()
    parts = urlsplit(target)
    # "//evil.example" and "/\\evil.example" are read by browsers as another host; only a plain local path is kept.
    if (not target.startswith("/") or target.startswith(("//", "/\\")) or parts.scheme or parts.netloc
            or any(ord(c) < 32 for c in target)):
        return url_for("home.index")
    return target


@bp.route("/language/<code>", methods=["GET", "POST"])
def switch(code: str):
    """Switch the interface's language, remember it, and go back to the page the switch was pressed on."""
    back = safe_next(request.values.get("next"))
    if code not in LANGUAGES:
        return redirect(back)
    if getattr(current_user, "is_authenticated", False):
        set_language(current_user._get_current_object(), code, actor=current_actor(), now=utcnow())
    response = redirect(back)
    response.set_cookie(COOKIE, code, max_age=COOKIE_DAYS * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config.get("ENV") == "production")
    return response


def _language_switch() -> dict:
    """Give every template the switch's links, the page's language and its html lang attribute."""
    language = current_language()
    return {
        "page_language": language,
        "html_lang": "en-GB" if language == "en" else language,
        "language_links": [
            {"code": code, "name": LANGUAGE_NAMES[code], "current": code == language,
             "href": _switch_href(code, request.full_path.rstrip("?"))}
            for code in LANGUAGES
        ],
    }


def _switch_href(code: str, back: str) -> str:
    """Return url_for("language.switch", code=code, next=back): the address kept per process, the page's added."""
    # Every page has two: url_for builds each through the URL map, for a `next` that only this part changes.
    return f"{fixed_url('language.switch', code=code)}?{urlencode({'next': back}, safe=QUERY_SAFE)}"


def format_datetime(value) -> str:
    """Format a (naive UTC) date-time as the page's locale writes a long date and the time in the UK."""
    if not value:
        return ""
    return _said_time(value, locale_key(), page_timezone())


@lru_cache(maxsize=4096)
def _said_time(value, locale: tuple | None, zone) -> str:
    return flask_babel.format_datetime(value, "d MMMM y, HH:mm")


def format_number(value) -> str:
    """Format a number for the page's locale."""
    return _said_number(type(value), value, locale_key())


@lru_cache(maxsize=4096)
def _said_number(kind: type, value, locale: tuple | None) -> str:
    # Counts are few and said again and again; the type is in the key, as 1, 1.0 and True are equal keys. As
    # flask_babel.format_decimal does, with the locale the page found once rather than through its lookups.
    return numbers.format_decimal(value, locale=page_locale())


def _said_in(catalogue, text: str, autoescape: bool, values: dict) -> str:
    """Return the catalogue's words for the text with the values put in (escaped when the template escapes)."""
    said = catalogue.ugettext(text)
    if autoescape:
        said = Markup(said)  # noqa: S704 - the catalogue is ours, trusted as Jinja's own gettext trusts it
    return said % values


@pass_context
def _say(context, text: str, /, **values) -> str:
    """Say an interface text in the page's language, as Jinja's newstyle gettext does (values escaped, always %)."""
    # One call instead of Jinja's alias, its wrapper and a lambda, each through Context.call: a page says a hundred.
    return _said_in(page_catalogue(), text, context.eval_ctx.autoescape, values)


@pass_context
def _say_fixed(context, text: str, /, **values) -> str:
    """Say a template's fixed text, `_("…")` read as a filter (see blueprints.template_words), as `_say` does."""
    if values:
        return _said_in(page_catalogue(), text, context.eval_ctx.autoescape, values)
    return _said_once(page_catalogue(), text, context.eval_ctx.autoescape)


@lru_cache(maxsize=8192)
def _said_once(catalogue, text: str, autoescape: bool) -> str:
    # Only literals from the templates come here, so the texts are few; the catalogue is part of the key, so a
    # text is said again for each language (and anew if the catalogues are reloaded).
    return _said_in(catalogue, text, autoescape, {})


@pass_context
def _say_plural(context, singular: str, plural: str, num, /, **values) -> str:
    """Say an interface text with a number in the page's language, as Jinja's newstyle ngettext does."""
    values.setdefault("num", num)
    said = page_catalogue().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        said = Markup(said)  # noqa: S704 - the catalogue is ours, trusted as Jinja's own gettext trusts it
    return said % values


def register(app: Flask) -> None:
    """Choose each request's locale, offer the switch and register the locale-aware filters."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: page_catalogue().ugettext(s),
        ngettext=lambda s, p, n: page_catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: page_catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update({"_": _say, "gettext": _say, "ngettext": _say_plural})
    app.jinja_env.add_extension(FixedTexts)  # before any template is compiled: `_("…")` becomes a filter
    app.jinja_env.filters[SAY] = _say_fixed
    app.register_blueprint(bp)
    app.context_processor(_language_switch)
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["format_datetime"] = format_datetime
    app.jinja_env.filters["format_number"] = format_number
