"""Computed values: screening outcome, SARA scores, inventory totals, sums and counts."""

from __future__ import annotations

import pytest

from forms import REGISTRY, check_definition, compile_form, register
from tests.engine.forms.test_forms_support import small

RATING = {"oneOf": [{"const": 0, "title": "0"}, {"const": 1, "title": "1"}, {"const": 2, "title": "2"}]}
SCORE = {"oneOf": [{"const": "?", "title": "Don't know"}] + [{"const": n, "title": str(n)} for n in range(5)]}
FLAGGED = {"type": "string", "oneOf": [{"const": "yes", "title": "Yes"}, {"const": "no", "title": "No"},
                                       {"const": "unsure", "title": "Unsure"}]}


def _sara() -> dict:
    props, items = {}, []
    for n in range(1, 6):
        props[f"s{n}"] = {"title": f"Item {n}", **RATING}
        props[f"s{n}_critical"] = {"title": f"Item {n} critical", "type": "boolean"}
        items += [{"field": f"s{n}", "widget": "scale"}, {"field": f"s{n}_critical", "widget": "yesno"}]
    params = {"sections": {"history": ["s1", "s2"], "current": ["s3", "s4", "s5"]}, "critical_suffix": "_critical"}
    return small(props, items, computed=[{"key": "sara", "function": "sara_scores", "params": params}])


def _inventory() -> dict:
    props, items = {}, []
    for item in ("shouted", "pushed", "hit"):
        for column in ("did", "they_did"):
            props[f"{item}_{column}"] = {"title": f"{item} {column}", **SCORE}
            items.append({"field": f"{item}_{column}", "widget": "scale"})
    params = {"items": ["shouted", "pushed", "hit"], "columns": ["did", "they_did"]}
    return small(props, items, computed=[{"key": "totals", "function": "inventory_totals", "params": params}])


def _screening() -> dict:
    meta = {"yes": {"flag": "green"}, "no": {"flag": "red", "message": "Not eligible: {q}"},
            "unsure": {"flag": "red"}}
    props = {f"q{n}": {**FLAGGED, "title": f"Question {n}"} for n in (1, 2)}
    items = [{"field": f"q{n}", "widget": "radios",
              "option_meta": {k: {**v, "message": v["message"].format(q=n)} if "message" in v else v
                              for k, v in meta.items()}} for n in (1, 2)]
    return small(props, items, computed=[{"key": "outcome", "function": "screening_outcome",
                                          "params": {"fields": ["q1", "q2"]}}])


def _counting() -> dict:
    props = {"a": {"title": "A", "type": "boolean"}, "b": {"title": "B", "type": "boolean"},
             "n": {"title": "N", "type": "integer"}, "x": {"title": "X", "type": "number"},
             "tags": {"title": "Tags", "type": "array", "items": {"type": "string", "oneOf": [
                 {"const": "t", "title": "T"}, {"const": "u", "title": "U"}]}}}
    items = [{"field": "a", "widget": "yesno"}, {"field": "b", "widget": "yesno"}, {"field": "n", "widget": "integer"},
             {"field": "x", "widget": "number"}, {"field": "tags", "widget": "checkboxes"}]
    computed = [{"key": "yes", "function": "count_values", "params": {"fields": ["a", "b"], "value": True}},
                {"key": "tagged", "function": "count_values", "params": {"fields": ["tags"], "value": "t"}},
                {"key": "total", "function": "sum_fields", "params": {"fields": ["n", "x", "a"]}}]
    return small(props, items, computed=computed)


SARA = [
    ("all_zero", {f"s{n}": 0 for n in range(1, 6)},
     {"sections": {"history": 0, "current": 0}, "total": 0, "critical_items": 0, "rated": 5, "omitted": 0}),
    ("mixed_with_critical", {"s1": 2, "s2": 1, "s3": 2, "s4": 0, "s5": 1, "s1_critical": True, "s4_critical": True,
                             "s2_critical": False},
     {"sections": {"history": 3, "current": 3}, "total": 6, "critical_items": 2, "rated": 5, "omitted": 0}),
    ("omitted_and_raw", {"s1": 2, "s3": "2", "s5": 2},
     {"sections": {"history": 2, "current": 2}, "total": 4, "critical_items": 0, "rated": 2, "omitted": 3}),
]


@pytest.mark.parametrize(("given", "expected"), [c[1:] for c in SARA], ids=[c[0] for c in SARA])
def test_sara_scores(given, expected):
    assert compile_form(_sara()).compute(given) == {"sara": expected}


INVENTORY = [
    ("nothing", {}, {"did": {"total": 0, "unknown": 0, "answered": 0},
                     "they_did": {"total": 0, "unknown": 0, "answered": 0}}),
    ("scored", {"shouted_did": 4, "pushed_did": 2, "hit_did": "?", "shouted_they_did": 1, "pushed_they_did": 0},
     {"did": {"total": 6, "unknown": 1, "answered": 2}, "they_did": {"total": 1, "unknown": 0, "answered": 2}}),
    ("all_unknown", {f"{i}_{c}": "?" for i in ("shouted", "pushed", "hit") for c in ("did", "they_did")},
     {"did": {"total": 0, "unknown": 3, "answered": 0}, "they_did": {"total": 0, "unknown": 3, "answered": 0}}),
]


@pytest.mark.parametrize(("given", "expected"), [c[1:] for c in INVENTORY], ids=[c[0] for c in INVENTORY])
def test_inventory_totals(given, expected):
    assert compile_form(_inventory()).compute(given) == {"totals": expected}


