"""Decode JSON typed or uploaded by users: bounded in depth, and without text MongoDB cannot store."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32  # definitions and API bodies are a few levels deep; far deeper is an attack, not data
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what MongoDB stores as a whole number
_SURROGATES = re.compile("[\ud800-\udfff]")


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""

    def __init__(self):
        super().__init__(f"it is nested more than {MAX_DEPTH} levels deep")


def storable(text: str) -> str:
    """Return the text without lone surrogates, which no UTF-8 store (MongoDB included) can hold."""
    return _SURROGATES.sub("", text)


def bounded(value: Any, *, int64: bool = False) -> Any:
    """Return decoded JSON with lone surrogates removed from every string; raise TooDeep when nested too deep.

    With `int64`, a whole number MongoDB cannot store raises ValueError too.
    """
    root = [value]
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:  # a loop, not recursion: the depth is what is being checked
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise TooDeep()
        if isinstance(container, dict):
            for key in list(container):
                item = container.pop(key)
                container[storable(key) if isinstance(key, str) else key] = item
            keys = list(container)
        else:
            keys = range(len(container))
        for key in keys:
            item = container[key]
            if isinstance(item, str):
                container[key] = storable(item)
            elif int64 and isinstance(item, int) and not INT_MIN <= item <= INT_MAX:
                raise ValueError(f"the number {str(item)[:30]}… is larger than can be stored")
            elif isinstance(item, dict | list):
                stack.append((item, depth + 1))
    return root[0]


def loads(text: str | bytes, *, int64: bool = False, **kwargs: Any) -> Any:
    """Return the decoded JSON, bounded; ValueError (TooDeep included) when it cannot be used."""
    if isinstance(text, str):
        text = storable(text)
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise TooDeep() from None
    return bounded(value, int64=int64)
