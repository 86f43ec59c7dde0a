"""Bound what a request may carry, so hostile input becomes a clear 400 or a field error, never a 500."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

MAX_JSON_DEPTH = 32  # the API's bodies are two levels deep; anything far deeper is an attack, not a request
_SURROGATES = re.compile("[\ud800-\udfff]")


def _storable(text: str) -> str:
    """Return the text without lone surrogates, which no UTF-8 store (MongoDB included) can hold."""
    return _SURROGATES.sub("", text)


def bounded(value: Any) -> Any:
    """Return decoded JSON with lone surrogates removed from every string; raise BadRequest when nested too deep."""
    root = [value]
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        container, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadRequest(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
        if isinstance(container, dict):
            for key in list(container):
                item = container.pop(key)
                container[_storable(key) if isinstance(key, str) else key] = item
            keys = list(container)
        else:
            keys = range(len(container))
        for key in keys:
            item = container[key]
            if isinstance(item, str):
                container[key] = _storable(item)
            elif isinstance(item, dict | list):
                stack.append((item, depth + 1))
    return root[0]


class BoundedJSONProvider(DefaultJSONProvider):
    """Decode request JSON with a depth limit and without lone surrogates."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Return the decoded JSON, bounded."""
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise BadRequest(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.") from None
        return bounded(value)


def install(app: Flask) -> None:
    """Use the bounded JSON decoder and let long typed answers reach the form engine's per-field limits."""
    app.json = BoundedJSONProvider(app)
    # Werkzeug refuses multipart text fields over 500 KB with a 413 that loses the whole page; let them through
    # (the request as a whole is still bounded by MAX_CONTENT_LENGTH) so the engine reports the one long answer.
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]
