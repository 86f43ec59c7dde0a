"""Form builder pages that change a draft: questions, pages, sections and calculated values."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.access import current_actor, roles_required
from blueprints.admin.base import bp, revision, tell_translations_dropped
from blueprints.admin.forms import FORM_ERRORS, failed, form_page_context
from blueprints.language import current_language
from clock import utcnow
from errors import Conflict, FieldProblem, NotFound
from forms import widgets
from forms.builder.calculations import function_title, functions, kinds
from forms.builder.conditions import condition_answers, condition_targets
from forms.builder.edit import iter_fields, prop_of, split_path
from forms.builder.input import field_values, option_lists
from forms.builder.shape import switchable
from services.builder import drafts as builder
from services.builder.views import placements
from services.builder.words import WIDGET_HINTS, WIDGET_LABELS


def _draft_info(key: str) -> dict:
    info = builder.builder_form(key)
    if info["draft"] is None:
        message = _("This form has no draft to change: choose “Edit this form” first")  # published since, say
        if request.method == "GET":
            flash(message, "info")
            abort(redirect(url_for("admin.form", key=key)))
        raise Conflict(message)
    return info


def _back(key: str, anchor: str = ""):
    return redirect(url_for("admin.form", key=key) + (f"#{anchor.replace('.', '-')}" if anchor else ""))


def _form_page_failed(key: str, exc):
    return failed("admin/form.html", exc, **form_page_context(builder.builder_form(key)))


def _question_context(info: dict, *, widget: str, path: str | None, parent: str | None, values) -> dict:
    defn = info["draft"].definition
    return {"info": info, "widget": widget, "widget_label": WIDGET_LABELS.get(widget, widget), "path": path,
            "parent": parent, "parent_label": prop_of(defn, parent).get("title") if parent else "",
            "values": values, "placements": placements(defn), "targets": condition_targets(defn, path, parent),
            "answers": condition_answers(defn, path, parent),
            "types": [(w, WIDGET_LABELS[w]) for w in switchable(widget)] if path else [],
            "labelled": widget == "scale" and bool(path) and "oneOf" in prop_of(defn, path),
            "option_lists": option_lists(defn)}


@bp.route("/forms/<key>/questions/new", methods=["GET", "POST"])
@roles_required("admin")
def add_question(key):
    """Add a question: first choose its type, then fill in its details."""
    info = _draft_info(key)
    parent = request.values.get("parent") or None
    widget = request.values.get("widget", "")
    allowed = [w for w in widgets.names() if parent is None or widgets.get(w).in_rows]
    if widget not in allowed:
        # "chosen" comes with Continue, so pressing it without a type says so instead of reloading the page.
        problems = [] if "widget" not in request.args and "chosen" not in request.args else [
            FieldProblem("widget", _("Choose the type of question"))]
        types = [(w, WIDGET_LABELS[w], WIDGET_HINTS[w]) for w in allowed]
        return render_template("admin/question_type.html", info=info, parent=parent, types=types,
                               where=request.values.get("where", ""), after=request.values.get("after", ""),
                               problems=problems, error_count=len(problems)), 422 if problems else 200
    values = request.form if request.method == "POST" else {"where": request.args.get("where", ""),
                                                             "after": request.args.get("after", "")}
    context = _question_context(info, widget=widget, path=None, parent=parent, values=values)
    if request.method == "POST":
        try:
            builder.add_field(key, request.form.to_dict(), revision=revision(), actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/question.html", exc, **context)
        flash(_("Question “%(question)s” added", question=request.form.get("label", "").strip()), "success")
        return _back(key, (f"{parent}." if parent else "") + _added_name(key, parent))
    return render_template("admin/question.html", problems=[], **context)


def _added_name(key: str, parent: str | None) -> str:
    """Return the name of the question added last at this level (to scroll the builder to it)."""
    doc = builder.builder_form(key)["draft"]
    names = [split_path(p)[1] for p, _w, _i in iter_fields(doc.definition) if split_path(p)[0] == parent]
    return names[-1] if names else ""


@bp.route("/forms/<key>/questions/<path>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_question(key, path):
    """Change a question."""
    info = _draft_info(key)
    defn = info["draft"].definition
    try:
        current = field_values(defn, path)
    except (StopIteration, KeyError):
        raise NotFound(_("The form has no such question")) from None
    values = request.form if request.method == "POST" else current
    widget = values.get("widget") or current["widget"]
    if widget not in switchable(current["widget"]):
        widget = current["widget"]
    parent, _name = split_path(path)
    context = _question_context(info, widget=widget, path=path, parent=parent, values=values)
    if request.method == "POST":
        try:
            doc = builder.edit_field(key, path, request.form.to_dict(), revision=revision(), actor=current_actor(),
                                     now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/question.html", exc, **context)
        flash(_("Question “%(question)s” saved", question=request.form.get("label", "").strip()), "success")
        tell_translations_dropped(doc)
        name = request.form.get("name") or _name
        return _back(key, f"{parent}.{name}" if parent else name)
    return render_template("admin/question.html", problems=[], **context)


@bp.route("/forms/<key>/questions/<path>/remove", methods=["GET", "POST"])
@roles_required("admin")
def remove_question(key, path):
    """Remove a question after confirmation."""
    info = _draft_info(key)
    try:
        label = prop_of(info["draft"].definition, path).get("title", path)
    except KeyError:
        raise NotFound(_("The form has no such question")) from None
    if request.method == "POST":
        try:
            builder.remove_field(key, path, revision=revision(), actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return _form_page_failed(key, exc)
        flash(_("Question “%(question)s” removed", question=label), "success")
        return _back(key)
    return render_template("admin/confirm.html", info=info, heading=_("Remove the question “%(question)s”?",
                                                                      question=label),
                           body=_("Answers already given to it in earlier versions are kept with those versions."),
                           button=_("Remove the question"), doc=info["draft"], problems=[])


def _part_page(key: str, *, kind: str, values, save, heading: str, button: str, done: str):
    info = _draft_info(key)
    context = {"info": info, "kind": kind, "values": values, "heading": heading, "button": button}
    if request.method == "POST":
        try:
            doc = save()
        except FORM_ERRORS as exc:
            return failed("admin/part.html", exc, **context)
        flash(done, "success")
        tell_translations_dropped(doc)
        return _back(key)
    return render_template("admin/part.html", problems=[], **context)


def _page(info: dict, page_key: str) -> dict:
    page = next((p for p in info["draft"].definition["layout"]["pages"] if p["key"] == page_key), None)
    if page is None:
        raise NotFound(_("The form has no such page"))
    return page


@bp.route("/forms/<key>/pages/new", methods=["GET", "POST"])
@roles_required("admin")
def add_page(key):
    """Add a page to the form."""
    return _part_page(key, kind="page", values=request.form if request.method == "POST" else {},
                      save=lambda: builder.add_page(key, request.form.to_dict(), revision=revision(),
                                                    actor=current_actor(), now=utcnow()),
                      heading=_("Add a page"), button=_("Add the page"), done=_("Page added"))


@bp.route("/forms/<key>/pages/<page_key>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_page(key, page_key):
    """Change a page's title and introduction."""
    page = _page(_draft_info(key), page_key)
    return _part_page(key, kind="page", values=request.form if request.method == "POST" else page,
                      save=lambda: builder.edit_page(key, page_key, request.form.to_dict(), revision=revision(),
                                                     actor=current_actor(), now=utcnow()),
                      heading=_("Change the page “%(page)s”", page=page["title"]), button=_("Save the page"),
                      done=_("Page saved"))


