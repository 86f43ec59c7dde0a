"""Widgets: the schema shape each one needs and the options it offers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from forms.words import words

WIDGETS = (
    "text", "textarea", "number", "integer", "date", "yesno", "radios", "select", "checkboxes", "scale",
    "repeater", "attestation", "file",
)
# Widgets whose answer is one plain value (or a list of them): usable as show_when targets.
SIMPLE = frozenset({"text", "textarea", "number", "integer", "date", "yesno", "radios", "select", "checkboxes",
                    "scale"})
ROW_WIDGETS = SIMPLE | {"file"}
WITH_OPTIONS = frozenset({"yesno", "radios", "select", "checkboxes", "scale"})
MAX_SCALE_POINTS = 21

ATTESTATION_PARTS = ("full_name", "date", "confirmed")
FILE_PARTS = ("id", "filename", "content_type", "size")

# Layout options that only make sense for some widgets.
ITEM_OPTIONS = {
    "rows": {"textarea"},
    "no_future": {"date"},
    "inline": {"yesno", "radios", "checkboxes", "scale"},
    "accept": {"file"},
    "max_bytes": {"file"},
    "items": {"repeater"},
    "add_label": {"repeater"},
    "option_meta": set(WITH_OPTIONS),
}


class Option(NamedTuple):
    """One choice offered by a field: its stored value, its label and its option_meta."""

    value: Any
    label: str
    meta: Mapping

    @property
    def html(self) -> str:
        """Return the value as it travels in HTML."""
        return html_value(self.value)


def format_number(value: float | int) -> str:
    """Return a number as people write it: 3 not 3.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def html_value(value: Any) -> str:
    """Return a stored value as the string an HTML input carries."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return "" if value is None else str(value)


def is_number(value: Any) -> bool:
    """Check for a real number (booleans are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _labelled_points(entries: Any, allowed: tuple[type, ...]) -> str | None:
    """Return what is wrong with a oneOf list of {const, title} entries, or None."""
    if not isinstance(entries, list) or not entries:
        return "needs a non-empty \"oneOf\" list of {\"const\": value, \"title\": label} options"
    seen = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or "const" not in entry or not isinstance(entry.get("title"), str):
            return f"option {index + 1} needs a \"const\" value and a \"title\" label"
        value = entry["const"]
        if isinstance(value, bool) or not isinstance(value, allowed):
            return f"option {index + 1} has a value of an unsupported kind"
        if html_value(value) in seen:
            return f"option {index + 1} repeats the value {html_value(value)}"
        seen.add(html_value(value))
    return None


def _plain_string(schema: Mapping) -> bool:
    return schema.get("type") == "string" and not {"oneOf", "enum", "const"} & set(schema) \
        and schema.get("format") != "date"


def _object_with(schema: Mapping, parts: tuple[str, ...], needed: tuple[str, ...]) -> bool:
    props = schema.get("properties")
    return (schema.get("type") == "object" and isinstance(props, dict) and set(needed) <= set(props) <= set(parts)
            and set(needed) <= set(schema.get("required", [])))


def shape_problem(widget: str, schema: Any) -> str | None:
    """Return why a property's schema does not suit the widget, or None when it does."""
    if not isinstance(schema, dict):
        return "the property's schema must be an object"
    kind = schema.get("type")
    if widget in ("text", "textarea"):
        return None if _plain_string(schema) else f"the {widget} widget needs {{\"type\": \"string\"}} without options"
    if widget in ("number", "integer"):
        return None if kind == widget else f"the {widget} widget needs {{\"type\": \"{widget}\"}}"
    if widget == "date":
        ok = kind == "string" and schema.get("format") == "date"
        return None if ok else "the date widget needs {\"type\": \"string\", \"format\": \"date\"}"
    if widget == "yesno":
        return None if kind == "boolean" else "the yesno widget needs {\"type\": \"boolean\"}"
    if widget in ("radios", "select"):
        if kind not in (None, "string", "integer", "number"):
            return f"the {widget} widget needs a string or number property with \"oneOf\" options"
        return _labelled_points(schema.get("oneOf"), (str, int, float))
    if widget == "checkboxes":
        items = schema.get("items")
        if kind != "array" or not isinstance(items, dict):
            return "the checkboxes widget needs {\"type\": \"array\", \"items\": {\"oneOf\": [...]}}"
        return _labelled_points(items.get("oneOf"), (str, int, float))
    if widget == "scale":
        return _scale_problem(schema)
    if widget == "repeater":
        items = schema.get("items")
        ok = kind == "array" and isinstance(items, dict) and items.get("type") == "object" \
            and isinstance(items.get("properties"), dict) and items["properties"]
        return None if ok else "the repeater widget needs {\"type\": \"array\", \"items\": {\"type\": \"object\", " \
                               "\"properties\": {...}}}"
    if widget == "attestation":
        return _attestation_problem(schema)
    if widget == "file":
        ok = _object_with(schema, FILE_PARTS, ("id", "filename"))
        return None if ok else "the file widget needs an object with properties id, filename (required), " \
                               "content_type and size"
    return f"“{widget}” is not a known widget"


def _scale_problem(schema: Mapping) -> str | None:
    if "oneOf" in schema:
        problem = _labelled_points(schema["oneOf"], (str, int, float))
        if problem is None and len(schema["oneOf"]) > MAX_SCALE_POINTS:
            return f"a scale can have at most {MAX_SCALE_POINTS} points"
        return problem
    low, high = schema.get("minimum"), schema.get("maximum")
    if schema.get("type") != "integer" or not isinstance(low, int) or not isinstance(high, int):
        return "the scale widget needs {\"type\": \"integer\", \"minimum\": a, \"maximum\": b} or labelled " \
               "\"oneOf\" points"
    if not 0 < high - low + 1 <= MAX_SCALE_POINTS:
        return f"a scale needs between 1 and {MAX_SCALE_POINTS} points from minimum to maximum"
    return None


def _attestation_problem(schema: Mapping) -> str | None:
    props = schema.get("properties")
    if not _object_with(schema, ATTESTATION_PARTS, ATTESTATION_PARTS):
        return "the attestation widget needs an object with properties full_name, date and confirmed, all required"
    if props["full_name"].get("type") != "string":
        return "an attestation's full_name must be {\"type\": \"string\"}"
    if props["date"].get("format") != "date":
        return "an attestation's date must be {\"type\": \"string\", \"format\": \"date\"}"
    if props["confirmed"].get("const") is not True:
        return "an attestation's confirmed must be {\"const\": true}"
    return None


def options_for(widget: str, schema: Mapping, option_meta: Mapping | None,
                language: str = "en") -> tuple[Option, ...]:
    """Return the options a widget offers, with their option_meta (Yes and No in the language)."""
    meta = option_meta or {}
    if widget == "yesno":
        said = words(language)
        points = [(True, said["yes"]), (False, said["no"])]
    elif widget == "checkboxes":
        points = [(e["const"], e["title"]) for e in schema["items"]["oneOf"]]
    elif widget in ("radios", "select") or (widget == "scale" and "oneOf" in schema):
        points = [(e["const"], e["title"]) for e in schema["oneOf"]]
    elif widget == "scale":
        points = [(n, str(n)) for n in range(schema["minimum"], schema["maximum"] + 1)]
    else:
        return ()
    return tuple(Option(value, label, dict(meta.get(html_value(value), {}))) for value, label in points)


def same_value(a: Any, b: Any) -> bool:
    """Check two answers for equality without confusing booleans with numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return a == b
    return type(a) is type(b) and a == b
