"""Staff open a case themselves on a pathway that starts inside the service (a self-referral, a court order)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _

from errors import NotAllowed, Problems
from models.case import Case
from services.audit.trail import record_audit
from services.cases.transitions import open_case
from services.common.dates import EARLIEST_BIRTH, past_date
from services.common.language import active_language
from services.deadlines.timing import local_today
from services.pathways.store import latest_definitions
from workflows import intake

PERSON_FIELDS = ("name", "date_of_birth", "address")


def openable_pathways(actor) -> dict[str, dict]:
    """Return the pathways this member of staff may open a case on: key -> service name and hint."""

    found, language = {}, active_language()
    for key, defn in latest_definitions().items():
        if actor.team and intake.may_open(defn, actor.roles):
            hint = (defn.intake.get("open") or {}).get("hint", "")
            found[key] = {"name": intake.service_name(defn, language),
                          "hint": defn.text("/intake/open/hint", language, hint)}
    return dict(sorted(found.items(), key=lambda kv: kv[1]["name"]))


def _person(raw: dict, today: date, problems: Problems) -> dict:
    name = " ".join(str(raw.get("name") or "").split())
    if not name:
        problems.add("name", _("Enter the person's full name"), _("Full name"))
    elif len(name) > 200:
        problems.add("name", _("Full name must be 200 characters or fewer"), _("Full name"))
    born = past_date(raw.get("date_of_birth"), "date_of_birth", _("Date of birth"), problems, today=today,
                     required=False, invalid=_("Date of birth must be a real date"),
                     future=_("Date of birth must be today or in the past"), earliest=EARLIEST_BIRTH,
                     too_early=_("Date of birth must be in 1900 or later"))
    address = str(raw.get("address") or "").strip()
    if len(address) > 1000:
        problems.add("address", _("Address must be 1,000 characters or fewer"), _("Address"))
    return {"name": name, "date_of_birth": born, "address": address}


def open_new_case(*, workflow_key: str, person: dict, actor, now: datetime) -> Case:
    """Open a case for a person on a pathway the actor may open cases on, in the actor's team.

    A practitioner who opens a case holds it, so they can fill in its first forms; a manager allocates it later.
    """

    problems = Problems()
    allowed = openable_pathways(actor)
    if not allowed:
        raise NotAllowed(_("You cannot open cases: no pathway lets your role open one, or you have no team"))
    if workflow_key not in allowed:
        problems.add("workflow", _("Choose the pathway to open the case on"), _("Pathway"))
    details = _person(person or {}, local_today(now), problems)
    problems.raise_if_any()
    case = open_case(workflow_key=workflow_key, team=actor.team, person=details, actor=actor, now=now)
    if actor.has_role("practitioner") and not actor.has_role("manager") and not case.allocated_to:
        Case.objects(pk=case.pk).update_one(set__allocated_to=str(actor.pk))
        case.reload()
    record_audit("case.opened", actor=actor, now=now, target_type="case", target_id=case.pk,
                 details={"workflow": workflow_key, "reference": case.reference})
    return case
