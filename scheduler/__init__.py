"""Deadlines, reminders and escalations for statutory timescales."""
