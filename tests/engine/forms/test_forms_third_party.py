"""Third-party marking: which answers a form marks as someone else's, and redacting them (repeater rows too)."""

import json
from pathlib import Path

from forms.third_party import is_third_party_form, redact_answers, third_party_fields

DEFINITIONS = Path(__file__).resolve().parents[3] / "forms" / "definitions"


def definition(items, **top):
    return {"key": "f", "title": "F", "schema": {"type": "object", "properties": {"a": {}, "b": {}, "kids": {}}},
            "layout": {"pages": [{"key": "p", "title": "P", "sections": [{"items": items}]}]}, **top}


def test_fields_marked_in_the_layout_and_inside_repeaters():
    items = [{"field": "a", "widget": "text", "third_party": True}, {"field": "b", "widget": "text"},
             {"field": "kids", "widget": "repeater", "items": [{"field": "name", "widget": "text", "third_party": True},
                                                              {"field": "age", "widget": "integer"}]}]
    fields = third_party_fields(definition(items))
    assert fields == {"a", "kids.*.name"}
    kept, removed = redact_answers({"a": "her words", "b": "his words", "kids": [{"name": "Hazel", "age": 4}]},
                                   fields)
    assert kept == {"b": "his words", "kids": [{"age": 4}]} and removed == ["a", "kids.0.name"]


def test_a_whole_form_marked_third_party_covers_every_field():
    spec = definition([{"field": "a", "widget": "text"}], third_party=True)
    assert is_third_party_form(spec) and third_party_fields(spec) == {"a", "b", "kids"}
    assert redact_answers({"a": 1, "b": 2}, third_party_fields(spec)) == ({}, ["a", "b"])


def test_shipped_forms_mark_family_victim_and_agency_information():
    referral = json.loads((DEFINITIONS / "community_referral.json").read_text())
    assert {"current_family", "offending_documents", "cpr_minutes", "partner_support"} <= third_party_fields(referral)
    assert "why_attend" not in third_party_fields(referral)
    confidential = json.loads((DEFINITIONS / "risk_assessment_confidential.json").read_text())
    assert third_party_fields(confidential) == {"parent_name", "parent_dob", "children_names"}


def test_the_metaschema_accepts_the_marking_only_as_true_or_false():
    from forms.check import check_definition

    spec = json.loads((DEFINITIONS / "community_referral.json").read_text())
    assert check_definition(spec) == []
    spec["third_party"] = "yes"
    spec["layout"]["pages"][0]["sections"][0]["items"][0]["third_party"] = "sometimes"
    paths = [p.path for p in check_definition(spec)]
    assert paths == ["third_party", "layout.pages[0].sections[0].items[0].third_party"]
