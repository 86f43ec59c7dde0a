"""Building quickly: pasted questions, plain-words calculations, renames inside formulas and publish warnings."""

from __future__ import annotations

import copy

import pytest

from errors import InvalidInput
from forms import compile_form
from forms.builder import bulk, calculations
from forms.builder.check import diff_definitions
from forms.builder.edit import computed_using, update_field
from forms.builder.input import field_values
from forms.builder.layout import add_computed
from forms.builder.shape import new_definition
from forms.builder.warn import calculation_warnings

PASTED = "1. Has the current incident resulted in injury?\n\n2) Are you very frightened?\nIs there conflict?\n"


def built(**overrides) -> dict:
    data = {"questions": PASTED, "widget": "radios", "options": "Yes\nNo\nDon't know", "comments": "true",
            "grid": "true", **overrides}
    defn, _added = bulk.add_questions(new_definition("dash", "DASH"), data, page=0, section=0)
    return defn


def test_pasted_lines_keep_their_numbers():
    assert bulk.pasted_lines(PASTED) == [(1, "Has the current incident resulted in injury?"),
                                         (2, "Are you very frightened?"), (None, "Is there conflict?")]


@pytest.mark.parametrize(("label", "number", "taken", "expected"), [
    ("Has the current incident resulted in injury?", 1, set(), "q1_current_incident_resulted"),
    ("Are you very frightened?", 2, set(), "q2_very_frightened"),
    ("Are you very frightened?", 2, {"q2_very_frightened"}, "q2_very_frightened_2"),
    ("?", 7, set(), "q7"),
])
def test_readable_keys(label, number, taken, expected):
    assert bulk.readable_key(label, number, taken) == expected


def test_pasted_questions_share_options_comments_and_a_grid():
    defn = built()
    form = compile_form(defn)
    assert [f.name for f in form.fields] == ["q1_current_incident_resulted", "q1_current_incident_resulted_comment",
                                             "q2_very_frightened", "q2_very_frightened_comment",
                                             "q3_conflict", "q3_conflict_comment"]
    grid = form.pages[0].sections[0].blocks[0]
    assert grid.kind == "grid" and grid.key == "grid_q1_q3" and len(grid.rows) == 3
    assert form.field("q2_very_frightened_comment").label == "Comment on question 2"


def test_every_problem_of_the_paste_page_at_once():
    with pytest.raises(InvalidInput) as caught:
        bulk.add_questions(new_definition("dash", "DASH"), {"questions": "", "widget": "", "options": ""},
                           page=0, section=0)
    assert {p.field for p in caught.value.problems} == {"questions", "widget"}


def _calculate(defn, **data):
    key, function, params = calculations.calculation(defn, data, [])
    return add_computed(defn, key, function, params)


def test_count_and_outcome_from_plain_choices():
    defn = _calculate(built(), label="DASH score", kind="count", answer="yes")
    assert defn["computed"][0] == {"key": "dash_score", "function": "expression",
                                   "params": {"label": "DASH score", "expr": "count('yes', grid_q1_q3)"}}
    defn = _calculate(defn, label="Outcome", kind="bands", of="dash_score",
                      bands="2: High risk — refer to MARAC (red)", otherwise="Standard (green)")
    form = compile_form(defn)
    answers = {"q1_current_incident_resulted": "yes", "q2_very_frightened": "yes"}
    assert form.compute(answers) == {"dash_score": 2, "outcome": "High risk — refer to MARAC"}
    assert form.result_values(answers)[1]["colour"] == "red"
    assert form.compute({}) == {"dash_score": 0, "outcome": "Standard"}


def test_outcome_bands_take_amber_as_risk_ratings_say_it_and_name_the_colours_otherwise():
    defn = _calculate(built(), label="DASH score", kind="count", answer="yes")
    _key, _function, params = calculations.calculation(defn, {
        "label": "Outcome", "kind": "bands", "of": "dash_score", "bands": "1: Medium risk (amber)\n2: High (Red)",
        "otherwise": "Standard (amber)"}, [])
    assert [b.get("colour") for b in params["bands"]] == ["orange", "red"] and params["otherwise_colour"] == "orange"
    with pytest.raises(InvalidInput) as caught:
        calculations.calculation(defn, {"label": "Outcome", "kind": "bands", "of": "dash_score",
                                        "bands": "14: High (tartan)"}, [])
    assert [p.message for p in caught.value.problems] == [
        "Line 1: the colour must be one of amber, grey, green, turquoise, blue, yellow, orange, red, pink, purple"]


@pytest.mark.parametrize(("data", "fields"), [
    ({"kind": "count", "answer": ""}, {"label", "answer"}),
    ({"label": "x", "kind": "count", "answer": "Maybe"}, {"answer"}),
    ({"label": "x", "kind": "bands", "of": "", "bands": "high risk"}, {"of", "bands"}),
    ({"label": "x", "kind": "bands", "of": "", "bands": "14: High (tartan)"}, {"of", "bands"}),
    ({"label": "x", "kind": ""}, {"kind"}),
    ({"label": "x", "kind": "expression", "expr": ""}, {"expr"}),
])
def test_calculation_problems_all_at_once(data, fields):
    with pytest.raises(InvalidInput) as caught:
        calculations.calculation(built(), data, [])
    assert {p.field for p in caught.value.problems} == fields


