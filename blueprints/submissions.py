"""Filling in forms on a case: task list, pages, check your answers, submit, read-only view, countersign."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from blueprints.access import client_address, current_actor, no_store
from blueprints.language import current_language
from clock import utcnow
from errors import Conflict, InvalidInput, NotFound
from services.cases.access import can_change_case
from services.deadlines.timing import local_today
from services.submissions import attachments
from services.submissions import facade as service
from services.submissions import posts as form_posts

bp = Blueprint("submissions", __name__)

PAGE_PREFIX = "/cases/<case_id>/forms/<form_key>/<submission_id>"



@bp.app_template_global("submission_back_link")
def _back_link(case) -> dict:
    """Return where "back" goes from a form: the case page, or a referrer's own list of referrals."""
    if current_user.has_role("referrer") and case.referrer_id == str(current_user.pk) and case.status == "draft":
        endpoint, args, label = "referrals.task_list", {"case_id": case.pk}, _("Back to your referral")
    elif current_user.has_role("referrer") and case.referrer_id == str(current_user.pk):
        endpoint, args, label = "referrals.my_referrals", {}, _("Back to your referrals")
    else:
        endpoint, args = "cases.case_page", {"case_id": case.pk}
        label = _("Back to case %(reference)s", reference=case.reference)
    try:
        return {"href": url_for(endpoint, **args), "label": label}
    except BuildError:
        return {"href": url_for("home.index"), "label": _("Back")}


def _submitted_view(case_id, submission_id):
    """Send a form address of an already submitted form to its view, before reading (and auditing) it there."""
    case = service.case_for_forms(case_id, current_actor())
    found = service.find_submission(submission_id)
    if found is not None and found.case_id == case.pk and found.status != "draft":
        return _to_view(case, found)
    return None


def _load(case_id, submission_id, *, form_key=None, change=False):
    """Return (case, submission, compiled form), refusing a submission that is not on this case."""
    case = service.case_for_forms(case_id, current_actor(), change=change)
    submission = service.read_submission(submission_id, actor=current_actor(), now=utcnow(),
                                         client_address=client_address())
    if submission.case_id != case.pk or (form_key is not None and submission.form_key != form_key):
        raise NotFound(_("There is no such form on this case"))
    return case, submission, service.form_for(submission, current_language())


def _revision() -> int:
    raw = request.form.get("revision", "")
    # Only ASCII digits, short enough for MongoDB's 64-bit integers: anything else was not written by the page.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        abort(400)
    return int(raw)


def _errors(problems) -> dict:
    """Return each field's first problem: a refused upload says why, not that the answer is then missing."""
    found: dict = {}
    for p in problems:
        found.setdefault(p.field, p.message)
    return found


def _to_view(case, submission):
    return redirect(url_for("submissions.view", case_id=case.pk, submission_id=submission.pk))


def _tasks_url(case, submission):
    return url_for("submissions.task_list", case_id=case.pk, form_key=submission.form_key,
                   submission_id=submission.pk)


def _page_url(case, submission, page_key, anchor=None):
    return url_for("submissions.page", case_id=case.pk, form_key=submission.form_key, submission_id=submission.pk,
                   page_key=page_key, _anchor=anchor)


@bp.route("/cases/<case_id>/forms/<form_key>", methods=["GET", "POST"])
@login_required
def start(case_id, form_key):
    """Continue the form's open draft; start one only on POST (a link or a crawler never creates a draft)."""
    case = service.case_for_forms(case_id, current_actor(), change=True)
    if request.method == "GET":
        doc, submission = service.open_draft(case, form_key, actor=current_actor())
        if submission is None:
            return render_template("submissions/start.html", case=case, doc=doc, action=request.path,
                                   title=service.compiled_form(doc, current_language()).title)
    else:
        submission = service.start_submission(case, form_key, actor=current_actor(), now=utcnow())
    form = service.form_for(submission)
    if len(form.pages) == 1:
        return redirect(_page_url(case, submission, form.pages[0].key))
    return redirect(_tasks_url(case, submission))


@bp.get(PAGE_PREFIX)
@login_required
def task_list(case_id, form_key, submission_id):
    """Show the form's pages with how far each has got."""
    if (moved := _submitted_view(case_id, submission_id)) is not None:
        return moved
    case, submission, form = _load(case_id, submission_id, form_key=form_key, change=True)
    if submission.status != "draft":
        return _to_view(case, submission)
    statuses = service.page_statuses(form, submission, today=local_today(utcnow()))
    return render_template("submissions/task_list.html", case=case, submission=submission, form=form,
                           statuses=statuses)


