"""The referrer's side: start a referral, fill its forms, send it, follow its status – never more."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from errors import FieldProblem, InvalidInput, NotAllowed
from forms.catalogue import N_
from models.case import Case, CaseEvent, Child, name_keys
from models.team import Team
from models.user import User
from services.audit.trail import record_audit
from services.cases.engine_view import latest_submissions
from services.cases.transitions import add_history, next_reference, open_case, start_workflow
from services.common.language import active_language, day_words
from services.notifications.send import notify_case
from services.pathways.store import definition_for, latest_definition, latest_definitions
from services.submissions.reads import referrer_forms
from storage.uow import transactional
from workflows import intake
from workflows.outcomes import outcome_label

# Bands rather than a position: a referrer learns roughly how long, not who else is waiting.
WAITING_BANDS = ((3, _l("Near the top of the list")), (10, _l("In the middle of the list")))
# The public statuses a pathway may give its states (workflows/schema.json), in the reader's language.
PUBLIC_STATUSES = {"Received": _l("Received"), "Accepted": _l("Accepted"), "Not accepted": _l("Not accepted"),
                   "On the waiting list": _l("On the waiting list"), "Allocated": _l("Allocated"),
                   "Work in progress": _l("Work in progress"), "Closed": _l("Closed")}


def referral_forms(case: Case, language: str = "en") -> list[dict]:
    """Return the forms the referrer completes for this pathway, with each one's status (labels in a language)."""

    defn = definition_for(case)
    initial = defn.states[defn.initial]
    subs, changes = referrer_forms(case)  # the referrer's own forms: never text staff wrote on the case
    rows = []
    for slot in initial.forms:
        if slot.roles and "referrer" not in slot.roles:
            continue
        sub = subs.get(slot.form)
        status = "not_started" if sub is None else ("completed" if sub.status != "draft" else "in_progress")
        rows.append({"form": slot.form, "label": _label(defn, slot.form, language), "required": slot.required,
                     "status": status, "submission": sub, "changing": changes.get(slot.form)})
    return rows


def referral_services(actor, language: str = "en") -> dict[str, str]:
    """Return the pathways this referrer's organisation may refer to: key -> the service's name (in a language)."""

    return {key: intake.service_name(defn, language)
            for key, defn in sorted(latest_definitions().items(), key=lambda kv: intake.service_name(kv[1], language))
            if intake.accepts_referral_from(defn, getattr(actor, "organisation", ""))}


def referral_wording(workflow_key: str, language: str = "en") -> dict:
    """Return the words of a pathway's referral journey (service name, introduction, parts, what happens next).

    In a language when the pathway file translates them, in English otherwise.
    """

    defn = latest_definition(workflow_key)
    spec = intake.referral(defn)
    hints = {key: defn.text(f"/intake/referral/form_hints/{key}", language, hint)
             for key, hint in (spec.get("form_hints") or {}).items()}
    parts = [{"label": _label(defn, key, language), "hint": hints.get(key, "")}
             for key in intake.referral_form_keys(defn)]
    return {"service_name": intake.service_name(defn, language),
            "introduction": defn.text("/intake/referral/introduction", language, spec.get("introduction", "")),
            "what_happens_next": defn.text("/intake/referral/what_happens_next", language,
                                           spec.get("what_happens_next", "")),
            "parts": parts, "hints": hints}


def _label(defn, form_key: str, language: str = "en") -> str:
    label = defn.form_labels.get(form_key, form_key.replace("_", " "))
    label = label[4:] if label.startswith("the ") else label  # a translation is written without its article
    label = defn.text(f"/form_labels/{form_key}", language, label)
    return label[:1].upper() + label[1:]


