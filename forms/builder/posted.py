"""Read the builder's posted forms: one text value, a ticked box, names and numbers as the builder accepts them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from forms.widgets.shapes import DECIMAL as NUM
from forms.widgets.shapes import WHOLE as INT

__all__ = ["INT", "NAME_RE", "NUM", "posted_text", "ticked"]
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def posted_text(data: Mapping, key: str) -> str:
    """Return one posted value as trimmed text with plain newlines ("" when absent)."""
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").replace("\r\n", "\n").strip()


def ticked(data: Mapping, key: str) -> bool:
    """Tell whether a posted checkbox was ticked."""
    return posted_text(data, key).lower() in ("true", "yes", "on", "1")
