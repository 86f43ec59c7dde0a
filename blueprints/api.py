"""A small JSON API over the same services as the pages, with the same access rules."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from marshmallow import ValidationError

from blueprints.access import client_address, current_actor, roles_required
from blueprints.api_schemas import (
    CaseSummarySchema,
    DeadlineSchema,
    FireSchema,
    OpenCaseSchema,
    OptionSchema,
    ReferralStatusSchema,
)
from blueprints.errors import sign_in_required_json
from clock import utcnow
from errors import FieldProblem, InvalidInput
from services.audit.oversight import record_case_read
from services.cases.access import CASE_ROLES, case_for_actor
from services.cases.api_views import case_detail, list_visible_cases, referral_statuses
from services.cases.intake import open_new_case
from services.cases.steps import take_step

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _signed_in():
    """Answer a call without a signed-in user (none, signed out or deactivated) with a JSON 401, not a redirect."""
    if not current_user.is_authenticated:
        return sign_in_required_json()
    return None



@bp.get("/cases")
@roles_required(*CASE_ROLES)
def cases():
    """List one page of the cases the user may see (`page`, `limit` up to 500), by reference."""
    result = list_visible_cases(actor=current_actor(), page=_number("page", 1), limit=min(_number("limit", 100), 500))
    return jsonify({**result, "cases": CaseSummarySchema(many=True).dump(result["cases"])})


def _number(name: str, default: int) -> int:
    """Return a positive whole-number query argument, or refuse it naming the argument."""
    text = request.args.get(name, "")
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise InvalidInput(f"{name} must be a whole number from 1",
                           problems=[FieldProblem(name, f"{name} must be a whole number from 1")])
    # Clamped, never below 1: a negative or zero limit would mean "no limit" to MongoDB's cursor.
    return max(int(text), 1)


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
    found = open_new_case(workflow_key=payload["workflow"], person=payload["person"], actor=current_actor(),
                          now=utcnow())
    return jsonify({"case": CaseSummarySchema().dump(found)}), 201


@bp.get("/cases/<case_id>")
@roles_required(*CASE_ROLES)
def case(case_id):
    """Return one case: summary, the steps available now (and why others are not), its deadlines."""
    found = case_for_actor(case_id, current_actor())
    # Audited as the case pages audit a read, before anything of the case is sent.
    record_case_read(found, actor=current_actor(), now=utcnow(), what="api case", client_address=client_address())
    detail = case_detail(found, actor=current_actor(), now=utcnow())
    return jsonify({
        "case": CaseSummarySchema().dump(found),
        "transitions": OptionSchema(many=True).dump(detail["transitions"]),
        "events": OptionSchema(many=True).dump(detail["events"]),
        "deadlines": DeadlineSchema(many=True).dump(detail["deadlines"]),
        "submissions": detail["submissions"],
    })


@bp.post("/cases/<case_id>/steps/<name>")
@roles_required("manager", "practitioner", "partner_worker")
def fire(case_id, name):
    """Fire a transition (or record an event) with its inputs."""
    # No body means no inputs; a body that is not a JSON object (a list, null, broken JSON) is refused as such.
    payload = _load(FireSchema(), request.get_json(silent=True) if request.get_data() else {})
    found = case_for_actor(case_id, current_actor(), change=True)
    updated = take_step(found, name, payload["inputs"], event=payload["event"], actor=current_actor(), now=utcnow())
    return jsonify({"case": CaseSummarySchema().dump(updated)})


@bp.get("/referrals")
@roles_required("referrer")
def referrals():
    """Return the referrer's referrals: reference and status only."""
    return jsonify({"referrals": ReferralStatusSchema(many=True).dump(referral_statuses(actor=current_actor()))})
