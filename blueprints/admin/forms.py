"""Form builder pages: the forms list, creating, importing, settings, preview, publishing and versions."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.access import current_actor, roles_required
from blueprints.admin.base import bp, revision, tell_translations_dropped
from clock import utcnow
from errors import Conflict, FieldProblem, PathwayError
from services.builder import drafts as builder
from services.builder.views import accepted_tags, outline, try_form

FORM_ERRORS = (PathwayError,)


def problems_of(exc: PathwayError) -> list[FieldProblem]:
    """Return an error's problems, or one problem carrying its message."""
    return list(exc.problems) or [FieldProblem("form", exc.message)]


def failed(template: str, exc: PathwayError, **context):
    """Re-render a page with the error summary; 409 when someone else changed the form first."""
    if not isinstance(exc, PathwayError) or exc.status >= 500:
        raise exc
    problems = problems_of(exc)
    status = 409 if isinstance(exc, Conflict) else 422 if exc.status in (400, 422) else exc.status
    return render_template(template, problems=problems, error_count=len(problems), **context), status


@bp.get("/forms")
@roles_required("admin")
def forms():
    """List every form with its status, versions and the workflow states that offer it."""
    status = request.args.get("status", "")
    return render_template("admin/forms.html", rows=builder.list_forms(status=status), status=status)