@transactional
def start_referral(*, workflow_key: str, team: str = "", actor, now: datetime) -> Case:
    """Start a draft referral owned by the referrer, on a pathway their organisation may refer to."""

    if not actor.has_role("referrer"):
        raise NotAllowed(_("Only referrers make referrals"))
    problems = []  # both at once: a page sent with neither is told of both
    if workflow_key not in referral_services(actor):
        problems.append(FieldProblem("workflow", _("Choose the service you are referring to")))
    teams = list(Team.objects.order_by("name"))
    if not team and len(teams) == 1:
        team = teams[0].key
    if not team or not any(t.key == team for t in teams):
        problems.append(FieldProblem("team", _("Choose the team to refer to")))
    if problems:
        raise InvalidInput(problems=problems)
    case = open_case(workflow_key=workflow_key, team=team, actor=actor, now=now, referrer=actor, status="draft")
    record_audit("referral.started", actor=actor, now=now, target_type="case", target_id=case.pk)
    return case


def _person_answers(case: Case) -> dict:
    """Return the person described by the draft's referral form, as the pathway file maps its answers."""

    defn = definition_for(case)
    sub = latest_submissions(case).get(intake.person_form(defn))
    return intake.person_from_answers(defn, sub.answers if sub else {})


def find_duplicate_cases(name: str, date_of_birth, *, exclude=None, team: str | None = None,
                         referrer_ids: list[str] | None = None) -> int:
    """Return how many open cases exist for the same name and date of birth (the referrer sees only a warning)."""
    if not name or not date_of_birth:
        return 0
    query = Case.objects(person__name__iexact=name.strip(), person__date_of_birth=date_of_birth,
                         status="open", kind="perpetrator")
    if team is not None:
        query = query.filter(team=team)
    if referrer_ids is not None:
        query = query.filter(referrer_id__in=referrer_ids)
    if exclude is not None:
        query = query.filter(pk__ne=exclude.pk)
    return query.count()


def referral_duplicates(case: Case) -> int:
    """Return the number of open cases that look like the person in this draft referral."""
    person = _person_answers(case)
    # A referrer may learn only of cases their own organisation referred to the same team: anything wider
    # would tell anyone with a sign-in that a named person is being worked with.
    return find_duplicate_cases(person["name"], person["date_of_birth"], exclude=case, team=case.team,
                                referrer_ids=_same_organisation(case.referrer_id))


def _same_organisation(referrer_id: str) -> list[str]:
    """Return the ids of the referrers of the same organisation as this one (only this one without one)."""
    referrer = User.objects(pk=referrer_id).first() if referrer_id else None
    if referrer is None or not referrer.organisation:
        return [referrer_id]
    return [str(u.pk) for u in User.objects(organisation=referrer.organisation, roles="referrer").only("id")]


@transactional
def submit_referral(case: Case, *, actor, now: datetime) -> Case:
    """Send a complete draft referral: it gets its reference and enters the pathway; the managers are told."""

    if case.referrer_id != str(actor.pk) or case.status != "draft":
        raise NotAllowed(_("This referral cannot be sent"))
    forms = referral_forms(case)
    missing = [f for f in forms if f["required"] and f["status"] != "completed"]
    if missing:
        raise InvalidInput(_("Complete every part of the referral before you send it"), problems=[
            FieldProblem(f["form"], _("Complete the %(part)s", part=f["label"][:1].lower() + f["label"][1:]))
            for f in missing])
    person = _person_answers(case)
    children = [Child(**child) for child in person.pop("children")]
    urgent_requested = person.pop("urgent")
    reference = next_reference(case.workflow_key, now.year)
    updated = Case.objects(pk=case.pk, status="draft").update_one(
        set__reference=reference, set__referred_at=now, set__children=children,
        set__fields__urgent_requested=urgent_requested, set__name_keys=name_keys(person.get("name", "")),
        **{f"set__person__{k}": v for k, v in person.items()},
    )
    if not updated:
        raise NotAllowed(_("This referral has already been sent"))
    # A change begun on a completed part and not finished is not sent: the part as completed is. Its draft goes,
    # so it neither lingers for the referrer nor becomes the draft a member of staff opens on that form.
    discarded = [f["form"] for f in forms if f["changing"] is not None]
    for f in (f for f in forms if f["changing"] is not None):
        f["changing"].delete()
    case.reload()
    start_workflow(case, actor=actor, now=now)
    add_history(case, kind="referred", now=now, actor=actor, label="Referral sent", label_key=N_("Referral sent"))
    details = {"reference": reference, **({"unfinished_changes_discarded": discarded} if discarded else {})}
    record_audit("referral.submitted", actor=actor, now=now, target_type="case", target_id=case.pk, details=details)
    return case


