"""Definition problems: plain-English findings about a form definition."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jsonschema.exceptions import ValidationError, best_match

from errors import DefinitionError, FieldProblem

SNAKE_CASE = "^[a-z][a-z0-9_]*$"
SNAKE_RE = re.compile(SNAKE_CASE)
SNAKE_MESSAGE = "must be snake_case: lower-case letters, digits and underscores, starting with a letter"

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


@dataclass(frozen=True)
class DefinitionProblem:
    """One problem found in a definition: where it is and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def definition_error(problems: Iterable[DefinitionProblem]) -> DefinitionError:
    """Return the project's DefinitionError for a form definition that cannot be used, naming each problem."""
    found = list(problems)
    shown = "; ".join(str(p) for p in found[:5])
    more = len(found) - 5
    return DefinitionError(shown + (f" (and {more} more)" if more > 0 else ""),
                           problems=[FieldProblem(p.path or "definition", p.message) for p in found])


def join_path(base: str, parts: Sequence) -> str:
    """Return `base` extended by keys (`.key`) and list indexes (`[i]`)."""
    out = base
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out


def is_snake(name: object) -> bool:
    """Check that a name is snake_case."""
    return isinstance(name, str) and bool(SNAKE_RE.fullmatch(name))


def schema_problems(errors: Iterable[ValidationError], base: str) -> list[DefinitionProblem]:
    """Return jsonschema errors about a definition rewritten as plain-English problems."""
    found: dict[tuple[str, str], DefinitionProblem] = {}
    for error in errors:
        # A failed anyOf/oneOf says only "not valid under any"; its closest branch says what to fix.
        while error.validator in ("anyOf", "oneOf") and error.context:
            error = best_match(error.context)
        for parts, message in _describe(error):
            path = join_path(base, list(error.absolute_path) + parts)
            found.setdefault((path, message), DefinitionProblem(path, message))
    return list(found.values())


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _describe(error: ValidationError) -> list[tuple[list, str]]:
    """Return (extra path parts, message) pairs describing one error."""
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        return [([], f"“{name}” is required here") for name in missing]
    if kind == "additionalProperties":
        allowed = error.schema.get("properties", {})
        extra = [k for k in instance if k not in allowed] if isinstance(instance, dict) else []
        return [([k], "is not a recognised setting here") for k in extra]
    if kind == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        return [([], "must be " + " or ".join(_TYPE_WORDS.get(k, k) for k in kinds))]
    if kind == "enum":
        return [([], "must be one of: " + ", ".join(_show(v) for v in expected))]
    if kind == "const":
        return [([], f"must be {_show(expected)}")]
    if kind == "pattern":
        return [([], SNAKE_MESSAGE if expected == SNAKE_CASE else f"is not in the expected form ({expected})")]
    if kind in ("minItems", "minLength", "minProperties"):
        return [([], "must not be empty" if expected == 1 else f"must have at least {expected} entries")]
    if kind in ("maxItems", "maxLength", "maxProperties"):
        return [([], f"must have at most {expected} entries")]
    if kind == "uniqueItems":
        return [([], "must not contain the same entry twice")]
    if kind == "minimum":
        return [([], f"must be {expected} or more")]
    if kind == "maximum":
        return [([], f"must be {expected} or less")]
    return [([], "is not valid here")]
