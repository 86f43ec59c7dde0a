"""Names of files people download, as they read them."""

from __future__ import annotations


def readable(text: str, fallback: str) -> str:
    """Return text fit for a file's name: letters (any script), digits, spaces and a few marks; never a path."""
    words = " ".join("".join(c if c.isalnum() or c in " -–()" else " " for c in text or "").split())
    return words or fallback
