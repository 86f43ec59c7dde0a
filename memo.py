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


_MISSING = object()


class Memo:
    """Answers kept by key, forgotten all at once past `limit` (rare: more contents than a service ever has)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: dict[Hashable, Any] = {}

    def get(self, key: Hashable | None, compute: Callable[[], Any]) -> Any:
        """Return the answer kept for key, computing and keeping it first; a None key is never kept."""
        if key is None:
            return compute()
        found = self._kept.get(key, _MISSING)
        if found is _MISSING:
            found = compute()
            self.keep(key, found)
        return found

    def find(self, key: Hashable) -> Any:
        """Return the answer kept for key, or None."""
        return self._kept.get(key)

    def keep(self, key: Hashable, answer: Any) -> None:
        """Keep an answer for key (forgetting every other first when the memo is full)."""
        # The answer is returned from the caller's hands, never read back: a web worker's other thread may forget
        # everything between the two.
        if len(self._kept) >= self.limit:
            self._kept.clear()
        self._kept[key] = answer

    def clear(self) -> None:
        """Forget every answer."""
        self._kept.clear()
