"""Form translations: checked on load, applied by language, English where missing; the engine's own words."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

import pytest

from forms import check_definition, compile_form
from forms.translations import languages, localise, missing_translations, texts
from forms.words import long_date

DEFINITIONS = Path(__file__).resolve().parents[3] / "forms" / "definitions"

FORM = {
    "key": "tiny",
    "title": "Tiny form",
    "schema": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "title": "Name", "description": "As they write it"},
            "agreed": {"type": "boolean", "title": "Agreed?"},
            "colour": {"type": "string", "title": "Colour", "oneOf": [{"const": "red", "title": "Red"},
                                                                       {"const": "blue", "title": "Blue"}]},
            "signature": {"type": "object", "title": "Signature", "properties": {
                "full_name": {"type": "string"}, "date": {"type": "string", "format": "date"},
                "confirmed": {"const": True}}, "required": ["full_name", "date", "confirmed"]},
        },
    },
    "layout": {"pages": [{"key": "one", "title": "Page one", "sections": [{"items": [
        {"field": "name", "widget": "text"}, {"field": "agreed", "widget": "yesno"},
        {"field": "colour", "widget": "radios"}, {"field": "signature", "widget": "attestation"}]}]}]},
    "translations": {"cy": {
        "/title": "Ffurflen fach",
        "/schema/properties/name/title": "Enw",
        "/schema/properties/colour/oneOf/0/title": "Coch",
        "/layout/pages/0/title": "Tudalen un",
    }},
}


def test_a_translated_form_checks_and_reads_in_its_language_with_english_where_missing():
    assert check_definition(FORM) == []
    welsh = compile_form(FORM, "cy")
    assert welsh.language == "cy" and welsh.title == "Ffurflen fach" and welsh.pages[0].title == "Tudalen un"
    by_name = {f.name: f for f in welsh.fields}
    assert by_name["name"].label == "Enw"
    assert by_name["name"].hint == "As they write it"  # not translated: English
    assert [o.label for o in by_name["colour"].options] == ["Coch", "Blue"]
    assert [o.label for o in by_name["agreed"].options] == ["Ie", "Na"]  # the engine's own words
    assert by_name["signature"].part_label("full_name") == "Enw llawn"
    # Values and keys never change with the language, so answers are the same whichever language filled them.
    assert [o.value for o in by_name["colour"].options] == ["red", "blue"]
    english = compile_form(FORM)
    assert english.title == "Tiny form" and english.language == "en"
    assert [o.label for o in {f.name: f for f in english.fields}["agreed"].options] == ["Yes", "No"]
    assert compile_form(FORM, "cy") is welsh and compile_form(FORM, "en") is english  # cached per language


def test_a_language_the_form_lacks_is_english_and_summaries_follow_the_language():
    assert compile_form(FORM, "fr").title == "Tiny form"
    answers = {"name": "Dai", "agreed": True, "colour": "red",
               "signature": {"full_name": "Dai Jones", "date": "2026-11-20", "confirmed": True}}
    rows = {r.field: r.text for r in compile_form(FORM, "cy").summary(answers)}
    assert rows == {"name": "Dai", "agreed": "Ie", "colour": "Coch",
                    "signature": "Wedi’i lofnodi gan Dai Jones ar 20 Tachwedd 2026"}
    assert compile_form(FORM, "cy").summary({})[0].text == "Heb ei ateb"
    assert long_date(date(2026, 3, 12), "cy") == "12 Mawrth 2026" and long_date(date(2026, 3, 12)) == "12 March 2026"


@pytest.mark.parametrize(("pointer", "value", "message"), [
    ("/schema/properties/colour/oneOf/0/const", "coch", "not a text people read"),
    ("/schema/properties/nothing/title", "Dim", "points to nothing"),
    ("/key", "bach", "not a text people read"),
    ("/translations/cy/~1title", "x", "points to nothing"),
    ("title", "x", "expected form"),
])
def test_a_translation_must_point_at_a_text_of_the_form(pointer, value, message):
    broken = copy.deepcopy(FORM)
    broken["translations"]["cy"][pointer] = value
    problems = check_definition(broken)
    assert problems and message in " ".join(p.message for p in problems), problems


@pytest.mark.parametrize("language", ["en", "Welsh", "CY", ""])
def test_a_translation_is_named_by_a_language_code_other_than_english(language):
    broken = copy.deepcopy(FORM)
    broken["translations"][language] = {"/title": "x"}
    assert check_definition(broken), language


def test_localise_leaves_the_definition_alone_and_missing_lists_the_untranslated_texts():
    before = copy.deepcopy(FORM)
    assert localise(FORM, "cy")["title"] == "Ffurflen fach" and before == FORM
    assert localise(FORM, "en") is FORM
    missing = dict(missing_translations(FORM, "cy"))
    assert "/schema/properties/name/description" in missing and "/title" not in missing
    assert languages(FORM) == ["cy"]


@pytest.mark.parametrize("key", ["request_for_service", "screening", "consent"])
def test_the_shipped_referral_forms_are_in_welsh(key):
    definition = json.loads((DEFINITIONS / f"{key}.json").read_text(encoding="utf-8"))
    assert check_definition(definition) == []
    # Every text a referrer reads is translated; error labels stay English with the (English) error messages.
    missing = [p for p, _ in missing_translations(definition, "cy") if not p.endswith("/error_label")]
    assert missing == []
    assert len(dict(texts(definition))) > 10



@pytest.mark.parametrize(("language", "expected"), [
    ("en", {"contact_gp": "Select whether consent is given to contact the General Practitioner",
            "person_signature.confirmed": "Tick the box to confirm the signature of the person giving consent",
            "referrer_signature.full_name": "Enter the full name for the referrer’s signature"}),
    ("cy", {"contact_gp": "Dewiswch ateb ar gyfer cysylltu â’r Meddyg Teulu",
            "person_signature.confirmed": "Ticiwch y blwch i gadarnhau llofnod y person sy’n rhoi caniatâd",
            "referrer_signature.full_name": "Rhowch yr enw llawn ar gyfer llofnod yr atgyfeiriwr"}),
])
def test_the_consent_forms_messages_say_what_is_missing_once(language, expected):
    definition = json.loads((DEFINITIONS / "consent.json").read_text(encoding="utf-8"))
    form = compile_form(localise(definition, language) if language != "en" else definition)
    said = {}
    for method in ("signed_here", "waived_child_protection"):
        for problem in form.validate({"consent_method": method}, today=date(2026, 12, 4), partial=False,
                                     language=language):
            said[problem.field] = problem.message
    assert {field: said.get(field) for field in expected} == expected


# The shipped forms whose every text, error labels included, is in Welsh. Add a form here when it is translated.
WELSH_FORMS = [
    "addendum_risk_assessment", "community_referral", "hra_behaviour_inventory", "hra_self_assessment",
    "risk_assessment", "risk_assessment_confidential", "sara",
]
NUMBERED = re.compile(r"^\s*(\(?[0-9]{1,2}[a-z]?[.)]|\([a-z]+\))\s")


@pytest.mark.parametrize("key", WELSH_FORMS)
def test_the_shipped_form_has_every_text_in_welsh(key):
    definition = json.loads((DEFINITIONS / f"{key}.json").read_text(encoding="utf-8"))
    assert check_definition(definition) == []
    assert missing_translations(definition, "cy") == []
    english, welsh = dict(texts(definition)), definition["translations"]["cy"]
    for pointer, text in english.items():
        number = NUMBERED.match(text)  # a question keeps its number: people refer to "question 8"
        assert not number or welsh[pointer].startswith(number.group(0).strip()), (pointer, welsh[pointer])
    assert compile_form(definition, "cy").title == welsh["/title"]


def test_a_computed_values_parameters_are_structure_not_text():
    definition = json.loads((DEFINITIONS / "hra_behaviour_inventory.json").read_text(encoding="utf-8"))
    assert not [p for p, _ in texts(definition) if p.startswith("/computed/")]
    definition["translations"] = {"cy": {"/computed/0/params/columns/0": "gwnes i"}}
    [problem] = check_definition(definition)
    assert "not a text people read" in problem.message
