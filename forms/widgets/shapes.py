"""Schema shapes several field types share: labelled options, objects with named parts, number ranges."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from forms.values import html_value

# Numbers the builder accepts: ASCII digits, few enough to fit MongoDB's 64-bit integers and a float exactly.
WHOLE = re.compile(r"^[+-]?[0-9]{1,15}$")
DECIMAL = re.compile(r"^[+-]?([0-9]{1,15}\.?[0-9]{0,15}|\.[0-9]{1,15})$")


def typed_whole(text: str) -> int:
    """Return the whole number typed in the builder; ValueError saying what to type."""
    if WHOLE.match(text):
        return int(text)
    raise ValueError("a whole number")


def labelled_points(entries: Any, allowed: tuple[type, ...] = (str, int, float)) -> str | None:
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


def points_of(entries: list[Mapping]) -> list[tuple[Any, str]]:
    """Return (value, label) pairs from a checked oneOf list."""
    return [(e["const"], e["title"]) for e in entries]


def object_with(schema: Mapping, parts: tuple[str, ...], needed: tuple[str, ...]) -> bool:
    """Check for an object schema whose properties are among `parts`, with `needed` present and required."""
    props = schema.get("properties")
    return (schema.get("type") == "object" and isinstance(props, dict) and set(needed) <= set(props) <= set(parts)
            and set(needed) <= set(schema.get("required", [])))


def choices(options: list[Mapping]) -> list[dict]:
    """Return the builder's options as oneOf entries."""
    return [{"const": o["value"], "title": o["label"]} for o in options]


def write_range(prop: dict, spec: Mapping) -> None:
    """Write the builder's lowest and highest answers as minimum and maximum."""
    if spec.get("min") is not None:
        prop["minimum"] = spec["min"]
    if spec.get("max") is not None:
        prop["maximum"] = spec["max"]


def write_inline(spec: Mapping, item: dict) -> None:
    """Write the builder's "side by side" tick."""
    if spec.get("inline"):
        item["inline"] = True


INLINE = {"inline": {"type": "boolean"}}
