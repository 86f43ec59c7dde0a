"""Third-party information: which answers of a form come from or are about someone other than the subject."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def _walk(items: Iterable[Mapping], prefix: str, found: set[str]) -> None:
    for item in items or ():
        if "field" not in item:
            continue
        path = f"{prefix}{item['field']}"
        if item.get("third_party"):
            found.add(path)
        if item.get("items"):
            _walk(item["items"], f"{path}.*.", found)


def third_party_fields(definition: Mapping) -> set[str]:
    """Return the field paths marked third-party ("family", "children.*.name"); every field if the form is."""
    found: set[str] = set()
    for page in (definition.get("layout") or {}).get("pages", ()):
        for section in page.get("sections", ()):
            _walk(section.get("items", ()), "", found)
    if definition.get("third_party"):
        found |= set((definition.get("schema") or {}).get("properties", {}))
    return found


def is_third_party_form(definition: Mapping) -> bool:
    """Tell whether the whole form is third-party information."""
    return bool(definition.get("third_party"))


def redact_answers(answers: Mapping, fields: set[str]) -> tuple[dict, list[str]]:
    """Return the answers without the third-party fields, and the paths left out (rows of repeaters included)."""
    kept: dict = {}
    removed: list[str] = []
    for name, value in answers.items():
        if name in fields:
            removed.append(name)
            continue
        inner = {f.split(".*.", 1)[1] for f in fields if f.startswith(f"{name}.*.")}
        if inner and isinstance(value, list):
            rows = []
            for i, row in enumerate(value):
                if isinstance(row, Mapping):
                    row_kept, row_removed = redact_answers(row, inner)
                    rows.append(row_kept)
                    removed += [f"{name}.{i}.{r}" for r in row_removed]
                else:
                    rows.append(row)
            kept[name] = rows
        else:
            kept[name] = value
    return kept, removed
