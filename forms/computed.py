"""Computed values: the registry of functions a definition's `computed` entries may name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from forms import expr_compile as _compile
from forms import expr_eval as _eval
from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.problems import schema_problems
from forms.spec import FieldSpec
from forms.values import is_number, same_value

Fields = Mapping[str, FieldSpec]
Check = Callable[[Mapping, Fields], list[tuple[str, str]]]

_NAMES = {"type": "array", "minItems": 1, "items": {"type": "string"}}


@dataclass(frozen=True)
class ComputedFunction:
    """A registered function: what it computes, its parameters' schema and its own checks."""

    name: str
    run: Callable[[Mapping, Mapping, Fields], Any]
    params_schema: Mapping
    check: Check | None = None
    title: str = ""  # what the builder calls it, marked for translation
    summary: str = ""  # what it works out, in the builder's words

    def problems(self, params: Mapping, fields: Fields, base: str) -> list[tuple[str, str]]:
        """Return (path, message) pairs for whatever is wrong with these params."""
        errors = Draft202012Validator(self.params_schema).iter_errors(params)
        found = [(p.path, p.message) for p in schema_problems(errors, base)]
        if not found and self.check:
            found = [(f"{base}.{sub}" if sub else base, message) for sub, message in self.check(params, fields)]
        return found


REGISTRY: dict[str, ComputedFunction] = {}


def register(name: str, *, title: str, summary: str, params_schema: Mapping | None = None,
             check: Check | None = None):
    """Return a decorator that adds a function to the registry under `name`, with the words the builder shows."""
    def decorate(fn):
        if name in REGISTRY:
            raise ValueError(f"a computed function called {name!r} is already registered")
        REGISTRY[name] = ComputedFunction(name, fn, params_schema or {"type": "object"}, check, title, summary)
        return fn
    return decorate


