"""The pure group schedule: weekly sessions on working days, intakes, programme weeks."""

from datetime import date

import pytest

from scheduler.calendar import WorkingCalendar
from scheduler.group_schedule import first_meeting, is_intake, last_number, programme_week, weekly_sessions

CAL = WorkingCalendar("england_wales")


def test_first_meeting_is_the_first_matching_weekday():
    assert first_meeting(date(2027, 1, 6), 0) == date(2027, 1, 11)  # a Wednesday start, Monday group
    assert first_meeting(date(2027, 1, 11), 0) == date(2027, 1, 11)


@pytest.mark.parametrize(("start", "weekday", "expected", "skipped"), [
    # Christmas Day and Boxing Day (substitute Monday 28th) 2026; New Year's Day 2027 is a Friday.
    (date(2026, 12, 21), 0, [date(2026, 12, 21), date(2027, 1, 4), date(2027, 1, 11)], {date(2026, 12, 28)}),
    (date(2026, 12, 18), 4, [date(2026, 12, 18), date(2027, 1, 8), date(2027, 1, 15)],
     {date(2026, 12, 25), date(2027, 1, 1)}),
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    (date(2027, 3, 19), 4, [date(2027, 3, 19), date(2027, 4, 2), date(2027, 4, 9)], {date(2027, 3, 26)}),
    (date(2027, 3, 22), 0, [date(2027, 3, 22), date(2027, 4, 5), date(2027, 4, 12)], {date(2027, 3, 29)}),
    # The early May bank holiday 2027 is Monday 3 May; a Tuesday group is untouched.
    (date(2027, 4, 27), 1, [date(2027, 4, 27), date(2027, 5, 4), date(2027, 5, 11)], set()),
])
def test_bank_holiday_weeks_are_skipped(start, weekday, expected, skipped):
    planned, missed = weekly_sessions(start, weekday, 3, CAL)
    assert [p.date for p in planned] == expected and [p.number for p in planned] == [1, 2, 3]
    assert {m.date for m in missed} == skipped


def test_service_closures_are_skipped_and_named():
    cal = WorkingCalendar("england_wales", extra_closures=[date(2027, 2, 16)])
    planned, missed = weekly_sessions(date(2027, 2, 9), 1, 2, cal, first_number=5)
    assert [(p.number, p.date) for p in planned] == [(5, date(2027, 2, 9)), (6, date(2027, 2, 23))]
    assert missed[0].reason == "Service closure"


def test_scotland_keeps_its_own_holidays():
    planned, _ = weekly_sessions(date(2027, 1, 1), 5 - 1, 1, WorkingCalendar("scotland"))
    assert planned[0].date == date(2027, 1, 8)  # 1 January is a holiday everywhere in the UK


def test_intakes_weeks_and_ends():
    assert [n for n in range(1, 20) if is_intake(n, rolling=True, every=6)] == [1, 7, 13, 19]
    assert [n for n in range(1, 20) if is_intake(n, rolling=False, every=6)] == [1]
    assert programme_week(9, 7) == 3 and programme_week(9, 7, first_week=10) == 12
    assert last_number(7, 36) == 42 and last_number(7, 36, first_week=10) == 33
    with pytest.raises(ValueError):
        weekly_sessions(date(2027, 1, 1), 0, -1, CAL)


@pytest.mark.parametrize("weekday", [5, 6])
def test_a_weekend_meeting_day_is_refused_rather_than_searched_for_ever(weekday):
    # Every Saturday and Sunday is closed: no number of weeks would find one session.
    with pytest.raises(ValueError, match="never a working day"):
        weekly_sessions(date(2027, 1, 4), weekday, 1, CAL)
