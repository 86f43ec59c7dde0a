"""Bank holiday and closure names in the reader's language."""

from __future__ import annotations

from datetime import date

from scheduler.calendar import WorkingCalendar
from scheduler.holiday_names import holiday_text


def test_bank_holidays_and_closures_are_named_in_welsh():
    cal = WorkingCalendar("england_wales", extra_closures=[date(2026, 8, 5)])
    assert holiday_text(cal.holiday_name(date(2026, 12, 25)), "cy") == "Dydd Nadolig"
    assert holiday_text(cal.holiday_name(date(2026, 12, 28)), "cy") == "Gŵyl San Steffan (diwrnod yn lle)"
    assert holiday_text(cal.holiday_name(date(2026, 8, 5)), "cy") == "Gwasanaeth ar gau"
    assert holiday_text(cal.holiday_name(date(2026, 12, 25)), "en") == "Christmas Day"
    assert holiday_text(None, "cy") is None
