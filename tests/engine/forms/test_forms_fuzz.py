"""Generated hostile answers on every page of every shipped form, through the pure engine.

Whatever is posted, parsing, validating, computing and summarising never raise; what is kept can be stored in
MongoDB (BSON, 64-bit integers, no lone surrogates); a number MongoDB cannot store is a field error on its field.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import bson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import compile_form
from tests.fuzz_inputs import Tally, field_values, huge_numbers

DEFINITIONS = sorted((Path(__file__).resolve().parents[3] / "forms" / "definitions").glob("*.json"))
FAST = settings(derandomize=True, database=None, deadline=None, print_blob=False,
                suppress_health_check=list(HealthCheck))
TODAY = date(2026, 11, 24)


class _Response:
    status_code = 200


def _fuzz_page(form, page, tally: Tally) -> None:
    @settings(FAST, max_examples=25)
    @given(st.data())
    def post(data):
        posted: dict[str, list[str]] = {}
        for spec in page.fields:
            posted.update(field_values(spec, data.draw))
        tally.saw(_Response(), page.key, inputs=len(posted))
        answers = form.clean(form.parse_form(posted, page=page.key))
        bson.encode({"answers": answers})  # storable: raises on numbers beyond 64 bits or bad unicode
        problems = form.validate(answers, today=TODAY, page=page.key)
        form.compute(answers)
        form.summary(answers)
        shown = form.shown(answers)
        for field in huge_numbers(page.fields, posted):
            if field.split(".", 1)[0] in shown:
                assert any(p.field == field and "between" in p.message for p in problems), field

    post()


def test_every_page_of_every_shipped_form_takes_hostile_answers_safely():
    tally = Tally()
    for path in DEFINITIONS:
        form = compile_form(json.loads(path.read_text(encoding="utf-8")))
        for page in form.pages:
            _fuzz_page(form, page, tally)
    assert len(DEFINITIONS) >= 20
    assert tally.inputs >= 15_000, tally  # fails if generation shrinks
