"""Wording shared by guards and the engine: how values, roles and lists read in a sentence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ROLE_PHRASES = {
    "admin": "an administrator",
    "manager": "a team manager",
    "practitioner": "a practitioner",
    "partner_worker": "a partner-support worker",
    "referrer": "a referrer",
    "auditor": "an auditor",
}


def set_role_phrase(role: str, label: str) -> None:
    """Let sentences name a role a pathway file adds ("a police officer")."""
    if role not in ROLE_PHRASES:
        ROLE_PHRASES[role] = ("an " if label[:1].lower() in "aeiou" else "a ") + label[:1].lower() + label[1:]


def cap(text: str) -> str:
    """Return text with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def words(value: Any) -> str:
    """Return a value as a user would say it."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "not recorded"
    return str(value).replace("_", " ")


def or_list(values) -> str:
    """Return 'a', 'a or b', 'a, b or c'."""
    items = [words(v) for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def role_phrase(role: str) -> str:
    """Return a role with its article, e.g. 'a team manager'."""
    return ROLE_PHRASES.get(role) or "a " + role.replace("_", " ")


def lookup(data: Any, path: str) -> tuple[bool, Any]:
    """Return (found, value) for a dotted path into nested mappings."""
    for part in path.split("."):
        if not isinstance(data, Mapping) or part not in data:
            return False, None
        data = data[part]
    return True, data
