"""Translations of a form's texts: checked against the definition, applied to a copy, missing ones listed.

A definition may carry `"translations": {"cy": {"/schema/properties/dob/title": "Dyddiad geni", ...}}`: per language,
JSON Pointers (RFC 6901) to the English texts they replace. Only texts can be translated (titles, descriptions,
hints, messages, guidance, labels), never keys, values or conditions; a text without a translation stays English.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

from forms.problems import DefinitionProblem

# The keys whose string values people read. Anything else (keys, consts, widgets, expressions) is structure.
TEXT_KEYS = frozenset({"title", "description", "hint", "message", "heading", "guidance", "paragraphs", "label",
                       "error_label", "add_label", "columns", "labels", "legend", "text"})
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")
# A computed value's parameters name fields and columns ("columns": ["did", "they_did"]): structure, never text.
_PARAMS = re.compile(r"^/computed/[0-9]+/params(/|$)")
SOURCE_LANGUAGE = "en"


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _resolve(defn: Any, pointer: str) -> tuple[Any, Any, str] | None:
    """Return (container, key, last named key) for a pointer to an existing value, or None."""
    if not pointer.startswith("/"):
        return None
    node, container, key, named = defn, None, None, ""
    for raw in pointer[1:].split("/"):
        token = _unescape(raw)
        if isinstance(node, Mapping) and token in node:
            container, key, named = node, token, token
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node) and str(int(token)) == token:
            container, key = node, int(token)
        else:
            return None
        node = container[key]
    return container, key, named


def texts(defn: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Yield (pointer, English text) for every translatable text of a definition."""
    yield from _texts(defn, pointer, "")


def _texts(node: Any, pointer: str, named: str) -> Iterator[tuple[str, str]]:
    if _PARAMS.match(pointer):
        return
    if isinstance(node, Mapping):
        for key, value in node.items():
            if pointer == "" and key == "translations":
                continue
            yield from _texts(value, f"{pointer}/{_escape(str(key))}", str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, f"{pointer}/{index}", named)
    elif isinstance(node, str) and named in TEXT_KEYS and node.strip():
        yield pointer, node


def translation_problems(defn: Mapping) -> list[DefinitionProblem]:
    """Return what is wrong with a definition's translations: an unknown language code, or a pointer to no text."""
    problems = []
    for language, table in (defn.get("translations") or {}).items():
        where = f"translations.{language}"
        if not LANGUAGE.match(language) or language == SOURCE_LANGUAGE:
            problems.append(DefinitionProblem(where, "must be a language code such as “cy” (English is the source)"))
            continue
        for pointer in table:
            found = _resolve(defn, pointer) if not pointer.startswith("/translations") else None
            if found is None:
                problems.append(DefinitionProblem(f"{where}.{pointer}", "points to nothing in the form"))
            elif not isinstance(found[0][found[1]], str) or found[2] not in TEXT_KEYS or _PARAMS.match(pointer):
                problems.append(DefinitionProblem(f"{where}.{pointer}", "points to something that is not a text "
                                                                          "people read (only texts are translated)"))
    return problems


def localise(defn: Mapping, language: str | None) -> Mapping:
    """Return the definition in a language: its texts replaced where translated (the definition itself if none)."""
    table = (defn.get("translations") or {}).get(language or "") if isinstance(defn, Mapping) else None
    if not table:
        return defn
    own = copy.deepcopy(dict(defn))
    for pointer, text in table.items():
        found = _resolve(own, pointer)
        if found is not None and isinstance(found[0][found[1]], str) and text:
            found[0][found[1]] = text
    # An English error_label inside a sentence of another language reads worse than the translated label quoted.
    for pointer, _text in texts(defn):
        if pointer.endswith("/error_label") and not table.get(pointer):
            found = _resolve(own, pointer)
            if found is not None:
                del found[0][found[1]]
    return own


def missing_translations(defn: Mapping, language: str) -> list[tuple[str, str]]:
    """Return (pointer, English text) for every text the language lacks, in the order of the form."""
    table = (defn.get("translations") or {}).get(language) or {}
    return [(pointer, text) for pointer, text in texts(defn) if not table.get(pointer)]


def languages(defn: Mapping) -> list[str]:
    """Return the languages a definition is translated into, besides English."""
    return sorted((defn.get("translations") or {}).keys())


def carry(before: Mapping, after: Mapping) -> dict:
    """Return `after` with the translations of `before` kept on the texts they translate, wherever those moved.

    A translation stays on its pointer while the English there is unchanged; when a change moved the English (a
    question or page moved, a section removed), it follows the one place that English now is; a text whose English
    changed, or that went, loses its translation (it is then listed as missing, not shown stale).
    """
    tables = before.get("translations") or {}
    if not tables:
        return dict(after)
    old, new = dict(texts(before)), dict(texts(after))
    where: dict[str, list[str]] = {}
    for pointer, text in new.items():
        where.setdefault(text, []).append(pointer)
    carried = {}
    for language, table in tables.items():
        kept = {pointer: text for pointer, text in table.items() if pointer in old and new.get(pointer) == old[pointer]}
        stayed = set(kept)
        for pointer, translated in table.items():
            places = where.get(old.get(pointer, ""), [])
            if pointer not in stayed and len(places) == 1 and places[0] not in kept:
                kept[places[0]] = translated
        if kept:
            carried[language] = kept
    out = {key: value for key, value in after.items() if key != "translations"}
    return {**out, "translations": carried} if carried else out


def dropped(before: Mapping, after: Mapping) -> dict[str, int]:
    """Return language → how many of `before`'s translations `after` no longer has (their English changed or went)."""
    kept = after.get("translations") or {}
    out = {}
    for language, table in (before.get("translations") or {}).items():
        lost = sum(1 for pointer in table if pointer not in (kept.get(language) or {}))
        if lost:
            out[language] = lost
    return out
