"""The builder engine says its refusals and messages in the language it is given (English by default)."""

from __future__ import annotations

import pytest

from errors import InvalidInput
from forms.builder import bulk, calculations, edit, layout
from forms.builder.calculations import kinds
from forms.builder.input import field_spec
from forms.builder.order import move_to, moved_message
from forms.builder.shape import new_definition


def _form() -> dict:
    defn = new_definition("check", "Checklist")
    spec = field_spec(defn, {"label": "Name", "name": "name"}, widget="text")
    return edit.add_field(defn, spec, page=0, section=0)


# (the refusal, given the form and a language; its English; its Welsh)
REFUSALS = [
    (lambda d, language: edit.locate(d, "nope", language=language),
     "The form has no question called “nope”", "Nid oes cwestiwn o’r enw “nope” ar y ffurflen"),
    (lambda d, language: move_to(d, "name", "9", language=language),
     "Enter a position from 1 to 1", "Rhowch safle o 1 i 1"),
    (lambda d, language: layout.remove_page(new_definition("empty", "Empty"), "page_1", language=language),
     "A form needs at least one page", "Mae angen o leiaf un dudalen ar ffurflen"),
    (lambda d, language: calculations.calculation(d, {"label": "X"}, [], language=language),
     "Choose what to work out", "Dewiswch beth i’w gyfrifo"),
    (lambda d, language: field_spec(d, {"label": ""}, widget="text", language=language),
     "Enter the question", "Rhowch y cwestiwn"),
    (lambda d, language: bulk.add_questions(d, {"widget": "text"}, page=0, section=0, language=language),
     "Paste or type the questions, one on each line", "Gludwch neu teipiwch y cwestiynau, un ar bob llinell"),
    (lambda d, language: field_spec(d, {"label": "X", "show_when_field": "name", "show_when_expr": "name"},
                                    widget="text", language=language),
     "Choose a question above or write a condition, not both",
     "Dewiswch gwestiwn uchod neu ysgrifennwch amod, nid y ddau"),
]


@pytest.mark.parametrize(("refuse", "english", "welsh"), REFUSALS, ids=[r[1] for r in REFUSALS])
@pytest.mark.parametrize("language", ["en", "cy"])
def test_refusals_are_in_the_language_asked_for(refuse, english, welsh, language):
    with pytest.raises(InvalidInput) as caught:
        refuse(_form(), language)
    assert (english if language == "en" else welsh) in [p.message for p in caught.value.problems]


def test_refusals_are_english_when_no_language_is_given():
    with pytest.raises(InvalidInput) as caught:
        edit.locate(_form(), "nope")
    assert caught.value.problems[0].message == "The form has no question called “nope”"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "“Name” moved to position 1 of 1"), ("cy", "Mae “Name” wedi’i symud i safle 1 o 1")])
def test_the_moved_message_is_in_the_language_asked_for(language, expected):
    assert moved_message(_form(), "name", language=language) == {"message": expected, "anchor": "name"}


@pytest.mark.parametrize(("language", "label"), [("en", "Count an answer"), ("cy", "Cyfrif ateb")])
def test_the_kinds_of_calculation_are_in_the_language_asked_for(language, label):
    offered = kinds(language)
    assert [k for k, _label, _hint in offered] == ["count", "score", "bands", "expression"]
    assert offered[0][1] == label
    assert "count('Yes', q1, q2)" in offered[3][2]
