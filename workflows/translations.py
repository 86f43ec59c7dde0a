"""Translations of a pathway's texts for the people it speaks to: checked on load, English where missing.

A pathway file may carry `translations: {cy: {/intake/service_name: "...", /messages/<key>/subject: "..."}}`:
per language, JSON Pointers (RFC 6901) to the English texts they replace. Only texts can be translated, never
names, states or parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# The keys whose string values people read, and the maps whose every value is a text.
TEXT_KEYS = frozenset({"title", "description", "label", "service_name", "introduction", "what_happens_next",
                       "subject", "body", "heading", "hint", "warning", "button", "public_status", "text"})
TEXT_MAPS = frozenset({"form_labels", "form_hints"})
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")


def _resolve(data: Any, pointer: str) -> tuple[Any, str] | None:
    """Return (the value a pointer names, the name of the map holding it or its own key), or None."""
    if not pointer.startswith("/"):
        return None
    node, named, holder = data, "", ""
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            holder, named, node = named, token, node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node, named if named in TEXT_KEYS else holder


def translation_problems(data: Mapping) -> list[tuple[str, str]]:
    """Return (path, message) for every translation naming an unknown language or something that is not a text."""
    problems = []
    for language, table in (data.get("translations") or {}).items():
        if not LANGUAGE.match(str(language)) or language == "en":
            problems.append((f"translations.{language}", "must be a language code such as cy (English is the source)"))
            continue
        for pointer in table or {}:
            found = _resolve(data, pointer) if not str(pointer).startswith("/translations") else None
            if found is None:
                problems.append((f"translations.{language}.{pointer}", "points to nothing in the pathway"))
            elif not isinstance(found[0], str) or found[1] not in TEXT_KEYS | TEXT_MAPS:
                problems.append((f"translations.{language}.{pointer}",
                                 "points to something that is not a text people read (only texts are translated)"))
    return problems


def translated(data: Mapping, pointer: str, language: str | None, english: str) -> str:
    """Return the text at a pointer in a language, or the English text given when there is no translation."""
    table = (data.get("translations") or {}).get(language or "") or {}
    return table.get(pointer) or english