def test_renaming_a_question_follows_into_formulas_and_written_conditions():
    defn = _calculate(built(grid=""), label="Score", kind="expression",
                      expr="count('Yes', q1_current_incident_resulted, q2_very_frightened)")
    item = defn["layout"]["pages"][0]["sections"][0]["items"][2]
    item["show_when"] = {"expr": "q1_current_incident_resulted = 'Yes'"}
    defn["schema"]["required"] = []
    assert computed_using(defn, "q1_current_incident_resulted") == ["score"]
    values = field_values(defn, "q1_current_incident_resulted")
    spec = {"widget": "radios", "label": values["label"], "hint": "", "required": False, "name": "q1_injury",
            "options": [{"value": "yes", "label": "Yes", "score": None}, {"value": "no", "label": "No", "score": None},
                        {"value": "don_t_know", "label": "Don't know", "score": None}], "show_when": None}
    renamed = update_field(defn, "q1_current_incident_resulted", spec)
    assert renamed["computed"][0]["params"]["expr"] == "count('Yes', q1_injury, q2_very_frightened)"
    assert renamed["layout"]["pages"][0]["sections"][0]["items"][2]["show_when"] == {"expr": "q1_injury = 'Yes'"}
    compile_form(renamed)


def test_publish_review_warns_about_uncounted_and_changed_questions():
    old = _calculate(built(grid=""), label="Score", kind="count", answer="Yes")
    new, _ = bulk.add_questions(old, {"questions": "4. Is the abuse getting worse?", "widget": "radios",
                                      "options": "Yes\nNo\nDon't know"}, page=0, section=0)
    changed = copy.deepcopy(new)
    changed["schema"]["properties"]["q2_very_frightened"]["title"] = "Are you frightened?"
    diff = diff_definitions(old, changed)
    warnings = calculation_warnings(old, changed, diff["changed"])
    assert any("does not include the new question “Is the abuse getting worse?”" in w for w in warnings)
    assert any("uses “Are you frightened?”, which changed" in w for w in warnings)
    gridded = _calculate(built(), label="Score", kind="count", answer="Yes")
    more, _ = bulk.add_questions(gridded, {"questions": "4. Worse?", "widget": "radios", "options":
                                           "Yes\nNo\nDon't know", "grid": ""}, page=0, section=0)
    assert calculation_warnings(gridded, more, []) != []


def test_duplicate_and_insert_after_keep_rows_together():
    defn = built()
    copy_defn, name = bulk.duplicate_question(defn, "q2_very_frightened")
    items = [i.get("field") for i in copy_defn["layout"]["pages"][0]["sections"][0]["items"]]
    # After the question's own comment, so the grid keeps one comment per row.
    assert name == "q2_very_frightened_copy" and items.index(name) == items.index("q2_very_frightened") + 2
    assert copy_defn["schema"]["properties"][name]["title"] == "Are you very frightened? (copy)"
    compile_form(copy_defn)
    more, _ = bulk.add_questions(defn, {"questions": "Is the abuse getting worse?", "widget": "radios",
                                        "options": "Yes\nNo\nDon't know"}, page=0, section=0)
    placed = bulk.place_after(more, ["q1_abuse_getting_worse"], "q1_current_incident_resulted")
    items = placed["layout"]["pages"][0]["sections"][0]["items"]
    assert [i["field"] for i in items[:3]] == ["q1_current_incident_resulted", "q1_current_incident_resulted_comment",
                                               "q1_abuse_getting_worse"]
    assert items[2]["grid"] == "grid_q1_q3"  # same options: it joins the grid, so a count over it includes it
    other, _ = bulk.add_questions(defn, {"questions": "Override?", "widget": "yesno"}, page=0, section=0)
    placed = bulk.place_after(other, ["q1_override"], "q1_current_incident_resulted")
    assert [i["field"] for i in placed["layout"]["pages"][0]["sections"][0]["items"]][6] == "q1_override"
    compile_form(placed)


def test_guidance_keeps_its_paragraphs():
    defn = bulk.add_guidance(built(), {"heading": "Asking", "guidance": "First.\r\n\r\nSecond."}, page=0, section=0,
                             after="q1_current_incident_resulted")
    form = compile_form(defn)
    guidance = form.pages[0].sections[0].blocks[1]
    assert guidance.kind == "guidance" and guidance.paragraphs == ["First.", "Second."]
    with pytest.raises(InvalidInput):
        bulk.add_guidance(built(), {"guidance": " "}, page=0, section=0)


def test_adding_up_scores_with_no_question_chosen_uses_every_scored_question():
    defn = built(grid="")
    with pytest.raises(InvalidInput) as caught:  # no option has a score yet: the page says what to do
        calculations.calculation(defn, {"label": "Total", "kind": "score"}, [])
    assert [p.field for p in caught.value.problems] == ["fields"]
    assert "give the options scores first" in caught.value.problems[0].message
    for name in ("q1_current_incident_resulted", "q2_very_frightened"):
        values = field_values(defn, name)
        defn = update_field(defn, name, {
            "widget": "radios", "label": values["label"], "hint": "", "required": False, "name": name,
            "options": [{"value": "yes", "label": "Yes", "score": 2}, {"value": "no", "label": "No", "score": 0},
                        {"value": "don_t_know", "label": "Don't know", "score": None}], "show_when": None})
    defn = _calculate(defn, label="Total", kind="score")
    assert defn["computed"][0]["params"]["expr"] == "score(q1_current_incident_resulted, q2_very_frightened)"
    assert compile_form(defn).compute({"q1_current_incident_resulted": "yes", "q2_very_frightened": "yes"}) == {
        "total": 4}
