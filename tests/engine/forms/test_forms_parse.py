"""parse_form: HTML post strings become typed answers; what cannot be converted is kept as typed."""

from __future__ import annotations

import pytest

from forms import compile_form
from tests.engine.forms.test_forms_support import kitchen_sink

ABSENT = object()


class MultiDict:
    """A werkzeug-like object: getlist() and iteration over names."""

    def __init__(self, pairs):
        self.pairs = pairs

    def getlist(self, name):
        return [v for k, v in self.pairs if k == name]

    def __iter__(self):
        return iter(dict.fromkeys(k for k, _ in self.pairs))


@pytest.fixture(scope="module")
def form():
    return compile_form(kitchen_sink())


CASES = [
    # (id, posted {name: [values]}, field, expected answer or ABSENT)
    ("text", {"full_name": ["  Sam Smith "]}, "full_name", "Sam Smith"),
    ("text_blank_is_no_answer", {"full_name": ["   "]}, "full_name", ABSENT),
    ("textarea_newlines", {"notes": ["line one\r\nline two\r\n"]}, "notes", "line one\nline two"),
    ("number_decimal", {"height": ["180.5"]}, "height", 180.5),
    ("number_whole", {"height": ["1,200"]}, "height", 1200),
    ("number_kept_raw", {"height": ["tall"]}, "height", "tall"),
    ("number_nan_kept_raw", {"height": ["nan"]}, "height", "nan"),
    ("integer", {"age": ["34"]}, "age", 34),
    ("integer_negative", {"age": ["-3"]}, "age", -3),
    ("integer_kept_raw", {"age": ["abc"]}, "age", "abc"),
    ("integer_decimal_kept_raw", {"age": ["34.5"]}, "age", "34.5"),
    ("date_three_inputs", {"dob-day": ["5"], "dob-month": ["3"], "dob-year": ["1990"]}, "dob", "1990-03-05"),
    ("date_month_name", {"dob-day": ["5"], "dob-month": ["march"], "dob-year": ["1990"]}, "dob", "1990-03-05"),
    ("date_not_real_kept", {"dob-day": ["31"], "dob-month": ["2"], "dob-year": ["2026"]}, "dob", "2026-2-31"),
    ("date_missing_part_kept", {"dob-day": ["31"], "dob-month": [""], "dob-year": ["2026"]}, "dob", "2026--31"),
    ("date_two_digit_year_kept", {"dob-day": ["1"], "dob-month": ["2"], "dob-year": ["90"]}, "dob", "90-2-1"),
    ("date_three_empty", {"dob-day": [""], "dob-month": [""], "dob-year": [""]}, "dob", ABSENT),
    ("date_single_iso", {"dob": ["1990-03-05"]}, "dob", "1990-03-05"),
    ("date_single_slashed", {"dob": ["5/3/1990"]}, "dob", "1990-03-05"),
    ("date_single_kept", {"dob": ["yesterday"]}, "dob", "yesterday"),
    ("yesno_true", {"interpreter_needed": ["true"]}, "interpreter_needed", True),
    ("yesno_no", {"interpreter_needed": ["no"]}, "interpreter_needed", False),
    ("yesno_kept_raw", {"interpreter_needed": ["perhaps"]}, "interpreter_needed", "perhaps"),
    ("radios", {"risk": ["high"]}, "risk", "high"),
    ("radios_unknown_kept", {"risk": ["extreme"]}, "risk", "extreme"),
    ("select", {"team": ["south"]}, "team", "south"),
    ("select_placeholder_is_no_answer", {"team": [""]}, "team", ABSENT),
    ("checkboxes", {"disabilities": ["learning", "physical", "learning"]}, "disabilities", ["learning", "physical"]),
    ("checkboxes_unknown_kept", {"disabilities": ["physical", "other"]}, "disabilities", ["physical", "other"]),
    ("checkboxes_none", {"disabilities": []}, "disabilities", ABSENT),
    ("scale_labelled_points", {"rating": ["2"]}, "rating", 2),
    ("scale_labelled_unknown_kept", {"rating": ["3"]}, "rating", "3"),
    ("scale_integer", {"importance": ["7"]}, "importance", 7),
    ("scale_integer_out_of_range", {"importance": ["11"]}, "importance", 11),
    ("attestation", {"signature-full_name": ["Sam"], "signature-date-day": ["12"], "signature-date-month": ["3"],
                     "signature-date-year": ["2026"], "signature-confirmed": ["true"]}, "signature",
     {"full_name": "Sam", "date": "2026-03-12", "confirmed": True}),
    ("attestation_single_date_input", {"signature-full_name": ["Sam"], "signature-date": ["2026-03-12"]},
     "signature", {"full_name": "Sam", "date": "2026-03-12"}),
    ("attestation_empty", {"signature-full_name": [""]}, "signature", ABSENT),
    ("file_current", {"document-id": ["f1"], "document-filename": ["a.pdf"], "document-size": ["12"]},
     "document", {"id": "f1", "filename": "a.pdf", "size": 12}),
    ("file_removed", {"document-id": ["f1"], "document-filename": ["a.pdf"], "document-remove": ["true"]},
     "document", ABSENT),
    ("repeater_rows", {"children-0-name": ["Alex"], "children-0-dob-day": ["1"], "children-0-dob-month": ["6"],
                       "children-0-dob-year": ["2015"], "children-0-needs_support": ["true"],
                       "children-0-support": ["Speech"], "children-3-name": ["Jo"], "children-4-name": [""]},
     "children", [{"name": "Alex", "dob": "2015-06-01", "needs_support": True, "support": "Speech"},
                  {"name": "Jo"}]),
    ("repeater_empty_rows_dropped", {"children-0-name": [""], "children-1-name": [" "]}, "children", ABSENT),
]


@pytest.mark.parametrize(("posted", "name", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_parse_form(form, posted, name, expected):
    answers = form.parse_form(posted)
    if expected is ABSENT:
        assert name not in answers
    else:
        assert answers[name] == expected
        assert type(answers[name]) is type(expected)


def test_parse_form_accepts_getlist_objects_and_single_strings(form):
    pairs = [("full_name", "Sam"), ("disabilities", "physical"), ("disabilities", "learning"), ("age", "40")]
    assert form.parse_form(MultiDict(pairs)) == {"full_name": "Sam", "disabilities": ["physical", "learning"],
                                                 "age": 40}
    assert form.parse_form({"full_name": "Sam", "age": "40"}) == {"full_name": "Sam", "age": 40}


def test_parse_form_only_reads_the_given_page(form):
    posted = {"full_name": ["Sam"], "risk": ["low"], "children-0-name": ["Alex"]}
    assert form.parse_form(posted, page="risk") == {"risk": "low"}
    assert form.parse_form(posted, page="family") == {"children": [{"name": "Alex"}]}
    with pytest.raises(KeyError):
        form.parse_form(posted, page="nope")


def test_parse_form_ignores_unknown_names(form):
    assert form.parse_form({"csrf_token": ["x"], "action": ["add-children"], "ghost": ["1"]}) == {}
