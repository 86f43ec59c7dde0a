"""Numbers, digits and text beyond what MongoDB stores become messages on their field, never exceptions."""

from __future__ import annotations

from datetime import date, datetime

import bson
import pytest

from errors import InvalidInput
from forms import compile_form
from forms.validate import MAX_TEXT_LENGTH
from workflows.inputs import InputSpec, clean_inputs

NOW = datetime(2026, 11, 24, 10, 0)
FORM = {
    "key": "bounds", "title": "Bounds", "version": 1, "classification": "standard",
    "schema": {"type": "object", "properties": {
        "count": {"type": "integer", "title": "Sessions held", "minimum": 0, "maximum": 50},
        "amount": {"type": "number", "title": "Amount"},
        "score": {"type": "integer", "title": "Score", "minimum": 1, "maximum": 5},
        "notes": {"type": "string", "title": "Notes"},
    }},
    "layout": {"pages": [{"key": "main", "title": "Main", "sections": [{"items": [
        {"field": "count", "widget": "integer"}, {"field": "amount", "widget": "number"},
        {"field": "score", "widget": "scale"}, {"field": "notes", "widget": "textarea"},
    ]}]}]},
}


@pytest.fixture(scope="module")
def form():
    return compile_form(FORM)


@pytest.mark.parametrize("typed, message", [
    ("33333333333333333333", "Enter a number between 0 and 50 for Sessions held"),
    (str(2**63), "Enter a number between 0 and 50 for Sessions held"),
    (str(-(2**63) - 1), "Enter a number between 0 and 50 for Sessions held"),
    ("9" * 5000, "Enter a number between 0 and 50 for Sessions held"),
    ("²", "Enter a whole number for Sessions held"),
    ("٣", "Enter a whole number for Sessions held"),
])
def test_a_number_mongodb_cannot_store_is_a_field_error_and_the_other_answers_are_kept(form, typed, message):
    answers = form.parse_form({"count": typed, "notes": "kept", "amount": "2.5"})
    assert answers == {"count": typed, "notes": "kept", "amount": 2.5}
    bson.encode(answers)
    problems = form.validate(answers, today=date(2026, 11, 24), partial=True)
    assert [(p.field, p.message) for p in problems] == [("count", message)]


def test_decimals_beyond_a_float_and_huge_scales_stay_as_typed_and_are_reported(form):
    answers = form.parse_form({"amount": "1" * 4301 + ".5", "score": "33333333333333333333"})
    bson.encode(answers)
    problems = {p.field: p.message for p in form.validate(answers, today=date(2026, 11, 24), partial=True)}
    assert problems["amount"].startswith("Enter a number between -9,223,372,036,854,775,808 and")
    assert problems["score"] == "Score must be a whole number from 1 to 5"


def test_the_edges_of_the_64_bit_range_are_numbers():
    form = compile_form({**FORM, "schema": {"type": "object", "properties": {"count": {"type": "integer"}}},
                         "layout": {"pages": [{"key": "main", "title": "Main", "sections": [{"items": [
                             {"field": "count", "widget": "integer"}]}]}]}})
    assert form.parse_form({"count": str(2**63 - 1)}) == {"count": 2**63 - 1}
    assert form.parse_form({"count": str(-(2**63))}) == {"count": -(2**63)}


def test_a_huge_answer_is_kept_and_reported_on_its_field(form):
    answers = form.parse_form({"notes": "x" * (MAX_TEXT_LENGTH + 1), "count": "3"})
    problems = form.validate(answers, today=date(2026, 11, 24), partial=True)
    assert answers["count"] == 3 and len(answers["notes"]) == MAX_TEXT_LENGTH + 1
    assert [(p.field, p.message) for p in problems] == [("notes", "Notes must be 100,000 characters or fewer")]


def test_lone_surrogates_are_removed_from_answers(form):
    answers = form.parse_form({"notes": "call \ud800 soon"})
    assert answers == {"notes": "call  soon"}
    bson.encode(answers)


SESSIONS = InputSpec(name="held", kind="number", label="Pre-programme sessions held", minimum=3)


@pytest.mark.parametrize("typed, message", [
    ("33333333333333333333", "Enter a number between 3 and 9,223,372,036,854,775,807"),
    (2**70, "Enter a number between 3 and 9,223,372,036,854,775,807"),
    ("²", "Pre-programme sessions held must be a whole number"),
    ("٣", "Pre-programme sessions held must be a whole number"),
    (1e3, "Pre-programme sessions held must be a whole number"),
    ("9" * 5000, "Pre-programme sessions held must be a whole number"),
    ([3], "Pre-programme sessions held must be a whole number"),
])
def test_a_step_number_mongodb_cannot_store_is_a_field_error(typed, message):
    with pytest.raises(InvalidInput) as caught:
        clean_inputs([SESSIONS], {"held": typed}, now=NOW)
    assert [(p.field, p.message) for p in caught.value.problems] == [("held", message)]
    assert clean_inputs([SESSIONS], {"held": " 4 "}, now=NOW) == {"held": 4}
