"""Cleaning the inputs a user gives when taking a step."""

from datetime import date, datetime

import pytest

from errors import InvalidInput
from workflows.inputs import InputSpec, clean_inputs

NOW = datetime(2025, 3, 12, 10, 0)
OPTIONS = ({"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"})


def spec(kind, **extra):
    return InputSpec(name="x", kind=kind, label="The answer", **extra)


@pytest.mark.parametrize(
    ("input_spec", "raw", "cleaned"),
    [
        (spec("reason"), "  Because  ", "Because"),
        (spec("text", required=False), "", None),
        (spec("text", required=False), None, None),
        (spec("user", role="practitioner"), "64f0c0ffee", "64f0c0ffee"),
        (spec("decision", options=OPTIONS), "no", "no"),
        (spec("outcome", options=OPTIONS), "yes", "yes"),
        (spec("date"), "2025-03-01", "2025-03-01"),
        (spec("date"), date(2025, 4, 1), "2025-04-01"),
        (spec("date"), datetime(2025, 4, 1, 9, 30), "2025-04-01"),
        (spec("date", no_future=True), "2025-03-12", "2025-03-12"),
        (spec("number", minimum=3), "4", 4),
        (spec("number", minimum=1, maximum=36), 36, 36),
        (spec("confirm"), "on", True),
        (spec("confirm"), True, True),
        (spec("confirm", required=False), "", False),
        (spec("confirm", required=False), "false", False),
    ],
)
def test_clean(input_spec, raw, cleaned):
    assert clean_inputs([input_spec], {"x": raw}, now=NOW) == {"x": cleaned}


@pytest.mark.parametrize(
    ("input_spec", "raw", "message"),
    [
        (spec("reason"), "   ", "Enter the answer"),
        (spec("reason", error="Say why the referral is not accepted"), None, "Say why the referral is not accepted"),
        (spec("text"), "", "Enter the answer"),
        (spec("text", max_length=5), "too long", "The answer must be 5 characters or fewer"),
        (spec("text"), 12, "The answer must be text"),
        (spec("user"), "", "Select the answer"),
        (spec("decision", options=OPTIONS), "maybe", "Select one of the options for the answer"),
        (spec("decision", options=OPTIONS), None, "Select the answer"),
        (spec("outcome", options=OPTIONS), None, "Select the answer"),
        (spec("date"), "", "Enter the answer"),
        (spec("date"), "2025-02-30", "The answer must be a real date"),
        (spec("date"), "2026--1", "The answer must include a month"),  # three boxes, the month left empty
        (spec("date"), "2026--", "The answer must include a day and a month"),
        (spec("date"), "26-11-1", "The answer must include a year of 4 numbers, like 2026"),
        (spec("date", no_future=True), "2025-03-13", "The answer must be today or in the past"),
        (spec("date"), "1899-12-31", "The answer must be in 1900 or later"),
        (spec("number"), "three", "The answer must be a whole number"),
        (spec("number"), True, "The answer must be a whole number"),
        (spec("number", minimum=3), "2", "The answer must be 3 or more"),
        (spec("number", maximum=36), 37, "The answer must be 36 or less"),
        (spec("number"), None, "Enter the answer"),
        (spec("confirm"), "", "Confirm “The answer” to continue"),
        (spec("confirm"), "no", "Confirm “The answer” to continue"),
        (spec("confirm", error="Tick to confirm the statement is signed"), None,
         "Tick to confirm the statement is signed"),
        (spec("confirm"), "perhaps", "Confirm “The answer” to continue"),
    ],
)
def test_invalid(input_spec, raw, message):
    with pytest.raises(InvalidInput) as caught:
        clean_inputs([input_spec], {"x": raw}, now=NOW)
    assert [(p.field, p.message, p.label) for p in caught.value.problems] == [("x", message, "The answer")]


def test_every_problem_is_reported_at_once_and_unknown_keys_are_dropped():
    specs = [InputSpec("a", "reason", "A"), InputSpec("b", "date", "B"), InputSpec("c", "text", "C", required=False)]
    with pytest.raises(InvalidInput) as caught:
        clean_inputs(specs, {"b": "never", "csrf_token": "x"}, now=NOW)
    assert [p.field for p in caught.value.problems] == ["a", "b"]
    assert clean_inputs(specs, {"a": "why", "b": "2025-01-01", "csrf_token": "x"}, now=NOW) == {
        "a": "why", "b": "2025-01-01", "c": None}


def test_input_spec_from_file_data():
    data = {"name": "outcome", "kind": "outcome", "label": "Outcome", "options": [{"value": "done", "label": "Done"}]}
    parsed = InputSpec.from_dict(data)
    assert (parsed.required, parsed.option_values()) == (True, ["done"])


