"""Group programmes: schedules, intakes, members, registers, calendars and group reports."""
