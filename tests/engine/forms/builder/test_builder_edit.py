"""The builder's pure parts: posted question forms to JSON Schema and layout, edits, checks and diffs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from errors import InvalidInput
from forms import check_definition, compile_form
from forms.builder import edit, layout
from forms.builder.check import condition_text, diff_definitions, draft_problems, publish_problems
from forms.builder.input import field_spec, field_values
from forms.builder.shape import new_definition, suggested_key


def add(defn: dict, data: dict, *, page: int = 0, section: int = 0, parent: str | None = None) -> dict:
    spec = field_spec(defn, data, widget=data["widget"], parent=parent)
    return edit.add_field(defn, spec, page=page, section=section, parent=parent)


@pytest.fixture
def qol() -> dict:
    """The Quality of Life interview of the acceptance test, built as the builder builds it."""
    defn = new_definition("quality_of_life", "Quality of Life interview")
    defn = add(defn, {"widget": "text", "label": "What matters most to you?", "name": "matters", "required": "true"})
    defn = add(defn, {"widget": "date", "label": "Date of the interview", "name": "interview_date",
                      "no_future": "true"})
    defn = add(defn, {"widget": "scale", "label": "How good is your life now?", "name": "rating", "min": "1",
                      "max": "10"})
    defn = add(defn, {"widget": "yesno", "label": "Do you have support?", "name": "has_support"})
    return add(defn, {"widget": "textarea", "label": "Who supports you?", "name": "supporters", "required": "true",
                      "show_when_field": "has_support", "show_when_value": "yes"})


# --- every widget becomes valid JSON Schema plus layout -------------------------------------------------------

WIDGETS = [
    ({"widget": "text", "label": "Name", "max_length": "80"}, {"type": "string", "maxLength": 80}),
    ({"widget": "textarea", "label": "Notes", "rows": "6"}, {"type": "string"}),
    ({"widget": "number", "label": "Weight", "min": "0.5", "max": "300"}, {"type": "number", "minimum": 0.5,
                                                                          "maximum": 300}),
    ({"widget": "integer", "label": "Sessions", "min": "0"}, {"type": "integer", "minimum": 0}),
    ({"widget": "date", "label": "Seen on", "no_future": "true"}, {"type": "string", "format": "date"}),
    ({"widget": "yesno", "label": "Interpreter?"}, {"type": "boolean"}),
    ({"widget": "radios", "label": "Mood", "options": "Good | 2\nBad | 0"},
     {"type": "string", "oneOf": [{"const": "good", "title": "Good"}, {"const": "bad", "title": "Bad"}]}),
    ({"widget": "select", "label": "Area", "options": "North\nSouth"}, {"type": "string"}),
    ({"widget": "checkboxes", "label": "Agencies", "options": "Police\nHealth\nSchool"}, {"type": "array"}),
    ({"widget": "scale", "label": "Rating", "min": "1", "max": "10"}, {"type": "integer", "minimum": 1,
                                                                       "maximum": 10}),
    ({"widget": "repeater", "label": "Children", "first_child_label": "Child's name", "add_label": "Add a child"},
     {"type": "array"}),
    ({"widget": "attestation", "label": "Signature"}, {"type": "object"}),
    ({"widget": "file", "label": "Signed consent", "accept": ".pdf", "max_megabytes": "2"}, {"type": "object"}),
]


@pytest.mark.parametrize(("data", "expected"), WIDGETS, ids=[w[0]["widget"] for w in WIDGETS])
def test_every_widget_gives_plain_json_schema_the_engine_accepts(data, expected):
    defn = add(new_definition("f", "F"), {**data, "required": "true"})
    name = suggested_key(data["label"], set())
    prop = defn["schema"]["properties"][name]
    assert {k: prop[k] for k in expected} == expected
    assert prop["title"] == data["label"]
    assert name in defn["schema"]["required"]
    assert check_definition(defn) == []
    compile_form(defn)


def test_options_carry_scores_and_keep_their_values_when_relabelled(qol):
    defn = add(qol, {"widget": "radios", "label": "How often?", "name": "often",
                     "options": "Never | 0\nSometimes | 1\nOften | 2"})
    item = defn["layout"]["pages"][0]["sections"][0]["items"][-1]
    assert item["option_meta"] == {"never": {"score": 0}, "sometimes": {"score": 1}, "often": {"score": 2}}
    values = field_values(defn, "often")
    assert values["options"] == "Never | 0\nSometimes | 1\nOften | 2"
    changed = edit.update_field(defn, "often", field_spec(defn, {**values, "options": "Never | 0\nOften | 3"},
                                                          widget="radios", path="often"))
    consts = [o["const"] for o in changed["schema"]["properties"]["often"]["oneOf"]]
    assert consts == ["never", "often"]
    assert changed["layout"]["pages"][0]["sections"][0]["items"][-1]["option_meta"]["often"] == {"score": 3}


def test_a_conditional_required_question_is_required_only_when_shown(qol):
    item = qol["layout"]["pages"][0]["sections"][0]["items"][-1]
    assert item["show_when"] == {"field": "has_support", "equals": True}
    assert item["required_when_shown"] is True
    assert "supporters" not in qol["schema"]["required"]
    assert condition_text(qol, "supporters", item["show_when"]) == "“Do you have support?” is Yes"
    form = compile_form(qol)
    assert {e.field for e in form.validate({"matters": "x", "has_support": True}, today=_today())} == {"supporters"}
    assert form.validate({"matters": "x", "has_support": False}, today=_today()) == []


def _today():
    from datetime import date

    return date(2026, 11, 24)


INPUT_PROBLEMS = [
    ({"widget": "text", "label": ""}, "label"),
    ({"widget": "text", "label": "X", "name": "Bad Name"}, "name"),
    ({"widget": "text", "label": "X", "name": "matters"}, "name"),
    ({"widget": "radios", "label": "X", "options": "Only one"}, "options"),
    ({"widget": "radios", "label": "X", "options": "A | x\nB"}, "options"),
    ({"widget": "radios", "label": "X", "options": "A\nA"}, "options"),
    ({"widget": "scale", "label": "X", "min": "1"}, "max"),
    ({"widget": "scale", "label": "X", "min": "5", "max": "2"}, "max"),
    ({"widget": "integer", "label": "X", "min": "1.5"}, "min"),
    ({"widget": "textarea", "label": "X", "rows": "99"}, "rows"),
    ({"widget": "text", "label": "X", "max_length": "-5"}, "max_length"),  # not JSON Schema's "must be 0 or more"
    ({"widget": "text", "label": "X", "max_length": "0"}, "max_length"),
    ({"widget": "repeater", "label": "X"}, "first_child_label"),
    ({"widget": "text", "label": "X", "show_when_field": "nope", "show_when_value": "yes"}, "show_when_field"),
    ({"widget": "text", "label": "X", "show_when_field": "has_support", "show_when_value": "maybe"},
     "show_when_value"),
    ({"widget": "text", "label": "X", "show_when_field": "rating", "show_when_value": "high"}, "show_when_value"),
    ({"widget": "text", "label": "X", "show_when_field": "has_support"}, "show_when_option"),
    ({"widget": "nonsense", "label": "X"}, "widget"),
]


@pytest.mark.parametrize(("data", "field"), INPUT_PROBLEMS)
def test_bad_input_is_refused_naming_the_input(qol, data, field):
    with pytest.raises(InvalidInput) as caught:
        field_spec(qol, data, widget=data["widget"])
    assert field in {p.field for p in caught.value.problems}


CONDITIONS = [("has_support", "no", {"field": "has_support", "equals": False}),
              ("rating", "7", {"field": "rating", "equals": 7}),
              ("matters", "family", {"field": "matters", "equals": "family"})]


@pytest.mark.parametrize(("target", "text", "stored"), CONDITIONS)
def test_condition_values_are_typed_like_the_answers_they_match(qol, target, text, stored):
    defn = add(qol, {"widget": "text", "label": "More", "name": "more", "show_when_field": target,
                     "show_when_value": text})
    assert defn["layout"]["pages"][0]["sections"][0]["items"][-1]["show_when"] == stored
    assert draft_problems(defn) == []


# --- edits ------------------------------------------------------------------------------------------------------

def test_moving_a_question_above_the_one_it_depends_on_is_named_in_the_problem(qol):
    moved = edit.move_field(qol, "supporters", "up")
    problems = draft_problems(moved)
    assert [p.field for p in problems] == ["supporters"]
    assert "Question “Who supports you?”" in problems[0].message


def test_moves_cross_into_the_next_section_and_page(qol):
    defn, _key = layout.add_page(qol, "About support")
    moved = edit.move_field(defn, "supporters", "down")
    assert [i["field"] for i in moved["layout"]["pages"][1]["sections"][0]["items"]] == ["supporters"]
    back = edit.move_field(moved, "supporters", "up")
    assert back["layout"]["pages"][0]["sections"][0]["items"][-1]["field"] == "supporters"
    assert edit.move_field(qol, "matters", "up") == qol


def test_renaming_a_question_carries_the_conditions_that_name_it(qol):
    spec = field_spec(qol, {"label": "Support?", "name": "support"}, widget="yesno", path="has_support")
    renamed = edit.update_field(qol, "has_support", spec)
    assert "support" in renamed["schema"]["properties"] and "has_support" not in renamed["schema"]["properties"]
    assert renamed["layout"]["pages"][0]["sections"][0]["items"][-1]["show_when"]["field"] == "support"
    assert draft_problems(renamed) == []


@pytest.mark.parametrize("path", ["has_support"])
def test_a_question_others_depend_on_cannot_be_removed(qol, path):
    with pytest.raises(InvalidInput, match="Who supports you"):
        edit.remove_field(qol, path)
    reduced = edit.remove_field(edit.remove_field(qol, "supporters"), path)
    assert set(reduced["schema"]["properties"]) == {"matters", "interview_date", "rating"}


def test_repeating_groups_hold_their_own_questions(qol):
    defn = add(qol, {"widget": "repeater", "label": "Children", "name": "children", "first_child_label": "Name"})
    defn = add(defn, {"widget": "date", "label": "Date of birth", "name": "dob"}, parent="children")
    defn = add(defn, {"widget": "yesno", "label": "At school?", "name": "school"}, parent="children")
    defn = add(defn, {"widget": "text", "label": "Which school?", "name": "which", "show_when_field": "school",
                      "show_when_value": "yes"}, parent="children")
    row = defn["schema"]["properties"]["children"]["items"]
    assert list(row["properties"]) == ["name", "dob", "school", "which"]
    assert check_definition(defn) == []
    with pytest.raises(InvalidInput):
        edit.remove_field(defn, "children.school")
    moved = edit.move_field(defn, "children.dob", "up")
    assert [i["field"] for i in moved["layout"]["pages"][0]["sections"][0]["items"][-1]["items"]][:2] == ["dob", "name"]


def test_empty_pages_and_sections_are_allowed_in_a_draft_and_dropped_on_publishing(qol):
    defn, _key = layout.add_page(qol, "Later")
    defn = layout.add_section(defn, "page_1", "Empty for now")
    assert check_definition(defn) != []
    assert draft_problems(defn) == [] and publish_problems(defn) == []
    pruned = layout.prune(defn)[0]
    assert len(pruned["layout"]["pages"]) == 1 and len(pruned["layout"]["pages"][0]["sections"]) == 1
    assert publish_problems(new_definition("x", "X"))[0].field == "fields"


LAYOUT_REFUSALS = [
    (lambda d: layout.remove_page(d, "page_1"), "page"),
    (lambda d: layout.remove_section(d, "page_1", 0), "section"),
    (lambda d: layout.add_page(d, " "), "title"),
    (lambda d: layout.update_settings(d, title="T", tags="case-extra"), "tags"),
    (lambda d: layout.update_settings(d, title="T", classification="secret"), "classification"),
    (lambda d: layout.add_computed(d, "Total", "sum_fields", {"fields": ["rating"]}), "computed_key"),
]


@pytest.mark.parametrize(("change", "field"), LAYOUT_REFUSALS)
def test_layout_changes_that_cannot_be_made_are_refused(qol, change, field):
    with pytest.raises(InvalidInput) as caught:
        change(qol)
    assert caught.value.problems[0].field == field


def test_computed_values_are_checked_by_the_engine_and_named(qol):
    good = layout.add_computed(qol, "total", "sum_fields", {"fields": ["rating"]})
    assert draft_problems(good) == []
    assert compile_form(good).compute({"rating": 7}) == {"total": 7}
    bad = layout.add_computed(qol, "total", "sum_fields", {"fields": ["nothing"]})
    assert [p.field for p in draft_problems(bad)] == ["computed-total"]


# --- diffs ------------------------------------------------------------------------------------------------------

def test_the_diff_lists_added_removed_and_changed_questions(qol):
    before = copy.deepcopy(qol)
    after = edit.remove_field(qol, "supporters")
    spec = field_spec(after, {**field_values(after, "rating"), "max": "5", "required": "true"}, widget="scale",
                      path="rating")
    after = edit.update_field(after, "rating", spec)
    after = add(after, {"widget": "text", "label": "Anything else?", "name": "else_"})
    after = layout.update_settings(after, title="Quality of Life", tags="dao_assessment")
    diff = diff_definitions(before, after)
    assert [q["path"] for q in diff["added"]] == ["else_"]
    assert [q["path"] for q in diff["removed"]] == ["supporters"]
    assert diff["changed"] == [{"path": "rating", "label": "How good is your life now?",
                                "changes": ["now required", "range changed from 1–10 to 1–5"]}]
    assert "tags changed to dao_assessment" in diff["form"]
    assert diff_definitions(None, qol)["added"][0]["path"] == "matters"


def test_renaming_a_question_does_not_change_the_conditions_that_follow_it(qol):
    spec = field_spec(qol, {"label": "Support?", "name": "support"}, widget="yesno", path="has_support")
    renamed = edit.update_field(qol, "has_support", spec)
    diff = diff_definitions(qol, renamed)
    # "Who supports you?" is still shown when the same question is Yes: nothing about it changed.
    assert [q["path"] for q in diff["changed"]] == []
    assert ([q["path"] for q in diff["removed"]], [q["path"] for q in diff["added"]]) == (["has_support"], ["support"])
    values = field_values(renamed, "supporters")
    spec = field_spec(renamed, {**values, "show_when_option": "support=false"}, widget="textarea", path="supporters")
    flipped = edit.update_field(renamed, "supporters", spec)
    assert diff_definitions(qol, flipped)["changed"] == [{
        "path": "supporters", "label": "Who supports you?", "changes": ["now shown only when “Support?” is No"]}]


def test_editing_a_shipped_labelled_scale_keeps_its_points_and_their_values():
    sara = json.loads((Path(__file__).resolve().parents[4] / "forms/definitions/sara.json").read_text())
    path = "sara_1_past_assault_family"
    values = field_values(sara, path)
    assert values["options"].splitlines() == ["0 – Absent", "1 – Partially or possibly present", "2 – Present"]
    values.update(label="1. Past assault of family members (any)",
                  options=values["options"] + "\nNot known")
    changed = edit.update_field(sara, path, field_spec(sara, values, widget="scale", path=path))
    points = changed["schema"]["properties"][path]["oneOf"]
    assert [p["const"] for p in points] == [0, 1, 2, "not_known"]
    # The ratings are a grid, so its other questions take the same options.
    other = changed["schema"]["properties"]["sara_2_past_assault_strangers"]["oneOf"]
    assert [p["const"] for p in other] == [0, 1, 2, "not_known"]
    assert changed["computed"] == sara["computed"]
    assert check_definition(changed) == []
