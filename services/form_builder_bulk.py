"""Build quickly: many questions from pasted lines, and calculated values from plain choices (no JSON).

Pure: takes a definition and posted text, returns a changed definition or raises InvalidInput naming each input.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from errors import Problems
from forms.widgets import options_for
from services.form_builder_edit import EditError, add_field, item_at, iter_fields, locate, prop_of
from services.form_builder_input import NAME_RE, _get, _ticked, parse_options
from services.form_builder_shape import key_words, unique_name

BULK_WIDGETS = ("radios", "checkboxes", "select", "yesno", "text", "textarea", "date")
MAX_LINES = 200
_NUMBERED = re.compile(r"^\s*(?:q(?:uestion)?\s*)?(\d{1,3})\s*[.):\-–]\s+", re.IGNORECASE)
_BAND = re.compile(r"^\s*(?:at least\s+)?(-?\d+(?:\.\d+)?)\s*(?:or more|\+)?\s*[:=]\s*(.+?)\s*(?:\((\w+)\))?\s*$",
                   re.IGNORECASE)
KINDS = (
    ("count", "Count an answer", "How many questions were answered with one option, like the number of Yes"),
    ("score", "Add up option scores", "The scores given to the chosen options, added up"),
    ("bands", "An outcome from a value", "Text (and a colour) for each range, like 14 or more: High risk"),
    ("expression", "Write a calculation", "For example count('Yes', q1, q2) * 2 or if score >= 14 then 'High'"),
)
COLOURS = ("grey", "green", "turquoise", "blue", "yellow", "orange", "red", "pink", "purple")


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


def add_questions(defn: Mapping, data: Mapping, *, page: int, section: int) -> tuple[dict, list[str]]:
    """Return the definition with one question per pasted line (and a comment box each when asked)."""
    problems = Problems()
    lines = pasted_lines(_get(data, "questions"))
    widget = _get(data, "widget")
    if not lines:
        problems.add("questions", "Paste or type the questions, one on each line", "Questions")
    elif len(lines) > MAX_LINES:
        problems.add("questions", f"Add at most {MAX_LINES} questions at a time", "Questions")
    if widget not in BULK_WIDGETS:
        problems.add("widget", "Choose the type of the questions", "Type")
    options = []
    if widget in ("radios", "checkboxes", "select"):
        options = parse_options(_get(data, "options"), [], problems)
    problems.raise_if_any()
    out = copy.deepcopy(dict(defn))
    taken = set(out["schema"].get("properties", {}))
    added: list[str] = []
    comments = _ticked(data, "comments")
    grid = None
    if _ticked(data, "grid"):
        if widget not in ("radios", "checkboxes", "select", "yesno"):
            problems.add("grid", "Only questions with options can be shown as a grid", "Grid")
            problems.raise_if_any()
        first, last = lines[0][0] or 1, lines[-1][0] or len(lines)
        grid = unique_name(f"grid_q{first}_q{last}", taken)
        taken.add(grid)
    for index, (number, label) in enumerate(lines, start=1):
        name = readable_key(label, number or index, taken)
        taken.add(name)
        spec = {"widget": widget, "label": label, "hint": "", "required": _ticked(data, "required"), "name": name,
                "options": copy.deepcopy(options), "show_when": None, "no_future": False,
                "inline": widget in ("radios", "yesno")}
        out = add_field(out, spec, page=page, section=section)
        if grid:
            out["layout"]["pages"][page]["sections"][section]["items"][-1]["grid"] = grid
        added.append(name)
        if comments:
            comment = unique_name(f"{name}_comment", taken)
            taken.add(comment)
            out = add_field(out, {"widget": "textarea", "label": f"Comment on question {number or index}",
                                  "hint": "", "required": False, "name": comment, "show_when": None,
                                  "no_future": False, "inline": False, "rows": 2}, page=page, section=section)
            if grid:
                out["layout"]["pages"][page]["sections"][section]["items"][-1].update(grid=grid, grid_role="comment")
    return out, added


# --- calculated values from plain choices -------------------------------------------------------------------

def questions_offering(defn: Mapping, answer: str) -> list[str]:
    """Return the questions of the largest set sharing one option list that offers `answer` (any case).

    "Count Yes" on a checklist means its Yes / No / Don't know questions, not an unrelated yes-or-no question
    (like an override) that also offers Yes.
    """
    wanted = answer.strip().casefold()
    groups: dict[tuple[str, ...], list[str]] = {}
    for path, _where, item in iter_fields(defn):
        if "." in path:
            continue
        labels = tuple(o.label.casefold() for o in options_for(item["widget"], prop_of(defn, path),
                                                               item.get("option_meta")))
        if wanted in labels:
            groups.setdefault(labels, []).append(path)
    return max(groups.values(), key=len) if groups else []


def _whole_grid(defn: Mapping, names: list[str]) -> str | None:
    """Return the grid whose questions are exactly these, so a count follows rows added to it later."""
    grids: dict[str, list[str]] = {}
    for path, _where, item in iter_fields(defn):
        if item.get("grid") and not item.get("grid_role"):
            grids.setdefault(item["grid"], []).append(path)
    return next((key for key, rows in grids.items() if rows == names), None)


def _quote(text: str) -> str:
    return "'" + text + "'" if "'" not in text else '"' + text + '"'


def calculation(defn: Mapping, data: Mapping, fields: list[str]) -> tuple[str, str, dict]:
    """Return (key, function, params) for the chosen kind of calculation; InvalidInput naming each input."""
    problems = Problems()
    kind, label = _get(data, "kind"), _get(data, "label")
    key = _get(data, "computed_key")
    if not label:
        problems.add("label", "Enter a name for the value, like DASH score", "Name")
    if key and not NAME_RE.match(key):
        problems.add("computed_key", "The key must be lower-case letters, digits and underscores", "Key")
    taken = {e["key"] for e in defn.get("computed", [])} | set(defn["schema"].get("properties", {}))
    key = key or unique_name(re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "value", taken)
    if key[:1].isdigit():
        key = f"value_{key}"
    params: dict[str, Any] = {"label": label}
    function = "expression"
    if kind == "count":
        answer = _get(data, "answer")
        names = list(fields) or (questions_offering(defn, answer) if answer else [])
        grid = _whole_grid(defn, names) if not fields else None
        if not answer:
            problems.add("answer", "Enter the answer to count, as the form shows it, like Yes", "Answer to count")
        elif not names:
            problems.add("answer", f"No question offers the answer “{answer}”", "Answer to count")
        params["expr"] = f"count({_quote(answer)}, {grid or ', '.join(names)})"
    elif kind == "score":
        names = list(fields)
        if not names:
            problems.add("fields", "Choose the questions whose option scores are added up", "Questions")
        params["expr"] = f"score({', '.join(names)})"
    elif kind == "bands":
        function = "bands"
        params.update(_bands(defn, data, problems))
    elif kind == "expression":
        params["expr"] = _get(data, "expr")
        if not params["expr"]:
            problems.add("expr", "Write the calculation, like count('Yes', q1, q2) * 2", "Calculation")
    else:
        problems.add("kind", "Choose what to work out", "What to work out")
    problems.raise_if_any()
    return key, function, params


def _bands(defn: Mapping, data: Mapping, problems: Problems) -> dict:
    of = _get(data, "of")
    known = [e["key"] for e in defn.get("computed", [])]
    if of not in known:
        problems.add("of", "Choose the value the outcome is based on", "Based on")
    bands = []
    for number, line in enumerate(_get(data, "bands").split("\n"), start=1):
        if not line.strip():
            continue
        match = _BAND.match(line)
        colour = (match.group(3) or "").lower() if match else ""
        if not match or (colour and colour not in COLOURS):
            problems.add("bands", f"Line {number}: write “14: High risk — refer to MARAC (red)”: the lowest "
                                  f"score, a colon, the outcome and, if you like, a colour in brackets", "Outcomes")
            continue
        low = float(match.group(1)) if "." in match.group(1) else int(match.group(1))
        bands.append({"min": low, "text": match.group(2).strip(), **({"colour": colour} if colour else {})})
    if not bands and not problems.items:
        problems.add("bands", "Enter at least one outcome, like 14: High risk — refer to MARAC (red)", "Outcomes")
    out: dict[str, Any] = {"of": of, "bands": bands}
    otherwise = _get(data, "otherwise")
    if otherwise:
        match = re.match(r"^(.*?)\s*(?:\((\w+)\))?$", otherwise)
        out["otherwise"] = match.group(1).strip() or otherwise
        if match.group(2) and match.group(2).lower() in COLOURS:
            out["otherwise_colour"] = match.group(2).lower()
    return out


# --- placing, duplicating and guidance ------------------------------------------------------------------------

def place_after(defn: Mapping, names: list[str], after: str) -> dict:
    """Return a copy with the top-level questions `names` (just added at a section's end) moved after `after`."""
    out = copy.deepcopy(dict(defn))
    target = locate(out, after)
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


def where_of(defn: Mapping, after: str) -> tuple[int, int]:
    """Return (page, section) of a top-level question; EditError when there is none."""
    if "." in after:
        raise EditError("after", "A question can be added after a question of the form, not of a repeating group")
    found = locate(defn, after)
    return found.page, found.section


def duplicate_question(defn: Mapping, path: str) -> tuple[dict, str]:
    """Return a copy with a top-level question repeated right after itself (same options and settings)."""
    if "." in path:
        raise EditError("field", "Only a question of the form itself can be duplicated")
    out = copy.deepcopy(dict(defn))
    where = locate(out, path)
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


def add_guidance(defn: Mapping, data: Mapping, *, page: int, section: int, after: str = "") -> dict:
    """Return a copy with a block of guidance text; blank lines in it stay paragraph breaks."""
    problems = Problems()
    text, heading = _get(data, "guidance"), _get(data, "heading")
    if not text:
        problems.add("guidance", "Enter the guidance text", "Guidance")
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
