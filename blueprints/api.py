"""A small JSON API over the same services as the pages, with the same access rules."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify, request
from flask_login import current_user
from marshmallow import ValidationError

from blueprints.access import client_address, roles_required
from blueprints.api_schemas import CaseSummarySchema, DeadlineSchema, FireSchema, OptionSchema, ReferralStatusSchema
from errors import FieldProblem, InvalidInput
from services.access import CASE_ROLES, case_for_actor
from services.api_views import case_deadlines, list_visible_cases, referral_statuses
from services.audit import record_confidential_read
from services.cases import fire_transition, transition_options
from services.form_results import case_results

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _user():
    return current_user._get_current_object()


@bp.get("/cases")
@roles_required(*CASE_ROLES)
def cases():
    """List the cases the user may see."""
    rows = list_visible_cases(actor=_user(), limit=min(int(request.args.get("limit", 100) or 100), 500))
    return jsonify({"cases": CaseSummarySchema(many=True).dump(rows)})


@bp.get("/cases/<case_id>")
@roles_required(*CASE_ROLES)
def case(case_id):
    """Return one case: summary, the steps available now (and why others are not), its deadlines."""
    found = case_for_actor(case_id, _user())
    if found.kind == "partner":
        record_confidential_read(found, actor=_user(), now=datetime.utcnow(), what="api case",
                                 client_address=client_address())
    transitions, events = transition_options(found, _user())
    return jsonify({
        "case": CaseSummarySchema().dump(found),
        "transitions": OptionSchema(many=True).dump(transitions),
        "events": OptionSchema(many=True).dump(events),
        "deadlines": DeadlineSchema(many=True).dump(case_deadlines(found)),
        "submissions": case_results(found, actor=_user(), now=datetime.utcnow()),
    })


@bp.post("/cases/<case_id>/steps/<name>")
@roles_required("manager", "practitioner", "partner_worker")
def fire(case_id, name):
    """Fire a transition (or record an event) with its inputs."""
    try:
        payload = FireSchema().load(request.get_json(silent=True) or {})
    except ValidationError as exc:
        raise InvalidInput(problems=[FieldProblem(k, "; ".join(map(str, v)) if isinstance(v, list) else str(v))
                                     for k, v in exc.messages.items()]) from None
    found = case_for_actor(case_id, _user(), change=True)
    updated = fire_transition(found, name, payload["inputs"], actor=_user(), now=datetime.utcnow(),
                              event=payload["event"])
    return jsonify({"case": CaseSummarySchema().dump(updated)})


@bp.get("/referrals")
@roles_required("referrer")
def referrals():
    """Return the referrer's referrals: reference and status only."""
    return jsonify({"referrals": ReferralStatusSchema(many=True).dump(referral_statuses(actor=_user()))})
