"""Moving a question to any position: the pure move (grids, sections, repeating groups)."""

from __future__ import annotations

import pytest

from errors import InvalidInput
from forms import check_definition
from forms.builder import bulk, edit, layout
from forms.builder.input import field_spec
from forms.builder.order import move_to, order
from forms.builder.shape import new_definition


def add(defn: dict, data: dict, *, page: int = 0, section: int = 0, parent: str | None = None) -> dict:
    spec = field_spec(defn, data, widget=data["widget"], parent=parent)
    return edit.add_field(defn, spec, page=page, section=section, parent=parent)


def layout_names(defn: dict) -> list[list[str]]:
    return [[item.get("field", "(guidance)") for item in section["items"]]
            for page in defn["layout"]["pages"] for section in page["sections"]]


@pytest.fixture
def form() -> dict:
    """Two plain questions, a grid of three Yes/No/Don't know rows with comments, a question on a second page."""
    defn = new_definition("check", "Checklist")
    defn = add(defn, {"widget": "text", "label": "Name", "name": "name"})
    defn = add(defn, {"widget": "date", "label": "Date", "name": "when"})
    defn, _added = bulk.add_questions(defn, {"questions": "1. Injured?\n2. Frightened?\n3. Isolated?",
                                             "widget": "radios", "options": "Yes\nNo\nDon't know", "grid": "true",
                                             "comments": "true"}, page=0, section=0)
    defn, _key = layout.add_page(defn, "Outcome")
    return add(defn, {"widget": "textarea", "label": "Notes", "name": "notes"}, page=1)


def test_positions_count_the_questions_a_grid_comment_travels_with_its_row(form):
    assert order(form) == ["name", "when", "q1_injured", "q2_frightened", "q3_isolated", "notes"]


@pytest.mark.parametrize(("path", "position", "expected"), [
    ("name", 2, ["when", "name"]),
    ("name", "1", ["name", "when"]),
    ("when", 1, ["when", "name"]),
])
def test_a_question_moves_to_the_position_typed(form, path, position, expected):
    moved = move_to(form, path, position)
    assert layout_names(moved)[0][:2] == expected
    assert check_definition(moved) == []


def test_a_grid_row_moves_inside_its_grid_with_its_comment(form):
    moved = move_to(form, "q3_isolated", 3)
    assert layout_names(moved)[0][2:] == ["q3_isolated", "q3_isolated_comment", "q1_injured", "q1_injured_comment",
                                          "q2_frightened", "q2_frightened_comment"]
    assert {item.get("grid") for item in moved["layout"]["pages"][0]["sections"][0]["items"][2:]} == {"grid_q1_q3"}
    assert check_definition(moved) == []


def test_a_grid_row_moved_away_from_its_grid_leaves_it_with_its_comment(form):
    moved = move_to(form, "q2_frightened", 6)
    assert layout_names(moved)[1] == ["notes", "q2_frightened", "q2_frightened_comment"]
    row, comment = moved["layout"]["pages"][1]["sections"][0]["items"][1:]
    assert "grid" not in row and "grid" not in comment and "grid_role" not in comment
    assert check_definition(moved) == []


def test_a_question_with_the_grid_options_joins_the_grid_it_lands_in(form):
    defn = add(form, {"widget": "radios", "label": "Pregnant?", "name": "pregnant",
                      "options": "Yes\nNo\nDon't know"}, page=1)
    moved = move_to(defn, "pregnant", 4)
    items = moved["layout"]["pages"][0]["sections"][0]["items"]
    assert [i["field"] for i in items if i.get("grid") and not i.get("grid_role")] == [
        "q1_injured", "pregnant", "q2_frightened", "q3_isolated"]
    assert check_definition(moved) == []


def test_a_question_with_other_options_cannot_split_a_grid(form):
    with pytest.raises(InvalidInput) as caught:
        move_to(form, "name", 4)
    assert caught.value.problems[0].field == "position"
    assert "before or after the grid" in caught.value.problems[0].message


def test_a_question_moves_across_pages_before_the_guidance_that_leads_to_its_target(form):
    form["layout"]["pages"][1]["sections"][0]["items"].insert(0, {"guidance": "About the outcome."})
    defn = move_to(form, "name", 5)
    assert layout_names(defn)[1] == ["name", "(guidance)", "notes"]
    defn = move_to(defn, "notes", 1)
    assert layout_names(defn)[0][0] == "notes"
    assert check_definition(defn) == []


@pytest.mark.parametrize("position", ["0", "7", "", "two", "²", "-1", "99999999"])
def test_a_position_outside_the_form_names_the_range(form, position):
    with pytest.raises(InvalidInput) as caught:
        move_to(form, "name", position)
    assert caught.value.problems[0].message == "Enter a position from 1 to 6"


def test_a_comment_has_no_position_of_its_own(form):
    with pytest.raises(InvalidInput, match="moves with its row"):
        move_to(form, "q1_injured_comment", 1)


def test_a_question_of_a_repeating_group_moves_within_its_row():
    defn = add(new_definition("kids", "Children"), {"widget": "repeater", "label": "Children",
                                                   "first_child_label": "Name"})
    defn = add(defn, {"widget": "date", "label": "Born", "name": "born"}, parent="children")
    defn = add(defn, {"widget": "text", "label": "School", "name": "school"}, parent="children")
    moved = move_to(defn, "children.school", 1)
    assert [c["field"] for c in moved["layout"]["pages"][0]["sections"][0]["items"][0]["items"]] == [
        "school", "name", "born"]
    assert order(moved, "children") == ["children.school", "children.name", "children.born"]
