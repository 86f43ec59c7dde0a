"""Tests for the working-day calendar: bank holidays by region, closures and working-day counting."""

import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from scheduler.calendar import WorkingCalendar, next_date_after, working_days_before

D = date
ENG = WorkingCalendar("england_wales")
SCT = WorkingCalendar("scotland")
NIR = WorkingCalendar("northern_ireland")
CALENDARS = {"england_wales": ENG, "scotland": SCT, "northern_ireland": NIR}
REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Christmas 2026: 25 Dec is a Friday, Boxing Day is a Saturday so Monday 28 Dec is the substitute.
        (D(2026, 12, 24), True),
        (D(2026, 12, 25), False),
        (D(2026, 12, 26), False),
        (D(2026, 12, 27), False),
        (D(2026, 12, 28), False),
        (D(2026, 12, 29), True),
        (D(2026, 12, 31), True),
        (D(2027, 1, 1), False),
        (D(2027, 1, 4), True),
        # Easter 2026 and 2027.
        (D(2026, 4, 2), True),
        (D(2026, 4, 3), False),
        (D(2026, 4, 6), False),
        (D(2026, 4, 7), True),
        (D(2027, 3, 25), True),
        (D(2027, 3, 26), False),
        (D(2027, 3, 29), False),
        (D(2027, 3, 30), True),
        # Early May, spring and summer bank holidays.
        (D(2026, 5, 4), False),
        (D(2026, 5, 5), True),
        (D(2026, 5, 25), False),
        (D(2027, 5, 3), False),
        (D(2027, 5, 31), False),
        (D(2026, 8, 31), False),
        (D(2026, 8, 3), True),
        # Christmas 2027 falls on a weekend: both substitutes land on Monday 27 and Tuesday 28.
        (D(2027, 12, 27), False),
        (D(2027, 12, 28), False),
        (D(2027, 12, 29), True),
        # Ordinary weekdays and weekends.
        (D(2026, 3, 12), True),
        (D(2026, 3, 14), False),
        (D(2026, 3, 15), False),
        (datetime(2026, 12, 28, 9, 30), False),
        (datetime(2026, 12, 29, 9, 30), True),
    ],
)
def test_england_and_wales_working_days(day, expected):
    assert ENG.is_working_day(day) is expected