SCREENING = [
    ("all_green", {"q1": "yes", "q2": "yes"}, {"outcome": "likely_suitable", "reasons": []}),
    ("one_red", {"q1": "yes", "q2": "no"}, {"outcome": "unlikely_to_be_accepted", "reasons": ["Not eligible: 2"]}),
    ("red_without_message", {"q1": "unsure", "q2": "no"},
     {"outcome": "unlikely_to_be_accepted", "reasons": ["Question 1: Unsure", "Not eligible: 2"]}),
    ("unanswered", {"q1": "yes"}, {"outcome": "incomplete", "reasons": []}),
    ("red_while_unanswered", {"q2": "no"}, {"outcome": "unlikely_to_be_accepted", "reasons": ["Not eligible: 2"]}),
]


@pytest.mark.parametrize(("given", "expected"), [c[1:] for c in SCREENING], ids=[c[0] for c in SCREENING])
def test_screening_outcome(given, expected):
    assert compile_form(_screening()).compute(given) == {"outcome": expected}


COUNTS = [
    ("empty", {}, {"yes": 0, "tagged": 0, "total": 0}),
    ("counted", {"a": True, "b": True, "n": 3, "x": 1.5, "tags": ["u", "t"]}, {"yes": 2, "tagged": 1, "total": 4.5}),
    ("booleans_and_raw_are_not_numbers", {"a": True, "b": False, "n": "3"}, {"yes": 1, "tagged": 0, "total": 0}),
]


@pytest.mark.parametrize(("given", "expected"), [c[1:] for c in COUNTS], ids=[c[0] for c in COUNTS])
def test_sum_and_count(given, expected):
    assert compile_form(_counting()).compute(given) == expected


def test_compute_ignores_hidden_answers():
    defn = small({"a": {"title": "A", "type": "boolean"}, "n": {"title": "N", "type": "integer"}},
                 [{"field": "a", "widget": "yesno"},
                  {"field": "n", "widget": "integer", "show_when": {"field": "a", "equals": True}}],
                 computed=[{"key": "total", "function": "sum_fields", "params": {"fields": ["n"]}}])
    form = compile_form(defn)
    assert form.compute({"a": False, "n": 5}) == {"total": 0}
    assert form.compute({"a": True, "n": 5}) == {"total": 5}


def _with_params(defn: dict, params: dict) -> dict:
    defn["computed"][0]["params"] = params
    return defn


PARAM_PROBLEMS = [
    ("sara_missing_critical", _with_params(_sara(), {"sections": {"h": ["s1"]}, "critical_suffix": "_crit"}),
     "computed[0].params.sections.h[0]", "no critical-item field “s1_crit”"),
    ("sara_unknown_item", _with_params(_sara(), {"sections": {"h": ["s9"]}}),
     "computed[0].params.sections.h[0]", "names “s9”"),
    ("sara_not_numeric", _with_params(_sara(), {"sections": {"h": ["s1_critical"]}}),
     "computed[0].params.sections.h[0]", "cannot hold a numeric rating"),
    ("sara_empty_sections", _with_params(_sara(), {"sections": {}}), "computed[0].params.sections",
     "must not be empty"),
    ("inventory_missing_column", _with_params(_inventory(), {"items": ["hit"], "columns": ["did", "felt"]}),
     "computed[0].params.items[0]", "no field “hit_felt”"),
    ("inventory_bad_pattern", _with_params(_inventory(), {"items": ["hit"], "columns": ["did"],
                                                          "field_pattern": "{item}"}),
     "computed[0].params.field_pattern", "must contain both"),
    ("count_needs_value", _with_params(_counting(), {"fields": ["a"]}), "computed[0].params", "“value” is required"),
    ("unknown_param", _with_params(_counting(), {"fields": ["a"], "value": 1, "colour": "red"}),
     "computed[0].params.colour", "not a recognised setting"),
]


@pytest.mark.parametrize(("defn", "path", "words"), [c[1:] for c in PARAM_PROBLEMS],
                         ids=[c[0] for c in PARAM_PROBLEMS])
def test_params_are_checked(defn, path, words):
    problems = check_definition(defn)
    assert any(p.path == path and words in p.message for p in problems), [str(p) for p in problems]


def test_inventory_field_pattern():
    defn = _with_params(_inventory(), {"items": ["hit"], "columns": ["did"], "field_pattern": "{item}_{column}"})
    assert compile_form(defn).compute({"hit_did": 3}) == {"totals": {"did": {"total": 3, "unknown": 0,
                                                                             "answered": 1}}}


def test_register_adds_a_function_and_refuses_duplicates():
    @register("test_double", title="Double", summary="Twice the field",
              params_schema={"type": "object", "required": ["field"]})
    def double(answers, params, fields):
        return 2 * answers.get(params["field"], 0)

    try:
        defn = small({"n": {"title": "N", "type": "integer"}}, [{"field": "n", "widget": "integer"}],
                     computed=[{"key": "twice", "function": "test_double", "params": {"field": "n"}}])
        assert compile_form(defn).compute({"n": 4}) == {"twice": 8}
        with pytest.raises(ValueError, match="already registered"):
            register("test_double", title="Double", summary="Twice the field")(double)
    finally:
        REGISTRY.pop("test_double", None)


def test_true_is_not_the_number_one():
    defn = _counting()
    defn["computed"] = [{"key": "ones", "function": "count_values", "params": {"fields": ["a", "n"], "value": 1}},
                        {"key": "trues", "function": "count_values", "params": {"fields": ["a", "n"], "value": True}}]
    assert compile_form(defn).compute({"a": True, "n": 1}) == {"ones": 1, "trues": 1}
