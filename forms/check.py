"""Check a form definition against the meta-schema, JSON Schema itself and the layout rules."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from forms import expr_compile as _compile
from forms.computed import REGISTRY
from forms.expr import ExprError
from forms.layout import LayoutBuilder
from forms.problems import DefinitionProblem, schema_problems
from forms.spec import Page
from forms.translations import translation_problems
from forms.widgets import layout_keys, names
from memo import Memo, content_text

# The file leaves out what the field types add: the widget names and each type's own layout keys.
METASCHEMA: dict = json.loads(Path(__file__).with_name("metaschema.json").read_text(encoding="utf-8"))
_metas: dict[tuple[str, ...], Draft202012Validator] = {}
_JSON_SCHEMA = Draft202012Validator(Draft202012Validator.META_SCHEMA,
                                    format_checker=Draft202012Validator.FORMAT_CHECKER)


_checked = Memo(512)


def check_definition(defn: Any) -> list[DefinitionProblem]:
    """Return every problem found in a form definition; an empty list means it can be used."""
    # Checking against the meta-schemas is the slow part; a definition's content and the field types decide it.
    text = content_text(defn)
    key = None if text is None else (text, names())
    return list(_checked.get(key, lambda: tuple(analyse(defn)[0])))


def analyse(defn: Any, language: str = "en") -> tuple[list[DefinitionProblem], LayoutBuilder | None, list[Page]]:
    """Return the problems, the layout builder and the pages of a definition (engine words in the language)."""
    if not isinstance(defn, Mapping):
        return [DefinitionProblem("", "a form definition must be a JSON object")], None, []
    problems = schema_problems(meta_validator().iter_errors(defn), "")
    if problems:
        return problems, None, []
    problems = [DefinitionProblem(p.path, f"is not valid JSON Schema: {p.message}")
                for p in schema_problems(_JSON_SCHEMA.iter_errors(defn["schema"]), "schema")]
    if problems:
        return problems, None, []
    builder = LayoutBuilder(defn, language)
    pages = builder.build()
    problems = list(builder.problems) + translation_problems(defn)
    keys: set[str] = set()
    for index, entry in enumerate(defn.get("computed", [])):
        path = f"computed[{index}]"
        if entry["key"] in keys:
            problems.append(DefinitionProblem(f"{path}.key", f"repeats the key “{entry['key']}”"))
        keys.add(entry["key"])
        function = REGISTRY.get(entry["function"])
        if function is None:
            known = ", ".join(sorted(REGISTRY))
            problems.append(DefinitionProblem(f"{path}.function",
                                              f"“{entry['function']}” is not a registered function ({known})"))
        elif not builder.problems:
            # Parameter checks look fields up, which is only meaningful once the layout itself is sound.
            found = function.problems(entry.get("params", {}), builder.top, f"{path}.params")
            problems += [DefinitionProblem(p, m) for p, m in found]
            if not found and entry["function"] in EXPRESSIONS:
                problems += _compile_entry(entry, path, builder)
    if not problems:
        problems += _compile_conditions(builder)
    return problems, builder, pages


EXPRESSIONS = ("expression", "bands")


def full_metaschema() -> dict:
    """Return the meta-schema with the registered widget names and their layout keys filled in."""
    meta = copy.deepcopy(METASCHEMA)
    item = meta["$defs"]["field_item"]["properties"]
    item["widget"] = {"enum": list(names())}
    for key, schema in layout_keys().items():
        item.setdefault(key, copy.deepcopy(dict(schema)))
    return meta


def meta_validator() -> Draft202012Validator:
    """Return the validator of the meta-schema for the field types registered now."""
    key = names()
    if key not in _metas:
        _metas[key] = Draft202012Validator(full_metaschema())
    return _metas[key]


def _compile_entry(entry: Mapping, path: str, builder: LayoutBuilder) -> list[DefinitionProblem]:
    """Compile an expression or bands entry into builder.trees; return what is wrong with it."""
    if entry["key"] in builder.top:
        return [DefinitionProblem(f"{path}.key", f"“{entry['key']}” is already the name of a question")]
    params = entry["params"]
    scope = _compile.Scope(builder.top, builder.trees, builder.grids.get)
    text = params["expr"] if entry["function"] == "expression" else params["of"]
    try:
        tree = _compile.compile_text(text, scope)
    except ExprError as exc:
        where = "expr" if entry["function"] == "expression" else "of"
        return [DefinitionProblem(f"{path}.params.{where}", f"the calculation {exc}")]
    if entry["function"] == "bands":
        tree = _compile.bands_tree(tree, params["bands"], params.get("otherwise"))
    builder.trees[entry["key"]] = tree
    return []


def _compile_conditions(builder: LayoutBuilder) -> list[DefinitionProblem]:
    """Compile every written condition (show_when {"expr": ...}) in place; return what is wrong."""
    problems = []
    for spec, path in builder.written:
        scope = _compile.Scope({k: v for k, v in builder.top.items() if v.order < spec.order}, builder.trees,
                            builder.grids.get)
        try:
            tree = _compile.compile_text(spec.show_when["expr"], scope)
        except ExprError as exc:
            problems.append(DefinitionProblem(f"{path}.show_when.expr",
                                              f"the condition {exc} (a condition can use questions above it)"))
            continue
        spec.show_when["tree"] = tree
    return problems
