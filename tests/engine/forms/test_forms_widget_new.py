"""A new field type works end to end from its own module and template alone (tests/widget_postcode.py)."""

from __future__ import annotations

from datetime import date

import pytest
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from forms import check_definition, compile_form, widgets
from tests.engine.forms.test_forms_render import ROOT, Page
from tests.engine.forms.test_forms_support import small
from tests.widget_postcode import PATTERN, TEMPLATES, registered_postcode

ENV = Environment(loader=ChoiceLoader([FileSystemLoader(str(ROOT / "templates")), FileSystemLoader(str(TEMPLATES))]),
                  autoescape=select_autoescape(), undefined=StrictUndefined, extensions=["jinja2.ext.i18n"])
ENV.install_null_translations(newstyle=True)  # the templates' words are marked for translation; English here
PAGE = ENV.from_string('{% import "forms/_fields.html" as f %}{{ f.error_summary(errors) }}'
                       '<form>{{ f.render_page(form, "only", answers, errors) }}</form>')
TODAY = date(2026, 6, 1)


@pytest.fixture
def postcode():
    with registered_postcode() as kind:
        yield kind


def definition() -> dict:
    return small({"home": {"type": "string", "pattern": PATTERN, "title": "Home postcode"}},
                 [{"field": "home", "widget": "postcode"}], required=["home"])


def test_the_check_refuses_the_type_until_it_is_registered():
    assert "postcode" not in widgets.names()
    [problem] = check_definition(definition())
    assert problem.path.endswith(".widget") and "must be one of" in problem.message


def test_the_check_accepts_it_and_says_what_schema_it_needs(postcode):
    assert check_definition(definition()) == []
    wrong = definition()
    wrong["schema"]["properties"]["home"].pop("pattern")
    [problem] = check_definition(wrong)
    assert "the postcode widget needs" in problem.message and PATTERN in problem.message


def test_it_parses_validates_and_summarises(postcode):
    form = compile_form(definition())
    answers = form.parse_form({"home": " sw1a1aa "})
    assert answers == {"home": "SW1A 1AA"}
    assert form.validate(answers, today=TODAY) == []
    assert [(r.label, r.text) for r in form.summary(answers)] == [("Home postcode", "SW1A 1AA")]
    typed = form.parse_form({"home": "nowhere"})
    assert typed == {"home": "nowhere"}  # kept as typed
    assert [e.message for e in form.validate(typed, today=TODAY)] == [
        "Enter a real postcode for Home postcode, like SW1A 1AA"]
    assert [e.message for e in form.validate({}, today=TODAY)] == ["Enter a postcode for Home postcode"]


def test_it_renders_its_partial_and_posts_back_what_it_shows(postcode):
    form = compile_form(definition())
    errors = {e.field: e.message for e in form.validate({"home": "nowhere"}, today=TODAY)}
    html = PAGE.render(form=form, answers={"home": "nowhere"}, errors=errors)
    page = Page(html)
    [(_tag, box)] = [(t, a) for t, a in page.elements if a.get("autocomplete") == "postal-code"]
    assert box["id"] == "home" and box["aria-describedby"] == "home-error"
    assert 'href="#home"' in html and "like SW1A 1AA" in html
    assert form.parse_form(page.posted) == {"home": "nowhere"}
    again = Page(PAGE.render(form=form, answers={"home": "SW1A 1AA"}, errors={}))
    assert form.parse_form(again.posted) == {"home": "SW1A 1AA"}


def test_its_builder_shape_passes_the_check(postcode):
    prop = {"title": "Home postcode"}
    postcode.build_prop({"widget": "postcode", "label": "Home postcode"}, prop, None)
    assert check_definition(small({"home": prop}, [{"field": "home", "widget": "postcode"}])) == []