def test_no_later_than_today_means_the_service_s_day_when_given():
    # 23:30 UTC on 4 July is 00:30 on 5 July in London: the service's day is the 5th, which is not in the future.
    late = datetime(2027, 7, 4, 23, 30)
    dated = [spec("date", no_future=True)]
    assert clean_inputs(dated, {"x": "2027-07-05"}, now=late, today=date(2027, 7, 5)) == {"x": "2027-07-05"}
    with pytest.raises(InvalidInput):
        clean_inputs(dated, {"x": "2027-07-06"}, now=late, today=date(2027, 7, 5))
    with pytest.raises(InvalidInput):  # without it, now's own (UTC) date
        clean_inputs(dated, {"x": "2027-07-05"}, now=late)


@pytest.mark.parametrize(("kind", "label", "message"), [
    ("date", "Date of the incident", "Enter the date of the incident"),
    ("user", "Partner-support worker", "Select the partner-support worker"),
    ("user", "Who will assess him", "Select an answer to “Who will assess him”"),
    ("reason", "What happened", "Enter an answer to “What happened”"),
    ("reason", "Rationale for suspending", "Enter the rationale for suspending"),
    ("outcome", "Outcome of the review", "Select the outcome of the review"),
    ("number", "Sessions attended?", "Enter an answer to “Sessions attended?”"),
    ("confirm", "He has signed the Statement of Understanding",
     "Confirm “He has signed the Statement of Understanding” to continue"),
])
def test_a_missing_input_is_named_in_its_message(kind, label, message):
    # A step with two inputs said "Enter a date" and "Choose a person": which date, whom, was left to guess.
    extra = {"options": OPTIONS} if kind == "outcome" else {}
    with pytest.raises(InvalidInput) as caught:
        clean_inputs([InputSpec("x", kind, label, **extra)], {}, now=NOW)
    assert [p.message for p in caught.value.problems] == [message]


@pytest.mark.parametrize(("typed", "earliest", "language", "problem"), [
    ("2026-11-02", date(2026, 11, 2), "en", None),  # the day itself
    ("2027-01-10", date(2026, 11, 2), "en", None),
    ("1988-11-02", date(2026, 11, 2), "en",
     "Date of the consultation must be on or after 2 November 2026, the day the case was referred"),
    ("2026-11-01", date(2026, 11, 2), "cy",
     "Rhaid i “Date of the consultation” fod ar 2 Tachwedd 2026 neu ar ôl hynny, y diwrnod y cafodd yr achos ei "
     "atgyfeirio"),
    ("1988-11-02", None, "en", None),  # no referral day given (a case not yet referred): nothing to hold to
])
def test_a_date_not_before_the_referral(typed, earliest, language, problem):
    dated = [InputSpec(name="x", kind="date", label="Date of the consultation", not_before="referral")]
    given = {"referral": earliest} if earliest else None
    if problem is None:
        assert clean_inputs(dated, {"x": typed}, now=NOW, earliest=given, language=language) == {"x": typed}
        return
    with pytest.raises(InvalidInput) as refused:
        clean_inputs(dated, {"x": typed}, now=NOW, earliest=given, language=language)
    assert [(p.field, p.message) for p in refused.value.problems] == [("x", problem)]


@pytest.mark.parametrize(("typed", "language", "problem"), [
    ("2025-03-12", "en", None),  # today
    ("2026-03-12", "en", None),  # the last day it allows: 365 days after 12 March 2025
    ("2026-03-13", "en", "Date of the consultation must be on or before 12 March 2026"),
    ("2035-03-12", "cy", "Rhaid i “Date of the consultation” fod ar 12 Mawrth 2026 neu cyn hynny"),
])
def test_a_date_no_later_than_its_days_ahead(typed, language, problem):
    dated = [InputSpec(name="x", kind="date", label="Date of the consultation", max_days_ahead=365)]
    if problem is None:
        assert clean_inputs(dated, {"x": typed}, now=NOW, language=language) == {"x": typed}
        return
    with pytest.raises(InvalidInput) as refused:
        clean_inputs(dated, {"x": typed}, now=NOW, language=language)
    assert [(p.field, p.message) for p in refused.value.problems] == [("x", problem)]


def test_every_shipped_date_that_may_be_in_the_future_has_a_limit():
    from workflows.definition import load_directory

    for key, defn in load_directory("workflows").items():
        for step in [*defn.transitions.values(), *defn.events.values()]:
            for spec in step.inputs:
                if spec.kind == "date" and not spec.no_future:
                    assert spec.max_days_ahead, (key, step.name, spec.name)
