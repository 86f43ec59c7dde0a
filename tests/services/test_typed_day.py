"""A day typed into a filter box, in the ways people type one."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.dates import typed_day


@pytest.mark.parametrize("text", ["2026-01-01", "1/1/2026", "01/01/2026", "1 1 2026", "1-1-2026", "1 January 2026",
                                  "1 Jan 2026", "1/1/26"])
def test_the_usual_ways_of_typing_a_day_are_read(text):
    assert typed_day(text) == date(2026, 1, 1)


@pytest.mark.parametrize("text", ["31/02/2026", "first of January", "2026/13/01", ""])
def test_a_day_that_is_not_one_is_not_read(text):
    assert typed_day(text) is None