@pytest.mark.parametrize(
    ("day", "eng", "sct", "nir"),
    [
        (D(2026, 1, 2), True, False, True),  # 2 January, Scotland only
        (D(2027, 1, 4), True, False, True),  # 2 January 2027 is a Saturday: Scottish substitute Monday
        (D(2026, 4, 6), False, True, False),  # Easter Monday is not a Scottish bank holiday
        (D(2027, 3, 29), False, True, False),
        (D(2026, 8, 3), True, False, True),  # Scottish summer bank holiday is the first Monday in August
        (D(2026, 8, 31), False, True, False),  # the others have the last Monday in August
        (D(2025, 12, 1), True, False, True),  # St Andrew's Day 2025 is a Sunday: substitute Monday
        (D(2026, 11, 30), True, False, True),  # St Andrew's Day on a Monday
        (D(2027, 11, 30), True, False, True),  # St Andrew's Day on a Tuesday
        (D(2026, 3, 17), True, True, False),  # St Patrick's Day, Northern Ireland only
        (D(2027, 3, 17), True, True, False),
        (D(2025, 7, 14), True, True, False),  # 12 July 2025 is a Saturday: substitute Monday
        (D(2026, 7, 13), True, True, False),  # 12 July 2026 is a Sunday: substitute Monday
        (D(2027, 7, 12), True, True, False),
        (D(2026, 12, 28), False, False, False),  # Boxing Day substitute everywhere
        (D(2026, 5, 4), False, False, False),
        (D(2026, 3, 18), True, True, True),
    ],
)
def test_regional_differences(day, eng, sct, nir):
    assert (ENG.is_working_day(day), SCT.is_working_day(day), NIR.is_working_day(day)) == (eng, sct, nir)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 12, 23), 1, D(2026, 12, 24)),
        (D(2026, 12, 23), 2, D(2026, 12, 29)),
        (D(2026, 12, 23), 3, D(2026, 12, 30)),
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 12, 24), 4, D(2027, 1, 4)),
        (D(2026, 12, 25), 1, D(2026, 12, 29)),  # counting starts the day after, even from a holiday
        (D(2026, 12, 31), 1, D(2027, 1, 4)),
        (D(2027, 12, 24), 1, D(2027, 12, 29)),
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        (D(2026, 4, 1), 2, D(2026, 4, 7)),
        (D(2027, 3, 25), 1, D(2027, 3, 30)),
        (D(2026, 5, 1), 1, D(2026, 5, 5)),
        (D(2026, 5, 22), 5, D(2026, 6, 1)),
        (D(2027, 4, 30), 1, D(2027, 5, 4)),
        (D(2027, 5, 28), 1, D(2027, 6, 1)),
        (D(2026, 3, 2), 5, D(2026, 3, 9)),
        (D(2026, 3, 2), 10, D(2026, 3, 16)),
        (D(2026, 3, 7), 1, D(2026, 3, 9)),
        (D(2026, 3, 6), 0, D(2026, 3, 6)),
        (D(2026, 3, 7), 0, D(2026, 3, 7)),  # zero leaves even a Saturday where it is
        (datetime(2026, 12, 24, 17, 0), 1, D(2026, 12, 29)),
        # Negative: count backwards, again never counting the start.
        (D(2026, 12, 29), -1, D(2026, 12, 24)),
        (D(2027, 1, 4), -1, D(2026, 12, 31)),
        (D(2027, 1, 4), -4, D(2026, 12, 24)),
        (D(2026, 4, 7), -1, D(2026, 4, 2)),
        (D(2027, 3, 30), -2, D(2027, 3, 24)),
        (D(2026, 5, 26), -1, D(2026, 5, 22)),
        (D(2026, 3, 8), -1, D(2026, 3, 6)),
        (D(2026, 3, 9), -5, D(2026, 3, 2)),
    ],
)
def test_add_working_days_england_and_wales(start, n, expected):
    assert ENG.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("region", "start", "n", "expected"),
    [
        ("england_wales", D(2025, 12, 31), 1, D(2026, 1, 2)),
        ("scotland", D(2025, 12, 31), 1, D(2026, 1, 5)),
        ("northern_ireland", D(2025, 12, 31), 1, D(2026, 1, 2)),
        ("england_wales", D(2026, 12, 31), 1, D(2027, 1, 4)),
        ("scotland", D(2026, 12, 31), 1, D(2027, 1, 5)),
        ("scotland", D(2027, 1, 5), -1, D(2026, 12, 31)),
        ("england_wales", D(2025, 11, 28), 1, D(2025, 12, 1)),
        ("scotland", D(2025, 11, 28), 1, D(2025, 12, 2)),
        ("england_wales", D(2026, 4, 2), 1, D(2026, 4, 7)),
        ("scotland", D(2026, 4, 2), 1, D(2026, 4, 6)),
        ("northern_ireland", D(2026, 4, 2), 1, D(2026, 4, 7)),
        ("england_wales", D(2026, 3, 16), 1, D(2026, 3, 17)),
        ("northern_ireland", D(2026, 3, 16), 1, D(2026, 3, 18)),
        ("northern_ireland", D(2026, 3, 18), -1, D(2026, 3, 16)),
        ("england_wales", D(2026, 7, 10), 1, D(2026, 7, 13)),
        ("northern_ireland", D(2026, 7, 10), 1, D(2026, 7, 14)),
        ("scotland", D(2026, 7, 31), 1, D(2026, 8, 4)),
        ("england_wales", D(2026, 8, 28), 1, D(2026, 9, 1)),
        ("scotland", D(2026, 8, 28), 1, D(2026, 8, 31)),
    ],
)
def test_add_working_days_by_region(region, start, n, expected):
    assert CALENDARS[region].add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2026, 3, 4), D(2026, 3, 5)),
        (D(2026, 3, 6), D(2026, 3, 9)),
        (D(2026, 3, 7), D(2026, 3, 9)),
        (D(2026, 4, 2), D(2026, 4, 7)),
        (D(2026, 12, 24), D(2026, 12, 29)),
        (D(2026, 12, 31), D(2027, 1, 4)),
    ],
)
def test_next_working_day_is_strictly_after(start, expected):
    assert ENG.next_working_day(start) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 12, 29), 1, D(2026, 12, 24)),
        (D(2027, 1, 4), 4, D(2026, 12, 24)),
        (D(2026, 4, 7), 2, D(2026, 4, 1)),
        (D(2026, 3, 9), 0, D(2026, 3, 9)),
    ],
)
def test_subtract_working_days(start, n, expected):
    assert ENG.subtract_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("cal", "a", "b", "expected"),
    [
        (ENG, D(2026, 12, 23), D(2026, 12, 30), 3),
        (ENG, D(2026, 12, 30), D(2026, 12, 23), -3),
        (ENG, D(2026, 3, 2), D(2026, 3, 2), 0),
        (ENG, D(2026, 3, 6), D(2026, 3, 8), 0),
        (ENG, D(2026, 3, 6), D(2026, 3, 9), 1),
        (ENG, D(2026, 3, 9), D(2026, 3, 6), -1),
        (ENG, D(2026, 4, 2), D(2026, 4, 7), 1),
        (SCT, D(2026, 4, 2), D(2026, 4, 7), 2),
        (ENG, datetime(2026, 3, 2, 9), datetime(2026, 3, 9, 17), 5),
        # 2026 has 261 weekdays; England and Wales lose 8 to bank holidays, Northern Ireland 10.
        (ENG, D(2025, 12, 31), D(2026, 12, 31), 253),
        (NIR, D(2025, 12, 31), D(2026, 12, 31), 251),
        (ENG, D(2026, 12, 31), D(2025, 12, 31), -253),
    ],
)
def test_working_days_between(cal, a, b, expected):
    assert cal.working_days_between(a, b) == expected


