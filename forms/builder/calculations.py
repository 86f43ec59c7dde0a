"""Calculated values from plain choices (count an answer, add up scores, an outcome per range), never JSON.

Pure: takes a definition and posted text, returns the calculation or raises InvalidInput naming each input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from errors import Problems
from forms.builder.edit import iter_fields, prop_of
from forms.builder.posted import NAME_RE, posted_text
from forms.builder.shape import unique_name
from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.computed import REGISTRY
from forms.values import is_number
from forms.widgets import options_for

_BAND = re.compile(r"^\s*(?:at least\s+)?(-?\d+(?:\.\d+)?)\s*(?:or more|\+)?\s*[:=]\s*(.+?)\s*(?:\((\w+)\))?\s*$",
                   re.IGNORECASE)
_KINDS = (
    ("count", N_("Count an answer"), N_("How many questions were answered with one option, like the number of Yes")),
    ("score", N_("Add up option scores"), N_("The scores given to the chosen options, added up")),
    ("bands", N_("An outcome from a value"), N_("Text (and a colour) for each range, like 14 or more: High risk")),
    ("expression", N_("Write a calculation"), N_("For example %(example)s")),
)
_EXAMPLE = "count('Yes', q1, q2) * 2 or if score >= 14 then 'High'"
COLOURS = ("grey", "green", "turquoise", "blue", "yellow", "orange", "red", "pink", "purple")
# The words risk ratings use for a tag colour of their own (red, amber, green): amber is the orange tag.
COLOUR_WORDS = {"amber": "orange", "gray": "grey"}


def functions(language: str = SOURCE_LANGUAGE) -> list[tuple[str, str, str]]:
    """Return (name, title, summary) of each registered calculation, in a language, by title."""
    return sorted(((name, say(language, fn.title), say(language, fn.summary)) for name, fn in REGISTRY.items()),
                  key=lambda row: row[1].casefold())


def function_title(name: str, language: str = SOURCE_LANGUAGE) -> str:
    """Return what the builder calls a registered calculation, in a language (its key if it is not registered)."""
    fn = REGISTRY.get(name)
    return say(language, fn.title) if fn is not None and fn.title else name.replace("_", " ")


def kinds(language: str = SOURCE_LANGUAGE) -> list[tuple[str, str, str]]:
    """Return (kind, label, hint) for each kind of calculation the builder offers, in a language."""
    return [(kind, say(language, label), say(language, hint, example=_EXAMPLE)) for kind, label, hint in _KINDS]


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


def scored_questions(defn: Mapping) -> list[str]:
    """Return the top-level questions with at least one option that carries a score, in the form's order."""
    found = []
    for path, _where, item in iter_fields(defn):
        options = options_for(item["widget"], prop_of(defn, path), item.get("option_meta"))
        if "." not in path and any(is_number(o.meta.get("score")) for o in options):
            found.append(path)
    return found


def _whole_grid(defn: Mapping, names: list[str]) -> str | None:
    """Return the grid whose questions are exactly these, so a count follows rows added to it later."""
    grids: dict[str, list[str]] = {}
    for path, _where, item in iter_fields(defn):
        if item.get("grid") and not item.get("grid_role"):
            grids.setdefault(item["grid"], []).append(path)
    return next((key for key, rows in grids.items() if rows == names), None)


def _quote(text: str) -> str:
    return "'" + text + "'" if "'" not in text else '"' + text + '"'


def calculation(defn: Mapping, data: Mapping, fields: list[str], *,
                language: str = SOURCE_LANGUAGE) -> tuple[str, str, dict]:
    """Return (key, function, params) for the chosen kind of calculation; InvalidInput naming each input."""
    problems = Problems()
    kind, label = posted_text(data, "kind"), posted_text(data, "label")
    key = posted_text(data, "computed_key")
    if not label:
        problems.add("label", say(language, N_("Enter a name for the value, like DASH score")), "Name")
    if key and not NAME_RE.match(key):
        problems.add("computed_key", say(language, N_("The key must be lower-case letters, digits and underscores")),
                     "Key")
    taken = {e["key"] for e in defn.get("computed", [])} | set(defn["schema"].get("properties", {}))
    key = key or unique_name(re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "value", taken)
    if key[:1].isdigit():
        key = f"value_{key}"
    params: dict[str, Any] = {"label": label}
    function = "expression"
    if kind == "count":
        answer = posted_text(data, "answer")
        names = list(fields) or (questions_offering(defn, answer) if answer else [])
        grid = _whole_grid(defn, names) if not fields else None
        if not answer:
            problems.add("answer", say(language, N_("Enter the answer to count, as the form shows it, like Yes")),
                         "Answer to count")
        elif not names:
            problems.add("answer", say(language, N_("No question offers the answer “%(answer)s”"), answer=answer),
                         "Answer to count")
        params["expr"] = f"count({_quote(answer)}, {grid or ', '.join(names)})"
    elif kind == "score":
        # None chosen: every question whose options carry scores, as the page's hint says of an empty choice.
        names = list(fields) or scored_questions(defn)
        if not names:
            problems.add("fields", say(language, N_("No question has options with scores yet: give the options "
                                                    "scores first, or choose the questions")), "Questions")
        params["expr"] = f"score({', '.join(names)})"
    elif kind == "bands":
        function = "bands"
        params.update(_bands(defn, data, problems, language))
    elif kind == "expression":
        params["expr"] = posted_text(data, "expr")
        if not params["expr"]:
            problems.add("expr", say(language, N_("Write the calculation, like %(example)s"),
                                     example="count('Yes', q1, q2) * 2"),
                         "Calculation")
    else:
        problems.add("kind", say(language, N_("Choose what to work out")), "What to work out")
    problems.raise_if_any()
    return key, function, params


def _bands(defn: Mapping, data: Mapping, problems: Problems, language: str) -> dict:
    of = posted_text(data, "of")
    known = [e["key"] for e in defn.get("computed", [])]
    if of not in known:
        problems.add("of", say(language, N_("Choose the value the outcome is based on")), "Based on")
    bands = []
    for number, line in enumerate(posted_text(data, "bands").split("\n"), start=1):
        if not line.strip():
            continue
        match = _BAND.match(line)
        colour = (match.group(3) or "").lower() if match else ""
        colour = COLOUR_WORDS.get(colour, colour)
        if match and colour and colour not in COLOURS:
            problems.add("bands", say(language, N_("Line %(number)s: the colour must be one of %(colours)s"),
                                      number=number, colours=", ".join(("amber", *COLOURS))), "Outcomes")
            continue
        if not match:
            problems.add("bands", say(language, N_("Line %(number)s: write “14: High risk — refer to MARAC (red)”: "
                                                   "the lowest score, a colon, the outcome and, if you like, a "
                                                   "colour in brackets"), number=number), "Outcomes")
            continue
        low = float(match.group(1)) if "." in match.group(1) else int(match.group(1))
        bands.append({"min": low, "text": match.group(2).strip(), **({"colour": colour} if colour else {})})
    if not bands and not problems.items:
        problems.add("bands", say(language, N_("Enter at least one outcome, like 14: High risk — refer to MARAC "
                                               "(red)")), "Outcomes")
    out: dict[str, Any] = {"of": of, "bands": bands}
    otherwise = posted_text(data, "otherwise")
    if otherwise:
        match = re.match(r"^(.*?)\s*(?:\((\w+)\))?$", otherwise)
        out["otherwise"] = match.group(1).strip() or otherwise
        colour = COLOUR_WORDS.get((match.group(2) or "").lower(), (match.group(2) or "").lower())
        if colour in COLOURS:
            out["otherwise_colour"] = colour
    return out

