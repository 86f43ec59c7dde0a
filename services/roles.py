"""The roles that exist: Pathway's own, and those pathway files add (`custom_roles:`), with their labels."""

from __future__ import annotations

import copy

from models.user import ROLE_LABELS, ROLES
from services.workflow_store import latest_definitions


def custom_roles() -> dict[str, dict]:
    """Return the roles stored pathways add, by name: label and the base role its holders also hold."""

    try:
        stored = latest_definitions().values()
    except Exception:  # noqa: BLE001 - without a database only Pathway's own roles exist
        return {}
    found: dict[str, dict] = {}
    for defn in stored:
        # The file's own data, read not copied: to_dict() would deep-copy the whole pathway for this one section.
        for name, spec in (defn._data.get("custom_roles") or {}).items():
            found.setdefault(name, copy.deepcopy(dict(spec)))
    return {name: spec for name, spec in found.items() if name not in ROLES}


def known_roles() -> tuple[str, ...]:
    """Return every role that may be granted."""
    return ROLES + tuple(sorted(custom_roles()))


def role_labels() -> dict[str, str]:
    """Return every role's label."""
    return {**ROLE_LABELS, **{name: spec["label"] for name, spec in custom_roles().items()}}


def with_base_roles(roles) -> tuple[list[str], list[str]]:
    """Return the roles granted with the base role of each custom one added, and those added that way."""
    extra = custom_roles()
    out = list(dict.fromkeys(roles))
    implied = []
    for role in list(out):
        base = (extra.get(role) or {}).get("works_as")
        if base and base not in out:
            out.append(base)
            implied.append(base)
    return out, implied
