"""The field-type registry: every type has every part, and a type's answers survive a page, a post and a summary."""

from __future__ import annotations

import ast
import copy
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from forms import check_definition, compile_form, widgets
from forms.phrases import Phrases
from tests.engine.forms.test_forms_render import ENV, Page
from tests.engine.forms.test_forms_support import small

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 6, 1)
OPTIONS = [{"const": "good", "title": "Good"}, {"const": "bad", "title": "Bad"}]
BUILDER_OPTIONS = [{"value": "good", "label": "Good"}, {"value": "bad", "label": "Bad"}]

# name: (schema, layout extras, posted, stored answer, summary text, builder spec)
SAMPLES = {
    "text": ({"type": "string", "title": "Name"}, {}, {"answer": "  Sam  "}, "Sam", "Sam", {"max_length": 80}),
    "textarea": ({"type": "string", "title": "Notes"}, {"rows": 3}, {"answer": "One\r\nTwo"}, "One\nTwo",
                 "One\nTwo", {"rows": 3}),
    "number": ({"type": "number", "title": "Weight"}, {}, {"answer": "1,234.5"}, 1234.5, "1234.5",
               {"min": 0.5, "max": 9000}),
    "integer": ({"type": "integer", "title": "Sessions"}, {}, {"answer": "12"}, 12, "12", {"min": 0}),
    "date": ({"type": "string", "format": "date", "title": "Seen on"}, {"no_future": True},
             {"answer-day": "3", "answer-month": "Mar", "answer-year": "2026"}, "2026-03-03", "3 March 2026",
             {"no_future": True}),
    "yesno": ({"type": "boolean", "title": "Interpreter needed"}, {"inline": True}, {"answer": "yes"}, True, "Yes",
              {"inline": True}),
    "radios": ({"type": "string", "title": "Mood", "oneOf": OPTIONS}, {}, {"answer": "bad"}, "bad", "Bad",
               {"options": BUILDER_OPTIONS}),
    "select": ({"type": "string", "title": "Mood", "oneOf": OPTIONS}, {}, {"answer": "good"}, "good", "Good",
               {"options": BUILDER_OPTIONS}),
    "checkboxes": ({"type": "array", "title": "Moods", "items": {"oneOf": OPTIONS}}, {},
                   {"answer": ["good", "bad", "good"]}, ["good", "bad"], "Good\nBad", {"options": BUILDER_OPTIONS}),
    "scale": ({"type": "integer", "minimum": 1, "maximum": 5, "title": "Rating"}, {}, {"answer": "4"}, 4, "4",
              {"min": 1, "max": 5}),
    "repeater": ({"type": "array", "title": "Children", "items": {
        "type": "object", "properties": {"child_name": {"type": "string", "title": "Name"}}}},
        {"items": [{"field": "child_name", "widget": "text"}]},
        {"answer-0-child_name": "Ann", "answer-1-child_name": " "}, [{"child_name": "Ann"}], "1 entry",
        {"first_child": {"name": "child_name", "label": "Name"}}),
    "attestation": ({"title": "Signature", **copy.deepcopy(widgets.get("attestation").build_schema)}, {},
                    {"answer-full_name": "Sam Worker", "answer-date-day": "1", "answer-date-month": "5",
                     "answer-date-year": "2026", "answer-confirmed": "true"},
                    {"full_name": "Sam Worker", "date": "2026-05-01", "confirmed": True},
                    "Signed by Sam Worker on 1 May 2026", {}),
    "file": ({"title": "Letter", **copy.deepcopy(widgets.get("file").build_schema)}, {"accept": ".pdf"},
             {"answer-id": "f1", "answer-filename": "letter.pdf", "answer-size": "10"},
             {"id": "f1", "filename": "letter.pdf", "size": 10}, "letter.pdf", {"accept": ".pdf", "max_bytes": 100}),
}
PAGE = ENV.from_string('{% import "forms/_fields.html" as f %}<form>{{ f.render_page(form, "only", answers, '
                       'errors) }}</form>')


def one_field(name: str) -> dict:
    """Return a one-question definition asking the sample question of this type."""
    schema, extras, *_ = SAMPLES[name]
    return small({"answer": schema}, [{"field": "answer", "widget": name, **extras}])


def test_every_registered_type_has_a_sample_here():
    assert set(widgets.names()) == set(SAMPLES)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_every_type_has_every_part(name):
    kind = widgets.get(name)
    assert kind.name == name and kind.label and kind.hint
    assert (ROOT / "templates" / kind.template).is_file()
    assert check_definition(one_field(name)) == []
    wrong = {"type": "string"} if name == "yesno" else {"type": "boolean"}
    advice = widgets.shape_problem(name, wrong)
    assert advice and ("{" in advice or "needs" in advice)  # it says what to write instead
    form = compile_form(one_field(name))
    spec = form.field("answer")
    assert spec.widget_type is kind and spec.template == kind.template
    p = Phrases(spec)
    assert spec.label.lower() in kind.missing(spec, p, kind.parts[0] if kind.parts else None).lower()
    assert kind.invalid(spec, p, "type", None, "?", None)


