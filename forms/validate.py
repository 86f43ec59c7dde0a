"""Validate answers against a compiled form and report every problem in plain English."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from jsonschema.exceptions import ValidationError

from errors import FieldProblem
from forms import messages
from forms.conditions import shown_in_row, shown_names
from forms.spec import FieldSpec, parse_iso
from scheduler.calendar import add_months

if TYPE_CHECKING:
    from forms.compiled import CompiledForm

# No answer may be longer than this, whatever its schema says: it bounds documents and what pages show.
MAX_TEXT_LENGTH = 100_000
# Lower ranks win when one field has several problems: say "enter it" before "it is the wrong kind".
_RANK = {"missing": 0, "type": 1, "format": 2, "oneOf": 2, "enum": 2, "const": 2}



class _Where(NamedTuple):
    spec: FieldSpec
    top: FieldSpec
    path: str
    row: int | None
    part: str | None


def _locate(form: CompiledForm, path: list) -> _Where | None:
    """Return the field an error path points at, or None when it points at no field."""
    if not path or not isinstance(path[0], str) or path[0] not in form.top_fields:
        return None
    top = form.top_fields[path[0]]
    if len(path) == 1:
        return _Where(top, top, top.name, None, None)  # the usual case: a whole answer missing
    if top.repeats and isinstance(path[1], int):
        child = top.child(path[2]) if len(path) >= 3 and isinstance(path[2], str) else None
        if child is not None:
            return _Where(child, top, child.error_path(path[1]), path[1], None)
        return _Where(top, top, top.name, None, None)
    if top.parts and path[1] in top.parts:
        return _Where(top, top, f"{top.name}.{path[1]}", None, path[1])
    return _Where(top, top, top.name, None, None)


def _missing_names(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "required":
        return [n for n in error.validator_value if n not in instance]
    return [d for key, deps in error.validator_value.items() if key in instance for d in deps if d not in instance]


class _Collector:
    """Keep the most useful problem per field path, in layout order."""

    def __init__(self, form: CompiledForm, page: str | None, language: str | None):
        self.form, self.page, self.language = form, page, language
        self.found: dict[str, tuple[int, tuple, FieldProblem]] = {}

    def wanted(self, where: _Where) -> bool:
        """Tell whether a problem there is reported: when one page is checked, only that page's are."""
        return self.page is None or where.top.page == self.page

    def add(self, where: _Where, rank: int, message: str) -> None:
        if not self.wanted(where):
            return
        if where.row is not None:
            message = messages.in_row(message, where.row + 1, self.language)
        part = where.spec.parts.index(where.part) if where.part in where.spec.parts else -1
        order = (where.top.order, -1 if where.row is None else where.row, where.spec.order, part)
        current = self.found.get(where.path)
        if current is None or rank < current[0]:
            self.found[where.path] = (rank, order, FieldProblem(where.path, message, where.spec.label))

    def missing(self, where: _Where) -> None:
        if not self.wanted(where):
            return  # wording a message costs more than checking the answer: none for a page not checked
        if where.spec.parts and where.part is None:
            for part in where.spec.parts:
                self.missing(where._replace(path=f"{where.path}.{part}", part=part))
            return
        self.add(where, 0, messages.missing(where.spec, where.part, self.language))

    def errors(self) -> list[FieldProblem]:
        return [e for _, _, e in sorted(self.found.values(), key=lambda t: t[1])]


def validate(form: CompiledForm, answers: Mapping, *, today: date, partial: bool = False,
             page: str | None = None, language: str | None = None) -> list[FieldProblem]:
    """Return every problem with the answers; `partial` (a draft) leaves out answers not yet given.

    The messages are in `language` (the form's own language when not given), quoting the form's labels.
    """
    data = form.clean(answers)
    out = _Collector(form, page, language or form.language)
    unplaced = False
    for error in form.validator.iter_errors(data):
        path = list(error.absolute_path)
        if error.validator in ("required", "dependentRequired"):
            if not partial:
                for name in _missing_names(error):
                    where = _locate(form, path + [name])
                    if where:
                        out.missing(where)
                    else:
                        unplaced = True
            continue
        if partial and error.validator == "minItems":
            continue
        where = _locate(form, path)
        if where is None:
            unplaced = True
            continue
        if not out.wanted(where):
            continue
        message = messages.invalid(where.spec, error.validator, error.validator_value, error.instance, where.part,
                                   out.language)
        out.add(where, _RANK.get(error.validator, 3), message)
    _check_layout_rules(form, data, out, today, partial)
    found = out.errors()
    if unplaced:
        found.append(FieldProblem("", messages.not_placed(out.language), form.title))
    return found


def _check_layout_rules(form: CompiledForm, data: Mapping, out: _Collector, today: date, partial: bool) -> None:
    """Apply required_when_shown, no_future and signature dates, which JSON Schema cannot express here."""
    shown = shown_names(form.fields, data)
    for spec in form.fields:
        if spec.name not in shown:
            continue
        where = _Where(spec, spec, spec.name, None, None)
        value = data.get(spec.name)
        _check_one(where, value, out, today, partial)
        # A signature dated after today is not a signature: its date part is checked like a no_future date.
        if "date" in spec.parts and isinstance(value, dict) and _after(value.get("date"), today):
            out.add(where._replace(path=f"{spec.name}.date", part="date"), 2,
                    messages.future(spec, "date", out.language))
        if spec.repeats and isinstance(value, list):
            for row_index, row in enumerate(value):
                row_shown = shown_in_row(spec, row, shown, data)
                for child in spec.children:
                    if child.name in row_shown:
                        child_where = _Where(child, spec, child.error_path(row_index), row_index, None)
                        _check_one(child_where, row.get(child.name), out, today, partial)


def _check_one(where: _Where, value: Any, out: _Collector, today: date, partial: bool) -> None:
    if not out.wanted(where):
        return
    spec = where.spec
    texts = value.values() if isinstance(value, dict) else [value]
    if any(isinstance(text, str) and len(text) > MAX_TEXT_LENGTH for text in texts):
        out.add(where, 1, messages.too_long(spec, MAX_TEXT_LENGTH, out.language))
    if value is None and spec.required_when_shown and not partial:
        out.missing(where)
    if spec.no_future and _after(value, today):
        out.add(where, 2, messages.future(spec, language=out.language))
    elif spec.min_years_ago and _after(value, latest := add_months(today, -12 * spec.min_years_ago)):
        out.add(where, 2, messages.too_recent(spec, latest, language=out.language))


def _after(value: Any, today: date) -> bool:
    day = parse_iso(value)
    return day is not None and day > today
