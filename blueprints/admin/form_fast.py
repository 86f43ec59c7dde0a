"""Form builder pages for building quickly: several questions at once, and calculations chosen in plain terms."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from blueprints.access import current_actor, roles_required
from blueprints.admin.base import bp, revision
from blueprints.admin.form_edit import _back, _computed_context, _draft_info, _form_page_failed
from blueprints.admin.forms import FORM_ERRORS, failed, form_page_context, problems_of
from blueprints.errors import wants_json
from blueprints.language import current_language
from clock import utcnow
from errors import FieldProblem, InvalidInput
from forms.builder.bulk import BULK_WIDGETS
from forms.builder.order import moved_message
from services.builder import drafts as builder
from services.builder.views import placements
from services.builder.words import WIDGET_LABELS


@bp.route("/forms/<key>/questions/paste", methods=["GET", "POST"])
@roles_required("admin")
def paste_questions(key):
    """Add one question per pasted line, all of one type with the same options."""
    info = _draft_info(key)
    values = request.form if request.method == "POST" else {"where": request.args.get("where", "")}
    context = {"info": info, "values": values, "types": [(w, WIDGET_LABELS[w], "") for w in BULK_WIDGETS]}
    if request.method == "POST":
        try:
            _doc, added = builder.add_questions(key, request.form.to_dict(), revision=revision(), actor=current_actor(),
                                                now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/questions_paste.html", exc, **context)
        flash(ngettext("%(num)s question added", "%(num)s questions added", len(added)), "success")
        return redirect(url_for("admin.form", key=key) + f"#{added[0]}")
    return render_template("admin/questions_paste.html", problems=[], **context)


@bp.post("/forms/<key>/calculations")
@roles_required("admin")
def add_calculation(key):
    """Add a calculated value: a count, a score, an outcome or a written calculation."""
    chosen = request.form.getlist("fields")
    try:
        builder.add_calculation(key, request.form.to_dict(), chosen, revision=revision(), actor=current_actor(),
                                now=utcnow())
    except FORM_ERRORS as exc:
        return failed("admin/form_computed.html", exc, **_computed_context(key, request.form, chosen))
    flash(_("Calculated value “%(name)s” added", name=request.form.get("label", "").strip()), "success")
    return redirect(url_for("admin.form_computed", key=key))


@bp.post("/forms/<key>/questions/<path>/duplicate")
@roles_required("admin")
def duplicate_question(key, path):
    """Repeat a question right after itself."""
    try:
        _doc, name = builder.duplicate_field(key, path, revision=revision(), actor=current_actor(), now=utcnow())
    except FORM_ERRORS as exc:
        return _form_page_failed(key, exc)
    flash(_("Question duplicated: change the copy’s wording"), "success")
    return redirect(url_for("admin.edit_question", key=key, path=name))


@bp.route("/forms/<key>/guidance/new", methods=["GET", "POST"])
@roles_required("admin")
def add_guidance(key):
    """Add a block of guidance text between questions; blank lines start new paragraphs."""
    info = _draft_info(key)
    values = request.form if request.method == "POST" else {"where": request.args.get("where", ""),
                                                             "after": request.args.get("after", "")}
    context = {"info": info, "values": values, "placements": placements(info["draft"].definition)}
    if request.method == "POST":
        try:
            builder.add_guidance(key, request.form.to_dict(), revision=revision(), actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/guidance.html", exc, **context)
        flash(_("Guidance added"), "success")
        return redirect(url_for("admin.form", key=key))
    return render_template("admin/guidance.html", problems=[], **context)


@bp.post("/forms/<key>/undo")
@roles_required("admin")
def undo_change(key):
    """Put the draft back as it was before its last change."""
    try:
        builder.undo_change(key, revision=revision(), actor=current_actor(), now=utcnow())
    except FORM_ERRORS as exc:
        return _form_page_failed(key, exc)
    flash(_("The last change was undone"), "success")
    return redirect(url_for("admin.form", key=key))


@bp.post("/forms/<key>/questions/<path>/position")
@roles_required("admin")
def move_question_to(key, path):
    """Move a question to the position typed (or dropped on); the builder's script asks for JSON."""
    try:
        doc = builder.move_field_to(key, path, request.form.get("position", ""), revision=revision(),
                                    actor=current_actor(), now=utcnow())
    except FORM_ERRORS as exc:
        if wants_json():
            raise  # the one error handler answers in JSON
        if isinstance(exc, InvalidInput):
            # The error points at this question's own position box, which keeps what was typed.
            exc = InvalidInput(problems=[FieldProblem(f"position-{path.replace('.', '-')}", p.message, p.label)
                                         for p in problems_of(exc)])
        return failed("admin/form.html", exc, moving=path, typed_position=request.form.get("position", ""),
                      **form_page_context(builder.builder_form(key)))
    moved = moved_message(doc.definition, path, language=current_language())
    if wants_json():
        return jsonify({**moved, "revision": doc.revision})
    flash(moved["message"], "success")
    return redirect(url_for("admin.form", key=key) + f"#{path.replace('.', '-')}")


@bp.post("/forms/<key>/questions/<path>/move")
@roles_required("admin")
def move_question(key, path):
    """Move a question one place up or down; the builder's script asks for JSON."""
    try:
        doc = builder.move_field(key, path, request.form.get("direction", ""), revision=revision(),
                                 actor=current_actor(), now=utcnow())
    except FORM_ERRORS as exc:
        if wants_json():
            raise  # the one error handler answers in JSON
        return _form_page_failed(key, exc)
    if wants_json():
        return jsonify(moved_message(doc.definition, path, language=current_language()))
    return _back(key, path)
