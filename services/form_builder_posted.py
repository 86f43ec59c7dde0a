"""Read the builder's posted forms: one text value, a ticked box, names and numbers as the builder accepts them."""

from __future__ import annotations

import re
from collections.abc import Mapping

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# ASCII digits, and few enough that the number fits MongoDB's 64-bit integers and a float exactly.
INT = re.compile(r"^[+-]?[0-9]{1,15}$")
NUM = re.compile(r"^[+-]?([0-9]{1,15}\.?[0-9]{0,15}|\.[0-9]{1,15})$")


def posted_text(data: Mapping, key: str) -> str:
    """Return one posted value as trimmed text with plain newlines ("" when absent)."""
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").replace("\r\n", "\n").strip()


def ticked(data: Mapping, key: str) -> bool:
    """Tell whether a posted checkbox was ticked."""
    return posted_text(data, key).lower() in ("true", "yes", "on", "1")
