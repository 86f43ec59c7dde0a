"""Personal data of a record: subject access requests, corrections and objections. Views call one service each."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from blueprints.access import client_address, current_actor, roles_required
from clock import utcnow
from errors import InvalidInput
from forms.parse import parse_fields
from services.privacy import rectification, retention, subject_access
from services.privacy.personal_data import personal_data_overview

bp = Blueprint("personal_data", __name__, url_prefix="/personal-data")
STAFF = ("manager", "practitioner", "partner_worker", "auditor")



def _hub(case_id):
    return redirect(url_for("personal_data.overview", case_id=case_id))


@bp.get("/cases/<case_id>")
@roles_required(*STAFF)
def overview(case_id):
    """Show the record's subject access requests, corrections, objections and any legal hold."""
    return render_template("personal_data/overview.html",
                           **personal_data_overview(case_id, actor=current_actor(), now=utcnow()))


def _form_page(template: str, case_id, action, success: str):
    """Show a form of the overview's record; on POST run `action(data)` and go back, or show the problems."""
    actor, now = current_actor(), utcnow()
    context = personal_data_overview(case_id, actor=actor, now=now)
    values, problems = dict(request.form), []
    if request.method == "POST":
        try:
            action(request.form, actor, now)
        except InvalidInput as exc:
            problems = exc.problems
        else:
            flash(success, "success")
            return _hub(case_id)
    return render_template(template, values=values, problems=problems, **context), 422 if problems else 200


@bp.post("/cases/<case_id>/hold")
@roles_required("manager")
def hold(case_id):
    """Place a legal hold on the record (or lift it): nothing is destroyed while it stands."""
    actor, now = current_actor(), utcnow()
    if request.form.get("decision") == "lift":
        retention.lift_legal_hold(case_id, actor=actor, now=now)
        flash(_("Legal hold lifted"), "success")
        return _hub(case_id)
    try:
        retention.place_legal_hold(case_id, reason=request.form.get("reason", ""), actor=actor, now=now)
    except InvalidInput as exc:
        return render_template("personal_data/overview.html", problems=exc.problems, values=dict(request.form),
                               **personal_data_overview(case_id, actor=actor, now=now)), 422
    flash(_("Legal hold placed: nothing will be destroyed until it is lifted"), "success")
    return _hub(case_id)


@bp.route("/cases/<case_id>/subject-access", methods=["GET", "POST"])
@roles_required("manager", "practitioner", "partner_worker")
def log_request(case_id):
    """Log a subject access request; the one-month deadline starts from the date it was received."""
    return _form_page("personal_data/log_request.html", case_id,
                      lambda form, actor, now: subject_access.log_request(case_id, form, actor=actor, now=now),
                      _("Request logged: the file must be released within one calendar month of receiving it"))


@bp.route("/cases/<case_id>/correct", methods=["GET", "POST"])
@roles_required("manager", "practitioner", "partner_worker")
def correct_person(case_id):
    """Correct one of the person's details, keeping the original in the history."""
    return _form_page("personal_data/correct_person.html", case_id,
                      lambda form, actor, now: rectification.correct_person(case_id, form, actor=actor, now=now),
                      _("Correction recorded: the original stays in the history"))


@bp.route("/cases/<case_id>/objection", methods=["GET", "POST"])
@roles_required("manager", "practitioner", "partner_worker")
def objection(case_id):
    """Record an objection to how the person's information is used, and its outcome."""
    return _form_page("personal_data/objection.html", case_id,
                      lambda form, actor, now: rectification.record_objection(case_id, form, actor=actor, now=now),
                      _("Objection recorded"))


@bp.route("/forms/<submission_id>/correct", methods=["GET", "POST"])
@roles_required("manager", "practitioner", "partner_worker")
def correct_answer(submission_id):
    """Correct one answer of a submitted form, keeping the original in the history."""
    actor, now = current_actor(), utcnow()
    submission, case = rectification.get_submission_for_correction(submission_id, actor=actor, now=now)
    values, problems = dict(request.form), []
    if request.method == "POST":
        try:
            rectification.correct_answer(submission_id, request.form, actor=actor, now=now,
                                         client_address=client_address())
        except InvalidInput as exc:
            problems = exc.problems
        else:
            flash(_("Correction recorded: the original answer stays in the history"), "success")
            return _hub(case.pk)
    questions = rectification.correctable_answers(submission)
    chosen = next((q for q in questions if q.name == request.values.get("field")), None)
    current = dict(submission.answers or {})
    if chosen is not None and request.method == "POST":
        current[chosen.name] = parse_fields([chosen], request.form).get(chosen.name)  # what was typed is kept
    return render_template("personal_data/correct_answer.html", case=case, submission=submission, values=values,
                           problems=problems, questions=questions, chosen=chosen, typed=current,
                           form=rectification.form_for(submission)), 422 if problems else 200


@bp.route("/subject-access/<request_id>", methods=["GET", "POST"])
@roles_required("manager")
def review(request_id):
    """Show the assembled file to a manager, who withholds any further items and approves the release."""
    actor, now = current_actor(), utcnow()
    found, case = subject_access.get_request(request_id, actor=actor)
    problems, values = [], dict(request.form)
    if request.method == "POST":
        try:
            subject_access.approve_release(request_id, withhold=request.form.getlist("withhold"),
                                           reason=request.form.get("reason", ""), actor=actor, now=now)
        except InvalidInput as exc:
            problems = exc.problems
        else:
            flash(_("Approved: the file can now be downloaded and given to the person"), "success")
            return redirect(url_for("personal_data.review", request_id=request_id))
    data = subject_access.preview_file(request_id, actor=actor, now=now)
    return render_template("personal_data/review.html", request_=found, case=case, data=data, problems=problems,
                           values=values, withheld=set(request.form.getlist("withhold"))), 422 if problems else 200


@bp.get("/subject-access/<request_id>/file.<fmt>")
@roles_required("manager")
def download(request_id, fmt):
    """Release the approved file as Word or JSON; every release is audited."""
    content, mimetype, filename = subject_access.release_file(request_id, fmt, actor=current_actor(), now=utcnow(),
                                                              client_address=client_address())
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=filename)
