"""Build quickly: many questions from pasted lines, duplicates, guidance and questions placed anywhere.

Pure: takes a definition and posted text, returns a changed definition or raises InvalidInput naming each input.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping

from errors import Problems
from forms.builder.edit import EditError, add_field, item_at, locate
from forms.builder.input import parse_options
from forms.builder.posted import posted_text, ticked
from forms.builder.shape import key_words, unique_name
from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.widgets import options_for

BULK_WIDGETS = ("radios", "checkboxes", "select", "yesno", "text", "textarea", "date")
MAX_LINES = 200
_NUMBERED = re.compile(r"^\s*(?:q(?:uestion)?\s*)?(\d{1,3})\s*[.):\-–]\s+", re.IGNORECASE)


def readable_key(label: str, number: int, taken: set[str]) -> str:
    """Return a short, readable field key: the question's number and up to three of its telling words."""
    return unique_name("_".join([f"q{number}", *key_words(label, 3)])[:40].rstrip("_"), taken)


def pasted_lines(text: str) -> list[tuple[int | None, str]]:
    """Return (number written before it, question) for each non-empty pasted line."""
    out = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        match = _NUMBERED.match(line)
        number = int(match.group(1)) if match else None
        out.append((number, line[match.end():].strip() if match else line.strip()))
    return out


def add_questions(defn: Mapping, data: Mapping, *, page: int, section: int,
                  language: str = SOURCE_LANGUAGE) -> tuple[dict, list[str]]:
    """Return the definition with one question per pasted line (and a comment box each when asked)."""
    problems = Problems()
    lines = pasted_lines(posted_text(data, "questions"))
    widget = posted_text(data, "widget")
    if not lines:
        problems.add("questions", say(language, N_("Paste or type the questions, one on each line")), "Questions")
    elif len(lines) > MAX_LINES:
        problems.add("questions", say(language, N_("Add at most %(count)s questions at a time"), count=MAX_LINES),
                     "Questions")
    if widget not in BULK_WIDGETS:
        problems.add("widget", say(language, N_("Choose the type of the questions")), "Type")
    options = []
    if widget in ("radios", "checkboxes", "select"):
        options = parse_options(posted_text(data, "options"), [], problems, language=language)
    problems.raise_if_any()
    out = copy.deepcopy(dict(defn))
    taken = set(out["schema"].get("properties", {}))
    added: list[str] = []
    comments = ticked(data, "comments")
    grid = None
    if ticked(data, "grid"):
        if widget not in ("radios", "checkboxes", "select", "yesno"):
            problems.add("grid", say(language, N_("Only questions with options can be shown as a grid")), "Grid")
            problems.raise_if_any()
        first, last = lines[0][0] or 1, lines[-1][0] or len(lines)
        grid = unique_name(f"grid_q{first}_q{last}", taken)
        taken.add(grid)
    for index, (number, label) in enumerate(lines, start=1):
        name = readable_key(label, number or index, taken)
        taken.add(name)
        spec = {"widget": widget, "label": label, "hint": "", "required": ticked(data, "required"), "name": name,
                "options": copy.deepcopy(options), "show_when": None, "no_future": False,
                "inline": widget in ("radios", "yesno")}
        out = add_field(out, spec, page=page, section=section, language=language)
        if grid:
            out["layout"]["pages"][page]["sections"][section]["items"][-1]["grid"] = grid
        added.append(name)
        if comments:
            comment = unique_name(f"{name}_comment", taken)
            taken.add(comment)
            out = add_field(out, {"widget": "textarea", "label": f"Comment on question {number or index}",
                                  "hint": "", "required": False, "name": comment, "show_when": None,
                                  "no_future": False, "inline": False, "rows": 2}, page=page, section=section,
                            language=language)
            if grid:
                out["layout"]["pages"][page]["sections"][section]["items"][-1].update(grid=grid, grid_role="comment")
    return out, added


