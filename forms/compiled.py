"""Compiled forms: a checked definition ready to parse, clean, validate, compute and summarise answers."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from errors import FieldProblem
from forms import browser as _browser
from forms import conditions as _conditions
from forms import parse as _parse
from forms import summary as _summary
from forms import validate as _validate
from forms.check import analyse
from forms.computed import REGISTRY
from forms.expr_eval import evaluate, result_text
from forms.posted import getter
from forms.problems import definition_error
from forms.spec import FieldSpec, Page
from forms.translations import languages, localise

CACHE_SIZE = 256
_cache: OrderedDict[tuple, CompiledForm] = OrderedDict()
_lock = threading.Lock()
_ACTION = re.compile(r"(add|remove)-([a-z][a-z0-9_]*)(?:-(\d{1,4}))?", re.ASCII)


class CompiledForm:
    """A form definition that passed check_definition, with everything the service needs to use it."""

    def __init__(self, defn: Mapping, pages: list[Page], fields: list[FieldSpec], content_hash: str):
        self.definition = defn
        self.key: str = defn["key"]
        self.version = defn.get("version")
        self.status = defn.get("status")
        self.title: str = defn["title"]
        self.description: str | None = defn.get("description")
        self.classification: str = defn.get("classification", "standard")
        self.countersign: bool = bool(defn.get("countersign", False))
        self.repeatable: bool = bool(defn.get("repeatable", False))
        self.tags: tuple[str, ...] = tuple(defn.get("tags", []))
        self.schema: Mapping = defn["schema"]
        self.computed: tuple[Mapping, ...] = tuple(defn.get("computed", []))
        self.pages: tuple[Page, ...] = tuple(pages)
        self.fields: tuple[FieldSpec, ...] = tuple(fields)
        self.top_fields: dict[str, FieldSpec] = {f.name: f for f in fields}
        self.content_hash = content_hash
        self.language = "en"  # the language of its texts (compile_form's language when it has that translation)
        self.validator = Draft202012Validator(self.schema, format_checker=FormatChecker())
        self.trees: dict[str, list] = {}

    @property
    def results(self) -> list[dict]:
        """Return the written calculations (expression and bands) with their labels, trees and band colours."""
        out = []
        for entry in self.computed:
            if entry["key"] not in self.trees:
                continue
            params = entry.get("params", {})
            colours = {b["text"]: b.get("colour", "") for b in params.get("bands", [])}
            if params.get("otherwise"):
                colours[params["otherwise"]] = params.get("otherwise_colour", "")
            out.append({"key": entry["key"], "label": params.get("label") or entry["key"].replace("_", " "),
                        "tree": self.trees[entry["key"]], "colours": colours})
        return out

    def __repr__(self) -> str:
        return f"<CompiledForm {self.key} v{self.version or self.content_hash[:12]}>"

    def field(self, name: str) -> FieldSpec:
        """Return a field by name, or a repeater child by path (`children.*.name` or `children.0.name`)."""
        if name in self.top_fields:
            return self.top_fields[name]
        parts = name.split(".")
        if len(parts) == 3 and parts[0] in self.top_fields and (parts[1] == "*" or parts[1].isdigit()):
            child = self.top_fields[parts[0]].child(parts[2])
            if child is not None:
                return child
        raise KeyError(name)

    def page(self, key: str) -> Page:
        """Return the page with this key."""
        for page in self.pages:
            if page.key == key:
                return page
        raise KeyError(key)

    def parse_form(self, formdata: Any, *, page: str | None = None) -> dict:
        """Return typed answers from an HTML post (a mapping of lists, or anything with getlist)."""
        fields = self.page(page).fields if page is not None else self.fields
        return _parse.parse_fields(fields, formdata)

    def clean(self, answers: Mapping) -> dict:
        """Return the answers without hidden fields' answers, unknown keys or empty values."""
        return _conditions.clean(self.fields, answers)

    def shown(self, answers: Mapping) -> set[str]:
        """Return the names of the top-level fields shown for these answers."""
        return _conditions.shown_names(self.fields, answers)

    def validate(self, answers: Mapping, *, today: date, partial: bool = False,
                 page: str | None = None, language: str | None = None) -> list[FieldProblem]:
        """Return every problem with the answers (only those on `page` when given), worded in `language`."""
        return _validate.validate(self, answers, today=today, partial=partial, page=page, language=language)

    def compute(self, answers: Mapping) -> dict:
        """Return the computed values, keyed by each `computed` entry's key."""
        data = self.clean(answers)
        return {entry["key"]: evaluate(self.trees[entry["key"]], data) if entry["key"] in self.trees
                else REGISTRY[entry["function"]].run(data, entry.get("params", {}), self.top_fields)
                for entry in self.computed}

    def summary(self, answers: Mapping) -> list[_summary.SummaryRow]:
        """Return readable rows for every shown field."""
        return _summary.summary(self, answers)

    def conditions(self, answers: Mapping | None = None) -> dict:
        """Return the show_when rules and written calculations as data for the browser script."""
        return _browser.conditions(self, answers)

    def conditions_json(self, answers: Mapping | None = None) -> str:
        """Return the rules as JSON safe to embed in a script element."""
        return _browser.conditions_json(self, answers)

    def result_values(self, answers: Mapping) -> list[dict]:
        """Return each written calculation's label, value and tag colour for these answers."""
        values = self.compute(answers)
        out = []
        for result in self.results:
            value = values.get(result["key"])
            colour = result["colours"].get(value, "") if isinstance(value, str) else ""
            out.append({**result, "value": value, "text": result_text(value), "colour": colour})
        return out

    def renders(self, spec: FieldSpec, answers: Mapping) -> bool:
        """Check whether a page should render this field (see forms.browser.renders)."""
        return _browser.renders(self, spec, answers)

    def apply_action(self, formdata: Any, action: str | None, *,
                     page: str | None = None) -> tuple[dict[str, list[str]], bool]:
        """Return the posted inputs after a repeater button (`add-<field>`, `remove-<field>-<i>`) and if it was one.

        A row is dropped by its posted index before parsing, so a blank row above it (which parsing leaves out)
        cannot shift which entry goes. Adding changes nothing: every page already ends a repeater with one empty
        row to fill in.
        """
        get, names = getter(formdata)
        posted = {name: get(name) for name in names}
        match = _ACTION.fullmatch(action or "")
        fields = self.page(page).fields if page is not None else self.fields
        spec = next((f for f in fields if match and f.name == match.group(2) and f.repeats), None)
        if spec is None:
            return posted, False
        if match.group(1) == "remove" and match.group(3) is not None:
            prefix = f"{spec.name}-{match.group(3)}-"
            posted = {name: values for name, values in posted.items() if not name.startswith(prefix)}
        return posted, True

    def to_dict(self) -> dict:
        """Return a JSON-ready description of the form for the browser or an API."""
        return {
            "key": self.key, "version": self.version, "title": self.title, "description": self.description,
            "classification": self.classification, "countersign": self.countersign, "tags": list(self.tags),
            "pages": [{"key": p.key, "title": p.title, "fields": [f.to_dict() for f in p.fields]}
                      for p in self.pages],
        }


