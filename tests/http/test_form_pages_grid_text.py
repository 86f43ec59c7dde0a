"""Fill pages: grids as tables, the behaviour inventory's grid version beside its old one, drafts saved with a
wrong answer, and typed paragraphs kept on every page that shows them."""

from __future__ import annotations

import json
import re

import pytest

from services.cases import hooks as case_hooks
from services.submissions.definition_files import FORMS_DIR, sync_forms
from tests.http.test_submission_forms_http import _page_url, _start, make_case

INVENTORY = "hra_behaviour_inventory"


@pytest.fixture
def practitioner(app, now, signed_in, monkeypatch):
    monkeypatch.setattr(case_hooks, "form_submitted", lambda *a, **k: None)
    return signed_in("practitioner")


def _without_grids(definition: dict) -> dict:
    for page in definition["layout"]["pages"]:
        for section in page["sections"]:
            for item in section["items"]:
                item.pop("grid", None)
                item.pop("grid_role", None)
    return definition


def test_the_behaviour_inventory_ships_as_grids_and_old_submissions_keep_their_version(
        client, practitioner, now, tmp_path):
    shipped = json.loads((FORMS_DIR / f"{INVENTORY}.json").read_text())
    (tmp_path / f"{INVENTORY}.json").write_text(json.dumps(_without_grids(json.loads(json.dumps(shipped)))))
    assert sync_forms(tmp_path, now=now) == [(INVENTORY, 1, "published")]
    case = make_case(practitioner, now)
    old, _form = _start(client, case, INVENTORY)
    assert old.form_version == 1
    client.post(f"/cases/{case.pk}/forms/{INVENTORY}/{old.pk}/pages/abuse",
                data={"revision": old.revision, "action": "draft", "ab_insulted_did": "2"})

    assert (INVENTORY, 2, "new version") in sync_forms(now=now)
    page = client.get(_page_url(case, old, "abuse")).get_data(as_text=True)
    assert "pathway-grid-table" not in page and page.count('<fieldset class="govuk-fieldset"') >= 70
    assert re.search(r'id="ab_insulted_did-4"[^>]*checked', page)

    other = make_case(practitioner, now)
    new, form = _start(client, other, INVENTORY)
    assert new.form_version == 2
    assert [b.key for s in form.page("abuse").sections for b in s.blocks if b.kind == "grid"] == [
        "abuse_ratings", "abuse_control_ratings"]
    page = client.get(_page_url(other, new, "abuse")).get_data(as_text=True)
    assert page.count('<table class="govuk-table pathway-grid-table">') == 2
    assert page.count('data-field-wrapper="ab_insulted_did"') == 1


def test_a_grid_is_a_table_with_headers_and_radios_named_by_row_and_column(client, practitioner, shipped_forms, now):
    case = make_case(practitioner, now)
    sub, _form = _start(client, case, INVENTORY)
    page = client.get(_page_url(case, sub, "abuse")).get_data(as_text=True)
    assert '<caption class="govuk-table__caption govuk-table__caption--s">For each question, choose ? – Don’t Know, ' \
           '0 – Never' in page
    assert '<th scope="col" class="govuk-table__header pathway-grid-table__choice">4 – Constantly</th>' in page
    row = page[page.index('<th scope="row"'):page.index("</tr>", page.index('<th scope="row"'))]
    assert "Insulted them (such as calling them a hurtful name) – what I did" in row
    label = re.search(r'<label class="govuk-label govuk-radios__label" for="ab_insulted_did-2">(.*?)</label>', row)
    assert label.group(1) == ('<span class="govuk-visually-hidden">Insulted them (such as calling them a hurtful '
                              'name) – what I did: </span><span class="pathway-grid-table__option">0 – Never</span>')


def test_a_wrong_grid_answer_saved_as_a_draft_is_named_in_its_row(client, practitioner, shipped_forms, now):
    case = make_case(practitioner, now)
    sub, _form = _start(client, case, INVENTORY)
    response = client.post(_page_url(case, sub, "abuse"), data={
        "revision": sub.revision, "action": "draft", "ab_insulted_did": "7", "ab_humiliated_did": "3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your answers have been saved as a draft, as you typed them." in page
    assert "correct this answer: Insulted them (such as calling them a hurtful name) – what I did." in page
    assert '<a href="#ab_insulted_did">' in page
    assert 'aria-describedby="ab_insulted_did-hint ab_insulted_did-error"' in page
    assert 'id="ab_insulted_did-error"' in page
    assert re.search(r'id="ab_humiliated_did-5"[^>]*checked', page)


def test_a_draft_saved_with_a_wrong_date_says_it_was_saved_and_which_answer_is_wrong(client, practitioner,
                                                                                      shipped_forms, now):
    case = make_case(practitioner, now)
    sub, _form = _start(client, case, INVENTORY)
    response = client.post(_page_url(case, sub, "details"), data={
        "revision": sub.revision, "action": "draft", "inventory_name": "Dan",
        "inventory_date-day": "31", "inventory_date-month": "2", "inventory_date-year": "2026"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your answers have been saved as a draft, as you typed them." in page
    assert "Before the form can be submitted, correct this answer: Date:." in page
    assert '<a href="#inventory_date">' in page and 'value="31"' in page
    sub.reload()
    assert sub.answers["inventory_name"] == "Dan"


TYPED = {
    "key": "paragraphs_check", "title": "Paragraphs check", "classification": "standard", "tags": [],
    "description": "First paragraph of the introduction.\r\n\r\nSecond paragraph,\r\nwith a line break.",
    "schema": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
               "properties": {"notes": {"type": "string", "title": "Notes"}}, "required": []},
    "layout": {"pages": [{"key": "only", "title": "Notes", "description": "Page intro one.\r\n\r\nPage intro two.",
                          "sections": [{"items": [{"guidance": "Read this first.\r\n\r\nThen this."},
                                                  {"field": "notes", "widget": "textarea"}]}]}]},
}


def test_typed_paragraphs_stay_paragraphs_on_the_fill_page(client, practitioner, now, tmp_path):
    (tmp_path / "paragraphs_check.json").write_text(json.dumps(TYPED))
    sync_forms(tmp_path, now=now)
    case = make_case(practitioner, now)
    sub, _form = _start(client, case, "paragraphs_check")
    page = client.get(_page_url(case, sub, "only")).get_data(as_text=True)
    for html in ('<p class="govuk-body">First paragraph of the introduction.</p>',
                 '<p class="govuk-body">Second paragraph,<br>with a line break.</p>',
                 '<p class="govuk-body">Page intro one.</p>', '<p class="govuk-body">Page intro two.</p>',
                 '<p class="govuk-body">Read this first.</p>', '<p class="govuk-body">Then this.</p>'):
        assert html in page
