"""Hostile input generators and the checks the fuzz test and `bench/fuzz_inputs.py` share."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from forms.parse import ABSENT, parse_field

BIG = 2**63
# Values a tester types to break a server: numbers MongoDB cannot store, unicode digits, control characters,
# markup, very long text, dates that have no day after.
HOSTILE = [
    str(BIG), str(-BIG - 1), "33333333333333333333", "9" * 5000, "1" * 4301 + ".5", "1e400", "-0", "NaN", "inf",
    "²", "٣", "１２", "1\u00a0000", "0x10", "1_000", " 7 ", "\x00", "a\x00b", "\n\r\t", "\u202e evil", "\ufeff",
    "<script>alert(1)</script>", "{{7*7}}", "' OR 1=1 --", "$where", "{\"$gt\": \"\"}", "9999-12-31", "0001-01-01",
    "31/02/2026", "2026-13-45", "../../etc/passwd", "%00", "😀" * 50, "a" * 100_001,
]
# Stay clear of lone surrogates here: an HTML form cannot carry them (the JSON strategy does).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
SMALL_INT = st.integers(min_value=-10, max_value=20).map(str)
HUGE_INT = st.one_of(st.integers(min_value=BIG, max_value=BIG * 10**6), st.integers(max_value=-BIG - 1,
                                                                                     min_value=-BIG * 10**6)).map(str)
HOSTILE_TEXT = st.one_of(st.sampled_from(HOSTILE), TEXT, SMALL_INT, HUGE_INT)
JSON_TEXT = st.one_of(HOSTILE_TEXT, st.text(max_size=20), st.just("call \ud800 soon"))
JSON_VALUE = st.one_of(JSON_TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
                       st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                                             max_size=2))


@dataclass
class Tally:
    """Count generated inputs and the 500s they caused."""

    inputs: int = 0
    requests: int = 0
    errors: list = field(default_factory=list)

    def saw(self, response, what: str, inputs: int = 1) -> None:
        """Record one request carrying `inputs` generated values."""
        self.inputs += inputs
        self.requests += 1
        if response.status_code >= 500:
            self.errors.append((what, response.status_code))


def field_values(spec, draw) -> dict[str, list[str]]:
    """Draw posted values for one field: usually plausible, often hostile."""
    name = spec.input_name(0) if spec.parent else spec.name
    widget = spec.widget
    hostile = draw(st.booleans())
    options = [o.html for o in spec.options]

    def one(plausible):
        return draw(HOSTILE_TEXT) if hostile else draw(plausible)

    if widget == "date":
        return {f"{name}-day": [one(st.integers(1, 31).map(str))], f"{name}-month": [one(st.integers(1, 12).map(str))],
                f"{name}-year": [one(st.integers(1990, 2026).map(str))]}
    if widget == "attestation":
        return {f"{name}-full_name": [one(TEXT)], f"{name}-date-day": [one(SMALL_INT)],
                f"{name}-date-month": [one(SMALL_INT)], f"{name}-date-year": [one(st.just("2026"))],
                f"{name}-confirmed": [one(st.sampled_from(["true", ""]))]}
    if widget == "repeater":
        out: dict[str, list[str]] = {}
        for child in spec.children:
            for key, value in field_values(child, draw).items():
                out[key] = value
        return out
    if widget == "file":
        return {f"{name}-id": [one(st.just(""))]}
    if widget == "checkboxes":
        return {name: draw(st.lists(st.sampled_from(options) if options and not hostile else HOSTILE_TEXT,
                                    max_size=3))}
    if options:
        return {name: [one(st.sampled_from(options))]}
    if widget in ("integer", "number", "scale"):
        return {name: [one(st.one_of(SMALL_INT, HUGE_INT))]}
    if widget == "yesno":
        return {name: [one(st.sampled_from(["true", "false"]))]}
    return {name: [one(TEXT)]}


def huge_numbers(fields, posted: dict) -> set[str]:
    """Return the error paths of number fields given a number MongoDB cannot store."""
    out = set()
    for spec in fields:
        for child in (spec.children or (spec,)):
            if child.widget not in ("integer", "number"):
                continue
            name = child.input_name(0) if child.parent else child.name
            values = posted.get(name) or [""]
            text = values[0].strip().replace(",", "")
            digits = text.lstrip("+-")
            if digits.isascii() and digits.isdigit() and (len(digits) > 19 or not -BIG <= int(text) < BIG):
                out.add(child.error_path(0) if child.parent else child.name)
    return out


def parsed(spec, posted: dict):
    """Return what the engine reads from the posted values for one top-level field."""
    def get(name):
        return posted.get(name, [])
    return parse_field(spec, spec.name, get, list(posted))


__all__ = ["ABSENT", "HOSTILE", "HOSTILE_TEXT", "JSON_VALUE", "Tally", "field_values", "huge_numbers", "parsed"]