def errors_by_path(errors: list[FieldProblem]) -> dict[str, str]:
    """Return errors as the {field path: message} mapping the templates take."""
    return {e.field: e.message for e in errors}


def content_hash(defn: Mapping) -> str:
    """Return a stable hash of a definition's content."""
    text = json.dumps(defn, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compile_form(defn: Mapping, language: str | None = None, *, digest: str | None = None) -> CompiledForm:
    """Return the compiled form for a definition in a language, cached per (key, version), or per content.

    Raises DefinitionError when check_definition finds problems. A stored version must not change once
    compiled; an unversioned definition (a file, an admin's draft) is keyed by its content instead: its
    `content_hash`, or the `digest` a caller already holds for exactly this content (a stored version's). With a
    language the form's texts are its translations where it has them (forms.translations), English otherwise.
    """
    version = defn.get("version") if isinstance(defn, Mapping) else None
    if version is not None or not isinstance(defn, Mapping):
        digest = None if version is not None else ""
    elif digest is None:
        digest = content_hash(defn)
    language = language if isinstance(defn, Mapping) and language in languages(defn) else None
    cache_key = (defn.get("key") if isinstance(defn, Mapping) else None, version, digest, language)
    with _lock:
        if cache_key in _cache:
            _cache.move_to_end(cache_key)
            return _cache[cache_key]
    if language is not None:
        compile_form(defn, digest=digest or None)  # the definition is checked as written, before its texts are swapped
    own = copy.deepcopy(dict(localise(defn, language))) if isinstance(defn, Mapping) else defn
    problems, builder, pages = analyse(own, language or "en")
    if problems or builder is None:
        raise definition_error(problems)
    form = CompiledForm(own, pages, builder.fields, digest or content_hash(defn))
    form.trees = dict(builder.trees)
    form.language = language or "en"
    with _lock:
        _cache[cache_key] = form
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return form


def clear_cache() -> None:
    """Forget every compiled form."""
    with _lock:
        _cache.clear()
