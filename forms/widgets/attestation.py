"""Signature: the person types their full name and the date, and ticks to confirm."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_
from forms.phrases import Phrases
from forms.posted import ABSENT, TRUE, Getter, first, posted_date
from forms.values import long_date, parse_iso
from forms.widgets.base import Widget, register
from forms.widgets.shapes import object_with

if TYPE_CHECKING:
    from forms.spec import FieldSpec

PARTS = ("full_name", "date", "confirmed")
PART_LABELS = {"full_name": "Full name", "date": "Date",
               "confirmed": "I confirm this is signed by the person named above"}
SCHEMA = {
    "type": "object",
    "properties": {
        "full_name": {"type": "string", "minLength": 1, "title": PART_LABELS["full_name"]},
        "date": {"type": "string", "format": "date", "title": PART_LABELS["date"]},
        "confirmed": {"const": True, "title": PART_LABELS["confirmed"]},
    },
    "required": list(PARTS),
}


def signature(value: Mapping) -> str:
    """Return a signature as a sentence: Signed by A Person on 1 May 2026."""
    name = value.get("full_name")
    signed = parse_iso(value.get("date"))
    when = long_date(signed) if signed else value.get("date")
    if value.get("confirmed") is True and name:
        return f"Signed by {name} on {when}" if when else f"Signed by {name}"
    details = ", ".join(str(x) for x in (name, when) if x)
    return f"Not signed ({details})" if details else "Not signed"


@register
class Attestation(Widget):
    """The person signs by typing their name, the date and confirming."""

    name = "attestation"
    label = N_("Signature (full name, date and confirmation)")
    hint = N_("The person signs by typing their name, the date and confirming.")
    simple = False
    in_rows = False
    parts = PARTS
    keeps = PARTS
    part_labels = PART_LABELS
    correctable = False
    build_schema = SCHEMA  # what the builder writes for a new question of this type

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need an object with full_name, date and confirmed (const true), all required."""
        props = schema.get("properties")
        if not object_with(schema, PARTS, PARTS):
            return "the attestation widget needs an object with properties full_name, date and confirmed, " \
                   "all required"
        if props["full_name"].get("type") != "string":
            return "an attestation's full_name must be {\"type\": \"string\"}"
        if props["date"].get("format") != "date":
            return "an attestation's date must be {\"type\": \"string\", \"format\": \"date\"}"
        if props["confirmed"].get("const") is not True:
            return "an attestation's confirmed must be {\"const\": true}"
        return None

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return the parts given: full name, date and the confirmation tick."""
        out: dict = {}
        full_name = first(get(f"{name}-full_name"))
        if full_name:
            out["full_name"] = full_name
        signed = posted_date(f"{name}-date", get)
        if signed is not ABSENT:
            out["date"] = signed
        if first(get(f"{name}-confirmed")).lower() in TRUE:
            out["confirmed"] = True
        return out or ABSENT

    def missing(self, spec: FieldSpec, p: Phrases, part: str | None) -> str:
        """Ask for the part left out."""
        # The signature as a noun ("the signature", "the referrer's signature" from an error_label): "Tick the box
        # to confirm the signature for Signature" said it twice.
        if part == "confirmed":
            return p.say(N_("Tick the box to confirm %(signature)s"), signature=p.named())
        if part == "full_name":
            return p.say(N_("Enter the full name for %(signature)s"), signature=p.named())
        return p.say(N_("Enter the date for %(signature)s"), signature=p.named())

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Name the part that is wrong, or ask to sign again."""
        if part == "date":
            return p.say(N_("The date for %(signature)s must be a real date"), signature=p.named())
        if part in ("full_name", "confirmed"):
            return self.missing(spec, p, part)
        return p.say(N_("Sign %(signature)s again"), signature=p.named())


    def display(self, spec: FieldSpec, value: Any) -> str:
        """Return who signed and when."""
        return signature(value) if isinstance(value, dict) else super().display(spec, value)

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write the signature object, keeping part titles already written."""
        keep = old if old and old.get("type") == "object" and set(SCHEMA["properties"]) >= set(
            old.get("properties", {})) and old.get("properties") else SCHEMA
        prop.update(type="object", properties=copy.deepcopy(keep["properties"]), required=list(SCHEMA["required"]))
