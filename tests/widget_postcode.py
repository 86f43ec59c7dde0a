"""A field type shipped nowhere, a UK postcode: a new type needs only its own module and its template.

Tests register it (`with registered_postcode():`), and load its template from tests/fixtures/templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from forms import widgets
from forms.phrases import Phrases
from forms.posted import ABSENT, Getter, first
from forms.spec import FieldSpec

TEMPLATES = Path(__file__).resolve().parent / "fixtures" / "templates"
PATTERN = "^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"
_TYPED = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})")


class Postcode(widgets.Widget):
    """A UK postcode, stored in capitals with one space: SW1A 1AA."""

    name = "postcode"
    label = "Postcode"
    hint = "A UK postcode, like SW1A 1AA."

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need a string with the postcode pattern, so JSON Schema refuses anything else."""
        if schema.get("type") == "string" and schema.get("pattern") == PATTERN:
            return None
        return f"the postcode widget needs {{\"type\": \"string\", \"pattern\": \"{PATTERN}\"}}"

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return the postcode in capitals with one space, or the text as typed when it is not one."""
        raw = first(get(name))
        if not raw:
            return ABSENT
        match = _TYPED.fullmatch(re.sub(r"\s+", "", raw.upper()))
        return f"{match.group(1)} {match.group(2)}" if match else raw

    def missing(self, spec: FieldSpec, p: Phrases, part: str | None) -> str:
        """Ask for the postcode."""
        return f"Enter a postcode for {p.obj}"

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Show what a postcode looks like."""
        return f"Enter a real postcode for {p.obj}, like SW1A 1AA"

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write a string with the postcode pattern."""
        prop.update(type="string", pattern=PATTERN)


@contextmanager
def registered_postcode() -> Iterator[widgets.Widget]:
    """Register the postcode type while the block runs, and take it away afterwards."""
    widgets.register(Postcode)
    try:
        yield widgets.get("postcode")
    finally:
        widgets.unregister("postcode")
