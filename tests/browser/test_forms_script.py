"""form-conditions.js in headless Chromium: the same show/hide decisions as the server, and accessible markup."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

from forms import compile_form, errors_by_path
from tests.browser_fixtures import axe_violations
from tests.engine.forms.test_forms_support import COMPLETE, kitchen_sink, small

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (ROOT / "static" / "js" / "form-conditions.js").read_text(encoding="utf-8")
CSS = ROOT / "static" / "vendor" / "pathway-frontend.min.css"
ENV = Environment(loader=FileSystemLoader(str(ROOT / "templates")), autoescape=select_autoescape(),
                  extensions=["jinja2.ext.i18n"])
ENV.install_null_translations(newstyle=True)  # the templates' words are marked for translation; English here
PAGE = ENV.from_string(
    '<!DOCTYPE html><html lang="en-GB"><head><title>Form</title></head><body><main>'
    '{% import "forms/_fields.html" as f %}{{ f.error_summary(errors) }}'
    '<form method="post">{{ f.render_page(form, page, answers, errors) }}'
    '<button class="govuk-button" name="action" value="save">Save</button></form></main></body></html>')

CASCADE = small(
    {"a": {"title": "A", "type": "boolean"}, "b": {"title": "B", "type": "boolean"},
     "c": {"title": "C", "type": "string"},
     "d": {"title": "D", "type": "string", "oneOf": [{"const": "1", "title": "One"}, {"const": "2", "title": "Two"}]},
     "e": {"title": "E", "type": "string"},
     "f": {"title": "F", "type": "array", "items": {"type": "string", "oneOf": [
         {"const": "x", "title": "X"}, {"const": "y", "title": "Y"}]}},
     "g": {"title": "G", "type": "string"}},
    [{"field": "a", "widget": "yesno"},
     {"field": "b", "widget": "yesno", "show_when": {"field": "a", "equals": True}},
     {"field": "c", "widget": "text", "show_when": {"field": "b", "equals": True}},
     {"field": "d", "widget": "select"},
     {"field": "e", "widget": "text", "show_when": {"field": "d", "not_equals": "2"}},
     {"field": "f", "widget": "checkboxes"},
     {"field": "g", "widget": "text", "show_when": {"field": "f", "in": ["y"]}}])


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors


def load(tab, form, page, answers=None, errors=None):
    tab.set_content(PAGE.render(form=form, page=page, answers=answers or {}, errors=errors or {}))
    tab.add_script_tag(content=SCRIPT)


def shown(tab, wrapper: str) -> bool:
    return tab.eval_on_selector(f'[data-field-wrapper="{wrapper}"]', "el => !el.hidden")


def test_hides_and_reveals_like_the_server(tab):
    form = compile_form(CASCADE)
    load(tab, form, "only")
    steps = [
        (None, {}),
        ("#a", {"a": True}),
        ("#b", {"a": True, "b": True}),
        ("#a-2", {"a": False, "b": True}),
        ("#f-2", {"a": False, "b": True, "f": ["y"]}),
    ]
    for click, answers in steps:
        if click:
            tab.check(click)
        expected = form.shown({**answers, "c": "c", "e": "e", "g": "g"})
        for name in ("b", "c", "e", "g"):
            assert shown(tab, name) == (name in expected), (click, name)
    assert tab.eval_on_selector("#b", "el => el.disabled")
    tab.check("#a")
    assert not tab.eval_on_selector("#b", "el => el.disabled")
    tab.select_option("#d", "2")
    assert not shown(tab, "e")
    tab.select_option("#d", "1")
    assert shown(tab, "e")


def test_repeater_rows_follow_their_own_sibling(tab):
    form = compile_form(kitchen_sink())
    load(tab, form, "family", {"children": [{"name": "A", "needs_support": True, "support": "x"}, {"name": "B"}]})
    assert [shown(tab, f"children-{i}-support") for i in range(3)] == [True, False, False]
    tab.check("#children-1-needs_support")
    tab.check("#children-0-needs_support-2")
    assert [shown(tab, f"children-{i}-support") for i in range(3)] == [False, True, False]


@pytest.mark.parametrize("page", ["about", "risk", "family"])
def test_rendered_pages_pass_axe(tab, page):
    form = compile_form(kitchen_sink())
    broken = {**COMPLETE, "age": "abc", "children": [{"dob": "2015-02-30"}]}
    load(tab, form, page, broken, errors_by_path(form.validate(broken, today=date(2026, 1, 1))))
    tab.add_style_tag(path=str(CSS))
    assert axe_violations(tab) == []
