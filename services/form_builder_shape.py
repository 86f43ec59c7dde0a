"""Turn a builder field spec into a JSON Schema property and a layout item. Pure: no database, no web."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
ATTESTATION_SCHEMA = {
    "type": "object",
    "properties": {
        "full_name": {"type": "string", "minLength": 1, "title": "Full name"},
        "date": {"type": "string", "format": "date", "title": "Date"},
        "confirmed": {"const": True, "title": "I confirm this is signed by the person named above"},
    },
    "required": ["full_name", "date", "confirmed"],
}
FILE_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "filename": {"type": "string"}, "content_type": {"type": "string"},
                   "size": {"type": "integer"}},
    "required": ["id", "filename"],
}
# Schema keys the builder writes; any other key an imported definition carries is kept as it was.
MANAGED_PROP = {"type", "title", "description", "minimum", "maximum", "maxLength", "format", "oneOf", "items",
                "uniqueItems", "properties", "required", "const", "enum", "minItems"}
MANAGED_ITEM = {"field", "widget", "show_when", "required_when_shown", "option_meta", "no_future", "rows", "inline",
                "accept", "max_bytes", "items", "add_label", "third_party"}


def slug(text: str, fallback: str = "field", limit: int = 40) -> str:
    """Return a snake_case name made from text."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    name = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:limit].rstrip("_")
    if not name or not name[0].isalpha():
        name = f"{fallback}_{name}" if name else fallback
    return name


_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "did", "do", "does", "for", "from", "has", "have", "he",
    "her", "his", "how", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "there", "they",
    "this", "to", "was", "were", "what", "when", "where", "which", "who", "will", "with", "you", "your", "any",
    "ever"
})


def key_words(label: str, count: int = 4) -> list[str]:
    """Return the first telling words of a question, for a readable key (“very_frightened”)."""
    plain = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode().lower()
    return [w for w in re.findall(r"[a-z0-9]+", plain) if w not in _STOP and not w.isdigit()][:count]


def suggested_key(label: str, taken: set[str]) -> str:
    """Return a short, readable key for a new question, made from its telling words."""
    words = key_words(label)
    base = "_".join(words)[:40].rstrip("_") if words else slug(label)
    return unique_name(base if base[:1].isalpha() else f"field_{base}", taken)


def unique_name(base: str, taken: set[str]) -> str:
    """Return base, or base_2, base_3... whichever is not taken."""
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def new_definition(key: str, title: str, *, description: str = "", classification: str = "standard") -> dict:
    """Return the definition of a new, empty form: one page with one empty section."""
    defn: dict[str, Any] = {"key": key, "title": title}
    if description:
        defn["description"] = description
    defn.update({
        "classification": classification, "tags": [],
        "schema": {"$schema": DRAFT_2020_12, "type": "object", "properties": {}, "required": []},
        "layout": {"pages": [{"key": "page_1", "title": title, "sections": [{"items": []}]}]},
    })
    return defn


# --- building one field ---------------------------------------------------------------------------------------

def _choices(options: list[Mapping]) -> list[dict]:
    return [{"const": o["value"], "title": o["label"]} for o in options]


def build_prop(spec: Mapping, old: Mapping | None = None) -> dict:
    """Return the JSON Schema property for a field spec, keeping keys the builder does not manage."""
    widget = spec["widget"]
    prop: dict[str, Any] = {k: v for k, v in (old or {}).items() if k not in MANAGED_PROP}
    prop["title"] = spec["label"]
    if spec.get("hint"):
        prop["description"] = spec["hint"]
    if widget in ("text", "textarea"):
        prop["type"] = "string"
        if widget == "text" and spec.get("max_length"):
            prop["maxLength"] = spec["max_length"]
    elif widget in ("number", "integer"):
        prop["type"] = widget
        _range(prop, spec)
    elif widget == "date":
        prop.update(type="string", format="date")
    elif widget == "yesno":
        prop["type"] = "boolean"
    elif widget in ("radios", "select"):
        prop.update(type="string", oneOf=_choices(spec["options"]))
    elif widget == "checkboxes":
        prop.update(type="array", uniqueItems=True, items={"type": "string", "oneOf": _choices(spec["options"])})
    elif widget == "scale" and spec.get("options"):
        # Labelled points (0 – absent, 1 – partly, "?" – don't know) carry their own values and no single type.
        prop["oneOf"] = _choices(spec["options"])
    elif widget == "scale":
        prop["type"] = "integer"
        _range(prop, spec)
    elif widget == "repeater":
        row = copy.deepcopy(old.get("items")) if old and old.get("type") == "array" else None
        if not isinstance(row, dict) or row.get("type") != "object":
            first = spec.get("first_child") or {"name": "details", "label": "Details"}
            row = {"type": "object", "properties": {first["name"]: {"type": "string", "title": first["label"]}},
                   "required": []}
        prop.update(type="array", items=row)
    elif widget in ("attestation", "file"):
        base = ATTESTATION_SCHEMA if widget == "attestation" else FILE_SCHEMA
        keep = old if old and old.get("type") == "object" and set(base["properties"]) >= set(
            old.get("properties", {})) and old.get("properties") else base
        prop.update(type="object", properties=copy.deepcopy(keep["properties"]), required=list(base["required"]))
    return prop


