"""Filling in forms on a case: task list, pages, check your answers, submit, read-only view, countersign."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BuildError

from blueprints.access import client_address
from errors import Conflict, InvalidInput, NotFound
from services import attachments
from services import forms as service
from services.access import can_change_case

bp = Blueprint("submissions", __name__)

PAGE_PREFIX = "/cases/<case_id>/forms/<form_key>/<submission_id>"


def _actor():
    return current_user._get_current_object()


@bp.app_template_global("submission_back_link")
def _back_link(case) -> dict:
    """Return where "back" goes from a form: the case page, or a referrer's own list of referrals."""
    if current_user.has_role("referrer") and case.referrer_id == str(current_user.pk) and case.status == "draft":
        endpoint, args, label = "referrals.task_list", {"case_id": case.pk}, "Back to your referral"
    elif current_user.has_role("referrer") and case.referrer_id == str(current_user.pk):
        endpoint, args, label = "referrals.my_referrals", {}, "Back to your referrals"
    else:
        endpoint, args, label = "cases.case_page", {"case_id": case.pk}, f"Back to case {case.reference}"
    try:
        return {"href": url_for(endpoint, **args), "label": label}
    except BuildError:
        return {"href": url_for("home.index"), "label": "Back"}


def _load(case_id, submission_id, *, form_key=None, change=False):
    """Return (case, submission, compiled form), refusing a submission that is not on this case."""
    case = service.case_for_forms(case_id, _actor(), change=change)
    submission = service.read_submission(submission_id, actor=_actor(), now=datetime.utcnow(),
                                         client_address=client_address())
    if submission.case_id != case.pk or (form_key is not None and submission.form_key != form_key):
        raise NotFound("There is no such form on this case")
    return case, submission, service.form_for(submission)


def _revision() -> int:
    try:
        return int(request.form.get("revision", ""))
    except ValueError:
        abort(400)


def _errors(problems) -> dict:
    return {p.field: p.message for p in problems}


def _to_view(case, submission):
    return redirect(url_for("submissions.view", case_id=case.pk, submission_id=submission.pk))


def _tasks_url(case, submission):
    return url_for("submissions.task_list", case_id=case.pk, form_key=submission.form_key,
                   submission_id=submission.pk)


def _page_url(case, submission, page_key, anchor=None):
    return url_for("submissions.page", case_id=case.pk, form_key=submission.form_key, submission_id=submission.pk,
                   page_key=page_key, _anchor=anchor)


@bp.get("/cases/<case_id>/forms/<form_key>")
@login_required
def start(case_id, form_key):
    """Start the form on the case, or continue its open draft."""
    case = service.case_for_forms(case_id, _actor(), change=True)
    submission = service.start_submission(case, form_key, actor=_actor(), now=datetime.utcnow())
    form = service.form_for(submission)
    if len(form.pages) == 1:
        return redirect(_page_url(case, submission, form.pages[0].key))
    return redirect(_tasks_url(case, submission))


@bp.get(PAGE_PREFIX)
@login_required
def task_list(case_id, form_key, submission_id):
    """Show the form's pages with how far each has got."""
    case, submission, form = _load(case_id, submission_id, form_key=form_key, change=True)
    if submission.status != "draft":
        return _to_view(case, submission)
    statuses = service.page_statuses(form, submission, today=datetime.utcnow().date())
    return render_template("submissions/task_list.html", case=case, submission=submission, form=form,
                           statuses=statuses)


