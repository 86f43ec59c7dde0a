"""The expression language: parsing, compiling against a form and evaluating, table-driven."""

from __future__ import annotations

import pytest

from forms import DefinitionError, compile_form
from forms.expr import ExprError, parse
from forms.expr_compile import Scope, compile_text, compile_tree
from forms.expr_eval import evaluate

YES_NO_DK = [{"const": "yes", "title": "Yes"}, {"const": "no", "title": "No"},
             {"const": "dont_know", "title": "Don't know"}]
RATED = [{"const": 0, "title": "Absent"}, {"const": 1, "title": "Partly"}, {"const": 2, "title": "Present"}]


def dash_like(computed=None, extra_items=()):
    """Return a small checklist: q1..q3 Yes/No/Don't know, a rating, a yes/no, a number and a text."""
    props = {f"q{i}": {"title": f"Question {i}", "type": "string", "oneOf": YES_NO_DK} for i in (1, 2, 3)}
    props |= {"rating": {"title": "Rating", "oneOf": RATED}, "injured": {"title": "Injured?", "type": "boolean"},
              "count": {"title": "How many", "type": "integer"}, "note": {"title": "Note", "type": "string"},
              "override": {"title": "Override", "type": "boolean"}, "reason": {"title": "Reason", "type": "string"}}
    items = [{"field": f"q{i}", "widget": "radios"} for i in (1, 2, 3)]
    items += [{"field": "rating", "widget": "radios",
               "option_meta": {"0": {"score": 0}, "1": {"score": 5}, "2": {"score": 10}}},
              {"field": "injured", "widget": "yesno"}, {"field": "count", "widget": "integer"},
              {"field": "note", "widget": "text"}, {"field": "override", "widget": "yesno"},
              {"field": "reason", "widget": "textarea", "required_when_shown": True,
               "show_when": {"expr": "override = 'Yes'"}}, *extra_items]
    return {"key": "checklist", "title": "Checklist", "schema": {"type": "object", "properties": props},
            "layout": {"pages": [{"key": "only", "title": "Only", "sections": [{"items": items}]}]},
            "computed": computed or []}


FORM = compile_form(dash_like())
SCOPE = Scope(FORM.top_fields)
ANSWERS = {"q1": "yes", "q2": "yes", "q3": "dont_know", "rating": 2, "injured": True, "count": 7, "note": "x"}


@pytest.mark.parametrize(("text", "answers", "expected"), [
    ("1 + 2 * 3", {}, 7),
    ("(1 + 2) * 3", {}, 9),
    ("10 / 4", {}, 2.5),
    ("1 / 0", {}, None),
    ("-count + 1", ANSWERS, -6),
    ("count + 1", {}, None),
    ("count('Yes', q1, q2, q3)", ANSWERS, 2),
    ("count('yes', q1, q2, q3)", ANSWERS, 2),
    ("count(\"Don't know\", q1, q2, q3)", ANSWERS, 1),
    ("count('Yes', q1, q2, q3)", {}, 0),
    ("count('Yes', injured)", ANSWERS, 1),
    ("score(rating)", ANSWERS, 10),
    ("score(rating)", {}, 0),
    ("sum(count, rating)", ANSWERS, 9),
    ("answered(q1, q2, note, override)", ANSWERS, 3),
    ("q1 = 'Yes'", ANSWERS, True),
    ("q3 = 'Yes'", ANSWERS, False),
    ("q3 != 'Yes'", ANSWERS, True),
    ("q1 = 'Yes' and q2 = 'No'", ANSWERS, False),
    ("q1 = 'Yes' or q2 = 'No'", ANSWERS, True),
    ("not q1 = 'Yes'", ANSWERS, False),
    ("not note", {}, True),
    ("count >= 7 and count < 8", ANSWERS, True),
    ("count > 'x'", ANSWERS, False),
    ("injured", ANSWERS, True),
    ("rating = 'Present'", ANSWERS, True),
    ("if count('Yes', q1, q2, q3) >= 2 then 'High risk' else 'Standard'", ANSWERS, "High risk"),
    ("if count('Yes', q1, q2, q3) >= 3 then 'High risk' else 'Standard'", ANSWERS, "Standard"),
    ("if count('Yes', q1) >= 3 then 'High risk'", ANSWERS, None),
    ("if count >= 10 then 'a' else if count >= 5 then 'b' else 'c'", ANSWERS, "b"),
    ("count ≥ 7", ANSWERS, True),
])
def test_evaluates(text, answers, expected):
    assert evaluate(compile_text(text, SCOPE), answers) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("", "is empty"),
    ("1 +", "expected name but found “the end”"),
    ("count('Yes', q1", "expected ) but found “the end”"),
    ("1 2", "left over"),
    ("q9 = 1", "“q9”, which is not a question"),
    ("count('Yess', q1)", "“Yess” is not an option of “q1”"),
    ("q1 = 'Maybe'", "“Maybe” is not an option of “q1”"),
    ("count(q1, q2)", "needs an option first"),
    ("count('Yes', q1 + 1)", "takes question names"),
    ("score(q1)", "“q1” has none"),
    ("eval('1')", "“eval” is not a function"),
    ("__import__('os')", "is not a function"),
    ("1 ; 2", "cannot read"),
])
def test_rejects_with_a_reason(text, message):
    with pytest.raises(ExprError) as caught:
        compile_text(text, SCOPE)
    assert message in str(caught.value)


