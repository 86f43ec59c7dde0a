"""Shared inline definitions for the form engine tests (no tests of its own)."""

from __future__ import annotations

import copy

SIGNATURE = {
    "type": "object", "title": "Signature",
    "properties": {"full_name": {"type": "string", "minLength": 1},
                   "date": {"type": "string", "format": "date"}, "confirmed": {"const": True}},
    "required": ["full_name", "date", "confirmed"],
}
FILE = {
    "type": "object", "title": "Supporting document",
    "properties": {"id": {"type": "string"}, "filename": {"type": "string"},
                   "content_type": {"type": "string"}, "size": {"type": "integer"}},
    "required": ["id", "filename"],
}


def _choices(*pairs):
    return [{"const": value, "title": title} for value, title in pairs]


PROPERTIES = {
    "full_name": {"type": "string", "maxLength": 20, "title": "Full name"},
    "notes": {"type": "string", "title": "Notes", "description": "Anything else we should know."},
    "height": {"type": "number", "minimum": 0, "title": "Height"},
    "age": {"type": "integer", "minimum": 18, "maximum": 120, "title": "Age"},
    "dob": {"type": "string", "format": "date", "title": "Date of birth"},
    "interpreter_needed": {"type": "boolean", "title": "Is an interpreter needed?"},
    "interpreter_language": {"type": "string", "title": "Language"},
    "risk": {"type": "string", "title": "Risk level",
             "oneOf": _choices(("low", "Low"), ("medium", "Medium"), ("high", "High"))},
    "team": {"type": "string", "title": "Team", "oneOf": _choices(("north", "North team"), ("south", "South team"))},
    "disabilities": {"type": "array", "uniqueItems": True, "title": "Disabilities",
                     "items": {"type": "string", "oneOf": _choices(("physical", "Physical"),
                                                                   ("learning", "Learning"))}},
    "disability_details": {"type": "string", "title": "Details of the disability"},
    "rating": {"title": "Rating", "oneOf": _choices((0, "0 – absent"), (1, "1 – partly"), (2, "2 – present"))},
    "importance": {"type": "integer", "minimum": 1, "maximum": 10, "title": "Importance"},
    "children": {
        "type": "array", "title": "Children", "maxItems": 3,
        "items": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "title": "Name"},
            "dob": {"type": "string", "format": "date", "title": "Date of birth"},
            "needs_support": {"type": "boolean", "title": "Needs support"},
            "support": {"type": "string", "title": "Support needed"},
        }},
    },
    "document": FILE,
    "signature": SIGNATURE,
}

LAYOUT = {"pages": [
    {"key": "about", "title": "About the person", "sections": [{"title": "Personal details", "items": [
        {"field": "full_name", "widget": "text"},
        {"field": "notes", "widget": "textarea", "rows": 3},
        {"field": "height", "widget": "number"},
        {"field": "age", "widget": "integer"},
        {"field": "dob", "widget": "date", "no_future": True},
        {"guidance": "First paragraph.\n\nSecond paragraph.", "heading": "Language"},
        {"field": "interpreter_needed", "widget": "yesno"},
        {"field": "interpreter_language", "widget": "text", "required_when_shown": True,
         "show_when": {"field": "interpreter_needed", "equals": True}},
    ]}]},
    {"key": "risk", "title": "Risk", "sections": [{"items": [
        {"field": "risk", "widget": "radios",
         "option_meta": {"high": {"flag": "red", "message": "Tell a manager today."}, "low": {"flag": "green"},
                         "medium": {"flag": "green"}}},
        {"field": "team", "widget": "select"},
        {"field": "disabilities", "widget": "checkboxes"},
        {"field": "disability_details", "widget": "textarea",
         "show_when": {"field": "disabilities", "not_empty": True}},
        {"field": "rating", "widget": "scale"},
        {"field": "importance", "widget": "scale"},
    ]}]},
    {"key": "family", "title": "Family", "sections": [{"title": "Children", "items": [
        {"field": "children", "widget": "repeater", "add_label": "Add another child", "items": [
            {"field": "name", "widget": "text"},
            {"field": "dob", "widget": "date", "no_future": True},
            {"field": "needs_support", "widget": "yesno"},
            {"field": "support", "widget": "textarea", "required_when_shown": True,
             "show_when": {"field": "needs_support", "equals": True}},
        ]},
        {"field": "document", "widget": "file", "accept": ".pdf", "max_bytes": 1000},
        {"field": "signature", "widget": "attestation"},
    ]}]},
]}


def kitchen_sink(**overrides) -> dict:
    """Return a fresh definition using every widget; keyword arguments replace top-level keys."""
    defn = {
        "key": "kitchen_sink", "title": "Every widget", "classification": "standard", "tags": ["test"],
        "countersign": True,
        "schema": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                   "properties": copy.deepcopy(PROPERTIES),
                   "required": ["full_name", "age", "dob", "interpreter_needed", "risk", "rating", "signature"]},
        "layout": copy.deepcopy(LAYOUT),
        "computed": [{"key": "score", "function": "sum_fields", "params": {"fields": ["rating", "importance"]}},
                     {"key": "outcome", "function": "screening_outcome", "params": {"fields": ["risk"]}}],
    }
    defn.update(overrides)
    return defn


def small(properties: dict, items: list, required: list | None = None, **extra) -> dict:
    """Return a one-page definition with these properties and layout items."""
    defn = {
        "key": "small", "title": "Small form",
        "schema": {"type": "object", "properties": properties, "required": required or []},
        "layout": {"pages": [{"key": "only", "title": "Only page", "sections": [{"items": items}]}]},
    }
    defn.update(extra)
    return defn


COMPLETE = {
    "full_name": "Sam Smith", "notes": "Works nights.", "height": 180.5, "age": 34, "dob": "1990-03-12",
    "interpreter_needed": True, "interpreter_language": "Polish", "risk": "medium", "team": "north",
    "disabilities": ["learning"], "disability_details": "Dyslexia", "rating": 2, "importance": 7,
    "children": [{"name": "Alex", "dob": "2015-06-01", "needs_support": True, "support": "Speech therapy"},
                 {"name": "Jo", "needs_support": False}],
    "document": {"id": "f1", "filename": "report.pdf", "content_type": "application/pdf", "size": 12},
    "signature": {"full_name": "Sam Smith", "date": "2026-03-12", "confirmed": True},
}
