"""Marshmallow schemas for the JSON API: what goes out is declared field by field, so nothing leaks by accident."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class PersonSchema(Schema):
    """The person the case is about (never for referrers)."""

    name = fields.String()
    date_of_birth = fields.Date(allow_none=True)


class NewPersonSchema(Schema):
    """The person a new case is about, as given to POST /cases (the service checks each value)."""

    name = fields.String(required=True)
    date_of_birth = fields.String(load_default="")
    address = fields.String(load_default="")


class OpenCaseSchema(Schema):
    """POST /cases: the pathway and the person."""

    workflow = fields.String(required=True)
    person = fields.Nested(NewPersonSchema, required=True)


class CaseSummarySchema(Schema):
    """A case in a list."""

    id = fields.Function(lambda case: str(case.pk))
    reference = fields.String()
    workflow = fields.String(attribute="workflow_key")
    workflow_version = fields.Integer()
    state = fields.String()
    status = fields.String()
    priority = fields.String()
    risk_level = fields.String()
    team = fields.String()
    person = fields.Nested(PersonSchema)
    referred_at = fields.DateTime(allow_none=True)
    allocated_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class OptionSchema(Schema):
    """A transition or event the user could take now, or why not."""

    name = fields.String()
    label = fields.String()
    kind = fields.String()
    to = fields.String(allow_none=True)
    allowed = fields.Boolean()
    reasons = fields.List(fields.String())


class DeadlineSchema(Schema):
    """A deadline on a case."""

    key = fields.String()
    label = fields.String()
    status = fields.String()
    due_at = fields.DateTime()
    basis = fields.String()


class ReferralStatusSchema(Schema):
    """All a referrer may know of a referral."""

    id = fields.String()
    reference = fields.String()
    status = fields.String()
    detail = fields.String()
    referred_at = fields.DateTime(allow_none=True)


class FireSchema(Schema):
    """The body of a request to fire a transition or record an event."""

    inputs = fields.Dict(keys=fields.String(validate=validate.Length(max=64)), load_default=dict)
    event = fields.Boolean(load_default=False)