def _obj(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _unknown(names: list[str], fields: Fields, where: str) -> list[tuple[str, str]]:
    return [(f"{where}[{i}]", f"names “{n}”, which is not a top-level field")
            for i, n in enumerate(names) if n not in fields]


def _check_fields(params: Mapping, fields: Fields) -> list[tuple[str, str]]:
    return _unknown(params["fields"], fields, "fields")


def _ticked(value: Any) -> bool:
    return value is True or (isinstance(value, list) and bool(value))


# --- screening_outcome -------------------------------------------------------------------------------------

def _check_screening(params: Mapping, fields: Fields) -> list[tuple[str, str]]:
    found = _check_fields(params, fields)
    for i, name in enumerate(params["fields"]):
        spec = fields.get(name)
        if spec is None:
            continue
        if not spec.options:
            found.append((f"fields[{i}]", f"“{name}” has no options to flag"))
        elif any(o.meta.get("flag") not in ("green", "red") for o in spec.options):
            found.append((f"fields[{i}]", f"every option of “{name}” needs a green or red flag in option_meta"))
    return found


@register("screening_outcome", title=N_("Screening outcome"),
          summary=N_("Likely to be suitable when every chosen answer is green, unlikely to be accepted if one is red"),
          params_schema=_obj({"fields": _NAMES}, ["fields"]), check=_check_screening)
def screening_outcome(answers: Mapping, params: Mapping, fields: Fields) -> dict:
    """Return likely_suitable when every answer is green, unlikely_to_be_accepted (with reasons) on any red."""
    reasons: list[str] = []
    complete = True
    for name in params["fields"]:
        spec = fields[name]
        value = answers.get(name)
        chosen = value if isinstance(value, list) else [] if value is None else [value]
        options = [spec.option_for(v) for v in chosen]
        if not options or None in options:
            complete = False
        for option in filter(None, options):
            if option.meta.get("flag") == "red":
                reasons.append(option.meta.get("message") or f"{spec.label}: {option.label}")
            elif option.meta.get("flag") != "green":
                complete = False
    if reasons:
        return {"outcome": "unlikely_to_be_accepted", "reasons": reasons}
    return {"outcome": "likely_suitable" if complete else "incomplete", "reasons": []}


# How each screening outcome reads to the person triaging the referral, and its tag colour.
SCREENING_WORDS = {"likely_suitable": (N_("Likely to be suitable"), "green", N_("Every answer is green.")),
                   "unlikely_to_be_accepted": (N_("Unlikely to be accepted"), "red", ""),
                   "incomplete": (N_("Not complete"), "grey", "")}


def describe_screening(computed: Mapping | None, language: str | None = SOURCE_LANGUAGE) -> dict:
    """Return a screening outcome as words in a language, a tag colour, a note and the red answers' guidance."""
    outcome = (computed or {}).get("outcome") or {}
    key = outcome.get("outcome", "incomplete")
    label, tag, note = SCREENING_WORDS.get(key, SCREENING_WORDS["incomplete"])
    return {"key": key, "label": say(language, label), "tag": tag, "note": say(language, note) if note else "",
            "reasons": list(outcome.get("reasons") or [])}


# --- sara_scores -------------------------------------------------------------------------------------------

def _check_sara(params: Mapping, fields: Fields) -> list[tuple[str, str]]:
    found = []
    suffix = params.get("critical_suffix")
    for section, names in params["sections"].items():
        found += _unknown(names, fields, f"sections.{section}")
        for i, name in enumerate(names):
            if name in fields and not any(is_number(o.value) for o in fields[name].options) \
                    and not fields[name].widget_type.numeric:
                found.append((f"sections.{section}[{i}]", f"“{name}” cannot hold a numeric rating"))
            if suffix and name in fields and name + suffix not in fields:
                found.append((f"sections.{section}[{i}]", f"has no critical-item field “{name + suffix}”"))
    return found


@register("sara_scores", title=N_("SARA scores"),
          summary=N_("Subtotals per section, the total and the number of critical items; only numeric ratings count"),
          check=_check_sara, params_schema=_obj(
    {"sections": {"type": "object", "minProperties": 1, "additionalProperties": _NAMES},
     "critical_suffix": {"type": "string", "minLength": 1}}, ["sections"]))
def sara_scores(answers: Mapping, params: Mapping, fields: Fields) -> dict:
    """Return per-section subtotals, the total and the number of critical items; only numeric ratings count."""
    suffix = params.get("critical_suffix")
    sections: dict[str, int | float] = {}
    rated = omitted = critical = 0
    for section, names in params["sections"].items():
        subtotal = 0
        for name in names:
            value = answers.get(name)
            if is_number(value):
                subtotal += value
                rated += 1
            else:
                omitted += 1
            if suffix and _ticked(answers.get(name + suffix)):
                critical += 1
        sections[section] = subtotal
    return {"sections": sections, "total": sum(sections.values()), "critical_items": critical,
            "rated": rated, "omitted": omitted}


# --- inventory_totals --------------------------------------------------------------------------------------

def _inventory_name(params: Mapping, item: str, column: str) -> str:
    # str.replace, not str.format: a pattern written by an administrator must not reach format's mini-language.
    pattern = params.get("field_pattern", "{item}_{column}")
    return pattern.replace("{item}", item).replace("{column}", column)


def _check_inventory(params: Mapping, fields: Fields) -> list[tuple[str, str]]:
    found = []
    pattern = params.get("field_pattern", "{item}_{column}")
    if "{item}" not in pattern or "{column}" not in pattern:
        return [("field_pattern", "must contain both {item} and {column}")]
    for i, item in enumerate(params["items"]):
        missing = [n for n in (_inventory_name(params, item, c) for c in params["columns"]) if n not in fields]
        if missing:
            found.append((f"items[{i}]", "has no field " + ", ".join(f"“{n}”" for n in missing)))
    return found


@register("inventory_totals", title=N_("Inventory totals"),
          summary=N_("For each column, the total of the scores, how many were unknown (?) and how many were scored"),
          check=_check_inventory, params_schema=_obj(
    {"items": _NAMES, "columns": _NAMES, "field_pattern": {"type": "string"}}, ["items", "columns"]))
def inventory_totals(answers: Mapping, params: Mapping, fields: Fields) -> dict:
    """Return, per column, the total of numeric scores, how many were "?" (unknown) and how many were scored."""
    out = {}
    for column in params["columns"]:
        total, unknown, answered = 0, 0, 0
        for item in params["items"]:
            value = answers.get(_inventory_name(params, item, column))
            if value == "?":
                unknown += 1
            elif is_number(value):
                total += value
                answered += 1
        out[column] = {"total": total, "unknown": unknown, "answered": answered}
    return out


# --- sum_fields and count_values ---------------------------------------------------------------------------

@register("sum_fields", title=N_("Sum of answers"),
          summary=N_("The numeric answers of the chosen questions, added up"),
          params_schema=_obj({"fields": _NAMES}, ["fields"]), check=_check_fields)
def sum_fields(answers: Mapping, params: Mapping, fields: Fields) -> int | float:
    """Return the sum of the numeric answers among the named fields."""
    return sum(v for v in (answers.get(n) for n in params["fields"]) if is_number(v))


@register("count_values", title=N_("Count of an answer"),
          summary=N_("How many of the chosen questions have the answer in the settings (or, for lists, include it)"),
          params_schema=_obj({"fields": _NAMES, "value": {}}, ["fields", "value"]),
          check=_check_fields)
def count_values(answers: Mapping, params: Mapping, fields: Fields) -> int:
    """Return how many of the named fields have the answer `value` (or, for lists, include it)."""
    target = params["value"]
    count = 0
    for name in params["fields"]:
        value = answers.get(name)
        values = value if isinstance(value, list) else [value]
        count += any(same_value(v, target) for v in values)
    return count


# --- expression and bands: the expression language (forms/expr.py); checked and compiled by forms.check --------

_BAND = _obj({"min": {"type": "number"}, "text": {"type": "string", "minLength": 1},
              "colour": {"enum": list(("grey", "green", "turquoise", "blue", "yellow", "orange", "red", "pink",
                                       "purple"))}}, ["min", "text"])


@register("expression", title=N_("A calculation"),
          summary=N_("A calculation written with question keys, like the one above"),
          params_schema=_obj(
    {"expr": {"type": "string", "minLength": 1}, "label": {"type": "string"}}, ["expr"]))
def expression(answers: Mapping, params: Mapping, fields: Fields) -> Any:
    """Return the value of a calculation written in the expression language."""
    return _eval.evaluate(_compile.compile_text(params["expr"], _compile.Scope(fields)), answers)


@register("bands", title=N_("Outcome by ranges of a value"),
          summary=N_("The text of the highest range a value reaches, like the outcome of a score"),
          params_schema=_obj(
    {"of": {"type": "string", "minLength": 1}, "label": {"type": "string"},
     "bands": {"type": "array", "minItems": 1, "items": _BAND}, "otherwise": {"type": "string"},
     "otherwise_colour": _BAND["properties"]["colour"]}, ["of", "bands"]))
def bands(answers: Mapping, params: Mapping, fields: Fields) -> Any:
    """Return the text of the highest band the value reaches (the outcome of a score)."""
    of = _compile.compile_text(params["of"], _compile.Scope(fields))
    return _eval.evaluate(_compile.bands_tree(of, params["bands"], params.get("otherwise")), answers)
