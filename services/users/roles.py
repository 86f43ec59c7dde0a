"""The roles that exist: Pathway's own, and those pathway files add (`custom_roles:`), with their labels."""

from __future__ import annotations

from functools import lru_cache

from models.user import ROLE_LABELS, ROLES
from services.common.language import active_language
from services.pathways.store import latest_definitions
from wording import say


def custom_roles() -> dict[str, dict]:
    """Return the roles stored pathways add, by name: label and the base role its holders also hold."""

    try:
        stored = latest_definitions().values()
    except Exception:  # noqa: BLE001 - without a database only Pathway's own roles exist
        return {}
    found: dict[str, dict] = {}
    for defn in stored:
        for name, spec in _declared_roles(defn):
            found.setdefault(name, dict(spec))
    return {name: spec for name, spec in found.items() if name not in ROLES}


@lru_cache(maxsize=64)
def _declared_roles(defn) -> tuple:
    # Per definition (equal by content), so a page that names roles does not copy every pathway each time.
    return tuple((name, dict(spec)) for name, spec in (defn.to_dict().get("custom_roles") or {}).items())


def known_roles(custom: dict[str, dict] | None = None) -> tuple[str, ...]:
    """Return every role that may be granted (`custom`: the pathways' roles, when already read)."""
    return ROLES + tuple(sorted(custom_roles() if custom is None else custom))


def custom_role_labels(language: str) -> dict[str, str]:
    """Return the labels of the roles stored pathways add, in a language where their file translates them."""
    try:
        stored = latest_definitions().values()
    except Exception:  # noqa: BLE001 - without a database only Pathway's own roles exist
        return {}
    found: dict[str, str] = {}
    for defn in stored:
        for name, spec in _declared_roles(defn):
            found.setdefault(name, defn.text(f"/custom_roles/{name}/label", language, spec["label"]))
    return {name: label for name, label in found.items() if name not in ROLES}


def role_labels(language: str | None = None) -> dict[str, str]:
    """Return every role's label in a language (the page's when not given)."""
    language = language or active_language()
    return {**{role: say(language, label) for role, label in ROLE_LABELS.items()}, **custom_role_labels(language)}


def with_base_roles(roles, custom: dict[str, dict] | None = None) -> tuple[list[str], list[str]]:
    """Return the roles granted with the base role of each custom one added, and those added that way."""
    extra = custom_roles() if custom is None else custom
    out = list(dict.fromkeys(roles))
    implied = []
    for role in list(out):
        base = (extra.get(role) or {}).get("works_as")
        if base and base not in out:
            out.append(base)
            implied.append(base)
    return out, implied
