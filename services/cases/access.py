"""Who may see and change which case, and which confidential records. Enforced on the server, always."""

from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import gettext as _

from errors import NotAllowed, NotFound
from models.case import Case
from services.audit.oversight import glass_active, may_break_glass
from services.common.language import lazy_gettext as _l
from services.common.lookup import one_by_id

# Roles that work cases; referrers and admins never open a case page.
CASE_ROLES = ("manager", "practitioner", "partner_worker", "auditor")


def _uid(actor) -> str:
    return str(actor.pk)


def team_read_enabled() -> bool:
    """Tell whether practitioners may read (and list) the cases of their whole team."""
    return bool(current_app.config.get("PRACTITIONERS_READ_TEAM_CASES", True)) if has_app_context() else True


def _own_draft(actor, case: Case) -> bool:
    return actor.has_role("referrer") and case.referrer_id == _uid(actor)


def _glass(actor, case: Case) -> bool:
    # A grant opens only what its holder may still ask to open: no read of the grants for anyone else (the case
    # page asks this of its partner record for every practitioner who opens it).
    return may_break_glass(actor, case) and glass_active(actor, case)


def can_read_case(actor, case: Case) -> bool:
    """Tell whether the actor may open the case page (a stated break-the-glass reason opens it for a while)."""
    return _usual_read(actor, case) or (case.status != "draft" and _glass(actor, case))


def _usual_read(actor, case: Case) -> bool:
    if case.status == "draft":
        return _own_draft(actor, case)  # a referral not yet sent belongs to its referrer only
    if case.kind == "partner":
        # Partner (victim) records: the assigned partner worker and the team's managers only.
        return (actor.has_role("partner_worker") and case.allocated_to == _uid(actor)) or (
            actor.has_role("manager") and case.team == actor.team
        )
    if actor.has_role("auditor"):
        return True
    if actor.has_role("manager") and case.team == actor.team:
        return True
    if actor.has_role("practitioner"):
        if case.allocated_to == _uid(actor):
            return True
        return team_read_enabled() and case.team == actor.team
    return False


def can_change_case(actor, case: Case) -> bool:
    """Tell whether the actor may fill forms, record sessions and fire transitions on the case."""
    if case.status == "draft":
        return _own_draft(actor, case)
    if actor.has_role("auditor") and not actor.has_role("manager", "practitioner"):
        return False
    if case.kind == "partner":
        return (actor.has_role("partner_worker") and case.allocated_to == _uid(actor)) or (
            actor.has_role("manager") and case.team == actor.team
        )
    if actor.has_role("manager") and case.team == actor.team:
        return True
    return actor.has_role("practitioner") and case.allocated_to == _uid(actor)


def can_read_confidential(actor, case: Case) -> bool:
    """Tell whether the actor may read the case's confidential records (victim information)."""
    if case.status == "draft":
        return False
    if _usual_confidential(actor, case):
        return True
    return _glass(actor, case)


def _usual_confidential(actor, case: Case) -> bool:
    if actor.has_role("manager") and case.team == actor.team:
        return True
    if case.kind == "partner":
        return actor.has_role("partner_worker") and case.allocated_to == _uid(actor)
    return actor.has_role("practitioner") and case.allocated_to == _uid(actor)


def get_case(case_id) -> Case:
    """Return a case by id or raise NotFound."""
    # Lazy: said only when it is not found, and every case page asks and finds it.
    return one_by_id(Case, case_id, _l("There is no such case"))


def case_for_actor(case_id, actor, *, change: bool = False) -> Case:
    """Return the case if the actor may read it (or change it); else 404 for unknown, 403 for forbidden."""
    return checked_case(get_case(case_id), actor, change=change)


def checked_case(case: Case, actor, *, change: bool = False) -> Case:
    """Return a case just read if the actor may read it (or change it); else raise as `case_for_actor` does."""
    if not can_read_case(actor, case):

        if may_break_glass(actor, case):
            refused = NotAllowed(_("This record is restricted to its team. You can open it by stating why; the "
                                   "reason is recorded and the team's managers are told."))
            refused.break_glass_case = str(case.pk)
            raise refused
        # Referrers and partner-side outsiders learn nothing, not even that the case exists.
        if actor.has_role("referrer") or case.kind == "partner" or case.status == "draft":
            raise NotFound(_("There is no such case"))
        raise NotAllowed(_("You do not have access to this case"))
    if change and not can_change_case(actor, case):
        raise NotAllowed(_("You can read this case but not change it"))
    return case


def referral_for_referrer(case_id, actor) -> Case:
    """Return a referral the referrer made; anything else is 'not found'."""
    case = get_case(case_id)
    if case.referrer_id != _uid(actor) or case.kind != "perpetrator":
        raise NotFound(_("There is no such referral"))
    return case


def visible_cases_query(actor) -> dict:
    """Return the MongoDB filter for the cases the actor may list."""
    uid = _uid(actor)
    ors = []
    if actor.has_role("auditor"):
        ors.append({"kind": "perpetrator", "status": {"$ne": "draft"}})
    if actor.has_role("manager"):
        ors.append({"team": actor.team, "status": {"$ne": "draft"}})
    if actor.has_role("practitioner"):
        ors.append({"kind": "perpetrator", "allocated_to": uid, "status": {"$ne": "draft"}})
        if team_read_enabled():
            ors.append({"kind": "perpetrator", "team": actor.team, "status": {"$ne": "draft"}})
    if actor.has_role("partner_worker"):
        ors.append({"kind": "partner", "allocated_to": uid, "status": {"$ne": "draft"}})
    return {"$or": ors} if ors else {"_id": None}
