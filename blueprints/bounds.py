"""Bound what a request may carry, so hostile input becomes a clear 400 or a field error, never a 500."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

from forms import json_input


class BoundedJSONProvider(DefaultJSONProvider):
    """Decode request JSON with a depth limit and without lone surrogates."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Return the decoded JSON, bounded; too deep is a 400 even for `get_json(silent=True)`."""
        try:
            return json_input.loads(s, **kwargs)
        except json_input.TooDeep as exc:
            raise BadRequest(f"The JSON cannot be used: {exc}.") from None


def install(app: Flask) -> None:
    """Use the bounded JSON decoder and let long typed answers reach the form engine's per-field limits."""
    app.json = BoundedJSONProvider(app)
    # Werkzeug refuses multipart text fields over 500 KB with a 413 that loses the whole page; let them through
    # (the request as a whole is still bounded by MAX_CONTENT_LENGTH) so the engine reports the one long answer.
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]
