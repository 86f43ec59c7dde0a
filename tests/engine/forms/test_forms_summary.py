"""summary, browser conditions, page rendering decisions and repeater buttons."""

from __future__ import annotations

import json

import pytest

from forms import compile_form, long_date
from tests.engine.forms.test_forms_support import COMPLETE, kitchen_sink, small


@pytest.fixture(scope="module")
def form():
    return compile_form(kitchen_sink())


@pytest.fixture(scope="module")
def rows(form):
    return {row.field: row for row in form.summary(COMPLETE)}


TEXTS = [
    ("full_name", "Sam Smith"),
    ("notes", "Works nights."),
    ("height", "180.5"),
    ("age", "34"),
    ("dob", "12 March 1990"),
    ("interpreter_needed", "Yes"),
    ("interpreter_language", "Polish"),
    ("risk", "Medium"),
    ("team", "North team"),
    ("disabilities", "Learning"),
    ("rating", "2 – present"),
    ("importance", "7"),
    ("children", "2 entries"),
    ("document", "report.pdf"),
    ("signature", "Signed by Sam Smith on 12 March 2026"),
]


@pytest.mark.parametrize(("path", "text"), TEXTS, ids=[t[0] for t in TEXTS])
def test_summary_text(rows, path, text):
    assert rows[path].text == text
    assert rows[path].answered


def test_summary_rows_carry_page_section_and_label(rows):
    dob = rows["dob"]
    assert (dob.page, dob.page_key, dob.section, dob.label) == (
        "About the person", "about", "Personal details", "Date of birth")
    assert rows["risk"].section is None


def test_summary_nests_repeater_rows(rows):
    first, second = rows["children"].rows
    assert [(r.field, r.label, r.text) for r in first] == [
        ("children.0.name", "Name", "Alex"), ("children.0.dob", "Date of birth", "1 June 2015"),
        ("children.0.needs_support", "Needs support", "Yes"),
        ("children.0.support", "Support needed", "Speech therapy")]
    # The hidden sibling is left out; an unanswered shown one says so.
    assert [(r.field, r.text, r.answered) for r in second] == [
        ("children.1.name", "Jo", True), ("children.1.dob", "Not answered", False),
        ("children.1.needs_support", "No", True)]


def test_summary_leaves_out_hidden_and_marks_unanswered(form):
    rows = {r.field: r for r in form.summary({"interpreter_needed": False, "interpreter_language": "Polish",
                                              "disabilities": ["physical", "learning"], "risk": "high"})}
    assert "interpreter_language" not in rows
    assert (rows["notes"].text, rows["notes"].answered) == ("Not answered", False)
    assert rows["disabilities"].lines == ["Physical", "Learning"]
    assert rows["risk"].meta == {"flag": "red", "message": "Tell a manager today."}


SIGNATURES = [
    ({"full_name": "Sam", "date": "2026-03-12", "confirmed": True}, "Signed by Sam on 12 March 2026"),
    ({"full_name": "Sam", "date": "2026-03-12"}, "Not signed (Sam, 12 March 2026)"),
    ({"date": "2026-3-40"}, "Not signed (2026-3-40)"),
]


@pytest.mark.parametrize(("value", "text"), SIGNATURES)
def test_summary_signature(form, value, text):
    rows = {r.field: r for r in form.summary({"signature": value})}
    assert rows["signature"].text == text


def test_summary_shows_raw_invalid_answers_as_typed(form):
    rows = {r.field: r for r in form.summary({"age": "abc", "dob": "2026-2-31", "risk": "extreme"})}
    assert (rows["age"].text, rows["dob"].text, rows["risk"].text) == ("abc", "2026-2-31", "extreme")


@pytest.mark.parametrize(("day", "text"), [((2026, 3, 12), "12 March 2026"), ((1999, 12, 1), "1 December 1999")])
def test_long_date(day, text):
    from datetime import date

    assert long_date(date(*day)) == text


def test_conditions_for_the_browser(form):
    rules = form.conditions()["rules"]
    assert rules == [
        {"field": "interpreter_language", "repeater": None,
         "when": {"field": "interpreter_needed", "scope": "form", "op": "equals", "values": ["true"]}},
        {"field": "disability_details", "repeater": None,
         "when": {"field": "disabilities", "scope": "form", "op": "not_empty", "values": []}},
        {"field": "support", "repeater": "children",
         "when": {"field": "needs_support", "scope": "row", "op": "equals", "values": ["true"]}},
    ]
    assert json.loads(form.conditions_json())["rules"] == rules


