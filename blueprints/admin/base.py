"""The admin blueprint object and what its pages share; the pages import it, `blueprints.admin` assembles them."""

from __future__ import annotations

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from models.user import LANGUAGE_NAMES

bp = Blueprint("admin", __name__, url_prefix="/admin")


def revision() -> str:
    """Return the optimistic-concurrency revision the page was rendered with."""
    return request.form.get("revision", "")


def tell_translations_dropped(doc) -> None:
    """Say when a change removed translations, because the English they translated changed, and where to redo them."""
    for language, count in sorted((getattr(doc, "translations_dropped", None) or {}).items()):
        link = url_for("admin.form_translations", key=doc.key, language=language)
        # The page's own words are escaped; only the link is markup.
        flash(Markup('{} <a class="govuk-notification-banner__link" href="{}">{}</a>').format(
            escape(ngettext("%(num)s translated text in %(language)s was removed, because the English it translated "
                            "changed.",
                            "%(num)s translated texts in %(language)s were removed, because the English they "
                            "translated changed.", count, language=LANGUAGE_NAMES.get(language, language))),
            link, _("Translate it again")), "info")
