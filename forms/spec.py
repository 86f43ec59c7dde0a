"""Compiled pieces of a form: fields, guidance, sections and pages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.values import Option, html_value, iso_parts, parse_iso, same_value
from forms.widgets import Widget, get
from forms.words import words

__all__ = ["FieldSpec", "Grid", "GridRow", "Guidance", "Page", "Section", "parse_iso"]
_PLAIN = Widget()  # how a field of a type no longer registered is shown: as plain text


@dataclass(frozen=True, eq=False)
class FieldSpec:
    """One question of a form, as the engine and the templates use it."""

    name: str
    path: str
    label: str
    hint: str | None
    widget: str
    schema: Mapping
    item: Mapping
    options: tuple[Option, ...] = ()
    required: bool = False
    required_when_shown: bool = False
    show_when: Mapping | None = None
    no_future: bool = False
    min_years_ago: int | None = None  # a date at least this many years before today (a date of birth)
    min: float | int | None = None
    max: float | int | None = None
    children: tuple[FieldSpec, ...] = ()
    page: str = ""
    parent: str | None = None
    order: int = 0
    grid: str | None = None
    grid_role: str | None = None
    language: str = "en"  # of the words the engine adds (Yes/No, signature parts, dates): see forms.words
    kind: str = field(default="field", init=False)

    def child(self, name: str) -> FieldSpec | None:
        """Return the repeater child called `name`, if any."""
        return next((c for c in self.children if c.name == name), None)

    def option_for(self, value: Any) -> Option | None:
        """Return the option whose value equals `value`, if any."""
        return next((o for o in self.options if same_value(o.value, value)), None)

    def input_name(self, row: int | None = None) -> str:
        """Return the HTML name (and id) of this field, inside repeater row `row` when it is a child."""
        return f"{self.parent}-{row}-{self.name}" if self.parent is not None else self.name

    def error_path(self, row: int | None = None) -> str:
        """Return the path validation errors use for this field (`children.1.name`)."""
        return f"{self.parent}.{row}.{self.name}" if self.parent is not None else self.name

    def text_value(self, value: Any) -> str:
        """Return an answer as the text an input shows."""
        return "" if isinstance(value, dict | list) else html_value(value)

    def selected(self, value: Any) -> set[str]:
        """Return the HTML values that should be checked or selected for an answer."""
        values = value if isinstance(value, list) else [] if value is None else [value]
        out = set()
        for item in values:
            option = self.option_for(item)
            out.add(option.html if option else html_value(item))
        return out

    def date_parts(self, value: Any) -> tuple[str, str, str]:
        """Return (day, month, year) text for the three date inputs."""
        return iso_parts(value)

    def part_label(self, part: str) -> str:
        """Return the label of one part of an object answer (a signature's full_name, date or confirmed)."""
        props = self.schema.get("properties", {})
        title = props.get(part, {}).get("title") if isinstance(props.get(part), dict) else None
        own = words(self.language).get(part) if self.language != "en" else None
        return title or own or getattr(self.widget_type, "part_labels", {}).get(part,
                                                                               part.replace("_", " ").capitalize())

    @property
    def widget_type(self) -> Widget:
        """Return the registered field type that holds this field's behaviour."""
        return get(self.widget) or _PLAIN

    @property
    def template(self) -> str:
        """Return the Jinja partial that renders this field's inputs."""
        return self.widget_type.template

    @property
    def parts(self) -> tuple[str, ...]:
        """Return the named parts of the answer, each given and checked on its own (a signature's)."""
        return self.widget_type.parts

    @property
    def repeats(self) -> bool:
        """Check whether the answer is a list of rows of the child fields."""
        return self.widget_type.repeats

    @property
    def uploads(self) -> bool:
        """Check whether the field takes an uploaded file."""
        return self.widget_type.uploads

    def to_dict(self) -> dict:
        """Return a JSON-ready description of this field."""
        out = {
            "name": self.name, "path": self.path, "label": self.label, "hint": self.hint, "widget": self.widget,
            "required": self.required, "required_when_shown": self.required_when_shown,
            "show_when": dict(self.show_when) if self.show_when else None, "page": self.page,
            "options": [{"value": o.value, "label": o.label, "meta": dict(o.meta)} for o in self.options],
        }
        for key in ("no_future", "min_years_ago", "min", "max", "grid", "grid_role"):
            if getattr(self, key) not in (None, False):
                out[key] = getattr(self, key)
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out


def paragraphs(text: str | None) -> list[str]:
    """Return text split into paragraphs at blank lines, whichever line endings it was typed with."""
    plain = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in re.split(r"\n[ \t]*\n", plain) if p.strip()]


@dataclass(frozen=True)
class Guidance:
    """Text shown between questions."""

    text: str
    heading: str | None = None
    kind: str = field(default="guidance", init=False)

    @property
    def paragraphs(self) -> list[str]:
        """Return the text split into paragraphs at blank lines."""
        return paragraphs(self.text)


@dataclass(frozen=True)
class GridRow:
    """One row of a grid: its question and the fields that go with it (comment, critical tick, evidence)."""

    main: FieldSpec
    extras: tuple[FieldSpec, ...] = ()


@dataclass(frozen=True)
class Grid:
    """Questions sharing one option list, shown together as one table-like block; each row is a plain field."""

    key: str
    rows: tuple[GridRow, ...]
    kind: str = field(default="grid", init=False)

    @property
    def options(self):
        """Return the options every row shares."""
        return self.rows[0].main.options

    @property
    def roles(self) -> list[str]:
        """Return the kinds of field that go with the rows (comment, critical, evidence), in first-seen order."""
        return list(dict.fromkeys(extra.grid_role for row in self.rows for extra in row.extras))

    @property
    def as_table(self) -> bool:
        """Tell whether the rows are single choices, which a table with a column per option can show."""
        return self.rows[0].main.widget in ("radios", "yesno", "scale")


@dataclass(frozen=True)
class Section:
    """A titled group of items on a page."""

    title: str | None
    items: tuple[FieldSpec | Guidance, ...]
    description: str | None = None

    @property
    def blocks(self) -> list[FieldSpec | Guidance | Grid]:
        """Return the items with each run of grid rows gathered into one Grid, as a page shows them."""
        out: list[FieldSpec | Guidance | Grid] = []
        rows: list[GridRow] = []
        for item in self.items:
            grid = getattr(item, "grid", None)
            if grid and out and isinstance(out[-1], Grid) and out[-1].key == grid:
                rows = list(out[-1].rows)
                if item.grid_role and rows:
                    rows[-1] = GridRow(rows[-1].main, (*rows[-1].extras, item))
                else:
                    rows.append(GridRow(item))
                out[-1] = Grid(grid, tuple(rows))
            elif grid:
                out.append(Grid(grid, (GridRow(item),)))
            else:
                out.append(item)
        return out


@dataclass(frozen=True)
class Page:
    """One page of a form."""

    key: str
    title: str
    sections: tuple[Section, ...]
    description: str | None = None

    @property
    def fields(self) -> list[FieldSpec]:
        """Return the top-level fields on this page in layout order."""
        return [i for s in self.sections for i in s.items if isinstance(i, FieldSpec)]