def place_after(defn: Mapping, names: list[str], after: str, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with the top-level questions `names` (just added at a section's end) moved after `after`."""
    out = copy.deepcopy(dict(defn))
    target = locate(out, after, language=language)
    moving = []
    for page in out["layout"]["pages"]:
        for section in page["sections"]:
            kept = []
            for item in section["items"]:
                (moving if item.get("field") in names else kept).append(item)
            section["items"] = kept
    items = out["layout"]["pages"][target.page]["sections"][target.section]["items"]
    anchor = _slot_after(items, after)
    grid = items[anchor].get("grid")
    if grid and anchor + 1 < len(items) and items[anchor + 1].get("grid") == grid:
        # Inside a grid: questions with the grid's options join it (and so are counted with it); others go
        # after the grid, which must stay one run of rows.
        shared = _options_of(out, _main_of(items, anchor))
        joining = all(_options_of(out, item) == shared for item in moving if not item.get("grid_role"))
        if joining:
            for item in moving:
                item["grid"] = grid
        else:
            while anchor + 1 < len(items) and items[anchor + 1].get("grid") == grid:
                anchor += 1
    items[anchor + 1:anchor + 1] = moving
    return out


def _slot_after(items: list, after: str) -> int:
    """Return the index after which something placed after a question goes: after its comment or tick too."""
    anchor = next(i for i, item in enumerate(items) if item.get("field") == after)
    while anchor + 1 < len(items) and items[anchor + 1].get("grid_role"):
        anchor += 1
    return anchor


def _main_of(items: list, index: int) -> Mapping:
    while index > 0 and items[index].get("grid_role"):
        index -= 1
    return items[index]


def _options_of(defn: Mapping, item: Mapping) -> tuple:
    try:
        return tuple(o.label for o in options_for(item["widget"], defn["schema"]["properties"][item["field"]],
                                                  item.get("option_meta")))
    except (KeyError, TypeError):
        return ()


def where_of(defn: Mapping, after: str, *, language: str = SOURCE_LANGUAGE) -> tuple[int, int]:
    """Return (page, section) of a top-level question; EditError when there is none."""
    if "." in after:
        raise EditError("after", say(language, N_("A question can be added after a question of the form, not of a "
                                                  "repeating group")))
    found = locate(defn, after, language=language)
    return found.page, found.section


def duplicate_question(defn: Mapping, path: str, *, language: str = SOURCE_LANGUAGE) -> tuple[dict, str]:
    """Return a copy with a top-level question repeated right after itself (same options and settings)."""
    if "." in path:
        raise EditError("field", say(language, N_("Only a question of the form itself can be duplicated")))
    out = copy.deepcopy(dict(defn))
    where = locate(out, path, language=language)
    props = out["schema"]["properties"]
    name = unique_name(f"{path}_copy", set(props))
    prop = copy.deepcopy(props[path])
    prop["title"] = f"{prop.get('title', path)} (copy)"
    props[name] = prop
    if path in out["schema"].get("required", []):
        out["schema"]["required"].append(name)
    items = out["layout"]["pages"][where.page]["sections"][where.section]["items"]
    item = {**copy.deepcopy(item_at(out, where)), "field": name}
    item.pop("grid_role", None)
    items.insert(_slot_after(items, path) + 1, item)
    return out, name


def add_guidance(defn: Mapping, data: Mapping, *, page: int, section: int, after: str = "",
                 language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with a block of guidance text; blank lines in it stay paragraph breaks."""
    problems = Problems()
    text, heading = posted_text(data, "guidance"), posted_text(data, "heading")
    if not text:
        problems.add("guidance", say(language, N_("Enter the guidance text")), "Guidance")
    problems.raise_if_any()
    out = copy.deepcopy(dict(defn))
    block = {"guidance": text, **({"heading": heading} if heading else {})}
    items = out["layout"]["pages"][page]["sections"][section]["items"]
    if after:
        anchor = _slot_after(items, after)
        grid = items[anchor].get("grid")
        while grid and anchor + 1 < len(items) and items[anchor + 1].get("grid") == grid:
            anchor += 1  # guidance cannot split a grid: it goes after it
        items.insert(anchor + 1, block)
    else:
        items.append(block)
    return out
