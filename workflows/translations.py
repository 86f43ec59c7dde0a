"""Translations of a pathway's texts for the people it speaks to: checked on load, English where missing.

A pathway file may carry `translations: {cy: {/intake/service_name: "...", /messages/<key>/subject: "..."}}`:
per language, JSON Pointers (RFC 6901) to the English texts they replace. Only texts can be translated, never
names, states or parameters.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

# The keys whose string values people read, and the maps whose every value is a text.
TEXT_KEYS = frozenset({"title", "description", "label", "service_name", "introduction", "what_happens_next",
                       "subject", "body", "heading", "hint", "warning", "button", "public_status", "text",
                       "basis", "reason", "error"})
TEXT_MAPS = frozenset({"form_labels", "form_hints", "hints", "session_types"})
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


PROGRAMME_NAME = "/programme/name"  # what people call a group programme: a name that is a text, not a key


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
            elif not isinstance(found[0], str) or (found[1] not in TEXT_KEYS | TEXT_MAPS
                                                    and pointer != PROGRAMME_NAME):
                problems.append((f"translations.{language}.{pointer}",
                                 "points to something that is not a text people read (only texts are translated)"))
    return problems


def translated(data: Mapping, pointer: str, language: str | None, english: str) -> str:
    """Return the text at a pointer in a language, or the English text given when there is no translation."""
    table = (data.get("translations") or {}).get(language or "") or {}
    return table.get(pointer) or english


def texts(data: Any) -> Iterator[tuple[str, str]]:
    """Yield (pointer, English text) for every text of a pathway file that people read, in the file's order."""
    yield from _texts(data, "", "", "")


def _texts(node: Any, pointer: str, named: str, holder: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if pointer == "" and key == "translations":
                continue
            token = str(key).replace("~", "~0").replace("/", "~1")
            yield from _texts(value, f"{pointer}/{token}", str(key), named)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, f"{pointer}/{index}", named, holder)
    # A group's `leave: {inputs: {reason: reason}}` names a step's input: a name, not a text.
    # A programme's `name` ("Community Domestic Violence Programme") is what people call it, not a key.
    elif (isinstance(node, str) and node.strip()
          and (named in TEXT_KEYS or holder in TEXT_MAPS or pointer == PROGRAMME_NAME)
          and not (named == "reason" and holder == "inputs")):
        yield pointer, node


def missing_translations(data: Mapping, language: str) -> list[tuple[str, str]]:
    """Return (pointer, English text) for every text the language lacks, in the order of the file."""
    table = (data.get("translations") or {}).get(language) or {}
    return [(pointer, text) for pointer, text in texts(data) if not table.get(pointer)]


def untranslated_problems(data: Mapping) -> list[tuple[str, str]]:
    """Return (path, message) for each language the file translates into but not wholly: its readers get English."""
    problems = []
    for language in (data.get("translations") or {}) if isinstance(data.get("translations"), Mapping) else ():
        missing = missing_translations(data, str(language)) if LANGUAGE.match(str(language)) else []
        if missing:
            pointer, text = missing[0]
            problems.append((f"translations.{language}", f"{len(missing)} text(s) have no translation, so they are "
                                                         f"shown in English; the first is {pointer} (“{text}”)"))
    return problems


def localise(data: Mapping, language: str | None) -> Mapping:
    """Return a copy of a pathway's data with its texts in a language (the data itself when it has none)."""
    table = (data.get("translations") or {}).get(language or "") or {}
    if not table:
        return data
    own = copy.deepcopy(dict(data))
    for pointer, text in table.items():
        found = _parent(own, str(pointer))
        if found is not None and text and not str(pointer).startswith("/translations"):
            found[0][found[1]] = text
    return own


def _parent(data: Any, pointer: str) -> tuple[Any, Any] | None:
    """Return (container, key) of the text a pointer names, or None when it names no text."""
    node, container, key = data, None, None
    for raw in pointer[1:].split("/") if pointer.startswith("/") else ():
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            container, key = node, token
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            container, key = node, int(token)
        else:
            return None
        node = container[key]
    return (container, key) if container is not None and isinstance(node, str) else None