@bp.route(PAGE_PREFIX + "/pages/<page_key>", methods=["GET", "POST"])
@login_required
def page(case_id, form_key, submission_id, page_key):
    """Show one page of the form; save what was entered, even when some of it is wrong."""
    if request.method == "GET" and (moved := _submitted_view(case_id, submission_id)) is not None:
        return moved
    case, submission, form = _load(case_id, submission_id, form_key=form_key, change=True)
    if submission.status != "draft":
        return _to_view(case, submission)
    try:
        form_page = form.page(page_key)
    except KeyError:
        raise NotFound(_("The form has no such page")) from None
    context = {"case": case, "submission": submission, "form": form, "page": form_page}
    if request.method == "GET":
        return render_template("submissions/page.html", answers=submission.answers, errors={}, **context)
    action = request.form.get("action", "continue")
    revision = _revision()
    posted, repeater_action = form.apply_action(request.form, action, page=page_key)
    upload_problems = form_posts.take_uploads(posted, request.files, form_page, case, submission,
                                              actor=current_actor(), now=utcnow())
    answers = form.parse_form(posted, page=page_key)
    try:
        submission, problems = service.save_draft(
            submission, answers, revision=revision, page=page_key, actor=current_actor(), now=utcnow(),
            check_page=action == "continue")
    except Conflict as exc:
        submission.reload()
        if submission.status != "draft":
            flash(_("Someone else submitted this form while you were filling it in: nothing was changed"), "info")
            return _to_view(case, submission)
        names = {f.name for f in form_page.fields}
        mine = {k: v for k, v in (exc.current or {}).items() if k not in names} | answers
        return render_template("submissions/page.html", answers=mine, errors=_errors(upload_problems),
                               conflict=exc, stored=exc.current or {}, **{**context, "submission": submission}), 409
    problems = form_posts.in_page_order(upload_problems + problems, form_page)
    context["submission"] = submission
    if problems:
        # The saved draft holds what was typed, even the wrong answers, so it is shown again as typed.
        return render_template("submissions/page.html", answers=submission.answers, errors=_errors(problems),
                               draft_saved=action == "draft",
                               wrong_fields=list(dict.fromkeys(p.label or p.field for p in problems)), **context), 422
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
    flash(_("Your answers have been saved as a draft"), "success")
    return redirect(_tasks_url(case, submission))


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
        submission = service.submit_submission(submission, revision=_revision(), actor=current_actor(),
                                               now=utcnow())
    except InvalidInput as exc:
        links = [(p, _problem_link(case, submission, form, p.field)) for p in exc.problems]
        return render_template("submissions/check.html", problems=links, **context), 422
    except Conflict as exc:
        submission.reload()
        context["submission"] = submission
        return render_template("submissions/check.html", problems=[], conflict=exc, **context), 409
    flash(_("The form has been submitted and is waiting for a manager's countersignature")
          if submission.awaiting_countersignature else _("The form has been submitted"), "success")
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
    actor = current_actor()
    may_countersign = service.may_countersign(submission, case, actor)
    return render_template("submissions/view.html", case=case, submission=submission, form=form,
                           rows=form.summary(submission.answers),
                           computed=service.computed_rows(service.computed_in(form, submission), form),
                           files=service.file_answers(form, submission.answers),
                           may_countersign=may_countersign, may_continue=submission.status == "draft"
                           and service.may_fill(case, actor, service.get_form(submission.form_key,
                                                                              submission.form_version)))


@bp.post("/cases/<case_id>/submissions/<submission_id>/countersign")
@login_required
def countersign(case_id, submission_id):
    """Countersign a submitted form."""
    case, submission, _form = _load(case_id, submission_id)
    service.countersign_submission(submission, actor=current_actor(), now=utcnow(),
                                   comment=request.form.get("comment", ""))
    flash(_("You have countersigned the form"), "success")
    return _to_view(case, submission)


@bp.get("/cases/<case_id>/submissions")
@login_required
def list_for_case(case_id):
    """List the case's forms the user may know of."""
    case = service.case_for_forms(case_id, current_actor())
    user = current_actor()
    submissions = service.list_submissions(case, actor=user)
    # Each by the title of the version it is pinned to, in the reader's language, whoever reads the list.
    titles = {s.pk: service.form_for(s, current_language()).title for s in submissions}
    return render_template("submissions/list.html", case=case, submissions=submissions, titles=titles,
                           forms={f.key: f for f in service.published_forms() if service.may_fill(case, user, f)},
                           may_change=can_change_case(user, case))


@bp.get("/cases/<case_id>/attachments/<file_id>")
@login_required
def attachment(case_id, file_id):
    """Send a file uploaded on the case, as a download in the type its content has."""
    case = service.case_for_forms(case_id, current_actor())
    opened = attachments.open_attachment(file_id, case=case, actor=current_actor(), now=utcnow(),
                                         client_address=client_address())
    return no_store(send_file(opened.stream, mimetype=opened.content_type, as_attachment=True,
                              download_name=opened.filename, max_age=0))
