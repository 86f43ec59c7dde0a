"""Form builder: the translations page, where a form's texts get their Welsh (or another language's) wording."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from blueprints.access import current_actor, roles_required
from blueprints.admin.base import bp, revision
from blueprints.admin.forms import FORM_ERRORS, problems_of
from clock import utcnow
from errors import Conflict
from services.builder.translations import save_translations, target_languages, translations_page


@bp.route("/forms/<key>/translations", methods=["GET", "POST"])
@bp.route("/forms/<key>/translations/<language>", methods=["GET", "POST"])
@roles_required("admin")
def form_translations(key, language=None):
    """List the form's texts beside their translation into a language; save them into the draft."""
    language = language or target_languages()[0]
    if request.method == "POST":
        try:
            _doc, missing = save_translations(key, language, request.form.to_dict(), revision=revision(),
                                              actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            problems = problems_of(exc)
            page = translations_page(key, language, typed=request.form)
            status = 409 if isinstance(exc, Conflict) else 422 if exc.status in (400, 422) else exc.status
            return render_template("admin/form_translations.html", problems=problems, error_count=len(problems),
                                   **page), status
        flash(ngettext("Translations saved. %(num)s text is not yet translated.",
                       "Translations saved. %(num)s texts are not yet translated.", missing)
              if missing else _("Translations saved. Every text is translated."), "success")
        return redirect(url_for("admin.form_translations", key=key, language=language))
    return render_template("admin/form_translations.html", problems=[], **translations_page(key, language))
