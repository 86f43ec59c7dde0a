"""The field-type registry: a Widget base class holding one type's behaviour, and register/get/names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from forms.phrases import Phrases, enter_answer, text_problem
from forms.posted import ABSENT, Getter, first
from forms.values import Option, format_number, html_value, is_number

if TYPE_CHECKING:
    from forms.spec import FieldSpec

NOT_ANSWERED = "Not answered"


class Widget:
    """One field type: how its schema is checked, its input parsed, its errors worded and its answer shown.

    The defaults describe a plain one-line text answer; each type overrides what differs.
    """

    name: ClassVar[str] = ""
    # The form builder: the type's name in the type list, what it is for, and the inputs its question page asks
    # for ("options", "range", "max_length", "rows", "no_future", "min_years_ago", "inline", "accept", "add_label").
    label: ClassVar[str] = ""
    hint: ClassVar[str] = ""
    asks: ClassVar[tuple[str, ...]] = ()
    decimals: ClassVar[bool] = False   # the builder's lowest and highest answers may have decimals
    needs_ends: ClassVar[bool] = False  # the builder must be given both the lowest and the highest answer
    family: ClassVar[str] = ""  # a field may change to another type of its family: the answers keep their shape
    # Layout keys (beyond the common ones) this type takes, each with the JSON Schema of its value.
    layout: ClassVar[Mapping[str, Mapping]] = {}
    simple: ClassVar[bool] = True      # the answer is one plain value or a list of them: a condition may test it
    in_rows: ClassVar[bool] = True     # may be asked in each row of a repeating group
    has_options: ClassVar[bool] = False
    numeric: ClassVar[bool] = False    # the answer is a number, so calculations may rate with it
    repeats: ClassVar[bool] = False    # the answer is a list of rows of child fields
    uploads: ClassVar[bool] = False    # a file input: the page posts multipart and the file is stored on its own
    parts: ClassVar[tuple[str, ...]] = ()  # named parts of an object answer, each given and checked on its own
    keeps: ClassVar[tuple[str, ...]] = ()  # the only keys of an object answer that are kept
    reads: ClassVar[str] = "one"       # how the page script reads the inputs back: "one", "list" or "number"
    grid_roles: ClassVar[frozenset[str]] = frozenset()  # roles beside a grid row: comment, critical, evidence
    correctable: ClassVar[bool] = True  # a single stored value the subject may ask to have corrected

    @property
    def template(self) -> str:
        """Return the Jinja partial that renders this type's inputs."""
        return f"forms/widgets/{self.name}.html"

    # --- the definition ------------------------------------------------------------------------------------

    def shape_problem(self, schema: Mapping) -> str | None:
        """Return why a property's schema does not suit this type (saying what to write), or None."""
        ok = schema.get("type") == "string" and not {"oneOf", "enum", "const"} & set(schema) \
            and schema.get("format") != "date"
        return None if ok else f"the {self.name} widget needs {{\"type\": \"string\"}} without options"

    def item_problem(self, item: Mapping) -> str | None:
        """Return what a layout item of this type lacks, or None."""
        return None

    def asks_for(self, prop: Mapping) -> tuple[str, ...]:
        """Return the inputs the builder's question page asks for a field of this type with this schema."""
        return self.asks

    def points(self, schema: Mapping) -> list[tuple[Any, str]]:
        """Return the (value, label) choices this type offers for a schema that suits it."""
        return []

    def condition_value(self, text: str, options: tuple[Option, ...], schema: Mapping) -> Any:
        """Return the answer a condition typed in the builder names; ValueError saying what to type when none."""
        if options:
            for option in options:
                if text.lower() in (option.label.lower(), option.html.lower()):
                    return option.value
            raise ValueError("one of " + ", ".join(f"“{o.label}”" for o in options))
        return text

    def labelled(self, schema: Mapping) -> bool:
        """Check whether the choices are labelled options worth listing (not the points of a number range)."""
        return self.has_options

    def possible(self, value: Any) -> bool:
        """Check whether a condition's value could be an answer (for types without options)."""
        return isinstance(value, str)

    # --- answers -----------------------------------------------------------------------------------------------

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return the answer posted under `name`, kept as typed when it cannot be converted, or ABSENT."""
        raw = first(get(name))
        return raw or ABSENT

    def missing(self, spec: FieldSpec, p: Phrases, part: str | None) -> str:
        """Return the message for a required answer that was not given."""
        return enter_answer(p)

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Return the message for an answer that breaks the schema (`kind` is the JSON Schema keyword)."""
        return text_problem(spec, p, kind, expected)

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Return an answer as readable text for summaries, the submitted view and the Word copy."""
        if isinstance(value, list):
            return "\n".join(self.display_one(spec, v) for v in value)
        return self.display_one(spec, value)

    def display_one(self, spec: FieldSpec, value: Any) -> str:
        """Return one value as readable text: its option's label, or the value written plainly."""
        option = spec.option_for(value)
        if option is not None:
            return option.label
        if is_number(value):
            return format_number(value)
        return html_value(value) if not isinstance(value, dict | list) else str(value)

    # --- the form builder --------------------------------------------------------------------------------------

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write the schema keys a builder field spec describes into `prop`."""
        prop["type"] = "string"

    def build_item(self, spec: Mapping, item: dict, old: Mapping | None) -> None:
        """Write the layout keys a builder field spec describes into `item`."""


_REGISTRY: dict[str, Widget] = {}


def register(widget: Widget | type[Widget]) -> Widget:
    """Add a field type to the registry (usable as a class decorator) and return it."""
    instance = widget() if isinstance(widget, type) else widget
    if not instance.name or instance.name in _REGISTRY:
        raise ValueError(f"a field type needs a new name: {instance.name!r}")
    _REGISTRY[instance.name] = instance
    return widget


def unregister(name: str) -> None:
    """Remove a field type (for tests that register one of their own)."""
    _REGISTRY.pop(name, None)


def get(name: Any) -> Widget | None:
    """Return the field type called `name`, or None."""
    return _REGISTRY.get(name) if isinstance(name, str) else None


def names() -> tuple[str, ...]:
    """Return the registered field types, in the order they were registered."""
    return tuple(_REGISTRY)


def options_for(widget: str, schema: Mapping, option_meta: Mapping | None) -> tuple[Option, ...]:
    """Return the options a field offers, with their option_meta."""
    kind = get(widget)
    if kind is None:
        return ()
    meta = option_meta or {}
    return tuple(Option(value, label, dict(meta.get(html_value(value), {}))) for value, label in kind.points(schema))


def layout_keys() -> dict[str, Mapping]:
    """Return every type-specific layout key with its JSON Schema (the first type to declare one decides)."""
    out: dict[str, Mapping] = {}
    for kind in _REGISTRY.values():
        for key, schema in kind.layout.items():
            out.setdefault(key, schema)
    return out
