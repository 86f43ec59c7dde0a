"""Edit a form definition's pages, sections, settings and calculated values as plain data. Pure."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from forms.builder.edit import EditError
from forms.builder.shape import slug, unique_name
from forms.catalogue import N_, SOURCE_LANGUAGE, say

CLASSIFICATIONS = ("standard", "confidential")
TAG_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _page_index(defn: Mapping, page_key: str, language: str) -> int:
    for index, page in enumerate(defn["layout"]["pages"]):
        if page["key"] == page_key:
            return index
    raise EditError("page", say(language, N_("The form has no page called “%(page)s”"), page=page_key))


def _section(defn: Mapping, page_key: str, index: int, language: str) -> dict:
    sections = defn["layout"]["pages"][_page_index(defn, page_key, language)]["sections"]
    if not 0 <= index < len(sections):
        raise EditError("section", say(language, N_("The page has no such section")))
    return sections[index]


def _text(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise EditError(field, f"Enter {what}")
    return value


def _describe(target: dict, description: str) -> None:
    # Browsers post a textarea's line breaks as CR LF; stored as plain newlines, blank lines read as paragraphs.
    description = (description or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if description:
        target["description"] = description
    else:
        target.pop("description", None)


def add_page(defn: Mapping, title: str, description: str = "", *, language: str = SOURCE_LANGUAGE) -> tuple[dict, str]:
    """Return a copy with a new page (one empty section) at the end, and the new page's key."""
    out = copy.deepcopy(dict(defn))
    title = _text(title, "title", "a title for the page")
    key = unique_name(slug(title, "page"), {p["key"] for p in out["layout"]["pages"]})
    page: dict[str, Any] = {"key": key, "title": title, "sections": [{"items": []}]}
    _describe(page, description)
    out["layout"]["pages"].append(page)
    return out, key


