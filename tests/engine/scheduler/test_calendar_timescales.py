"""Tests for deadline arithmetic: durations, basis text, reminders, escalations, pauses and catch-up."""

from datetime import date, datetime, timedelta

import pytest

import scheduler.calendar as calendar_module
from scheduler import timescales
from scheduler.calendar import WorkingCalendar
from scheduler.timescales import (
    add_duration,
    basis_text,
    collapse_missed,
    escalation_times,
    parse_spec,
    reminder_times,
    shift_for_pause,
)

D = date
ENG = WorkingCalendar("england_wales")
SCT = WorkingCalendar("scotland")


def due(y, m, d):
    """Return the end of a day, when deadlines fall due."""
    return datetime(y, m, d, 23, 59, 59)


def at8(y, m, d):
    """Return 08:00 on a day, when reminders go out."""
    return datetime(y, m, d, 8, 0)


@pytest.mark.parametrize(
    ("start", "spec", "expected"),
    [
        # Calendar months clamp to the end of a shorter month.
        (D(2026, 1, 31), {"months": 1}, due(2026, 2, 28)),
        (D(2028, 1, 31), {"months": 1}, due(2028, 2, 29)),
        (D(2026, 3, 31), {"months": 1}, due(2026, 4, 30)),
        (D(2026, 8, 31), {"months": 6}, due(2027, 2, 28)),
        (D(2026, 10, 31), {"months": 4}, due(2027, 2, 28)),
        (D(2026, 11, 30), {"months": 3}, due(2027, 2, 28)),
        (D(2026, 5, 15), {"months": 4}, due(2026, 9, 15)),
        (D(2026, 12, 15), {"months": 1}, due(2027, 1, 15)),
        (D(2026, 2, 28), {"months": 1}, due(2026, 3, 28)),
        (D(2026, 3, 31), {"months": -1}, due(2026, 2, 28)),
        (D(2026, 1, 15), {"months": -13}, due(2024, 12, 15)),
        (D(2024, 2, 29), {"years": 1}, due(2025, 2, 28)),
        (D(2026, 6, 30), {"years": 6}, due(2032, 6, 30)),
        # Days and weeks are calendar days, not moved off weekends.
        (datetime(2026, 3, 2, 15, 30), {"weeks": 6}, due(2026, 4, 13)),
        (D(2026, 3, 2), {"weeks": 2}, due(2026, 3, 16)),
        (D(2026, 3, 3), {"days": 10}, due(2026, 3, 13)),
        (D(2026, 3, 5), {"days": 10}, due(2026, 3, 15)),
        (D(2026, 3, 2), {"days": 0}, due(2026, 3, 2)),
        (D(2026, 3, 2), {"days": -3}, due(2026, 2, 27)),
        (D(2026, 12, 21), {"days": 4}, due(2026, 12, 25)),
        # Working days skip weekends and bank holidays.
        (D(2026, 12, 23), {"working_days": 5}, due(2027, 1, 4)),
        (datetime(2026, 12, 24, 9, 0), {"working_days": 1}, due(2026, 12, 29)),
        (D(2026, 4, 1), {"working_days": 5}, due(2026, 4, 10)),
        (D(2027, 3, 24), {"working_days": 5}, due(2027, 4, 2)),
        (D(2026, 5, 22), {"working_days": 1}, due(2026, 5, 26)),
        (D(2026, 3, 12), {"working_days": -2}, due(2026, 3, 10)),
    ],
)
def test_add_duration(start, spec, expected):
    assert add_duration(start, spec, ENG) == expected


@pytest.mark.parametrize(
    ("cal", "start", "expected"),
    [
        (ENG, D(2025, 12, 31), due(2026, 1, 2)),
        (SCT, D(2025, 12, 31), due(2026, 1, 5)),
        (WorkingCalendar("northern_ireland"), D(2026, 3, 16), due(2026, 3, 18)),
        (WorkingCalendar(extra_closures={D(2026, 3, 3)}), D(2026, 3, 2), due(2026, 3, 4)),
    ],
)
def test_add_duration_uses_the_given_calendar(cal, start, expected):
    assert add_duration(start, {"working_days": 1}, cal) == expected


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"days": 1, "weeks": 1},
        {"fortnights": 1},
        {"days": "3"},
        {"days": 1.5},
        {"days": True},
        {"working_days": None},
        [("days", 1)],
        None,
    ],
)
def test_invalid_specs_are_refused(spec):
    with pytest.raises(ValueError):
        add_duration(D(2026, 3, 2), spec, ENG)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"days": 10}, ("days", 10)),
        ({"working_days": -2}, ("working_days", -2)),
        ({"months": 4}, ("months", 4)),
    ],
)
def test_parse_spec(spec, expected):
    assert parse_spec(spec) == expected


