"""validate and clean: plain-English messages, conditions, drafts and the no-future rule."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from forms import compile_form, errors_by_path
from tests.engine.forms.test_forms_check import JSONSCHEMA_PHRASES
from tests.engine.forms.test_forms_support import COMPLETE, kitchen_sink, small

TODAY = date(2026, 3, 20)


@pytest.fixture(scope="module")
def form():
    return compile_form(kitchen_sink())


def answers(**changes):
    """Return the complete answers with some replaced; None removes a key."""
    out = copy.deepcopy(COMPLETE)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def test_complete_answers_are_valid(form):
    assert form.validate(COMPLETE, today=TODAY) == []


MESSAGES = [
    # (id, answers, field path, exact message)
    ("missing_text", answers(full_name=None), "full_name", "Enter the full name"),
    ("missing_date", answers(dob=None), "dob", "Enter the date of birth"),
    ("missing_integer", answers(age=None), "age", "Enter the age"),
    ("missing_yesno_question", answers(interpreter_needed=None), "interpreter_needed",
     "Select yes or no for “Is an interpreter needed?”"),
    ("missing_radios", answers(risk=None), "risk", "Select the risk level"),
    ("missing_scale", answers(rating=None), "rating", "Select a rating for Rating"),
    ("unreal_date", answers(dob="2026-2-31"), "dob", "Date of birth must be a real date"),
    ("date_missing_month", answers(dob="2026--31"), "dob", "Date of birth must include a month"),
    ("date_missing_day_and_year", answers(dob="-3-"), "dob", "Date of birth must include a day and a year"),
    ("date_two_digit_year", answers(dob="90-3-14"), "dob", "Date of birth must include a year of 4 numbers, like 2026"),
    ("future_date", answers(dob="2026-03-21"), "dob", "Date of birth must be today or in the past"),
    ("integer_not_a_number", answers(age="abc"), "age", "Enter a whole number for Age"),
    ("integer_too_small", answers(age=17), "age", "Age must be 18 or more"),
    ("integer_too_big", answers(age=121), "age", "Age must be 120 or less"),
    ("number_not_a_number", answers(height="tall"), "height", "Enter a number for Height"),
    ("number_negative", answers(height=-1), "height", "Height must be 0 or more"),
    ("text_too_long", answers(full_name="x" * 21), "full_name", "Full name must be 20 characters or fewer"),
    ("yesno_raw", answers(interpreter_needed="perhaps"), "interpreter_needed",
     "Select yes or no for “Is an interpreter needed?”"),
    ("radios_unknown", answers(risk="extreme"), "risk", "Risk level must be Low, Medium or High"),
    ("select_unknown", answers(team="east"), "team", "Team must be North team or South team"),
    ("scale_points_listed", answers(rating=3), "rating", "Rating must be 0, 1 or 2"),
    ("scale_points_raw", answers(rating="3"), "rating", "Rating must be 0, 1 or 2"),
    ("scale_integer_range", answers(importance=11), "importance", "Importance must be a whole number from 1 to 10"),
    ("checkbox_unknown", answers(disabilities=["other"]), "disabilities",
     "Select only the options shown for Disabilities"),
    ("required_when_shown", answers(interpreter_language=None), "interpreter_language", "Enter the language"),
    ("attestation_name", answers(signature={"date": "2026-03-12", "confirmed": True}), "signature.full_name",
     "Enter the full name for the signature"),
    ("attestation_tick", answers(signature={"full_name": "Sam", "date": "2026-03-12"}), "signature.confirmed",
     "Tick the box to confirm the signature"),
    ("attestation_unreal_date", answers(signature={"full_name": "Sam", "date": "2026-13-01", "confirmed": True}),
     "signature.date", "The date for the signature must be a real date"),
    ("attestation_future_date", answers(signature={"full_name": "Sam", "date": "2027-01-01", "confirmed": True}),
     "signature.date", "The date for the signature must be today or in the past"),
    ("attestation_missing", answers(signature=None), "signature.date", "Enter the date for the signature"),
    ("row_required", answers(children=[{"dob": "2015-06-01"}]), "children.0.name", "Enter the name (row 1)"),
    ("row_date", answers(children=[{"name": "A"}, {"name": "B", "dob": "2015-02-30"}]), "children.1.dob",
     "Date of birth must be a real date (row 2)"),
    ("row_future", answers(children=[{"name": "A", "dob": "2030-01-01"}]), "children.0.dob",
     "Date of birth must be today or in the past (row 1)"),
    ("row_required_when_shown", answers(children=[{"name": "A", "needs_support": True}]), "children.0.support",
     "Enter the support needed (row 1)"),
    ("repeater_too_many", answers(children=[{"name": str(i)} for i in range(4)]), "children",
     "Children can have no more than 3 entries"),
    ("file_incomplete", answers(document={"filename": "a.pdf"}), "document", "Upload the supporting document"),
    ("file_broken", answers(document={"id": 5, "filename": "a.pdf"}), "document",
     "Upload the supporting document again"),
]


@pytest.mark.parametrize(("given", "path", "message"), [c[1:] for c in MESSAGES], ids=[c[0] for c in MESSAGES])
def test_messages(form, given, path, message):
    errors = errors_by_path(form.validate(given, today=TODAY))
    assert errors.get(path) == message, errors


def test_error_carries_label_and_one_message_per_field(form):
    errors = form.validate(answers(age="abc", dob="2026-2-31"), today=TODAY)
    assert [(e.field, e.label) for e in errors] == [("age", "Age"), ("dob", "Date of birth")]


def test_errors_follow_layout_order(form):
    errors = form.validate({}, today=TODAY)
    assert [e.field for e in errors] == ["full_name", "age", "dob", "interpreter_needed", "risk", "rating",
                                         "signature.full_name", "signature.date", "signature.confirmed"]


def test_partial_reports_bad_answers_but_not_missing_ones(form):
    assert form.validate({}, today=TODAY, partial=True) == []
    draft = {"age": "abc", "interpreter_needed": True, "children": [{"dob": "2015-02-30"}]}
    errors = errors_by_path(form.validate(draft, today=TODAY, partial=True))
    assert errors == {"age": "Enter a whole number for Age",
                      "children.0.dob": "Date of birth must be a real date (row 1)"}


def test_validate_can_keep_to_one_page(form):
    errors = form.validate({}, today=TODAY, page="risk")
    assert [e.field for e in errors] == ["risk", "rating"]


def test_hidden_field_is_neither_validated_nor_kept(form):
    given = answers(interpreter_needed=False, interpreter_language="x" * 500)
    assert form.validate(given, today=TODAY) == []
    assert "interpreter_language" not in form.clean(given)


CLEAN = [
    ("hidden_stale_answer", {"interpreter_needed": False, "interpreter_language": "Polish"},
     {"interpreter_needed": False}),
    ("shown_answer_kept", {"interpreter_needed": True, "interpreter_language": "Polish"},
     {"interpreter_needed": True, "interpreter_language": "Polish"}),
    ("target_unanswered", {"interpreter_language": "Polish"}, {}),
    ("not_empty_list", {"disabilities": [], "disability_details": "x"}, {}),
    ("unknown_keys", {"full_name": "Sam", "ghost": 1, "csrf_token": "t"}, {"full_name": "Sam"}),
    ("empty_values", {"full_name": "", "notes": "  ", "disabilities": [], "dob": None}, {}),
    ("row_sibling_condition", {"children": [{"name": "A", "needs_support": False, "support": "x", "ghost": 1}]},
     {"children": [{"name": "A", "needs_support": False}]}),
    ("row_not_an_object", {"children": ["junk", {"name": "A"}]}, {"children": [{"name": "A"}]}),
    ("attestation_parts", {"signature": {"full_name": "S", "extra": 1}}, {"signature": {"full_name": "S"}}),
]


@pytest.mark.parametrize(("given", "expected"), [c[1:] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_clean(form, given, expected):
    assert form.clean(given) == expected


CONDITIONS = [
    # (id, show_when, answer of the target, shown?)
    ("equals_yes", {"equals": "a"}, "a", True),
    ("equals_no", {"equals": "a"}, "b", False),
    ("equals_missing", {"equals": "a"}, None, False),
    ("equals_list_member", {"equals": "a"}, ["b", "a"], True),
    ("in_yes", {"in": ["a", "b"]}, "b", True),
    ("in_no", {"in": ["a", "b"]}, "c", False),
    ("in_list_overlap", {"in": ["a"]}, ["c", "a"], True),
    ("not_equals_yes", {"not_equals": "a"}, "b", True),
    ("not_equals_no", {"not_equals": "a"}, "a", False),
    ("not_equals_missing", {"not_equals": "a"}, None, True),
    ("not_empty_yes", {"not_empty": True}, "b", True),
    ("not_empty_no", {"not_empty": True}, None, False),
]


@pytest.mark.parametrize(("cond", "value", "shown"), [c[1:] for c in CONDITIONS], ids=[c[0] for c in CONDITIONS])
def test_condition_operators(cond, value, shown):
    choices = [{"const": v, "title": v.upper()} for v in "abc"]
    defn = small(
        {"pick": {"title": "Pick", "type": "array", "items": {"type": "string", "oneOf": choices}},
         "one": {"title": "One", "type": "string", "oneOf": choices},
         "follow": {"title": "Follow", "type": "string"}},
        [{"field": "pick", "widget": "checkboxes"}, {"field": "one", "widget": "radios"},
         {"field": "follow", "widget": "text", "show_when": {"field": "pick" if isinstance(value, list) else "one",
                                                             **cond}}])
    form = compile_form(defn)
    given = {"follow": "x"}
    if value is not None:
        given["pick" if isinstance(value, list) else "one"] = value
    assert ("follow" in form.clean(given)) is shown


def test_condition_on_a_hidden_field_hides_too():
    defn = small(
        {"a": {"title": "A", "type": "boolean"}, "b": {"title": "B", "type": "boolean"},
         "c": {"title": "C", "type": "string"}},
        [{"field": "a", "widget": "yesno"},
         {"field": "b", "widget": "yesno", "show_when": {"field": "a", "equals": True}},
         {"field": "c", "widget": "text", "required_when_shown": True, "show_when": {"field": "b", "equals": True}}])
    form = compile_form(defn)
    assert form.clean({"a": False, "b": True, "c": "kept?"}) == {"a": False}
    assert form.validate({"a": False, "b": True}, today=TODAY) == []
    assert [e.field for e in form.validate({"a": True, "b": True}, today=TODAY)] == ["c"]


def test_error_label_gives_the_select_whether_wording():
    defn = small({"urgent": {"title": "Urgent", "type": "boolean"}},
                 [{"field": "urgent", "widget": "yesno", "error_label": "the referral is urgent"}], ["urgent"])
    errors = compile_form(defn).validate({}, today=TODAY)
    assert [e.message for e in errors] == ["Select whether the referral is urgent"]


def test_checkbox_minimum_and_missing_messages():
    defn = small({"tick": {"title": "Reasons", "type": "array", "minItems": 2,
                           "items": {"type": "string", "oneOf": [{"const": c, "title": c} for c in "abc"]}}},
                 [{"field": "tick", "widget": "checkboxes"}], ["tick"])
    form = compile_form(defn)
    assert [e.message for e in form.validate({}, today=TODAY)] == ["Select at least one option for Reasons"]
    assert [e.message for e in form.validate({"tick": ["a"]}, today=TODAY)] == [
        "Select at least 2 options for Reasons"]


WEIRD = [{"full_name": 5}, {"notes": ["a"]}, {"age": 3.5}, {"age": True}, {"dob": 20260101}, {"risk": 1},
         {"disabilities": "physical"}, {"rating": [1]}, {"children": "two"}, {"children": [{"name": 1}]},
         {"signature": "Sam"}, {"signature": {"full_name": "", "date": 5, "confirmed": "yes"}},
         {"document": "a.pdf"}, {"team": None}, {"height": {"a": 1}}, {"interpreter_needed": 1}]


@pytest.mark.parametrize("given", WEIRD, ids=[next(iter(w)) + "_" + type(next(iter(w.values()))).__name__
                                               for w in WEIRD])
def test_no_jsonschema_wording_ever_leaks(form, given):
    for partial in (False, True):
        errors = form.validate(answers(**given), today=TODAY, partial=partial)
        for error in errors:
            assert not any(phrase in error.message for phrase in JSONSCHEMA_PHRASES), error
            assert "'" not in error.message and "{" not in error.message, error
    assert form.validate(answers(**given), today=TODAY) or given == {"team": None}


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("referrer_email", "not-an-email", "Enter the social worker’s email address in the correct format"),
    ("referrer_phone", "call me maybe", "Enter the social worker’s phone number in the correct format"),
    ("person_phone", "abc", "Enter the phone number of the person referred in the correct format"),
])
def test_the_referral_s_email_and_phone_numbers_are_checked(field, typed, message):
    # Accepted as typed, they went to the team with no way of reaching the social worker or the man.
    root = Path(__file__).resolve().parents[3]
    form = compile_form(json.loads((root / "forms/definitions/request_for_service.json").read_text()))
    answers = json.loads((root / "tests/fixtures/answers/request_for_service.json").read_text())
    assert not [p for p in form.validate(answers, today=date(2026, 11, 24)) if p.field == field]
    found = [p.message for p in form.validate({**answers, field: typed}, today=date(2026, 11, 24)) if p.field == field]
    assert found == [message]


@pytest.mark.parametrize("number", ["01632 960 001", "+44 808 157 0192", "(01632) 960001 ext 12", "07700-900982"])
def test_phone_numbers_people_write_are_accepted(number):
    root = Path(__file__).resolve().parents[3]
    form = compile_form(json.loads((root / "forms/definitions/request_for_service.json").read_text()))
    answers = json.loads((root / "tests/fixtures/answers/request_for_service.json").read_text())
    assert not [p for p in form.validate({**answers, "person_phone": number}, today=date(2026, 11, 24))
                if p.field == "person_phone"]


def _with_youngest_age(years: int) -> dict:
    defn = kitchen_sink()
    for page in defn["layout"]["pages"]:
        for section in page["sections"]:
            for item in section["items"]:
                if item.get("field") == "dob":
                    item["min_years_ago"] = years
    return defn


@pytest.mark.parametrize(("dob", "language", "message"), [
    ("2010-03-20", "en", None),  # 16 years ago today: the youngest it takes
    ("1984-05-17", "en", None),
    ("2010-03-21", "en", "Date of birth must be on or before 20 March 2010"),
    ("2024-06-01", "cy", "Rhaid i’r dyddiad ar gyfer “Date of birth” fod ar 20 Mawrth 2010 neu cyn hynny"),
    ("2026-03-21", "en", "Date of birth must be today or in the past"),  # the future is said as the future
])
def test_a_date_of_birth_at_least_so_many_years_ago(dob, language, message):
    form = compile_form(_with_youngest_age(16))
    found = errors_by_path(form.validate(answers(dob=dob), today=TODAY, language=language))
    assert found.get("dob") == message


def test_a_youngest_age_is_a_whole_number_of_years_the_form_check_accepts():
    from forms import check_definition

    assert check_definition(_with_youngest_age(16)) == []
    assert check_definition(_with_youngest_age(0))  # not a number of years anyone is
    from scheduler.calendar import add_months
    assert add_months(date(2024, 2, 29), -12) == date(2023, 2, 28)  # a leap day's birthday, a year on


@pytest.mark.parametrize(("key", "field"), [("request_for_service", "person_dob"),
                                            ("community_referral", "client_dob")])
def test_the_shipped_referrals_refuse_a_perpetrator_younger_than_16(key, field):
    root = Path(__file__).resolve().parents[3]
    form = compile_form(json.loads((root / "forms" / "definitions" / f"{key}.json").read_text(encoding="utf-8")))
    sample = json.loads((root / "tests" / "fixtures" / "answers" / f"{key}.json").read_text(encoding="utf-8"))
    assert field not in errors_by_path(form.validate(sample, today=TODAY))
    too_young = errors_by_path(form.validate({**sample, field: "2024-01-01"}, today=TODAY))
    assert too_young[field].endswith("must be on or before 20 March 2010")