def update_page(defn: Mapping, page_key: str, title: str, description: str = "", *,
                language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with the page's title and introduction changed (its key stays, so links keep working)."""
    out = copy.deepcopy(dict(defn))
    page = out["layout"]["pages"][_page_index(out, page_key, language)]
    page["title"] = _text(title, "title", "a title for the page")
    _describe(page, description)
    return out


def move_page(defn: Mapping, page_key: str, direction: str, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with the page moved one place up or down."""
    out = copy.deepcopy(dict(defn))
    pages = out["layout"]["pages"]
    index = _page_index(out, page_key, language)
    target = index + (-1 if direction == "up" else 1)
    if 0 <= target < len(pages):
        pages[index], pages[target] = pages[target], pages[index]
    return out


def remove_page(defn: Mapping, page_key: str, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy without the page; refused while it holds questions or when it is the only page."""
    out = copy.deepcopy(dict(defn))
    pages = out["layout"]["pages"]
    index = _page_index(out, page_key, language)
    if any(section["items"] for section in pages[index]["sections"]):
        raise EditError("page", say(language, N_("Move or remove the page's questions before removing the page")))
    if len(pages) == 1:
        raise EditError("page", say(language, N_("A form needs at least one page")))
    pages.pop(index)
    return out


def add_section(defn: Mapping, page_key: str, title: str = "", description: str = "", *,
                language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with a new empty section at the end of the page."""
    out = copy.deepcopy(dict(defn))
    section: dict[str, Any] = {"items": []}
    if (title or "").strip():
        section["title"] = title.strip()
    _describe(section, description)
    out["layout"]["pages"][_page_index(out, page_key, language)]["sections"].append(section)
    return out


def update_section(defn: Mapping, page_key: str, index: int, title: str = "", description: str = "", *,
                   language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with the section's heading and introduction changed (both optional)."""
    out = copy.deepcopy(dict(defn))
    section = _section(out, page_key, index, language)
    if (title or "").strip():
        section["title"] = title.strip()
    else:
        section.pop("title", None)
    _describe(section, description)
    return out


def remove_section(defn: Mapping, page_key: str, index: int, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy without the section; refused while it holds questions or when it is the page's only one."""
    out = copy.deepcopy(dict(defn))
    section = _section(out, page_key, index, language)
    if section["items"]:
        raise EditError("section", say(language, N_("Move or remove the section's questions before removing the "
                                                    "section")))
    sections = out["layout"]["pages"][_page_index(out, page_key, language)]["sections"]
    if len(sections) == 1:
        raise EditError("section", say(language, N_("A page needs at least one section: remove the page instead")))
    sections.pop(index)
    return out


def parse_tags(text: str | list, *, language: str = SOURCE_LANGUAGE) -> list[str]:
    """Return tags from comma-separated text, each checked to be snake_case (as workflow files name them)."""
    raw = text if isinstance(text, list) else re.split(r"[,\s]+", text or "")
    tags = list(dict.fromkeys(t.strip().lower() for t in raw if t.strip()))
    bad = [t for t in tags if not TAG_RE.fullmatch(t) or len(t) > 50]
    if bad:
        raise EditError("tags", say(language, N_("Tags are lower-case words joined by underscores, like case_extra: "
                                                 "“%(tag)s” is not"), tag=bad[0]))
    return tags


def update_settings(defn: Mapping, *, title: str, description: str = "", classification: str = "standard",
                    tags: str | list = "", countersign: bool = False, repeatable: bool = False,
                    language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with the form's title, introduction, classification, tags and countersigning changed."""
    out = copy.deepcopy(dict(defn))
    out["title"] = _text(title, "title", "the form's title")
    _describe(out, description)
    if classification not in CLASSIFICATIONS:
        raise EditError("classification", say(language, N_("Choose whether the form is standard or confidential")))
    out["classification"] = classification
    out["tags"] = parse_tags(tags, language=language)
    if countersign:
        out["countersign"] = True
    else:
        out.pop("countersign", None)
    if repeatable:
        out["repeatable"] = True
    else:
        out.pop("repeatable", None)
    return out


def add_computed(defn: Mapping, key: str, function: str, params: Mapping, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with a calculated value added (the engine checks the function and its parameters)."""
    out = copy.deepcopy(dict(defn))
    key = (key or "").strip()
    if not TAG_RE.fullmatch(key):
        raise EditError("computed_key", say(language, N_("Enter a name for the value in lower-case letters, digits "
                                                         "and underscores, like total_score")))
    if any(entry["key"] == key for entry in out.get("computed", [])):
        raise EditError("computed_key", say(language, N_("There is already a calculated value called “%(key)s”"),
                                            key=key))
    if not function:
        raise EditError("function", say(language, N_("Choose what to calculate")))
    out.setdefault("computed", []).append({"key": key, "function": function, "params": dict(params)})
    return out


def remove_computed(defn: Mapping, key: str, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy without the calculated value."""
    out = copy.deepcopy(dict(defn))
    entries = out.get("computed", [])
    if not any(entry["key"] == key for entry in entries):
        raise EditError("computed_key", say(language, N_("There is no calculated value called “%(key)s”"),
                                            key=key))
    out["computed"] = [entry for entry in entries if entry["key"] != key]
    if not out["computed"]:
        del out["computed"]
    return out


def prune(defn: Mapping) -> tuple[dict, dict[tuple[int, int], tuple[int, int]], dict[int, int]]:
    """Return a copy without empty sections and pages, with maps from the copy's indexes back to the original's."""
    out = copy.deepcopy(dict(defn))
    sections_back: dict[tuple[int, int], tuple[int, int]] = {}
    pages_back: dict[int, int] = {}
    pages = []
    for pi, page in enumerate(out["layout"]["pages"]):
        kept = [(si, s) for si, s in enumerate(page["sections"]) if s["items"]]
        if not kept:
            continue
        new_pi = len(pages)
        pages_back[new_pi] = pi
        for new_si, (si, _section) in enumerate(kept):
            sections_back[(new_pi, new_si)] = (pi, si)
        pages.append({**page, "sections": [s for _si, s in kept]})
    out["layout"]["pages"] = pages
    if out.get("translations"):
        out["translations"] = _moved_translations(out["translations"], {v: k for k, v in sections_back.items()},
                                                  {v: k for k, v in pages_back.items()})
    return out, sections_back, pages_back


_LAYOUT_POINTER = re.compile(r"^/layout/pages/(\d+)(?:/sections/(\d+))?(.*)$")


def _moved_translations(tables: Mapping, sections: dict, pages: dict) -> dict:
    """Return translations with their pointers into the layout moved as `prune` moved pages and sections."""
    out = {}
    for language, table in tables.items():
        moved = {}
        for pointer, text in table.items():
            match = _LAYOUT_POINTER.match(pointer)
            if not match:
                moved[pointer] = text
                continue
            page, section, rest = int(match[1]), match[2], match[3]
            if section is None and page in pages:
                moved[f"/layout/pages/{pages[page]}{rest}"] = text
            elif section is not None and (page, int(section)) in sections:
                new_page, new_section = sections[(page, int(section))]
                moved[f"/layout/pages/{new_page}/sections/{new_section}{rest}"] = text
        out[language] = moved
    return out