@pytest.mark.parametrize(
    ("spec", "label", "anchor", "expected"),
    [
        ({"weeks": 6}, "allocation", None, "6 weeks after allocation"),
        (
            {"working_days": 5},
            "the risk level was set to high",
            None,
            "5 working days after the risk level was set to high",
        ),
        (
            {"working_days": -2},
            "group supervision",
            D(2026, 3, 12),
            "2 working days before group supervision on 12 March 2026",
        ),
        (
            {"days": 10},
            "the unacceptable absence",
            D(2026, 3, 3),
            "10 days after the unacceptable absence on 3 March 2026",
        ),
        ({"months": 4}, "the last risk of harm review", None, "4 months after the last risk of harm review"),
        ({"weeks": 1}, "the referral", None, "1 week after the referral"),
        ({"working_days": 1}, "acknowledgement", None, "1 working day after acknowledgement"),
        ({"days": -1}, "the session", None, "1 day before the session"),
        ({"months": 1}, "the start", None, "1 month after the start"),
        ({"years": 6}, "the case closed", D(2026, 12, 1), "6 years after the case closed on 1 December 2026"),
        (
            {"weeks": 2},
            "the programme started",
            datetime(2026, 9, 7, 10, 0),
            "2 weeks after the programme started on 7 September 2026",
        ),
        ({"days": 0}, "allocation", None, "0 days after allocation"),
        ({"months": 6}, "  the end of the programme ", None, "6 months after the end of the programme"),
    ],
)
def test_basis_text(spec, label, anchor, expected):
    assert basis_text(spec, label, anchor) == expected


@pytest.mark.parametrize(("spec", "label"), [({"weeks": 6}, ""), ({"weeks": 6}, "   "), ({"eons": 1}, "x")])
def test_basis_text_refuses_bad_input(spec, label):
    with pytest.raises(ValueError):
        basis_text(spec, label)


FULL = [{"days_before": 7}, {"working_days_before": 1}, {"on_due": True}]


@pytest.mark.parametrize(
    ("cal", "due_at", "schedule", "expected"),
    [
        (ENG, due(2026, 12, 31), FULL, [at8(2026, 12, 24), at8(2026, 12, 30), at8(2026, 12, 31)]),
        # Working-day reminders step over weekends and bank holidays.
        (ENG, due(2026, 12, 29), [{"working_days_before": 1}], [at8(2026, 12, 24)]),
        (ENG, due(2027, 1, 4), [{"working_days_before": 1}], [at8(2026, 12, 31)]),
        (ENG, due(2027, 1, 4), [{"working_days_before": 2}], [at8(2026, 12, 30)]),
        (ENG, due(2027, 1, 5), [{"working_days_before": 1}], [at8(2027, 1, 4)]),
        (SCT, due(2027, 1, 5), [{"working_days_before": 1}], [at8(2026, 12, 31)]),
        (ENG, due(2026, 4, 7), [{"working_days_before": 1}], [at8(2026, 4, 2)]),
        (SCT, due(2026, 4, 7), [{"working_days_before": 1}], [at8(2026, 4, 6)]),
        (ENG, due(2027, 3, 30), [{"working_days_before": 2}], [at8(2027, 3, 24)]),
        (ENG, due(2026, 5, 5), [{"working_days_before": 1}], [at8(2026, 5, 1)]),
        # A calendar deadline on a Saturday: the working-day reminder falls on the Friday.
        (
            ENG,
            due(2026, 3, 14),
            [{"working_days_before": 1}, {"on_due": True}, {"days_before": 1}],
            [at8(2026, 3, 13), at8(2026, 3, 14)],
        ),
        # Calendar-day reminders stay on their day, even a bank holiday.
        (ENG, due(2026, 1, 8), [{"days_before": 7}], [at8(2026, 1, 1)]),
        # Entries that land on the same day are sent once; output is sorted whatever the input order.
        (ENG, due(2026, 3, 13), [{"days_before": 1}, {"working_days_before": 1}], [at8(2026, 3, 12)]),
        (
            ENG,
            due(2026, 5, 26),
            [{"on_due": True}, {"days_before": 14}, {"working_days_before": 3}],
            [at8(2026, 5, 12), at8(2026, 5, 20), at8(2026, 5, 26)],
        ),
        (ENG, due(2026, 3, 13), [{"on_due": False}], []),
        (ENG, due(2026, 3, 13), [], []),
        (ENG, D(2026, 3, 13), [{"on_due": True}], [at8(2026, 3, 13)]),
        (ENG, due(2026, 3, 13), [{"days_before": 0}], [at8(2026, 3, 13)]),
        # None after due: a deadline shifted to 07:00 loses its on-the-day reminder.
        (ENG, datetime(2026, 3, 13, 7, 0), [{"on_due": True}, {"days_before": 1}], [at8(2026, 3, 12)]),
        (
            WorkingCalendar(extra_closures={D(2026, 3, 12)}),
            due(2026, 3, 13),
            [{"working_days_before": 1}],
            [at8(2026, 3, 11)],
        ),
    ],
)
def test_reminder_times(cal, due_at, schedule, expected):
    assert reminder_times(due_at, schedule, cal) == expected


