"""Retention and destruction, subject access requests, rectification and objection."""
