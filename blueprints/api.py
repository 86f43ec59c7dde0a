"""A small JSON API over the same services as the pages, with the same access rules."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify, request
from flask_login import current_user
from marshmallow import ValidationError

from blueprints.access import roles_required
from blueprints.api_schemas import (
    CaseSummarySchema,
    DeadlineSchema,
    FireSchema,
    OpenCaseSchema,
    OptionSchema,
    ReferralStatusSchema,
)
from errors import FieldProblem, InvalidInput
from services.access import CASE_ROLES, case_for_actor
from services.api_views import case_deadlines, list_visible_cases, referral_statuses
from services.cases import fire_transition, transition_options
from services.form_results import case_results
from services.intake import open_new_case

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _user():
    return current_user._get_current_object()


@bp.get("/cases")
@roles_required(*CASE_ROLES)
def cases():
    """List the cases the user may see."""
    rows = list_visible_cases(actor=_user(), limit=min(int(request.args.get("limit", 100) or 100), 500))
    return jsonify({"cases": CaseSummarySchema(many=True).dump(rows)})


def _flat(messages: dict, prefix: str = "") -> list[FieldProblem]:
    out = []
    for key, value in messages.items():
        if isinstance(value, dict):
            out.extend(_flat(value, f"{prefix}{key}."))
        else:
            out.append(FieldProblem(f"{prefix}{key}", "; ".join(map(str, value)) if isinstance(value, list)
                                    else str(value)))
    return out


def _load(schema, payload) -> dict:
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput(problems=_flat(exc.messages)) from None


@bp.post("/cases")
@roles_required("manager", "practitioner")
def open_case():
    """Open a case for a person on a pathway the user may open cases on (201 with the case)."""
    payload = _load(OpenCaseSchema(), request.get_json(silent=True) or {})
    found = open_new_case(workflow_key=payload["workflow"], person=payload["person"], actor=_user(),
                          now=datetime.utcnow())
    return jsonify({"case": CaseSummarySchema().dump(found)}), 201


@bp.get("/cases/<case_id>")
@roles_required(*CASE_ROLES)
def case(case_id):
    """Return one case: summary, the steps available now (and why others are not), its deadlines."""
    found = case_for_actor(case_id, _user())
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
    payload = _load(FireSchema(), request.get_json(silent=True) or {})
    found = case_for_actor(case_id, _user(), change=True)
    updated = fire_transition(found, name, payload["inputs"], actor=_user(), now=datetime.utcnow(),
                              event=payload["event"])
    return jsonify({"case": CaseSummarySchema().dump(updated)})


@bp.get("/referrals")
@roles_required("referrer")
def referrals():
    """Return the referrer's referrals: reference and status only."""
    return jsonify({"referrals": ReferralStatusSchema(many=True).dump(referral_statuses(actor=_user()))})
