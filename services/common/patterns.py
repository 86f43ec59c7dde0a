"""Regular expressions made from what someone typed, safe to send to MongoDB."""

from __future__ import annotations

import re


def printable(text: str) -> str:
    """Return the text without control characters (a NUL among them), which no name, reference or address holds.

    MongoDB refuses a regular expression holding a NUL: leaving them out finds what the person meant instead.
    """
    return "".join(ch for ch in text if ch >= " " and ch != "\x7f")


def literal(text: str) -> str:
    """Return a pattern matching the printable part of the text literally."""
    return re.escape(printable(text))
