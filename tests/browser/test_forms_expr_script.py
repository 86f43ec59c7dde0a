"""form-expr.js in headless Chromium: the same values as forms/expr.py for generated trees and answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import compile_form
from forms.expr_eval import evaluate, result_text
from tests.browser.test_forms_script import PAGE
from tests.engine.forms.test_forms_expr import OUTCOME, SCORE, dash_like

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [(ROOT / "static" / "js" / name).read_text(encoding="utf-8") for name in ("form-expr.js",
                                                                                    "form-conditions.js")]
NAMES = ("a", "b", "c", "d")
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-50, 50),
                    st.sampled_from([0.5, -1.25, 2.0, 3.75]), st.sampled_from(["", " ", "yes", "no", "Yes", "b"]))
ANSWER = st.one_of(SCALARS, st.lists(SCALARS, max_size=3))
LEAF = st.one_of(
    st.builds(lambda n: ["num", n], st.one_of(st.integers(-20, 20), st.sampled_from([0.5, 2.5]))),
    st.builds(lambda s: ["str", s], st.sampled_from(["", "yes", "no", "b"])),
    st.builds(lambda b: ["bool", b], st.booleans()),
    st.just(["null"]),
    st.builds(lambda n: ["ref", n], st.sampled_from(NAMES)),
    st.builds(lambda pairs: ["count", pairs], st.lists(st.tuples(st.sampled_from(NAMES), SCALARS).map(list),
                                                       min_size=1, max_size=4)),
    st.builds(lambda rows: ["score", rows], st.lists(st.tuples(
        st.sampled_from(NAMES), st.lists(st.tuples(SCALARS, st.integers(0, 10)).map(list), min_size=1,
                                         max_size=3)).map(list), min_size=1, max_size=3)),
    st.builds(lambda ns: ["sum", ns], st.lists(st.sampled_from(NAMES), min_size=1, max_size=4)),
    st.builds(lambda ns: ["answered", ns], st.lists(st.sampled_from(NAMES), min_size=1, max_size=4)),
)


def _extend(inner):
    return st.one_of(
        st.builds(lambda a: ["neg", a], inner), st.builds(lambda a: ["not", a], inner),
        st.builds(lambda op, a, b: [op, a, b], st.sampled_from(["and", "or"]), inner, inner),
        st.builds(lambda op, a, b: ["cmp", op, a, b], st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
                  inner, inner),
        st.builds(lambda op, a, b: ["arith", op, a, b], st.sampled_from(["+", "-", "*", "/"]), inner, inner),
        st.builds(lambda c, t, e: ["if", c, t, e], inner, inner, inner),
    )


TREE = st.recursive(LEAF, _extend, max_leaves=12)
CASE = st.tuples(TREE, st.dictionaries(st.sampled_from(NAMES), ANSWER))


@pytest.fixture(scope="module")
def tab(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!DOCTYPE html><html lang='en-GB'><head><title>x</title></head><body></body></html>")
    page.add_script_tag(content=SCRIPTS[0])
    yield page
    context.close()


def _same(server, browser) -> bool:
    if isinstance(server, bool) or isinstance(browser, bool):
        return server is browser
    if isinstance(server, int | float) and isinstance(browser, int | float):
        return server == browser
    return server == browser


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(CASE, min_size=10, max_size=30))
def test_browser_and_server_agree_on_generated_trees(tab, cases):
    expected = [evaluate(tree, answers) for tree, answers in cases]
    got = tab.evaluate("cases => cases.map(c => { const v = PathwayExpr.evaluate(c[0], c[1]);"
                       " return [v === undefined ? null : v, PathwayExpr.text(v)]; })", cases)
    for (tree, answers), want, (value, text) in zip(cases, expected, got, strict=True):
        assert _same(want, value), (json.dumps(tree), answers, want, value)
        if not (isinstance(want, float) and not want.is_integer()):
            assert text == result_text(want), (tree, answers, want, text)


def test_score_outcome_and_written_condition_update_live(browser):
    form = compile_form(dash_like([SCORE, OUTCOME]))
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content(PAGE.render(form=form, page="only", answers={}, errors={}))
    for script in SCRIPTS:
        page.add_script_tag(content=script)

    def shown():
        return (page.text_content('[data-result="score"]'), page.text_content('[data-result="outcome"]'),
                page.eval_on_selector('[data-field-wrapper="reason"]', "el => !el.hidden"))

    assert shown() == ("0", "Standard", False)
    answers: dict = {}
    for click, key, value in [("#q1", "q1", "yes"), ("#q2", "q2", "yes"), ("#q2-2", "q2", "no"),
                              ("#q3", "q3", "yes"), ("#override", "override", True)]:
        page.check(click)
        answers[key] = value
        computed = form.compute(answers)
        assert shown() == (str(computed["score"]), computed["outcome"], "reason" in form.shown(answers)), click
    assert page.get_attribute('[data-result="outcome"] [data-result-text]', "class") == "govuk-tag govuk-tag--red"
    context.close()
    assert not errors


def test_sara_grid_page_passes_axe(browser):
    from tests.browser.test_forms_script import CSS
    from tests.browser_fixtures import axe_violations

    sara = json.loads((ROOT / "forms" / "definitions" / "sara.json").read_text(encoding="utf-8"))
    form = compile_form(sara)
    context = browser.new_context()
    page = context.new_page()
    page.set_content(PAGE.render(form=form, page="criminal_history", answers={"sara_1_past_assault_family": 2},
                                 errors={}))
    page.add_style_tag(path=str(CSS))
    assert page.locator('[data-grid="criminal_history_ratings"] .pathway-grid__row').count() == 3
    assert page.is_checked("#sara_1_past_assault_family-3")
    assert axe_violations(page) == []
    context.close()