@bp.route(PAGE_PREFIX + "/pages/<page_key>", methods=["GET", "POST"])
@login_required
def page(case_id, form_key, submission_id, page_key):
    """Show one page of the form; save what was entered, even when some of it is wrong."""
    case, submission, form = _load(case_id, submission_id, form_key=form_key, change=True)
    if submission.status != "draft":
        return _to_view(case, submission)
    try:
        form_page = form.page(page_key)
    except KeyError:
        raise NotFound("The form has no such page") from None
    context = {"case": case, "submission": submission, "form": form, "page": form_page}
    if request.method == "GET":
        return render_template("submissions/page.html", answers=submission.answers, errors={}, **context)
    action = request.form.get("action", "continue")
    revision = _revision()
    posted, repeater_action = _repeater_action(request.form, action, form_page)
    upload_problems = _take_uploads(posted, form_page, case, submission)
    answers = form.parse_form(posted, page=page_key)
    try:
        submission, problems = service.save_draft(
            submission, answers, revision=revision, page=page_key, actor=_actor(), now=datetime.utcnow(),
            check_page=action == "continue")
    except Conflict as exc:
        submission.reload()
        if submission.status != "draft":
            flash("Someone else submitted this form while you were filling it in: nothing was changed", "info")
            return _to_view(case, submission)
        names = {f.name for f in form_page.fields}
        mine = {k: v for k, v in (exc.current or {}).items() if k not in names} | answers
        return render_template("submissions/page.html", answers=mine, errors=_errors(upload_problems),
                               conflict=exc, stored=exc.current or {}, **{**context, "submission": submission}), 409
    problems = upload_problems + problems
    context["submission"] = submission
    if problems:
        # The saved draft holds what was typed, even the wrong answers, so it is shown again as typed.
        return render_template("submissions/page.html", answers=submission.answers, errors=_errors(problems),
                               draft_saved=action == "draft", **context), 422
    if repeater_action:
        field = action.split("-")[1] if "-" in action else None
        return redirect(_page_url(case, submission, page_key, anchor=field))
    if action == "continue":
        keys = [p.key for p in form.pages]
        index = keys.index(page_key)
        if index + 1 < len(keys):
            return redirect(_page_url(case, submission, keys[index + 1]))
        return redirect(url_for("submissions.check", case_id=case.pk, form_key=form_key,
                                submission_id=submission.pk))
    flash("Your answers have been saved as a draft", "success")
    return redirect(_tasks_url(case, submission))


def _repeater_action(formdata, action: str, form_page) -> tuple[MultiDict, bool]:
    """Return the posted data (without the inputs of a row being removed) and whether a repeater button was used.

    The row is dropped by its posted index, before parsing, so that a blank row above it cannot shift which
    entry goes.
    """
    data = MultiDict(formdata)
    parts = action.split("-")
    repeaters = {f.name for f in form_page.fields if f.widget == "repeater"}
    if len(parts) < 2 or parts[0] not in ("add", "remove") or parts[1] not in repeaters:
        return data, False
    if parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit():
        prefix = f"{parts[1]}-{parts[2]}-"
        for name in [n for n in data if n.startswith(prefix)]:
            data.poplist(name)
    return data, True


def _take_uploads(posted: MultiDict, form_page, case, submission) -> list:
    """Store the files chosen on this page and post their records as the file inputs' hidden fields.

    The engine then parses them like a file kept from an earlier save, in the right repeater row too.
    """
    files = {}
    for spec in form_page.fields:
        if spec.widget == "file":
            files[re.escape(spec.name)] = (spec, None)
        for child in (c for c in spec.children if c.widget == "file"):
            files[rf"{re.escape(spec.name)}-(\d{{1,4}})-{re.escape(child.name)}"] = (child, spec)
    problems = []
    for name, upload in request.files.items(multi=False):
        match = next(((pattern, m) for pattern in files if (m := re.fullmatch(pattern, name))), None)
        if match is None or not upload.filename:
            continue
        spec, parent = files[match[0]]
        path = f"{parent.name}.{match[1].group(1)}.{spec.name}" if parent else spec.name
        try:
            record = attachments.store_attachment(
                upload.stream, upload.filename, accept=spec.item.get("accept"), max_bytes=spec.item.get("max_bytes"),
                actor=_actor(), now=datetime.utcnow(), field=path, case=case, classification=submission.classification)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        posted.poplist(f"{name}-remove")  # a new file replaces the old one rather than removing it
        for part, value in record.items():
            posted.setlist(f"{name}-{part}", [str(value)])
    for key in [k for k in posted if k.endswith("-remove") and posted.get(k) == "true"]:
        for part in ("id", "filename", "content_type", "size"):
            posted.poplist(f"{key[:-len('-remove')]}-{part}")
    return problems