@pytest.mark.parametrize(
    "entry",
    [
        {"weeks_before": 1},
        {"days_before": -1},
        {"working_days_before": 1.5},
        {"on_due": "yes"},
        {"days_before": 1, "on_due": True},
        {},
        "on_due",
    ],
)
def test_invalid_reminder_entries_are_refused(entry):
    with pytest.raises(ValueError):
        reminder_times(due(2026, 3, 13), [entry], ENG)


DUE = due(2026, 3, 13)


@pytest.mark.parametrize(
    ("due_at", "escalation", "expected_offsets"),
    [
        (DUE, {"after_days": 0, "repeat_every_days": 3, "max_repeats": 3}, [0, 3, 6, 9]),
        (DUE, {"after_days": 1}, [1]),
        (DUE, {}, [0]),
        (DUE, {"after_days": 2, "repeat_every_days": 7, "max_repeats": 1}, [2, 9]),
        (DUE, {"repeat_every_days": 5}, [0]),
        (D(2026, 3, 13), {"after_days": 1, "repeat_every_days": 1, "max_repeats": 2}, [1, 2, 3]),
    ],
)
def test_escalation_times(due_at, escalation, expected_offsets):
    assert escalation_times(due_at, escalation) == [DUE + timedelta(days=k) for k in expected_offsets]


@pytest.mark.parametrize(
    "escalation",
    [
        {"max_repeats": 2},
        {"after_days": -1},
        {"every": 3},
        {"repeat_every_days": 1.5, "max_repeats": 1},
        {"max_repeats": -1, "repeat_every_days": 1},
    ],
)
def test_invalid_escalations_are_refused(escalation):
    with pytest.raises(ValueError):
        escalation_times(DUE, escalation)


@pytest.mark.parametrize(
    ("due_at", "paused_at", "resumed_at", "expected"),
    [
        (due(2026, 3, 20), datetime(2026, 3, 3, 10), datetime(2026, 3, 17, 9), due(2026, 4, 3)),
        (due(2026, 3, 20), datetime(2026, 3, 3, 9), datetime(2026, 3, 17, 10), due(2026, 4, 3)),
        (due(2026, 3, 20), datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 17), due(2026, 3, 20)),
        (due(2026, 3, 20), datetime(2026, 3, 3, 23), datetime(2026, 3, 4, 1), due(2026, 3, 21)),
        # Paused before the deadline, resumed after it: the whole pause still counts.
        (due(2026, 3, 20), datetime(2026, 3, 18, 12), datetime(2026, 3, 25, 12), due(2026, 3, 27)),
        (due(2026, 12, 31), datetime(2026, 12, 24, 16), datetime(2027, 1, 4, 9), due(2027, 1, 11)),
        # A pause starting once the deadline has passed does not excuse the miss.
        (due(2026, 3, 20), datetime(2026, 3, 21, 9), datetime(2026, 3, 25, 9), due(2026, 3, 20)),
        (due(2026, 3, 20), due(2026, 3, 20), datetime(2026, 3, 25, 9), due(2026, 3, 20)),
        (D(2026, 3, 20), datetime(2026, 3, 10, 9), datetime(2026, 3, 12, 9), due(2026, 3, 22)),
    ],
)
def test_shift_for_pause(due_at, paused_at, resumed_at, expected):
    assert shift_for_pause(due_at, paused_at, resumed_at) == expected


def test_resuming_before_pausing_is_refused():
    with pytest.raises(ValueError):
        shift_for_pause(due(2026, 3, 20), datetime(2026, 3, 10), datetime(2026, 3, 9))


REMINDERS = [at8(2026, 3, 6), at8(2026, 3, 12), at8(2026, 3, 13)]


@pytest.mark.parametrize(
    ("times", "now", "expected"),
    [
        (REMINDERS, datetime(2026, 3, 12, 12, 0), at8(2026, 3, 12)),
        (REMINDERS, datetime(2026, 3, 5, 12, 0), None),
        (REMINDERS, at8(2026, 3, 13), at8(2026, 3, 13)),
        (REMINDERS, datetime(2026, 3, 20), at8(2026, 3, 13)),
        (list(reversed(REMINDERS)), datetime(2026, 3, 12, 9, 0), at8(2026, 3, 12)),
        ([], datetime(2026, 3, 20), None),
    ],
)
def test_collapse_missed_sends_one_catch_up(times, now, expected):
    assert collapse_missed(times, now) == expected


@pytest.mark.parametrize("name", ["add_duration", "basis_text", "reminder_times", "shift_for_pause"])
def test_the_deadline_helpers_live_in_timescales_only(name):
    # One home per helper: the calendar (working days) sits below the timescales (deadlines) and does not re-export.
    assert callable(getattr(timescales, name))
    assert not hasattr(calendar_module, name)


def test_calendar_module_refuses_unknown_names():
    with pytest.raises(AttributeError):
        calendar_module.no_such_helper  # noqa: B018
