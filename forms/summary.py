"""Summaries: answers as readable rows for "check your answers" pages and read-only views."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from forms.conditions import shown_in_row, shown_names
from forms.spec import FieldSpec, parse_iso
from forms.widgets import format_number, html_value, is_number
from forms.words import WORDS, words
from forms.words import long_date as _long_date

if TYPE_CHECKING:
    from forms.compiled import CompiledForm

NOT_ANSWERED = WORDS["en"]["not_answered"]


@dataclass(frozen=True)
class SummaryRow:
    """One answered (or unanswered) question, ready to show."""

    page: str
    page_key: str
    section: str | None
    field: str
    label: str
    text: str
    answered: bool
    rows: tuple[tuple[SummaryRow, ...], ...] = ()
    meta: Mapping = field(default_factory=dict)

    @property
    def lines(self) -> list[str]:
        """Return the display text split into lines."""
        return self.text.split("\n")


def long_date(day: date, language: str | None = "en") -> str:
    """Return a date as people write it: 12 March 2026 (12 Mawrth 2026 in Welsh)."""
    return _long_date(day, language)


def display_text(spec: FieldSpec, value: Any) -> str:
    """Return an answer as readable text: option labels, long dates, Yes/No, signatures."""
    said = words(spec.language)
    if value is None or value == [] or value == {}:
        return said["not_answered"]
    if spec.widget == "attestation" and isinstance(value, dict):
        return _signature(value, spec.language)
    if spec.widget == "file" and isinstance(value, dict):
        return str(value.get("filename") or value.get("id") or said["not_answered"])
    if isinstance(value, list):
        return "\n".join(_one(spec, v) for v in value)
    return _one(spec, value)


def _one(spec: FieldSpec, value: Any) -> str:
    option = spec.option_for(value)
    if option is not None:
        return option.label
    if spec.widget == "date":
        day = parse_iso(value)
        return long_date(day, spec.language) if day else str(value)
    if is_number(value):
        return format_number(value)
    return html_value(value) if not isinstance(value, dict | list) else str(value)


def _signature(value: Mapping, language: str) -> str:
    said = words(language)
    name = value.get("full_name")
    signed = parse_iso(value.get("date"))
    when = long_date(signed, language) if signed else value.get("date")
    if value.get("confirmed") is True and name:
        return said["signed_by_on"].format(name=name, when=when) if when else said["signed_by"].format(name=name)
    details = ", ".join(str(x) for x in (name, when) if x)
    return said["not_signed_details"].format(details=details) if details else said["not_signed"]


def summary(form: CompiledForm, answers: Mapping) -> list[SummaryRow]:
    """Return a row for every shown field in layout order, with repeater entries as nested rows."""
    data = form.clean(answers)
    shown = shown_names(form.fields, data)
    rows: list[SummaryRow] = []
    for page in form.pages:
        for section in page.sections:
            where = (page.title, page.key, section.title)
            for spec in section.items:
                if isinstance(spec, FieldSpec) and spec.name in shown:
                    rows.append(_row(spec, data, shown, where))
    return rows


def _row(spec: FieldSpec, data: Mapping, shown: set[str], where: tuple) -> SummaryRow:
    value = data.get(spec.name)
    if spec.widget != "repeater" or not isinstance(value, list):
        return _make(spec, value, spec.name, where)
    entries = tuple(
        tuple(_make(child, row.get(child.name), child.error_path(index), where)
              for child in spec.children if child.name in shown_in_row(spec, row, shown, data))
        for index, row in enumerate(value))
    said = words(spec.language)
    text = said["one_entry"] if len(entries) == 1 else said["entries"].format(count=len(entries))
    return SummaryRow(*where[:2], where[2], spec.name, spec.label, text, True, entries)


def _make(spec: FieldSpec, value: Any, path: str, where: tuple) -> SummaryRow:
    option = spec.option_for(value) if value is not None else None
    return SummaryRow(where[0], where[1], where[2], path, spec.label, display_text(spec, value), value is not None,
                      meta=dict(option.meta) if option else {})