def test_conditions_json_cannot_close_the_script_element():
    defn = small({"a": {"title": "A", "type": "string"}, "b": {"title": "B", "type": "string"}},
                 [{"field": "a", "widget": "text"},
                  {"field": "b", "widget": "text", "show_when": {"field": "a", "equals": "</script><!--&"}}])
    text = compile_form(defn).conditions_json()
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["rules"][0]["when"]["values"] == ["</script><!--&"]


def test_renders_leaves_same_page_conditions_to_the_browser(form):
    language = form.field("interpreter_language")
    assert form.renders(language, {}) and form.renders(language, {"interpreter_needed": False})


def test_renders_decides_conditions_on_other_pages():
    defn = small({"a": {"title": "A", "type": "boolean"}, "b": {"title": "B", "type": "string"}},
                 [{"field": "a", "widget": "yesno"}])
    defn["layout"]["pages"].append({"key": "next", "title": "Next", "sections": [{"items": [
        {"field": "b", "widget": "text", "show_when": {"field": "a", "equals": True}}]}]})
    form = compile_form(defn)
    b = form.field("b")
    assert (form.renders(b, {"a": True}), form.renders(b, {"a": False}), form.renders(b, {})) == (True, False, False)


# The children of COMPLETE as the family page posts them.
CHILDREN_POSTED = {"children-0-name": "Alex", "children-0-dob-day": "1", "children-0-dob-month": "6",
                   "children-0-dob-year": "2015", "children-0-needs_support": "yes",
                   "children-0-support": "Speech therapy", "children-1-name": "Jo", "children-1-needs_support": "no"}
ACTIONS = [
    ("remove-children-0", {"children": [{"name": "Jo", "needs_support": False}]}, True),
    ("remove-children-9", {"children": COMPLETE["children"]}, True),
    ("add-children", {"children": COMPLETE["children"]}, True),
    ("remove-age-0", {"children": COMPLETE["children"]}, False),
    ("save", {"children": COMPLETE["children"]}, False),
    (None, {"children": COMPLETE["children"]}, False),
]


@pytest.mark.parametrize(("action", "after", "handled"), ACTIONS)
def test_apply_action(form, action, after, handled):
    posted, was = form.apply_action(CHILDREN_POSTED, action)
    assert (form.parse_form(posted), was) == (after, handled)


def test_removing_the_last_row_removes_the_answer(form):
    posted, was = form.apply_action({"children-0-name": "A"}, "remove-children-0")
    assert (form.parse_form(posted), was) == ({}, True)


def test_a_row_is_removed_by_its_posted_place_not_its_place_among_the_answers(form):
    # Parsing leaves the blank first row out, so "Jo" is the answers' first row but the page's second.
    posted, was = form.apply_action({"children-0-name": "", "children-1-name": "Jo"}, "remove-children-1")
    assert (form.parse_form(posted), was) == ({}, True)


def test_a_button_counts_only_for_a_repeater_of_the_page(form):
    assert form.apply_action(CHILDREN_POSTED, "add-children", page="family")[1]
    assert not form.apply_action(CHILDREN_POSTED, "add-children", page="about")[1]


def test_to_dict_is_json(form):
    data = json.loads(json.dumps(form.to_dict()))
    assert [p["key"] for p in data["pages"]] == ["about", "risk", "family"]
    children = data["pages"][2]["fields"][0]
    assert children["widget"] == "repeater" and [c["name"] for c in children["children"]][:2] == ["name", "dob"]
    assert data["pages"][0]["fields"][4]["no_future"] is True


def test_a_repeated_answer_reads_as_text_one_entry_to_a_line(form):
    from forms.summary import answer_text

    children = next(spec for spec in form.top_fields.values() if spec.name == "children")
    assert answer_text(children, COMPLETE["children"]) == (
        "Name: Alex; Date of birth: 1 June 2015; Needs support: Yes; Support needed: Speech therapy\n"
        "Name: Jo; Needs support: No")
    assert answer_text(children, []) == "Not answered"
    assert answer_text(form.top_fields["full_name"], "Sam Smith") == "Sam Smith"


def test_a_repeated_answer_names_each_part_once_and_with_one_colon():
    from forms.summary import answer_text

    row = [{"field": "consideration", "widget": "text"}, {"field": "evidence", "widget": "text"}]
    form = compile_form({"key": "x", "title": "X", "schema": {"type": "object", "properties": {"others": {
        "type": "array", "title": "Other Considerations", "items": {"type": "object", "properties": {
            "consideration": {"type": "string", "title": "Other Considerations"},
            "evidence": {"type": "string", "title": "Evidence:"}}}}}},
        "layout": {"pages": [{"key": "p", "title": "P", "sections": [{"items": [
            {"field": "others", "widget": "repeater", "items": row}]}]}]}})
    text = answer_text(form.top_fields["others"], [{"consideration": "Stalking", "evidence": "Police log"}])
    assert text == "Stalking; Evidence: Police log"