def test_trees_are_plain_lists():
    assert parse("if a >= 1 then 'x'") == ["if", ["cmp", ">=", ["ref", "a"], ["num", 1]], ["str", "x"], ["null"]]


def test_labels_compile_to_stored_values():
    assert compile_text("count('Yes', q1, injured)", SCOPE) == ["count", [["q1", "yes"], ["injured", True]]]


SCORE = {"key": "score", "function": "expression", "params": {"expr": "count('Yes', q1, q2, q3)", "label": "Score"}}
OUTCOME = {"key": "outcome", "function": "bands", "params": {
    "of": "score", "label": "Outcome", "otherwise": "Standard", "otherwise_colour": "green",
    "bands": [{"min": 2, "text": "High risk — refer to MARAC", "colour": "red"}, {"min": 1, "text": "Medium"}]}}


@pytest.mark.parametrize(("answers", "score", "outcome"), [
    ({}, 0, "Standard"),
    ({"q1": "yes"}, 1, "Medium"),
    ({"q1": "yes", "q2": "yes"}, 2, "High risk — refer to MARAC"),
    ({"q1": "yes", "q2": "yes", "q3": "yes"}, 3, "High risk — refer to MARAC"),
])
def test_calculated_values_and_bands(answers, score, outcome):
    form = compile_form(dash_like([SCORE, OUTCOME]))
    assert form.compute(answers) == {"score": score, "outcome": outcome}
    shown = {r["key"]: (r["text"], r["colour"]) for r in form.result_values(answers)}
    assert shown["score"] == (str(score), "")
    assert shown["outcome"][0] == outcome


@pytest.mark.parametrize(("answers", "kept"), [
    ({"override": True, "reason": "Known history"}, True),
    ({"override": False, "reason": "Known history"}, False),
    ({"reason": "Known history"}, False),
])
def test_written_conditions_show_and_drop(answers, kept):
    form = compile_form(dash_like([SCORE]))
    assert ("reason" in form.clean(answers)) is kept


def test_conditions_can_use_calculated_values_and_combine():
    extra = [{"field": "note2", "widget": "text", "show_when": {"expr": "score >= 2 or not injured"}}]
    defn = dash_like([SCORE], extra)
    defn["schema"]["properties"]["note2"] = {"title": "Why", "type": "string"}
    form = compile_form(defn)
    assert "note2" in form.clean({"q1": "yes", "q2": "yes", "injured": True, "note2": "a"})
    assert "note2" not in form.clean({"q1": "yes", "injured": True, "note2": "a"})
    assert "note2" in form.clean({"note2": "a"})


@pytest.mark.parametrize(("computed", "extra", "path", "message"), [
    ([{"key": "s", "function": "expression", "params": {"expr": "count('Yess', q1)"}}], [],
     "computed[0].params.expr", "“Yess” is not an option"),
    ([{"key": "q1", "function": "expression", "params": {"expr": "1"}}], [], "computed[0].key", "already the name"),
    ([{"key": "b", "function": "bands", "params": {"of": "nothing", "bands": [{"min": 1, "text": "x"}]}}], [],
     "computed[0].params.of", "“nothing”"),
    ([], [{"field": "extra", "widget": "text", "show_when": {"expr": "reason_later = 'x'"}}],
     "layout.pages[0].sections[0].items[9].show_when.expr", "questions above it"),
])
def test_definition_problems_name_the_place(computed, extra, path, message):
    defn = dash_like(computed, extra)
    if extra:
        defn["schema"]["properties"]["extra"] = {"title": "Extra", "type": "string"}
    with pytest.raises(DefinitionError) as caught:
        compile_form(defn)
    assert any(p.field == path and message in p.message for p in caught.value.problems), caught.value.problems


def grid_form(extra_items=(), computed=None, options_of_q3=YES_NO_DK):
    """Return q1..q3 shown as one grid, each with a comment, and q4 after it."""
    props = {f"q{i}": {"title": f"Question {i}", "type": "string", "oneOf": YES_NO_DK} for i in (1, 2, 4)}
    props["q3"] = {"title": "Question 3", "type": "string", "oneOf": options_of_q3}
    props |= {f"q{i}_comment": {"title": f"Comment {i}", "type": "string"} for i in (1, 2, 3)}
    items = []
    for i in (1, 2, 3):
        items += [{"field": f"q{i}", "widget": "radios", "grid": "risk"},
                  {"field": f"q{i}_comment", "widget": "textarea", "grid": "risk", "grid_role": "comment"}]
    items += [{"field": "q4", "widget": "radios"}, *extra_items]
    return {"key": "gridded", "title": "Gridded", "schema": {"type": "object", "properties": props},
            "layout": {"pages": [{"key": "only", "title": "Only", "sections": [{"items": items}]}]},
            "computed": computed or []}