def welsh_wordings() -> list[re.Pattern]:
    """Return each Welsh message of the catalogue as a pattern its values may fill."""
    with open(ROOT / "translations" / "cy" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="cy")
    return [re.compile(re.sub(r"%\\\(\w+\\\)s", ".+", re.escape(m.string)) + "$")
            for m in catalogue if m.id and isinstance(m.string, str) and m.string]


@pytest.mark.parametrize("name", list(SAMPLES))
def test_every_type_says_its_messages_in_welsh(name):
    # A type whose wording is not marked with N_ and translated in the catalogue fails here (see forms/phrases.py).
    kind = widgets.get(name)
    spec = compile_form(one_field(name)).field("answer")
    wordings, welsh = welsh_wordings(), Phrases(spec, "cy")
    # The same label values said with the English sentences: a message the catalogue does not translate reads so
    # (a catalogue entry made of values alone, "%(a)s %(b)s", would otherwise match any sentence).
    english = copy.copy(welsh)
    english.language = "en"

    def messages(p):
        return [message for part in kind.parts or (None,)
                for message in (kind.missing(spec, p, part), kind.invalid(spec, p, "type", None, "?", part),
                                kind.invalid(spec, p, "minItems", 2, [], part))]

    for message, in_english in zip(messages(welsh), messages(english), strict=True):
        assert any(w.match(message) for w in wordings), f"{name}: {message!r} is not Welsh"
        assert message != in_english, f"{name}: {message!r} is not in the Welsh catalogue"
        assert f"“{spec.label}”" in message


@pytest.mark.parametrize("name", list(SAMPLES))
def test_a_posted_answer_is_parsed_valid_and_summarised(name):
    _, _, posted, stored, text, _ = SAMPLES[name]
    form = compile_form(one_field(name))
    answers = form.parse_form(posted)
    assert answers == {"answer": stored}
    assert form.validate(answers, today=TODAY) == []
    [row] = form.summary(answers)
    assert (row.label, row.text, row.answered) == (form.field("answer").label, text, True)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_the_partial_posts_back_the_stored_answer(name):
    stored = SAMPLES[name][3]
    form = compile_form(one_field(name))
    html = PAGE.render(form=form, answers={"answer": stored}, errors={})
    assert 'data-field-wrapper="answer"' in html
    assert form.parse_form(Page(html).posted) == {"answer": stored}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_a_missing_answer_gets_the_types_message_on_its_page(name):
    form = compile_form({**one_field(name), "schema": {**one_field(name)["schema"], "required": ["answer"]}})
    errors = form.validate({}, today=TODAY)
    assert errors and all(e.message for e in errors)
    html = PAGE.render(form=form, answers={}, errors={e.field: e.message for e in errors})
    assert "govuk-error-message" in html


@pytest.mark.parametrize("name", list(SAMPLES))
def test_the_builder_shape_makes_a_definition_that_passes_the_check(name):
    kind = widgets.get(name)
    spec = {"widget": name, "name": "answer", "label": "Question", **SAMPLES[name][5]}
    prop = {"title": "Question"}
    kind.build_prop(spec, prop, None)
    item = {"field": "answer", "widget": name}
    kind.build_item(spec, item, None)
    assert widgets.shape_problem(name, prop) is None
    assert check_definition(small({"answer": prop}, [item])) == []
    assert set(item) - {"field", "widget"} <= set(kind.layout)


def test_a_layout_key_of_another_type_is_refused_naming_the_type():
    defn = small({"answer": {"type": "string", "title": "Name"}}, [{"field": "answer", "widget": "text", "rows": 3}])
    [problem] = check_definition(defn)
    assert problem.message == "does not apply to the text widget"


def test_the_field_types_import_neither_the_web_nor_the_database():
    for path in sorted((ROOT / "forms" / "widgets").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        roots = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
        roots |= {node.module.split(".")[0] for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
        assert not roots & {"flask", "mongoengine", "pymongo", "bson", "services", "models"}, path.name


def test_a_type_needs_a_new_name():
    with pytest.raises(ValueError, match="new name"):
        widgets.register(type(widgets.get("text"))())


@pytest.mark.parametrize(("label", "widget", "expected"), [
    ("Date of birth", "text", "Enter the date of birth"),
    ("Describe the family assaults", "textarea", "“Describe the family assaults”"),
    ("Give details of the incident:", "textarea", "“Give details of the incident”"),
    ("L" * 5000, "text", "“" + "L" * 99 + "…”"),
])
def test_a_label_that_is_an_instruction_or_too_long_is_quoted_not_bent_into_the_message(label, widget, expected):
    definition = small({"answer": {"type": "string", "title": label}}, [{"field": "answer", "widget": widget}])
    spec = compile_form(definition).field("answer")
    message = spec.widget_type.missing(spec, Phrases(spec), None)
    assert expected in message and "the describe" not in message and len(message) < 200
