"""A bounded memo of pure work's answers, kept by the content it was done on (checking a definition, say)."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Any


def content_text(data: Any) -> str | None:
    """Return data's canonical JSON text, or None when it has none (a cycle, a key JSON cannot write).

    A value JSON cannot write (a date read from YAML) is written with its type, so it never stands for a string that
    looks the same.
    """
    try:
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          default=lambda value: f"{type(value).__qualname__}:{value!r}")
    except (TypeError, ValueError):
        return None


class Memo:
    """Answers kept by key, forgotten all at once past `limit` (rare: more contents than a service ever has)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: dict[Hashable, Any] = {}

    def get(self, key: Hashable | None, compute: Callable[[], Any]) -> Any:
        """Return the answer kept for key, computing and keeping it first; a None key is never kept."""
        if key is None:
            return compute()
        if key not in self._kept:
            if len(self._kept) >= self.limit:
                self._kept.clear()
            self._kept[key] = compute()
        return self._kept[key]

    def clear(self) -> None:
        """Forget every answer."""
        self._kept.clear()
