"""Summaries: answers as readable rows for "check your answers" pages and read-only views."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forms.conditions import shown_in_row, shown_names
from forms.spec import FieldSpec
from forms.values import long_date, parse_iso
from forms.widgets import NOT_ANSWERED
from forms.words import long_date as _long_date
from forms.words import signature, words

if TYPE_CHECKING:
    from forms.compiled import CompiledForm

__all__ = ["NOT_ANSWERED", "SummaryRow", "display_text", "long_date", "summary"]


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


def display_text(spec: FieldSpec, value: Any) -> str:
    """Return an answer as readable text, as its field type writes it: option labels, long dates, signatures."""
    if value is None or value == [] or value == {}:
        return words(spec.language)["not_answered"]
    if spec.language != "en":
        # The engine's own wording in another language: dates with its month names, signatures as its sentence.
        if spec.widget == "date" and parse_iso(value):
            return _long_date(parse_iso(value), spec.language)
        if spec.widget == "attestation" and isinstance(value, Mapping):
            return signature(value, spec.language)
    return spec.widget_type.display(spec, value)


def answer_text(spec: FieldSpec, value: Any) -> str:
    """Return an answer as one text: a repeated question's entries one to a line, each part named by its label."""
    if not spec.repeats or not isinstance(value, list):
        return display_text(spec, value)
    lines = []
    for row in value:
        if not isinstance(row, Mapping):
            continue
        # A part named as its question is ("Other Considerations" under "Other Considerations") is said once; a
        # label that ends in a colon is not given a second one.
        parts = [("" if child.label == spec.label else child.label.rstrip().rstrip(":"),
                  display_text(child, row.get(child.name))) for child in spec.children
                 if row.get(child.name) not in (None, "", [], {})]
        if parts:
            lines.append(parts[0][1] if len(spec.children) == 1 else "; ".join(
                f"{label}: {text}" if label else text for label, text in parts))
    return "\n".join(lines) if lines else display_text(spec, None)


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
    if not spec.repeats or not isinstance(value, list):
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