@bp.route(PAGE_PREFIX + "/check", methods=["GET", "POST"])
@login_required
def check(case_id, form_key, submission_id):
    """Show every answer with links to change them; submit the form."""
    case, submission, form = _load(case_id, submission_id, form_key=form_key, change=True)
    if submission.status != "draft":
        return _to_view(case, submission)
    context = {"case": case, "submission": submission, "form": form}
    if request.method == "GET":
        return render_template("submissions/check.html", problems=[], **context)
    try:
        submission = service.submit_submission(submission, revision=_revision(), actor=_actor(),
                                               now=datetime.utcnow())
    except InvalidInput as exc:
        links = [(p, _problem_link(case, submission, form, p.field)) for p in exc.problems]
        return render_template("submissions/check.html", problems=links, **context), 422
    except Conflict as exc:
        submission.reload()
        context["submission"] = submission
        return render_template("submissions/check.html", problems=[], conflict=exc, **context), 409
    flash("The form has been submitted" + (" and is waiting for a manager's countersignature"
                                           if submission.awaiting_countersignature else ""), "success")
    if case.status == "draft":  # a referrer's part of a referral: back to the referral's own list
        return redirect(_back_link(case)["href"])
    return _to_view(case, submission)


def _problem_link(case, submission, form, path: str) -> str:
    top = path.split(".", 1)[0]
    spec = form.top_fields.get(top)
    page_key = spec.page if spec is not None else form.pages[0].key
    return _page_url(case, submission, page_key, anchor=path.replace(".", "-"))


@bp.get("/cases/<case_id>/submissions/<submission_id>")
@login_required
def view(case_id, submission_id):
    """Show a submission read-only, in the form version it was made with."""
    case, submission, form = _load(case_id, submission_id)
    actor = _actor()
    may_countersign = (submission.awaiting_countersignature and actor.has_role("manager")
                       and case.team == actor.team and submission.submitted_by != str(actor.pk))
    return render_template("submissions/view.html", case=case, submission=submission, form=form,
                           rows=form.summary(submission.answers),
                           computed=service.computed_rows(submission.computed, form),
                           files=service.file_answers(form, submission.answers),
                           may_countersign=may_countersign, may_continue=submission.status == "draft"
                           and service.may_fill(case, actor, service.get_form(submission.form_key,
                                                                              submission.form_version)))


@bp.post("/cases/<case_id>/submissions/<submission_id>/countersign")
@login_required
def countersign(case_id, submission_id):
    """Countersign a submitted form."""
    case, submission, _form = _load(case_id, submission_id)
    service.countersign_submission(submission, actor=_actor(), now=datetime.utcnow(),
                                   comment=request.form.get("comment", ""))
    flash("You have countersigned the form", "success")
    return _to_view(case, submission)


@bp.get("/cases/<case_id>/submissions")
@login_required
def list_for_case(case_id):
    """List the case's forms the user may know of."""
    case = service.case_for_forms(case_id, _actor())
    return render_template("submissions/list.html", case=case,
                           submissions=service.list_submissions(case, actor=_actor()),
                           forms={f.key: f for f in service.published_forms()},
                           may_change=can_change_case(_actor(), case))


@bp.get("/cases/<case_id>/attachments/<file_id>")
@login_required
def attachment(case_id, file_id):
    """Send a file uploaded on the case, as a download in the type its content has."""
    case = service.case_for_forms(case_id, _actor())
    opened = attachments.open_attachment(file_id, case=case, actor=_actor(), now=datetime.utcnow(),
                                         client_address=client_address())
    return send_file(opened.stream, mimetype=opened.content_type, as_attachment=True,
                     download_name=opened.filename, max_age=0)
