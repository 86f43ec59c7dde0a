"""Templates' url_for: each endpoint's address built once per process, then filled in with each page's values."""

from __future__ import annotations

import re

from bson import ObjectId
from flask import Flask, current_app, url_for
from flask.globals import _cv_request as _request_context
from werkzeug.routing import BuildError

_PLAIN = re.compile(r"[A-Za-z0-9_-]+\Z")  # characters no converter or query string quotes
_SLOT = "pathwayslot{}x"
_SLOTS = re.compile(r"pathwayslot(\d+)x")
_CACHE = "pathway.url_patterns"
_NONE = ""  # an endpoint whose address cannot be a pattern: url_for builds each one
_REFUSED = "?"  # a converter refused a placeholder: a pattern for each set of words given
_MOST = 4096  # patterns kept per app (words given to a refusing converter make one each)


def page_url(endpoint: str, /, **values) -> str:
    """Return url_for(endpoint, **values), filling in the address built once for the endpoint and value names.

    A case page links to a dozen addresses, each built by the URL map's rules and converters; only the values
    change from page to page. So, for an endpoint with one rule and values of letters, digits, _ and - (ids,
    keys, names of steps), the address is built once with a placeholder for each value, and a page fills it in.
    Anything else (another kind of value, `_external`, an endpoint with several rules, debug mode, where the URL
    defaults may change) is built by url_for as before.
    """
    context = _request_context.get(None)  # the proxies' own lookups cost more than the rest of this
    if context is None:
        return url_for(endpoint, **values)
    texts = []
    for value in values.values():
        if type(value) is ObjectId:
            texts.append(str(value))  # hex digits
        elif type(value) is str and _PLAIN.match(value):
            texts.append(value)
        else:
            return url_for(endpoint, **values)
    # Where the app is mounted is part of the address (each app of a process keeps its own patterns).
    key = (context.request.root_path, endpoint, *values)
    patterns = context.app.extensions.get(_CACHE)
    if patterns is None:
        patterns = context.app.extensions[_CACHE] = {}
    pattern = patterns.get(key)
    if pattern is None:
        pattern = patterns[key] = _pattern(endpoint, list(values), {})
    if pattern == _REFUSED:
        # A converter refused a placeholder (one of a few words, say): the words are written in the pattern.
        words = {name: value for name, value in values.items() if type(value) is str}
        key = (key, *words.values())
        pattern = patterns.get(key)
        if pattern is None and len(patterns) < _MOST:
            pattern = patterns[key] = _pattern(endpoint, list(values), words)
    return pattern.format(*texts) if pattern and pattern != _REFUSED else url_for(endpoint, **values)


def _pattern(endpoint: str, names: list[str], words: dict) -> str:
    """Return the endpoint's address as a format string with {0}, {1}… for the values named (but `words`, written
    as they are), _REFUSED when a converter refuses a placeholder, or _NONE."""
    try:
        rules = list(current_app.url_map.iter_rules(endpoint))
    except KeyError:
        return _NONE  # no such endpoint: url_for says so
    # With several rules, which one is used may depend on the values themselves.
    if current_app.debug or len(rules) != 1 or any(name.startswith("_") for name in names):
        return _NONE
    slots = {name: words.get(name, _SLOT.format(at)) for at, name in enumerate(names)}
    try:
        built = url_for(endpoint, **slots)
    except (BuildError, ValueError, TypeError):
        return _NONE if words else _REFUSED
    parts = _SLOTS.split(built)
    if sorted(parts[1::2]) != sorted(str(at) for at, name in enumerate(names) if name not in words):
        return _NONE  # a placeholder lost or repeated: not an address to fill in
    escaped = [part.replace("{", "{{").replace("}", "}}") for part in parts[0::2]]
    return "".join(text + ("{" + slot + "}" if slot else "") for text, slot in zip(escaped, parts[1::2] + [""],
                                                                                       strict=True))


def register(app: Flask) -> None:
    """Let templates' url_for use the built patterns."""
    app.jinja_env.globals["url_for"] = page_url