@bp.post("/forms/<key>/pages/<page_key>/move")
@roles_required("admin")
def move_page(key, page_key):
    """Move a page one place up or down."""
    try:
        builder.move_page(key, page_key, request.form.get("direction", ""), revision=revision(), actor=current_actor(),
                          now=utcnow())
    except FORM_ERRORS as exc:
        return _form_page_failed(key, exc)
    return _back(key, f"page-{page_key}")


@bp.route("/forms/<key>/pages/<page_key>/remove", methods=["GET", "POST"])
@roles_required("admin")
def remove_page(key, page_key):
    """Remove an empty page after confirmation."""
    info = _draft_info(key)
    page = _page(info, page_key)
    if request.method == "POST":
        try:
            builder.remove_page(key, page_key, revision=revision(), actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return _form_page_failed(key, exc)
        flash(_("Page “%(page)s” removed", page=page["title"]), "success")
        return _back(key)
    return render_template("admin/confirm.html", info=info,
                           heading=_("Remove the page “%(page)s”?", page=page["title"]),
                           body=_("Only an empty page can be removed."), button=_("Remove the page"), doc=info["draft"],
                           problems=[])


@bp.route("/forms/<key>/pages/<page_key>/sections/new", methods=["GET", "POST"])
@roles_required("admin")
def add_section(key, page_key):
    """Add a section to a page."""
    page = _page(_draft_info(key), page_key)
    return _part_page(key, kind="section", values=request.form if request.method == "POST" else {},
                      save=lambda: builder.add_section(key, page_key, request.form.to_dict(), revision=revision(),
                                                       actor=current_actor(), now=utcnow()),
                      heading=_("Add a section to the page “%(page)s”", page=page["title"]),
                      button=_("Add the section"), done=_("Section added"))


@bp.route("/forms/<key>/pages/<page_key>/sections/<int:index>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_section(key, page_key, index):
    """Change a section's heading and introduction."""
    page = _page(_draft_info(key), page_key)
    if index >= len(page["sections"]):
        raise NotFound(_("The page has no such section"))
    return _part_page(key, kind="section", values=request.form if request.method == "POST" else page["sections"][index],
                      save=lambda: builder.edit_section(key, page_key, index, request.form.to_dict(),
                                                        revision=revision(), actor=current_actor(), now=utcnow()),
                      heading=_("Change the section"), button=_("Save the section"), done=_("Section saved"))


@bp.route("/forms/<key>/pages/<page_key>/sections/<int:index>/remove", methods=["GET", "POST"])
@roles_required("admin")
def remove_section(key, page_key, index):
    """Remove an empty section after confirmation."""
    info = _draft_info(key)
    _page(info, page_key)
    if request.method == "POST":
        try:
            builder.remove_section(key, page_key, index, revision=revision(), actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return _form_page_failed(key, exc)
        flash(_("Section removed"), "success")
        return _back(key)
    return render_template("admin/confirm.html", info=info, heading=_("Remove this section?"),
                           body=_("Only an empty section can be removed."), button=_("Remove the section"),
                           doc=info["draft"], problems=[])


def _computed_context(key: str, values, chosen: list[str]) -> dict:
    info = builder.builder_form(key)
    defn = info["current"].definition
    props = defn["schema"].get("properties", {})
    fields = [(name, f"{prop.get('title', name)} ({name})", "") for name, prop in props.items()]
    return {"info": info, "fields": fields, "functions": functions(current_language()), "values": values,
            "chosen": chosen, "function_title": function_title, "language": current_language(),
            "kinds": kinds(current_language()),
            "computed_keys": [(e["key"], e.get("params", {}).get("label") or e["key"])
                              for e in defn.get("computed", [])]}


@bp.route("/forms/<key>/computed", methods=["GET", "POST"])
@roles_required("admin")
def form_computed(key):
    """List the form's calculated values and add one from the registered functions."""
    posted = request.method == "POST"
    context = _computed_context(key, request.form if posted else {}, request.form.getlist("json_fields") if posted
                                else [])
    if posted:
        try:
            data = {**request.form.to_dict(), "computed_key": request.form.get("json_key", "")}
            builder.add_computed(key, data, request.form.getlist("json_fields"), revision=revision(),
                                 actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/form_computed.html", exc, **context)
        flash(_("Calculated value “%(name)s” added", name=request.form.get("json_key", "")), "success")
        return redirect(url_for("admin.form_computed", key=key))
    return render_template("admin/form_computed.html", problems=[], **context)


@bp.post("/forms/<key>/computed/<ckey>/remove")
@roles_required("admin")
def remove_computed(key, ckey):
    """Remove a calculated value."""
    try:
        builder.remove_computed(key, ckey, revision=revision(), actor=current_actor(), now=utcnow())
    except FORM_ERRORS as exc:
        return failed("admin/form_computed.html", exc, **_computed_context(key, {}, []))
    flash(_("Calculated value “%(name)s” removed", name=ckey), "success")
    return redirect(url_for("admin.form_computed", key=key))
