"""Read the builder's posted question form into a field spec, and back. Pure: no database, no web."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from errors import DefinitionError, FieldProblem, InvalidInput, Problems
from forms import REGISTRY, json_input, widgets
from forms.builder.conditions import condition_form_values, parse_condition
from forms.builder.edit import iter_fields, prop_of, scope_of, split_path
from forms.builder.posted import INT, NAME_RE, NUM, posted_text, ticked
from forms.builder.shape import slug, suggested_key, unique_name
from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.widgets import html_value, options_for


def _asks(defn: Mapping, widget: str, path: str | None) -> tuple[str, ...]:
    """Return the inputs the question page asks for this type (a labelled scale asks for options)."""
    kind = widgets.get(widget)
    return kind.asks_for(prop_of(defn, path) if path else {}) if kind else ()


def _number(text: str, whole: bool, field: str, what: str, problems: Problems, message: str) -> int | float | None:
    if not text:
        return None
    if INT.match(text):
        return int(text)
    if not whole and NUM.match(text):
        return float(text)
    problems.add(field, message, what)
    return None


def parse_options(text: str, old: list[tuple[Any, str]], problems: Problems, *,
                  language: str = SOURCE_LANGUAGE) -> list[dict]:
    """Return options from one-per-line text (“Label” or “Label | score”), keeping old values for old labels."""
    by_label = {label.lower(): value for value, label in old}
    lines = []
    for line in (text or "").split("\n"):
        if line.strip():
            label, _bar, score_text = line.partition("|")
            lines.append((label.strip(), score_text.strip()))
    # Values of options kept from before are reserved first, so a new option never takes an old one's value.
    taken = {by_label[label.lower()] for label, _s in lines if label.lower() in by_label}
    options, seen = [], set()
    for label, score_text in lines:
        if not label:
            problems.add("options", say(language, N_("Each option needs a label before the “|”")), "Options")
            continue
        if label.lower() in seen:
            problems.add("options", say(language, N_("The option “%(option)s” is listed twice"), option=label),
                         "Options")
            continue
        seen.add(label.lower())
        score = _number(score_text, False, "options", f"The score of “{label}”", problems,
                        say(language, N_("The score of “%(option)s” must be a number, like 10"), option=label))
        value = by_label.get(label.lower())
        if value is None:
            value = unique_name(slug(label, "option"), taken)
            taken.add(value)
        options.append({"value": value, "label": label, "score": score})
    if len(options) < 2 and not problems.items:
        problems.add("options", say(language, N_("Enter at least 2 options, one on each line")), "Options")
    return options


def field_spec(defn: Mapping, data: Mapping, *, widget: str, path: str | None = None,
               parent: str | None = None, language: str = SOURCE_LANGUAGE) -> dict:
    """Return the field spec a posted question form describes; InvalidInput naming each wrong input."""
    problems = Problems()
    if widgets.get(widget) is None:
        problems.add("widget", say(language, N_("Choose a type of question")), "Type")
        problems.raise_if_any()
    asks = _asks(defn, widget, path)
    spec: dict[str, Any] = {"widget": widget, "label": posted_text(data, "label"), "hint": posted_text(data, "hint"),
                            "required": ticked(data, "required")}
    if not spec["label"]:
        problems.add("label", say(language, N_("Enter the question")), "Question")
    old_name = split_path(path)[1] if path else None
    taken = set(scope_of(defn, parent).get("properties", {})) - {old_name}
    name = posted_text(data, "name")
    if name and not NAME_RE.match(name):
        problems.add("name", say(language, N_("The field name must be lower-case letters, digits and underscores, "
                                              "starting with a letter")), "Field name")
    elif name in taken:
        problems.add("name", say(language, N_("There is already a question called “%(name)s”: choose another "
                                              "name"), name=name),
                     "Field name")
    spec["name"] = name or old_name or suggested_key(spec["label"], taken)
    if "options" in asks:
        old = []
        if path:
            item = next(i for p, _w, i in iter_fields(defn) if p == path)
            old = [(o.value, o.label) for o in options_for(item["widget"], prop_of(defn, path), {})
                   ] if "options" in _asks(defn, item["widget"], path) else []
        text = posted_text(data, "options") or option_list_text(defn, posted_text(data, "options_from"))
        spec["options"] = parse_options(text, old, problems, language=language)
    if "range" in asks:
        whole = not widgets.get(widget).decimals
        lowest = N_("The lowest answer must be a whole number, like 10") if whole else N_(
            "The lowest answer must be a number, like 10")
        highest = N_("The highest answer must be a whole number, like 10") if whole else N_(
            "The highest answer must be a number, like 10")
        spec["min"] = _number(posted_text(data, "min"), whole, "min", "The lowest answer", problems,
                              say(language, lowest))
        spec["max"] = _number(posted_text(data, "max"), whole, "max", "The highest answer", problems,
                              say(language, highest))
        if widgets.get(widget).needs_ends and (spec["min"] is None or spec["max"] is None) and not problems.items:
            problems.add("min" if spec["min"] is None else "max",
                         say(language, N_("Enter both ends of the scale, like 1 and 10")),
                         "Scale")
        if spec["min"] is not None and spec["max"] is not None and spec["min"] >= spec["max"]:
            problems.add("max", say(language, N_("The highest answer must be more than the lowest")),
                         "The highest answer")
    if "max_length" in asks:
        spec["max_length"] = _number(posted_text(data, "max_length"), True, "max_length", "The longest answer",
                                     problems, say(language, N_("The longest answer must be a whole number, like 10")))
        if spec["max_length"] is not None and spec["max_length"] < 1:  # JSON Schema's own words would say it
            problems.add("max_length", say(language, N_("The longest answer must be 1 character or more")),
                         "The longest answer")
            spec["max_length"] = None
    if "rows" in asks:
        spec["rows"] = _number(posted_text(data, "rows"), True, "rows", "The height", problems,
                               say(language, N_("The height must be a whole number, like 10")))
        if spec["rows"] is not None and not 1 <= spec["rows"] <= 40:
            problems.add("rows", say(language, N_("The height must be between 1 and 40 lines")), "Height")
    spec["no_future"] = "no_future" in asks and ticked(data, "no_future")
    spec["min_years_ago"] = None
    if "min_years_ago" in asks:
        spec["min_years_ago"] = _number(posted_text(data, "min_years_ago"), True, "min_years_ago", "Youngest age",
                                        problems, say(language, N_("The youngest age must be a whole number, like 16")))
        if spec["min_years_ago"] is not None and not 1 <= spec["min_years_ago"] <= 120:
            problems.add("min_years_ago", say(language, N_("The youngest age must be between 1 and 120 years")),
                         "Youngest age")
            spec["min_years_ago"] = None
    spec["inline"] = ticked(data, "inline")
    spec["third_party"] = ticked(data, "third_party")
    if "accept" in asks:
        spec["accept"] = posted_text(data, "accept")
        megabytes = _number(posted_text(data, "max_megabytes"), False, "max_megabytes", "The largest file", problems,
                            say(language, N_("The largest file must be a number, like 10")))
        spec["max_bytes"] = int(megabytes * 1024 * 1024) if megabytes else None
    if "add_label" in asks:
        spec["add_label"] = posted_text(data, "add_label")
        if not path:
            first = posted_text(data, "first_child_label")
            if not first:
                problems.add("first_child_label", say(language, N_("Enter the first question asked in each row")),
                             "First question")
            spec["first_child"] = {"name": slug(first), "label": first}
    spec["show_when"] = parse_condition(defn, data, path, parent, problems, language=language)
    problems.raise_if_any()
    return spec


def field_values(defn: Mapping, path: str) -> dict[str, str]:
    """Return the text a question form shows for an existing field."""
    parent, name = split_path(path)
    prop = prop_of(defn, path)
    item = next(i for p, _w, i in iter_fields(defn) if p == path)
    widget = item["widget"]
    values = {"widget": widget, "name": name, "label": prop.get("title", ""), "hint": prop.get("description", ""),
              "required": "true" if name in scope_of(defn, parent).get("required", [])
              or item.get("required_when_shown") else "",
              "min": html_value(prop.get("minimum")), "max": html_value(prop.get("maximum")),
              "max_length": html_value(prop.get("maxLength")), "rows": html_value(item.get("rows")),
              "no_future": "true" if item.get("no_future") else "", "inline": "true" if item.get("inline") else "",
              "min_years_ago": html_value(item.get("min_years_ago")),
              "third_party": "true" if item.get("third_party") else "",
              "accept": item.get("accept", ""), "add_label": item.get("add_label", ""),
              "max_megabytes": html_value(round(item["max_bytes"] / 1024 / 1024, 2)) if item.get("max_bytes") else ""}
    if "options" in _asks(defn, widget, path):
        values["options"] = option_list_text(defn, path)
    values.update(condition_form_values(defn, parent, item.get("show_when") or {}))
    return values


def computed_params(data: Mapping, fields: list[str], *, language: str = SOURCE_LANGUAGE) -> tuple[str, str, dict]:
    """Return (key, function, params) from the calculated-value form; InvalidInput naming the wrong input."""
    problems = Problems()
    key, function = posted_text(data, "computed_key"), posted_text(data, "function")
    if function not in REGISTRY:
        problems.add("function", say(language, N_("Choose what to calculate")), "Calculation")
    params: Any = {}
    text = posted_text(data, "params")
    if text:
        try:
            params = json_input.loads(text, int64=True)
        except ValueError:
            params = None
        if not isinstance(params, dict):
            problems.add("params", say(language, N_("Other settings must be a JSON object, like %(example)s"),
                                     example='{"value": true}'), "Other settings")
            params = {}
    if fields:
        params["fields"] = list(fields)
    problems.raise_if_any()
    return key, function, params


def option_lists(defn: Mapping) -> list[tuple[str, str]]:
    """Return (question path, “Yes / No / Don't know”) for each distinct option list already in the form."""
    seen, out = set(), []
    for path, _where, item in iter_fields(defn):
        kind = widgets.get(item.get("widget"))
        if kind is None or "options" not in kind.asks:
            continue
        text = option_list_text(defn, path)
        if text and text not in seen:
            seen.add(text)
            out.append((path, " / ".join(line.split(" | ")[0] for line in text.split("\n"))))
    return out


def option_list_text(defn: Mapping, path: str) -> str:
    """Return a question's options as the one-per-line text of the options box (empty when it has none)."""
    try:
        item = next(i for p, _w, i in iter_fields(defn) if p == path)
        options = options_for(item["widget"], prop_of(defn, path), item.get("option_meta"))
    except (StopIteration, KeyError, TypeError):
        return ""
    return "\n".join(o.label + (f" | {html_value(o.meta['score'])}" if o.meta.get("score") is not None else "")
                     for o in options)


def all_problems(*steps):
    """Run each step (a function of no arguments) and return their results; InvalidInput with every problem."""
    results, problems = [], []
    for step in steps:
        try:
            results.append(step())
        except InvalidInput as exc:
            results.append(None)
            problems += exc.problems
    if problems:
        raise InvalidInput(problems=problems)
    return results


def condition_problems_at_input(exc: DefinitionError, path: str) -> DefinitionError:
    """Return the engine's findings with those about the question's written condition pointing at its box."""
    moved = [FieldProblem("show_when_expr", p.message, "Condition") if p.field == path and "condition" in p.message
             else p for p in exc.problems]
    return DefinitionError(exc.message, problems=moved)