def test_a_grid_groups_its_rows_and_counts_as_a_set():
    form = compile_form(grid_form(computed=[
        {"key": "score", "function": "expression", "params": {"expr": "count('Yes', risk)"}}]))
    blocks = form.pages[0].sections[0].blocks
    assert [b.kind for b in blocks] == ["grid", "field"]
    assert [(r.main.name, [e.name for e in r.extras]) for r in blocks[0].rows] == [
        ("q1", ["q1_comment"]), ("q2", ["q2_comment"]), ("q3", ["q3_comment"])]
    assert [o.label for o in blocks[0].options] == ["Yes", "No", "Don't know"]
    assert form.compute({"q1": "yes", "q2": "yes", "q3": "no", "q4": "yes"}) == {"score": 2}
    assert [f.name for f in form.pages[0].fields][:2] == ["q1", "q1_comment"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["schema"]["properties"]["q3"].update(oneOf=YES_NO_DK[:2]), "other options than “q1”"),
    (lambda d: d["layout"]["pages"][0]["sections"][0]["items"][0].update(grid_role="comment"),
     "a grid starts with a question"),
    (lambda d: d["layout"]["pages"][0]["sections"][0]["items"].insert(4, {"guidance": "A break"}), "already used"),
    (lambda d: d["layout"]["pages"][0]["sections"][0]["items"][1].update(grid_role="critical"),
     "must be yesno or checkboxes"),
    (lambda d: d["layout"]["pages"][0]["sections"][0]["items"][6].update(grid_role="comment"), "in no grid"),
])
def test_grid_problems(change, message):
    defn = grid_form()
    change(defn)
    with pytest.raises(DefinitionError) as caught:
        compile_form(defn)
    assert any(message in p.message for p in caught.value.problems), caught.value.problems


def test_a_grid_name_alone_is_not_a_value():
    with pytest.raises(DefinitionError) as caught:
        compile_form(grid_form(computed=[{"key": "s", "function": "expression", "params": {"expr": "risk = 'Yes'"}}]))
    assert "is a grid" in str(caught.value.problems)


def test_sara_ships_as_grids_and_keeps_its_subtotals():
    import json
    from pathlib import Path

    sara = json.loads((Path(__file__).resolve().parents[3] / "forms" / "definitions" / "sara.json").read_text())
    form = compile_form(sara)
    grids = [b for p in form.pages for s in p.sections for b in s.blocks if b.kind == "grid"]
    assert [len(g.rows) for g in grids] == [3, 7, 7, 3]
    assert all(len(row.extras) == 1 and row.extras[0].grid_role == "critical" for g in grids for row in g.rows)
    answers = {"sara_1_past_assault_family": 2, "sara_2_past_assault_strangers": 1,
               "sara_11_past_physical_assault": 2, "sara_11_past_physical_assault_critical": True}
    scores = form.compute(answers)["sara_scores"]
    assert scores["sections"]["criminal_history"] == 3 and scores["total"] == 5 and scores["critical_items"] == 1


@pytest.mark.parametrize(("text", "message"), [
    ("(" * 1999 + "1" + ")" * 1999, "more than 40 brackets"),
    ("-" * 3999 + "1", "more than 40 brackets, “not”s or minus signs"),
    ("not " * 999 + "1", "more than 40 brackets, “not”s or minus signs"),
    ("if a then 1 else " * 41 + "2", "more than 40 brackets"),
    ("+".join(["q1"] * 101), "more than 100 steps inside one another"),
])
def test_a_calculation_nested_too_deeply_is_refused_with_a_reason(text, message):
    with pytest.raises(ExprError) as caught:
        parse(text)
    assert message in str(caught.value)


def test_nesting_up_to_the_limits_is_read():
    assert parse("(" * 40 + "1" + ")" * 40) == ["num", 1]
    assert parse("+".join(["q1"] * 100))[0] == "arith"


def test_calculated_values_inlined_too_deeply_are_refused():
    scope = Scope(FORM.top_fields, {"v0": ["ref", "q1"]})
    for n in range(1, 4):  # each value adds 99 steps to the one before
        scope.computed[f"v{n}"] = compile_tree(parse("+".join([f"v{n - 1}"] + ["1"] * 99)), scope)
    with pytest.raises(ExprError) as caught:
        compile_text("v3 + 1", scope)
    assert "more than 250 steps deep" in str(caught.value)
