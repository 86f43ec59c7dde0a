"""File upload: a PDF or image kept with the answers (the file itself is stored apart, by its id)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_
from forms.phrases import Phrases
from forms.posted import ABSENT, TRUE, Getter, first, whole_number
from forms.widgets.base import NOT_ANSWERED, Widget, register
from forms.widgets.shapes import object_with

if TYPE_CHECKING:
    from forms.spec import FieldSpec

PARTS = ("id", "filename", "content_type", "size")
SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "filename": {"type": "string"}, "content_type": {"type": "string"},
                   "size": {"type": "integer"}},
    "required": ["id", "filename"],
}


@register
class File(Widget):
    """A PDF or image uploaded with the answers."""

    name = "file"
    label = N_("File upload")
    hint = N_("A PDF or image uploaded with the answers.")
    asks = ("accept",)
    layout = {"accept": {"type": "string"}, "max_bytes": {"type": "integer", "minimum": 1}}
    simple = False
    uploads = True
    keeps = PARTS
    correctable = False
    build_schema = SCHEMA  # what the builder writes for a new question of this type

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need an object with id and filename (required), content_type and size."""
        ok = object_with(schema, PARTS, ("id", "filename"))
        return None if ok else "the file widget needs an object with properties id, filename (required), " \
                               "content_type and size"

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return the current file's record from the hidden inputs the template writes beside the file input."""
        file_id = first(get(f"{name}-id"))
        if not file_id or first(get(f"{name}-remove")).lower() in TRUE:
            return ABSENT
        out: dict = {"id": file_id, "filename": first(get(f"{name}-filename"))}
        content_type = first(get(f"{name}-content_type"))
        if content_type:
            out["content_type"] = content_type
        size = first(get(f"{name}-size"))
        if size:
            number = whole_number(size)
            out["size"] = size if number is None else number
        return out

    def missing(self, spec: FieldSpec, p: Phrases, part: str | None) -> str:
        """Ask for a file."""
        if p.question:
            return p.say(N_("Upload a file for %(question)s"), question=p.quoted)
        return p.say(N_("Upload %(the)s"), the=p.the())

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Ask to upload it again."""
        return p.say(N_("Upload %(the)s again"), the=p.the())

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Return the file's name."""
        if isinstance(value, dict):
            return str(value.get("filename") or value.get("id") or NOT_ANSWERED)
        return super().display(spec, value)

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write the file record object."""
        keep = old if old and old.get("type") == "object" and set(SCHEMA["properties"]) >= set(
            old.get("properties", {})) and old.get("properties") else SCHEMA
        prop.update(type="object", properties=copy.deepcopy(keep["properties"]), required=list(SCHEMA["required"]))

    def build_item(self, spec: Mapping, item: dict, old: Mapping | None) -> None:
        """Write the accepted kinds and the largest size."""
        for key in ("accept", "max_bytes"):
            if spec.get(key):
                item[key] = spec[key]
