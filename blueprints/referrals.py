"""The referrer's portal: make a referral, send it, follow its status, add information. Nothing more."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.access import current_actor, roles_required
from blueprints.language import current_language
from clock import utcnow
from errors import FieldProblem, InvalidInput, NotAllowed
from services.cases.access import referral_for_referrer
from services.cases.transitions import list_history
from services.pathways.store import definition_for
from services.referrals import portal as service
from services.submissions.attachments import store_attachment
from services.submissions.definitions import compiled_form, form_for
from services.submissions.filling import open_draft, save_draft, start_submission
from services.users.teams import team_choices

bp = Blueprint("referrals", __name__, url_prefix="/referrals")

DOCUMENT_TYPES = ".pdf,.doc,.docx,.jpg,.jpeg,.png"
# Case fields set by the pathway that are meant for the referrer; nothing else from the case is shown to them.



def _referral(case_id):
    """Return the referrer's own referral; someone else's is 'not found'."""
    return referral_for_referrer(case_id, current_actor())


@bp.get("/")
@roles_required("referrer")
def my_referrals():
    """List the referrer's referrals with each one's status only."""
    found = service.list_referrals(actor=current_actor())
    language = current_language()
    drafts = [(c, service.referral_forms(c, language)) for c in found if c.status == "draft"]
    sent = [(c, service.referral_status(c, language)) for c in found if c.status != "draft"]
    return render_template("referrals/my_referrals.html", drafts=drafts, sent=sent)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("referrer")
def start():
    """Explain what a referral needs and start a draft."""
    teams = team_choices()
    language = current_language()
    services = service.referral_services(current_actor(), language)
    wording = {key: service.referral_wording(key, language) for key in services}
    if request.method == "GET":
        return render_template("referrals/start.html", teams=teams, services=services, wording=wording,
                               values={}, problems=[])
    values = {"workflow": request.form.get("workflow", ""), "team": request.form.get("team", "")}
    if len(services) == 1 and not values["workflow"]:
        values["workflow"] = next(iter(services))
    try:
        case = service.start_referral(workflow_key=values["workflow"], team=values["team"], actor=current_actor(),
                                      now=utcnow())
    except InvalidInput as exc:
        return render_template("referrals/start.html", teams=teams, services=services, wording=wording,
                               values=values, problems=exc.problems), 422
    return redirect(url_for("referrals.task_list", case_id=case.pk))


@bp.get("/<case_id>/tasks")
@roles_required("referrer")
def task_list(case_id):
    """Show the parts of a draft referral and how far each has got."""
    case = _referral(case_id)
    if case.status != "draft":
        return redirect(url_for("referrals.status", case_id=case.pk))
    forms = service.referral_forms(case, current_language())
    ready = all(f["status"] == "completed" for f in forms if f["required"])
    return render_template("referrals/task_list.html", case=case, forms=forms, ready=ready,
                           wording=service.referral_wording(case.workflow_key, current_language()))


@bp.route("/<case_id>/forms/<form_key>/change", methods=["GET", "POST"])
@roles_required("referrer")
def change(case_id, form_key):
    """Reopen a completed part of a draft referral as a draft holding the answers given (on POST only)."""
    actor, now = current_actor(), utcnow()
    case = _referral(case_id)
    part = next((f for f in service.referral_forms(case) if f["form"] == form_key), None)
    if case.status != "draft" or part is None:
        return redirect(url_for("referrals.status", case_id=case.pk))
    if request.method == "GET":
        doc, draft = open_draft(case, form_key, actor=actor)
        if draft is None:
            return render_template("submissions/start.html", case=case, doc=doc, action=request.path,
                                   title=compiled_form(doc, current_language()).title, changing=True)
        return redirect(url_for("submissions.start", case_id=case.pk, form_key=form_key))
    draft = start_submission(case, form_key, actor=actor, now=now)
    previous = part["submission"]
    if previous is not None and previous.pk != draft.pk and not draft.answers:
        save_draft(draft, dict(previous.answers), revision=draft.revision, actor=actor, now=now)
    return redirect(url_for("submissions.start", case_id=case.pk, form_key=form_key))


def _check_context(case) -> dict:
    forms = []
    for entry in service.referral_forms(case, current_language()):
        sub = entry["submission"]
        done = entry["status"] == "completed"
        form = form_for(sub, current_language()) if sub else None
        forms.append({**entry, "title": form.title if form else entry["label"],
                      "rows": form.summary(sub.answers) if done else []})
    return {"case": case, "forms": forms, "duplicates": service.referral_duplicates(case)}


@bp.route("/<case_id>/check", methods=["GET", "POST"])
@roles_required("referrer")
def check(case_id):
    """Show every answer of the referral, warn of a possible duplicate, and send it."""
    case = _referral(case_id)
    if case.status != "draft":
        return redirect(url_for("referrals.status", case_id=case.pk))
    context = _check_context(case)
    if request.method == "GET":
        return render_template("referrals/check.html", problems=[], confirmed=False, **context)
    confirmed = bool(request.form.get("duplicate_confirmed"))
    try:
        if context["duplicates"] and not confirmed:
            raise InvalidInput(problems=[FieldProblem(
                "duplicate_confirmed", _("Confirm that you want to send this referral although a case may "
                                         "already be open for this person"))])
        case = service.submit_referral(case, actor=current_actor(), now=utcnow())
    except InvalidInput as exc:
        return render_template("referrals/check.html", problems=exc.problems, confirmed=confirmed, **context), 422
    except NotAllowed:
        return redirect(url_for("referrals.status", case_id=case.pk))
    return redirect(url_for("referrals.sent", case_id=case.pk))


@bp.get("/<case_id>/sent")
@roles_required("referrer")
def sent(case_id):
    """Confirm that the referral was sent, with its reference number."""
    case = _referral(case_id)
    if case.status == "draft":
        return redirect(url_for("referrals.task_list", case_id=case.pk))
    return render_template("referrals/sent.html", case=case,
                           wording=service.referral_wording(case.workflow_key, current_language()))


def public_timeline(case) -> list[dict]:
    """Return the referral's history as the referrer may see it: its public statuses and their own additions."""
    defn = definition_for(case)
    shown, last = [], None
    for entry in reversed(list_history(case, include_confidential=False)):
        if entry.kind == "referred":
            last = "Received"
            shown.append({"at": entry.at, "title": _("Referral sent"), "text": ""})
        elif entry.kind == "referrer_information" and entry.actor_id == case.referrer_id:
            attachment = (entry.inputs or {}).get("attachment") or {}
            shown.append({"at": entry.at, "title": _("You added information"), "text": entry.comment,
                          "file": attachment.get("filename", "")})
        elif entry.kind == "transition" and entry.to_state in defn.states:
            status = defn.states[entry.to_state].public_status
            if status and status != last:
                last = status
                shown.append({"at": entry.at, "text": "",
                              "title": service.public_status_label(status, defn, entry.to_state, current_language())})
    return list(reversed(shown))