@pytest.mark.parametrize("region", sorted(CALENDARS))
def test_counting_and_adding_agree_across_the_new_year(region):
    cal = CALENDARS[region]
    start = D(2026, 12, 14)
    for offset in range(30):
        day = start + timedelta(days=offset)
        for n in range(-12, 13):
            target = cal.add_working_days(day, n)
            assert cal.working_days_between(day, target) == n, (day, n)
            assert n == 0 or cal.is_working_day(target), (day, n)


def test_extra_closures_are_not_working_days():
    closures = {D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)}
    cal = WorkingCalendar("england_wales", extra_closures=closures)
    assert not cal.is_working_day(D(2026, 12, 30))
    assert cal.add_working_days(D(2026, 12, 24), 1) == D(2027, 1, 4)
    assert cal.working_days_between(D(2026, 12, 23), D(2027, 1, 5)) == 3
    assert cal.holiday_name(D(2026, 12, 30)) == "Service closure"
    assert ENG.is_working_day(D(2026, 12, 30))


@pytest.mark.parametrize(
    ("cal", "day", "fragment"),
    [
        (ENG, D(2026, 12, 28), "Boxing Day"),
        (ENG, D(2027, 3, 26), "Good Friday"),
        (SCT, D(2025, 12, 1), "Andrew"),
        (NIR, D(2026, 3, 17), "Patrick"),
        (NIR, D(2026, 7, 13), "Boyne"),
    ],
)
def test_holiday_names(cal, day, fragment):
    assert fragment in cal.holiday_name(day)


@pytest.mark.parametrize("day", [D(2026, 3, 12), D(2026, 3, 14), D(2026, 12, 29)])
def test_ordinary_days_have_no_holiday_name(day):
    assert ENG.holiday_name(day) is None


@pytest.mark.parametrize(
    ("target", "n", "expected"),
    [
        (D(2026, 3, 12), 2, D(2026, 3, 10)),  # group supervision on Thursday 12 March 2026
        (D(2026, 4, 8), 2, D(2026, 4, 2)),  # across Easter 2026
        (D(2027, 1, 5), 2, D(2026, 12, 31)),
        (D(2026, 12, 29), 2, D(2026, 12, 23)),
        (D(2026, 3, 14), 2, D(2026, 3, 12)),
        (datetime(2026, 3, 12, 14, 0), 2, D(2026, 3, 10)),
    ],
)
def test_working_days_before(target, n, expected):
    assert working_days_before(target, n, ENG) == expected


SUPERVISIONS = [D(2026, 4, 9), D(2026, 2, 12), D(2026, 3, 12)]


@pytest.mark.parametrize(
    ("dates", "after", "expected"),
    [
        (SUPERVISIONS, D(2026, 1, 1), D(2026, 2, 12)),
        (SUPERVISIONS, D(2026, 3, 1), D(2026, 3, 12)),
        (SUPERVISIONS, D(2026, 3, 12), D(2026, 4, 9)),  # strictly after
        (SUPERVISIONS, D(2026, 4, 9), None),
        ([], D(2026, 3, 1), None),
        ([datetime(2026, 3, 12, 10), datetime(2026, 4, 9, 10)], datetime(2026, 3, 1, 9), D(2026, 3, 12)),
    ],
)
def test_next_date_after(dates, after, expected):
    assert next_date_after(dates, after) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: WorkingCalendar("wales"),
        lambda: ENG.add_working_days(D(2026, 3, 2), 1.5),
        lambda: ENG.add_working_days(D(2026, 3, 2), True),
        lambda: ENG.subtract_working_days(D(2026, 3, 2), "2"),
        lambda: working_days_before(D(2026, 3, 12), -2, ENG),
    ],
)
def test_invalid_arguments_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_engine_imports_no_web_or_database_code():
    code = (
        "import sys, scheduler.calendar, scheduler.timescales\n"
        "bad = [m for m in ('flask', 'mongoengine', 'pymongo', 'bson') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
