"""Field types: one module per widget, each registered by name (see base.Widget for what a type holds)."""

from forms.values import Option, format_number, html_value, is_number, same_value

# Each module registers its type on import; the builder offers the types in this order.
# isort: off
from forms.widgets import text, textarea, number, integer, date, yesno, radios, select  # noqa: F401
from forms.widgets import checkboxes, scale, repeater, attestation, file  # noqa: F401
# isort: on
from forms.widgets.base import NOT_ANSWERED, Widget, get, layout_keys, names, options_for, register, unregister


def shape_problem(widget: str, schema: object) -> str | None:
    """Return why a property's schema does not suit the widget (saying what to write), or None when it does."""
    if not isinstance(schema, dict):
        return "the property's schema must be an object"
    kind = get(widget)
    if kind is None:
        return f"“{widget}” is not a known widget"
    return kind.shape_problem(schema)


def simple() -> frozenset[str]:
    """Return the types whose answer is one plain value (or a list of them): a condition may test them."""
    return frozenset(n for n in names() if get(n).simple)


__all__ = [
    "NOT_ANSWERED", "Option", "Widget", "format_number", "get", "html_value", "is_number", "layout_keys", "names",
    "options_for", "register", "same_value", "shape_problem", "simple", "unregister",
]
