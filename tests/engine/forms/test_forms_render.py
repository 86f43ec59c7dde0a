"""The Jinja macros: accessible GOV.UK markup that posts back exactly what parse_form reads."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from forms import compile_form, errors_by_path
from tests.engine.forms.test_forms_support import COMPLETE, kitchen_sink

ROOT = Path(__file__).resolve().parents[3]
DEFINITIONS = sorted((ROOT / "forms" / "definitions").glob("*.json"))
ENV = Environment(loader=FileSystemLoader(str(ROOT / "templates")), autoescape=select_autoescape(),
                  undefined=StrictUndefined, extensions=["jinja2.ext.i18n"])
ENV.install_null_translations(newstyle=True)  # the templates' words are marked for translation; English here
PAGE = ENV.from_string('{% import "forms/_fields.html" as f %}{{ f.error_summary(errors) }}'
                       '<form>{{ f.render_page(form, page, answers, errors) }}</form>')
SUMMARY = ENV.from_string('{% import "forms/_fields.html" as f %}{{ f.summary_list(rows) }}')
FAR_FUTURE = date(9999, 12, 31)


class Page(HTMLParser):
    """Collect elements, ids and what a browser would post from the rendered HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.posted: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(html)

    def _post(self, name: str, value: str) -> None:
        self.posted.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self._post(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self._post(a["name"], "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._post(self._select, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.posted[self._textarea][-1] += data

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.elements if "id" in a}

    def having(self, css_class: str) -> list[tuple[str, dict]]:
        return [(t, a) for t, a in self.elements if css_class in a.get("class", "").split()]


def render(form, page, answers=None, errors=None) -> str:
    return PAGE.render(form=form, page=page, answers=answers or {}, errors=errors or {})


@pytest.fixture(scope="module")
def form():
    return compile_form(kitchen_sink())


def test_round_trip_posts_back_the_answers(form):
    posted: dict[str, list[str]] = {}
    for page in form.pages:
        posted.update(Page(render(form, page, COMPLETE)).posted)
    assert form.parse_form(posted) == form.clean(COMPLETE)


def test_round_trip_keeps_raw_answers(form):
    draft = {"age": "abc", "dob": "2026--31", "risk": "extreme"}
    posted = {}
    for page in form.pages:
        posted.update(Page(render(form, page, draft)).posted)
    assert form.parse_form(posted) == {"age": "abc", "dob": "2026--31"}


WIDGET_CLASSES = [
    ("about", ["govuk-form-group", "govuk-label", "govuk-hint", "govuk-input", "govuk-textarea",
               "govuk-date-input", "govuk-fieldset", "govuk-fieldset__legend", "govuk-radios--inline"]),
    ("risk", ["govuk-radios", "govuk-select", "govuk-checkboxes", "govuk-radios__conditional"]),
    ("family", ["govuk-file-upload", "govuk-checkboxes__input", "govuk-button"]),
]


@pytest.mark.parametrize(("page", "classes"), WIDGET_CLASSES)
def test_pages_use_govuk_classes(form, page, classes):
    found = Page(render(form, page))
    for css_class in classes:
        assert found.having(css_class), css_class


def test_errors_are_marked_linked_and_described(form):
    errors = errors_by_path(form.validate({"age": "abc", "children": [{"dob": "2015-02-30"}]}, today=date(2026, 1, 1)))
    html = "".join(render(form, page, {"age": "abc", "children": [{"dob": "2015-02-30"}]}, errors)
                   for page in form.pages)
    page = Page(html)
    ids = page.ids()
    # Each page repeats the error summary; its links must reach the fields wherever they are.
    links = [a["href"][1:] for t, a in page.elements if t == "a" and a.get("href", "").startswith("#")]
    assert links == [p.replace(".", "-") for p in errors] * len(form.pages)
    assert set(links) <= ids, sorted(set(links) - ids)
    assert len(page.having("govuk-error-message")) == len(errors)
    assert [t for t, a in page.elements if a.get("role") == "alert"] == ["div"] * len(form.pages)
    assert len(page.having("govuk-form-group--error")) >= 6
    for tag, attrs in page.elements:
        for target in attrs.get("aria-describedby", "").split():
            assert target in ids, (tag, attrs)
    age = next(a for t, a in page.elements if a.get("id") == "age")
    assert age["aria-describedby"] == "age-error" and "govuk-input--error" in age["class"]


def test_hint_is_linked(form):
    page = Page(render(form, "about"))
    notes = next(a for t, a in page.elements if t == "textarea" and a["id"] == "notes")
    assert notes["aria-describedby"] == "notes-hint" and "notes-hint" in page.ids()


def test_repeater_rows_buttons_and_wrappers(form):
    page = Page(render(form, "family", COMPLETE))
    actions = [a["value"] for t, a in page.elements if t == "button" and a.get("name") == "action"]
    assert actions == ["remove-children-0", "remove-children-1", "add-children"]
    rows = [a["data-row-prefix"] for t, a in page.elements if "data-repeater" in a]
    assert rows == ["children-0-", "children-1-", "children-2-"]
    wrappers = {a["data-field-wrapper"] for t, a in page.elements if "data-field-wrapper" in a}
    assert {"children-0-support", "children-2-name", "document", "signature"} <= wrappers


def test_full_repeater_offers_no_blank_row(form):
    full = {"children": [{"name": str(i)} for i in range(3)]}
    page = Page(render(form, "family", full))
    actions = [a["value"] for t, a in page.elements if t == "button" and a.get("name") == "action"]
    assert actions == ["remove-children-0", "remove-children-1", "remove-children-2"]


def test_file_shows_current_name_and_keeps_it(form):
    html = render(form, "family", COMPLETE)
    page = Page(html)
    assert [a["type"] for t, a in page.elements if a.get("name") == "document"] == ["file"]
    assert "report.pdf" in html and page.posted["document-id"] == ["f1"]


def test_guidance_scale_and_conditions_block(form):
    html = render(form, "about")
    assert '<h3 class="govuk-heading-s">Language</h3>' in html
    assert '<p class="govuk-body">First paragraph.</p><p class="govuk-body">Second paragraph.</p>' in html
    assert '<script type="application/json" id="form-conditions">' in html
    scale = Page(render(form, "risk")).having("govuk-radios--inline")
    assert scale, "scales render as inline radios"


def test_answers_are_escaped(form):
    html = render(form, "about", {"full_name": '<b>"x"</b>', "notes": "</textarea><script>"})
    assert "<b>" not in html and "</textarea><script>" not in html


def test_summary_list(form):
    html = SUMMARY.render(rows=form.summary({**COMPLETE, "risk": "high", "notes": None}))
    page = Page(html)
    assert page.having("govuk-summary-list") and page.having("govuk-summary-list__key")
    assert "Signed by Sam Smith on 12 March 2026" in html and "Entry 2" in html
    assert "Not answered" in html and "govuk-tag--red" in html
    assert [t for t, a in page.elements if t == "h2"] == ["h2", "h2", "h2"]


@pytest.mark.parametrize("path", DEFINITIONS, ids=[p.stem for p in DEFINITIONS])
def test_shipped_definition_renders_and_its_sample_answers_validate(path):
    form = compile_form(json.loads(path.read_text(encoding="utf-8")))
    sample = ROOT / "tests" / "fixtures" / "answers" / f"{path.stem}.json"
    answers = json.loads(sample.read_text(encoding="utf-8")) if sample.exists() else {}
    if sample.exists():
        assert [(e.field, e.message) for e in form.validate(answers, today=FAR_FUTURE)] == []
        assert sorted(set(answers) - set(form.clean(answers))) == [], "sample answers that clean() drops"
        form.compute(answers)
    errors = errors_by_path(form.validate({}, today=FAR_FUTURE))
    ids: set[str] = set()
    for page in form.pages:
        ids |= Page(render(form, page, answers)).ids()
        ids |= Page(render(form, page, {}, errors)).ids()
    assert {p.replace(".", "-") for p in errors} <= ids
    SUMMARY.render(rows=form.summary(answers))