def list_referrals(*, actor) -> list[Case]:
    """Return the referrals this referrer made, newest first."""
    return list(Case.objects(referrer_id=str(actor.pk), kind="perpetrator").order_by("-created_at"))


def waiting_band(case: Case) -> str:
    """Return roughly where the case is on its team's waiting list."""
    ahead = Case.objects(team=case.team, on_waiting_list=True, status="open", kind="perpetrator")
    order = sorted(ahead.only("priority", "waiting_since"),
                   key=lambda c: (c.priority != "urgent", c.waiting_since or datetime.max))
    position = next((i for i, c in enumerate(order, 1) if c.pk == case.pk), len(order))
    for limit, band in WAITING_BANDS:
        if position <= limit:
            return str(band)
    return _("Further down the list")


def public_status_label(status: str, defn=None, state: str = "", language: str | None = None) -> str:
    """Return a public status in the reader's language: the pathway's for the state, else the catalogue's."""
    if defn is not None and state in defn.states:
        found = defn.text(f"/states/{state}/public_status", language or active_language(), "")
        if found:
            return found
    return str(PUBLIC_STATUSES.get(status, status))


def outcome_words(case: Case, defn, language: str) -> str:
    """Return a closed case's outcome as its pathway says it, in a language (never the stored key)."""
    return outcome_label(defn, case.outcome or "", language)


def referral_status(case: Case, language: str | None = None) -> dict:
    """Return what a referrer may know of a referral: its status (in a language), and the reason when not accepted."""

    if case.status == "draft":
        return {"status": _("Not sent yet"), "key": "", "tag": "grey", "detail": ""}
    defn = definition_for(case)
    state = defn.states.get(case.state)
    status = state.public_status if state else "Received"
    detail = ""
    if case.on_waiting_list:
        detail = waiting_band(case)
    if status == "Not accepted":

        decision = CaseEvent.objects(case_id=case.pk, kind="transition", to_state=case.state).order_by("-at").first()
        detail = (decision.inputs.get("reason") if decision else "") or case.referrer_message or ""
    if case.status == "closed" and status == "Closed":
        detail = outcome_words(case, defn, language or active_language())
    tags = {"Received": "blue", "Accepted": "turquoise", "Not accepted": "red", "On the waiting list": "yellow",
            "Allocated": "purple", "Work in progress": "green", "Closed": "grey"}
    return {"status": public_status_label(status, defn, case.state, language), "key": status,
            "tag": tags.get(status, "blue"), "detail": detail}


@transactional
def add_referral_information(case: Case, *, text: str, actor, now: datetime, attachment: dict | None = None) -> None:
    """Let the referrer add further information or a document to a referral they made."""

    if case.referrer_id != str(actor.pk):
        raise NotAllowed(_("You can only add information to your own referrals"))
    if case.status != "open":
        raise NotAllowed(_("Information can be added only to a referral that has been sent and is still open"))
    text = (text or "").strip()
    if not text and not attachment:
        raise InvalidInput(problems=[FieldProblem("information", _("Enter the information or choose a file"))])
    if len(text) > 20000:
        raise InvalidInput(problems=[FieldProblem("information", _("Information must be 20,000 characters or fewer"))])
    add_history(case, kind="referrer_information", now=now, actor=actor, label="Further information from the referrer",
                label_key=N_("Further information from the referrer"),
                comment=text, inputs={"attachment": attachment} if attachment else {})
    record_audit("referral.information_added", actor=actor, now=now, target_type="case", target_id=case.pk)

    notify_case(case, to="allocated" if case.allocated_to else "manager", template="referral_information_added",
                now=now, actor=actor)


def told_the_referrer(case: Case, language: str) -> list[tuple[str, str]]:
    """Return what the pathway tells the referrer about the case now, as (label, text) in a language."""
    return [(row["label"], day_words(row["value"]) if row["date"] else str(row["value"]))
            for row in intake.shared_with_referrer(definition_for(case), case.fields or {}, language, case.state)]
