"""Deadlines: open, meet and pause them, when they fall due, lists, and the reminder sweep."""
