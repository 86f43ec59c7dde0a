"""Carry out the effects a workflow step hands back: assign, notify, deadlines, waiting list, linked cases."""

from __future__ import annotations

import logging
from datetime import datetime

from bson import ObjectId
from bson.errors import InvalidId
from flask_babel import gettext as _

from errors import FieldProblem, InvalidInput
from models.case import Case, risk_rank
from models.user import User
from services.cases.separation import check_assignment
from services.deadlines.anchor import anchor_for
from services.deadlines.tracking import (
    cancel_case_deadlines,
    pause_deadlines,
    refresh_owners,
    resume_deadlines,
    start_deadline,
    stop_deadline,
)
from services.notifications.send import notify_case

log = logging.getLogger(__name__)


def _assignee(case, params) -> User:
    """Return the user an `assign` effect names, if they may hold the case; else raise InvalidInput."""
    user_id = str(params.get("to") or "")
    try:
        user = User.objects(pk=ObjectId(user_id), active=True).first() if user_id else None
    except InvalidId:
        user = None
    wanted = "partner_worker" if case.kind == "partner" else "practitioner"
    if user is None or wanted not in user.roles or (case.team and user.team != case.team):
        message = (_("Choose a partner-support worker in the case's team") if wanted == "partner_worker"
                   else _("Choose a practitioner in the case's team"))
        raise InvalidInput(problems=[FieldProblem("assignee", message)])
    check_assignment(case, str(user.pk))  # the separation of duties the pathway files declare
    return user


def check_effects(case: Case, effects) -> None:
    """Refuse effects that cannot be carried out, before the case's state is changed."""
    for effect in effects:
        if effect.name == "assign":
            _assignee(case, effect.params)


def _assign(case, params, *, actor, now, inputs):
    user = _assignee(case, params)
    Case.objects(pk=case.pk).update_one(set__allocated_to=str(user.pk), set__allocated_at=now,
                                        set__on_waiting_list=False)
    case.reload()

    refresh_owners(case)  # open deadlines "for the practitioner" now belong to the new one


def _notify(case, params, *, actor, now, inputs):

    for target in params["to"]:
        notify_case(case, to=target, template=params["template"], now=now, actor=actor)


def _start_deadline(case, params, *, actor, now, inputs):
    # The file may name the moment the deadline counts from: a date input, a date field, a session.
    start_deadline(case, params["key"], now=now, actor=actor, anchor_at=anchor_for(case, params))


def _stop_deadline(case, params, *, actor, now, inputs):

    if params["key"] == "*":
        cancel_case_deadlines(case, now=now)
        return
    # A repeating deadline (workbooks, risk reviews) opens its next round as soon as one is met.
    stop_deadline(case, params["key"], status=params["status"], now=now, actor=actor,
                  restart=bool(params.get("restart")))


def _pause(case, params, *, actor, now, inputs):

    pause_deadlines(case, now=now)


def _resume(case, params, *, actor, now, inputs):

    resume_deadlines(case, now=now)


def _set_priority(case, params, *, actor, now, inputs):
    value = "urgent" if params["value"] == "urgent" else "standard"
    Case.objects(pk=case.pk).update_one(set__priority=value)


def _set_field(case, params, *, actor, now, inputs):
    field, value = params["field"], params["value"]
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    update = {f"set__fields__{field}": value}
    # A few fields are first-class on the case, because lists, filters and access read them.
    if field == "risk_level":
        update["set__risk_level"] = value or ""
        update["set__risk_rank"] = risk_rank(value or "")
    if field in ("referrer_message", "not_accepted_reason"):
        update["set__referrer_message"] = str(value or "")
    Case.objects(pk=case.pk).update_one(**update)


def _record_outcome(case, params, *, actor, now, inputs):
    Case.objects(pk=case.pk).update_one(set__outcome=str(params["value"] or ""),
                                        set__fields__outcome=params["value"])


def _join_waiting_list(case, params, *, actor, now, inputs):
    Case.objects(pk=case.pk).update_one(set__on_waiting_list=True, set__waiting_since=case.waiting_since or now)


def _leave_waiting_list(case, params, *, actor, now, inputs):
    Case.objects(pk=case.pk).update_one(set__on_waiting_list=False)


def _endorse(case, params, *, actor, now, inputs):
    Case.objects(pk=case.pk).update_one(**{f"add_to_set__endorsements__{params['what']}": str(actor.pk)})


def _suspend(case, params, *, actor, now, inputs):
    Case.objects(pk=case.pk).update_one(set__suspended=True, set__suspended_at=now)


def _resume_case(case, params, *, actor, now, inputs):
    Case.objects(pk=case.pk).update_one(set__suspended=False, unset__suspended_at=True)


def _unassign(case, params, *, actor, now, inputs):

    Case.objects(pk=case.pk).update_one(set__allocated_to="")
    case.reload()
    refresh_owners(case)


HANDLERS = {
    "assign": _assign, "unassign": _unassign, "notify": _notify, "start_deadline": _start_deadline,
    "stop_deadline": _stop_deadline, "pause_deadlines": _pause, "resume_deadlines": _resume,
    "set_priority": _set_priority, "set_field": _set_field, "record_outcome": _record_outcome,
    "join_waiting_list": _join_waiting_list, "leave_waiting_list": _leave_waiting_list, "endorse": _endorse,
    "suspend": _suspend, "resume": _resume_case,
}


def handler(name: str):
    """Register the function that carries out an effect whose work lives in a higher module (opening a case)."""
    def register(function):
        HANDLERS[name] = function
        return function
    return register


def apply_effects(case: Case, effects, *, actor, now: datetime, inputs: dict) -> None:
    """Carry out each effect in order; notifications come last so they describe the final state."""
    ordered = [e for e in effects if e.name != "notify"] + [e for e in effects if e.name == "notify"]
    for effect in ordered:
        HANDLERS[effect.name](case, effect.params, actor=actor, now=now, inputs=inputs)
        case.reload()
