"""Wording shared by guards and the engine: how values, roles and lists read in a sentence, in a language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wording import N_, SOURCE_LANGUAGE, say

ROLE_PHRASES = {
    "admin": N_("an administrator"),
    "manager": N_("a team manager"),
    "practitioner": N_("a practitioner"),
    "partner_worker": N_("a partner-support worker"),
    "referrer": N_("a referrer"),
    "auditor": N_("an auditor"),
}
# The roles pathway files add, by language other than English: the label their file gives in that language.
TRANSLATED_ROLES: dict[str, dict[str, str]] = {}


def set_role_phrase(role: str, label: str, translations: Mapping[str, str] | None = None) -> None:
    """Let sentences name a role a pathway file adds ("a police officer"), with its label in other languages."""
    if role not in ROLE_PHRASES:
        ROLE_PHRASES[role] = ("an " if label[:1].lower() in "aeiou" else "a ") + label[:1].lower() + label[1:]
    for language, translated in (translations or {}).items():
        TRANSLATED_ROLES.setdefault(language, {})[role] = translated[:1].lower() + translated[1:]


def english(language: str | None) -> bool:
    """Tell whether a language is the source (English), in which the engine's sentences are written."""
    return not language or language == SOURCE_LANGUAGE


def cap(text: str) -> str:
    """Return text with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def words(value: Any, language: str | None = None) -> str:
    """Return a value as a user would say it."""
    if value is True:
        return say(language, N_("yes"))
    if value is False:
        return say(language, N_("no"))
    if value is None:
        return say(language, N_("not recorded"))
    return str(value).replace("_", " ")


def or_list(values, language: str | None = None) -> str:
    """Return 'a', 'a or b', 'a, b or c'."""
    items = [words(v, language) for v in values]
    if len(items) == 1:
        return items[0]
    return say(language, N_("%(first)s or %(last)s"), first=", ".join(items[:-1]), last=items[-1])


def role_phrase(role: str, language: str | None = None) -> str:
    """Return a role as a sentence names it, e.g. 'a team manager' (Welsh has no indefinite article)."""
    if not english(language) and role in TRANSLATED_ROLES.get(language or "", {}):
        return TRANSLATED_ROLES[language or ""][role]
    if role in ROLE_PHRASES:
        return say(language, ROLE_PHRASES[role])
    return say(language, N_("a %(role)s"), role=role.replace("_", " "))


def lookup(data: Any, path: str) -> tuple[bool, Any]:
    """Return (found, value) for a dotted path into nested mappings."""
    for part in path.split("."):
        if not isinstance(data, Mapping) or part not in data:
            return False, None
        data = data[part]
    return True, data