def _range(prop: dict, spec: Mapping) -> None:
    if spec.get("min") is not None:
        prop["minimum"] = spec["min"]
    if spec.get("max") is not None:
        prop["maximum"] = spec["max"]


def build_item(spec: Mapping, old: Mapping | None = None) -> dict:
    """Return the layout item for a field spec, keeping keys the builder does not manage."""
    widget = spec["widget"]
    item: dict[str, Any] = {"field": spec["name"], "widget": widget}
    item.update({k: v for k, v in (old or {}).items() if k not in MANAGED_ITEM})
    if spec.get("show_when"):
        item["show_when"] = dict(spec["show_when"])
        if spec.get("required"):
            item["required_when_shown"] = True
    scores = {o["value"]: o["score"] for o in spec.get("options", []) if o.get("score") is not None}
    old_meta = (old or {}).get("option_meta", {})
    meta = {}
    for option in spec.get("options", []):
        entry = {k: v for k, v in old_meta.get(option["value"], {}).items() if k != "score"}
        if option["value"] in scores:
            entry["score"] = scores[option["value"]]
        if entry:
            meta[option["value"]] = entry
    if meta:
        item["option_meta"] = meta
    if widget == "date" and spec.get("no_future"):
        item["no_future"] = True
    if widget == "textarea" and spec.get("rows"):
        item["rows"] = spec["rows"]
    if widget in ("yesno", "radios", "checkboxes", "scale") and spec.get("inline"):
        item["inline"] = True
    if spec.get("third_party"):
        item["third_party"] = True  # left out of the subject's access file wherever the answer is shown
    if widget == "file":
        for key in ("accept", "max_bytes"):
            if spec.get(key):
                item[key] = spec[key]
    if widget == "repeater":
        kept = (old or {}).get("items") if (old or {}).get("widget") == "repeater" else None
        first = (spec.get("first_child") or {"name": "details"})["name"]
        item["items"] = copy.deepcopy(kept) if kept else [{"field": first, "widget": "text"}]
        if spec.get("add_label"):
            item["add_label"] = spec["add_label"]
    return item


WIDGET_LABELS = {
    "text": "Short text", "textarea": "Long text", "number": "Number", "integer": "Whole number", "date": "Date",
    "yesno": "Yes or no", "radios": "One choice from a list (radio buttons)",
    "select": "One choice from a long list (drop-down)", "checkboxes": "Several choices (checkboxes)",
    "scale": "Rating scale", "repeater": "Repeating group (rows of questions)",
    "attestation": "Signature (full name, date and confirmation)", "file": "File upload",
}
WIDGET_HINTS = {
    "text": "A name, a reference or a short answer on one line.",
    "textarea": "Several sentences or paragraphs.",
    "number": "Any number, with decimals allowed.",
    "integer": "A whole number, like a count of sessions.",
    "date": "Day, month and year.",
    "yesno": "Two answers: yes or no.",
    "radios": "One answer from a short list; each option may carry a score.",
    "select": "One answer from a long list.",
    "checkboxes": "Any number of answers from a list; each option may carry a score.",
    "scale": "A number between two ends, like 1 to 10.",
    "repeater": "The same questions asked for each of several things, like children or incidents.",
    "attestation": "The person signs by typing their name, the date and confirming.",
    "file": "A PDF or image uploaded with the answers.",
}
# Types a field may be switched to after it is made: those whose answers keep the same shape.
FAMILIES = (("text", "textarea"), ("number", "integer"), ("radios", "select"))


def switchable(widget: str) -> tuple[str, ...]:
    """Return the widgets a field of this widget may be changed to (itself included)."""
    return next((family for family in FAMILIES if widget in family), (widget,))
