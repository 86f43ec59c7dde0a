"""Turn a builder field spec into a JSON Schema property and a layout item. Pure: no database, no web."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from forms import widgets
from forms.catalogue import SOURCE_LANGUAGE, say

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# Schema keys the builder writes; any other key an imported definition carries is kept as it was.
MANAGED_PROP = {"type", "title", "description", "minimum", "maximum", "maxLength", "format", "oneOf", "items",
                "uniqueItems", "properties", "required", "const", "enum", "minItems"}
# (and the layout keys of every field type).
MANAGED_ITEM = {"field", "widget", "show_when", "required_when_shown", "option_meta", "third_party"}


def slug(text: str, fallback: str = "field", limit: int = 40) -> str:
    """Return a snake_case name made from text."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    name = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:limit].rstrip("_")
    if not name or not name[0].isalpha():
        name = f"{fallback}_{name}" if name else fallback
    return name


_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "did", "do", "does", "for", "from", "has", "have", "he",
    "her", "his", "how", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "there", "they",
    "this", "to", "was", "were", "what", "when", "where", "which", "who", "will", "with", "you", "your", "any",
    "ever"
})


def key_words(label: str, count: int = 4) -> list[str]:
    """Return the first telling words of a question, for a readable key (“very_frightened”)."""
    plain = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode().lower()
    return [w for w in re.findall(r"[a-z0-9]+", plain) if w not in _STOP and not w.isdigit()][:count]


def suggested_key(label: str, taken: set[str]) -> str:
    """Return a short, readable key for a new question, made from its telling words."""
    words = key_words(label)
    base = "_".join(words)[:40].rstrip("_") if words else slug(label)
    return unique_name(base if base[:1].isalpha() else f"field_{base}", taken)


def unique_name(base: str, taken: set[str]) -> str:
    """Return base, or base_2, base_3... whichever is not taken."""
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def new_definition(key: str, title: str, *, description: str = "", classification: str = "standard") -> dict:
    """Return the definition of a new, empty form: one page with one empty section."""
    defn: dict[str, Any] = {"key": key, "title": title}
    if description:
        defn["description"] = description
    defn.update({
        "classification": classification, "tags": [],
        "schema": {"$schema": DRAFT_2020_12, "type": "object", "properties": {}, "required": []},
        "layout": {"pages": [{"key": "page_1", "title": title, "sections": [{"items": []}]}]},
    })
    return defn


# --- building one field ---------------------------------------------------------------------------------------

def build_prop(spec: Mapping, old: Mapping | None = None) -> dict:
    """Return the JSON Schema property for a field spec, keeping keys the builder does not manage."""
    widget = spec["widget"]
    prop: dict[str, Any] = {k: v for k, v in (old or {}).items() if k not in MANAGED_PROP}
    prop["title"] = spec["label"]
    if spec.get("hint"):
        prop["description"] = spec["hint"]
    widgets.get(widget).build_prop(spec, prop, old)
    return prop


def build_item(spec: Mapping, old: Mapping | None = None) -> dict:
    """Return the layout item for a field spec, keeping keys the builder does not manage."""
    widget = spec["widget"]
    item: dict[str, Any] = {"field": spec["name"], "widget": widget}
    managed = MANAGED_ITEM | set(widgets.layout_keys())
    item.update({k: v for k, v in (old or {}).items() if k not in managed})
    if spec.get("show_when"):
        item["show_when"] = dict(spec["show_when"])
        if spec.get("required"):
            item["required_when_shown"] = True
    scores = {o["value"]: o["score"] for o in spec.get("options", []) if o.get("score") is not None}
    old_meta = (old or {}).get("option_meta", {})
    meta = {}
    for option in spec.get("options", []):
        entry = {k: v for k, v in old_meta.get(option["value"], {}).items() if k != "score"}
        if option["value"] in scores:
            entry["score"] = scores[option["value"]]
        if entry:
            meta[option["value"]] = entry
    if meta:
        item["option_meta"] = meta
    widgets.get(widget).build_item(spec, item, old)
    if spec.get("third_party"):
        item["third_party"] = True  # left out of the subject's access file wherever the answer is shown
    return item


class WidgetTexts(Mapping):
    """One builder text per registered field type (its label or its hint), read from the registry.

    The texts are in the language `language` returns when read (the catalogue holds them: forms/widgets mark them
    with N_), so a service can pass the page's language; English, the registry's own words, by default.
    """

    def __init__(self, attribute: str, language: Callable[[], str] = lambda: SOURCE_LANGUAGE):
        self.attribute, self.language = attribute, language

    def __getitem__(self, name: str) -> str:
        kind = widgets.get(name)
        if kind is None:
            raise KeyError(name)
        return say(self.language(), getattr(kind, self.attribute))

    def __iter__(self) -> Iterator[str]:
        return iter(widgets.names())

    def __len__(self) -> int:
        return len(widgets.names())


ENGLISH_WIDGET_LABELS: Mapping[str, str] = WidgetTexts("label")  # for the English change summaries


def switchable(widget: str) -> tuple[str, ...]:
    """Return the widgets a field of this widget may be changed to (itself included)."""
    # Only types of one family keep the answers' shape, so stored answers stay readable after the change.
    kind = widgets.get(widget)
    if kind is None or not kind.family:
        return (widget,)
    return tuple(n for n in widgets.names() if widgets.get(n).family == kind.family)