@bp.route("/forms/new", methods=["GET", "POST"])
@roles_required("admin")
def new_form():
    """Create a form: its key, title and classification."""
    values = request.form if request.method == "POST" else {"classification": "standard"}
    if request.method == "POST":
        try:
            doc = builder.create_form(request.form.to_dict(), actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/form_new.html", exc, values=values)
        flash(_("%(form)s created. Add its questions.", form=doc.title), "success")
        return redirect(url_for("admin.form", key=doc.key))
    return render_template("admin/form_new.html", values=values, problems=[])


@bp.route("/forms/import", methods=["GET", "POST"])
@roles_required("admin")
def import_form():
    """Import a form definition from a JSON file; it goes through the same checks as the builder."""
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            doc = builder.import_form(upload.read() if upload else b"", actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            # Every finding is about the uploaded file, so each one points at the file input.
            problems = [FieldProblem("file", p.message) for p in problems_of(exc)]
            return render_template("admin/form_import.html", problems=problems,
                                   error_count=len(problems)), 409 if isinstance(exc, Conflict) else 422
        flash(_("%(form)s imported as a draft of version %(version)s. Check it, then publish it.", form=doc.title,
                version=doc.version), "success")
        return redirect(url_for("admin.form", key=doc.key))
    return render_template("admin/form_import.html", problems=[])


@bp.get("/forms/<key>")
@roles_required("admin")
def form(key):
    """Show the form's pages, sections and questions, with the builder's actions on a draft."""
    info = builder.builder_form(key)
    return render_template("admin/form.html", problems=info["problems"], error_count=len(info["problems"]),
                           **form_page_context(info))


def form_page_context(info: dict) -> dict:
    """Return what the builder's questions page shows besides the problems."""
    pages = outline(info["current"].definition)
    count = sum(1 for page in pages for section in page["sections"] for item in section["questions"] if "path" in item)
    return {"info": info, "outline": pages, "question_count": count}


@bp.route("/forms/<key>/settings", methods=["GET", "POST"])
@roles_required("admin")
def form_settings(key):
    """Change the form's title, introduction, classification, tags and countersigning."""
    info = builder.builder_form(key)
    defn = info["current"].definition
    values = request.form if request.method == "POST" else {
        "title": defn.get("title", ""), "description": defn.get("description", ""),
        "classification": defn.get("classification", "standard"), "tags": ", ".join(defn.get("tags", [])),
        "countersign": "true" if defn.get("countersign") else "",
        "repeatable": "true" if defn.get("repeatable") else ""}
    context = {"info": info, "values": values, "accepted": accepted_tags()}
    if request.method == "POST":
        try:
            doc = builder.update_form_settings(key, request.form.to_dict(), revision=revision(),
                                               actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/form_settings.html", exc, **context)
        flash(_("Settings saved"), "success")
        tell_translations_dropped(doc)
        return redirect(url_for("admin.form_settings", key=key))
    return render_template("admin/form_settings.html", problems=[], **context)


@bp.route("/forms/<key>/preview", methods=["GET", "POST"])
@roles_required("admin")
def form_preview(key):
    """Show the form as practitioners see it; check sample answers against it without storing them."""
    info = builder.builder_form(key)
    version = request.values.get("version") or None
    posted = request.method == "POST"
    result = try_form(key, request.form if posted else {}, version=version, actor=current_actor(), now=utcnow())
    tried = posted and not result["acted"]
    errors = result["errors"] if tried else {}
    return render_template("admin/form_preview.html", info=info, result=result, tried=tried, errors=errors,
                           version=version, error_count=len(errors)), 422 if errors else 200


@bp.route("/forms/<key>/publish", methods=["GET", "POST"])
@roles_required("admin")
def form_publish(key):
    """Show what publishing changes against the previous version, then publish."""
    info = builder.builder_form(key)
    if info["draft"] is None:
        return render_template("admin/form_publish.html", info=info, review=None, problems=[])
    if request.method == "POST":
        try:
            doc, _diff = builder.publish_form(key, revision=revision(), actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            review = builder.review_publication(key)
            return failed("admin/form_publish.html", exc, info=builder.builder_form(key), review=review)
        flash(_("Version %(version)s of %(form)s is published. New submissions use it from now on.",
                version=doc.version, form=doc.title), "success")
        return redirect(url_for("admin.form_versions", key=key))
    review = builder.review_publication(key)
    return render_template("admin/form_publish.html", info=info, review=review, problems=review["problems"],
                           error_count=len(review["problems"]))


@bp.get("/forms/<key>/versions")
@roles_required("admin")
def form_versions(key):
    """List the form's versions with their status, and where it is used."""
    return render_template("admin/form_versions.html", info=builder.builder_form(key), problems=[])


@bp.post("/forms/<key>/new-version")
@roles_required("admin")
def form_new_version(key):
    """Start a draft of the next version from the newest published one."""
    doc = builder.start_new_version(key, actor=current_actor(), now=utcnow())
    flash(_("Version %(version)s started as a draft. Publish it when it is ready.", version=doc.version), "success")
    return redirect(url_for("admin.form", key=key))


@bp.route("/forms/<key>/discard", methods=["GET", "POST"])
@roles_required("admin")
def form_discard(key):
    """Throw away the draft version after confirmation."""
    info = builder.builder_form(key)
    if request.method == "POST":
        version = builder.discard_draft(key, revision=revision(), actor=current_actor(), now=utcnow())
        flash(_("The draft of version %(version)s was discarded", version=version), "success")
        return redirect(url_for("admin.forms") if info["draft"] and info["draft"].version == 1
                        and len(info["versions"]) == 1 else url_for("admin.form", key=key))
    return render_template("admin/confirm.html", info=info, heading=_(
                           "Discard the draft of version %(version)s?",
                           version=info["draft"].version if info["draft"] else ""),
                           body=_("Every change made in this draft is lost. Published versions are not affected."),
                           button=_("Discard the draft"), doc=info["draft"], problems=[])


@bp.route("/forms/<key>/retire", methods=["GET", "POST"])
@roles_required("admin")
def form_retire(key):
    """Stop offering the form on cases, after confirmation."""
    info = builder.builder_form(key)
    if request.method == "POST":
        builder.retire_form(key, actor=current_actor(), now=utcnow())
        flash(_("%(form)s is retired. Submissions already made keep their version.", form=info["current"].title),
              "success")
        return redirect(url_for("admin.form_versions", key=key))
    return render_template("admin/confirm.html", info=info, heading=_("Retire %(form)s?", form=info["current"].title),
                           body=_("Practitioners can no longer start this form. Submissions already made keep "
                                  "the version they were made with, and you can publish it again later."),
                           button=_("Retire the form"), usage=info["usage"], doc=None, problems=[])


@bp.post("/forms/<key>/restore")
@roles_required("admin")
def form_restore(key):
    """Publish a retired form again."""
    doc = builder.restore_form(key, actor=current_actor(), now=utcnow())
    flash(_("Version %(version)s of %(form)s is published again", version=doc.version, form=doc.title), "success")
    return redirect(url_for("admin.form_versions", key=key))


@bp.route("/forms/<key>/duplicate", methods=["GET", "POST"])
@roles_required("admin")
def form_duplicate(key):
    """Start a new form as a copy of this one."""
    info = builder.builder_form(key)
    values = request.form if request.method == "POST" else {
        "key": f"{key}_copy"[:80], "title": _("Copy of %(form)s", form=info["current"].title)}
    if request.method == "POST":
        try:
            doc = builder.duplicate_form(key, request.form.to_dict(), actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/form_duplicate.html", exc, info=info, values=values)
        flash(_("%(form)s created as a copy of %(original)s", form=doc.title, original=info["current"].title),
              "success")
        return redirect(url_for("admin.form", key=doc.key))
    return render_template("admin/form_duplicate.html", info=info, values=values, problems=[])


@bp.get("/forms/<key>/export")
@roles_required("admin")
def form_export(key):
    """Download one version of the form as a JSON file."""
    filename, text = builder.export_form(key, version=request.args.get("version") or None, actor=current_actor(),
                                         now=utcnow())
    return Response(text, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
