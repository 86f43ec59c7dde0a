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
from services.form_builder_edit import add_field, iter_fields, prop_of
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
