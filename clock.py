"""The current time as the database stores it: naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time without a tzinfo, the form every stored datetime has."""
    # MongoDB hands back naive UTC datetimes; comparing them with aware ones would raise TypeError.
    return datetime.now(UTC).replace(tzinfo=None)
