"""Registries that map guard and effect names in workflow files to code, each with a parameter schema."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

NO_PARAMS: dict = {"type": "null"}
NAME: dict = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}


def _no_refs(_params: Any) -> list[tuple[str, str]]:
    """Return no references."""
    return []


def describe_error(error) -> str:
    """Return a short message for one jsonschema error, preferring the most specific cause."""
    if error.context:
        # In a oneOf, the branch of the right type explains the problem better than "is not of type".
        typed = [e for e in error.context if e.validator != "type"]
        error = best_match(typed or error.context)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted((error.schema or {}).get("properties") or {})
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra and allowed:
            return (f"'{extra[0]}' is not a setting here; use one of {', '.join(allowed)}"
                    + (f" (also unexpected: {', '.join(extra[1:])})" if extra[1:] else ""))
    message = error.message
    # Messages quote the whole instance; a long quoted mapping helps nobody reading a lint line.
    return message if len(message) <= 160 else message[:157] + "..."


@dataclass(frozen=True)
class Entry:
    """One registered guard or effect."""

    name: str
    func: Callable
    params: dict
    refs: Callable[[Any], list[tuple[str, str]]]
    nested: Callable[[Any], list] | None
    doc: str

    def param_problems(self, params: Any) -> list[tuple[str, str]]:
        """Return (sub-path, message) for each way params break this entry's parameter schema."""
        validator = Draft202012Validator(self.params)
        found = []
        for error in sorted(validator.iter_errors(params), key=lambda e: list(map(str, e.absolute_path))):
            sub = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            found.append((sub, describe_error(error)))
        return found


class Registry:
    """Guards or effects by name."""

    def __init__(self, kind: str):
        self.kind = kind
        self.entries: dict[str, Entry] = {}

    def register(self, name: str, *, params: dict | None = None, refs=None, nested=None):
        """Return a decorator that registers a function under name."""

        def decorate(func):
            if name in self.entries:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self.entries[name] = Entry(
                name=name,
                func=func,
                params=NO_PARAMS if params is None else params,
                refs=refs or _no_refs,
                nested=nested,
                doc=(func.__doc__ or "").strip(),
            )
            return func

        return decorate

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def get(self, name: str) -> Entry:
        """Return the entry called name; KeyError when unknown."""
        return self.entries[name]

    def names(self) -> list[str]:
        """Return every registered name, sorted."""
        return sorted(self.entries)


def parse_item(item: Any) -> tuple[str, Any]:
    """Return (name, params) of a guard or effect written as a bare name or a one-key mapping."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and len(item) == 1:
        ((name, params),) = item.items()
        return name, params
    raise ValueError(f"expected a name or a mapping with one key, got {item!r}")