@bp.get("/<case_id>")
@roles_required("referrer")
def status(case_id):
    """Show a sent referral's status (and the reason, band or outcome that goes with it) and its timeline."""
    case = _referral(case_id)
    if case.status == "draft":
        return redirect(url_for("referrals.task_list", case_id=case.pk))
    sent_forms = [f for f in service.referral_forms(case, current_language()) if f["status"] == "completed"]
    return render_template("referrals/status.html", case=case, status=service.referral_status(case, current_language()),
                           shared=service.told_the_referrer(case, current_language()),
                           timeline=public_timeline(case), sent_forms=sent_forms,
                           suspended=bool(case.suspended and case.status == "open"))


@bp.route("/<case_id>/information", methods=["GET", "POST"])
@roles_required("referrer")
def information(case_id):
    """Add further information or a document to a sent referral."""
    actor, now = current_actor(), utcnow()
    case = _referral(case_id)
    if case.status == "draft":
        return redirect(url_for("referrals.task_list", case_id=case.pk))
    if case.status != "open":
        raise NotAllowed(_("This referral is closed: contact the team if you have new information"))
    if request.method == "GET":
        return render_template("referrals/information.html", case=case, text="", problems=[])
    text = request.form.get("information", "")
    upload = request.files.get("document")
    try:
        attachment = None
        if upload is not None and upload.filename:
            attachment = store_attachment(upload.stream, upload.filename, accept=DOCUMENT_TYPES, actor=actor,
                                          now=now, field="document", case=case)
        service.add_referral_information(case, text=text, actor=actor, now=now, attachment=attachment)
    except InvalidInput as exc:
        return render_template("referrals/information.html", case=case, text=text, problems=exc.problems), 422
    flash(_("Your information has been added to the referral and the team has been told"), "success")
    return redirect(url_for("referrals.status", case_id=case.pk))

