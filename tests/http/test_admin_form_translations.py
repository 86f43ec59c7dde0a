"""The builder's translations page through the Flask client: access, saving, errors that keep input, missing list."""

from __future__ import annotations

import re

import pytest

from models.audit import AuditEntry
from models.form import FormDefinition
from tests.conftest import sign_in
from tests.http.test_admin_forms import build, revision_of


@pytest.fixture
def admin(client, make_user):
    user = make_user(roles=["admin"], team="")
    sign_in(client, user)
    return user


def names_by_english(html: str) -> dict:
    """Return {English text: input name} from the page's rows."""
    return {english: name for name, english in re.findall(r'id="(text-\d+)-english" lang="en">([^<]*)<', html)}


def missing_count(html: str) -> int:
    return int(re.search(r"(\d+) texts? not yet translated; English is shown", html)[1])


@pytest.mark.parametrize("role", ["manager", "practitioner", "partner_worker", "referrer", "auditor"])
def test_only_admins_reach_the_translations_page(client, signed_in, synced, role):
    signed_in(role)
    assert client.get("/admin/forms/sara/translations").status_code == 403
    assert client.post("/admin/forms/sara/translations/cy", data={}).status_code == 403


def test_a_published_form_shows_its_texts_without_inputs_to_change(client, admin, synced):
    response = client.get("/admin/forms/sara/translations/cy")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Translations into Cymraeg" in html
    assert "Spousal Assault Risk Assessment Guide" in html and " disabled" in html
    assert "Save the translations" not in html
    assert client.get("/admin/forms/sara/translations/xx").status_code == 404


def test_saving_translations_shrinks_the_missing_list(client, admin, synced):
    build(client)
    html = client.get("/admin/forms/qol_review").get_data(as_text=True)
    assert 'href="/admin/forms/qol_review/translations"' in html
    html = client.get("/admin/forms/qol_review/translations").get_data(as_text=True)
    names, before = names_by_english(html), missing_count(html)
    assert {"Quality of Life review", "Do you have support?", "Who supports you?"} <= set(names)
    assert before == html.count('-english" lang="en"')
    response = client.post("/admin/forms/qol_review/translations/cy", data={
        "revision": revision_of("qol_review"), names["Do you have support?"]: "Oes gennych chi gymorth?"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Translations saved." in html and missing_count(html) == before - 1
    assert 'value="Oes gennych chi gymorth?"' in html
    missing = html[html.index('id="missing-list"'):html.index("</ul>", html.index('id="missing-list"'))]
    assert "Who supports you?" in missing and "Do you have support?" not in missing
    stored = FormDefinition.objects.get(key="qol_review", status="draft").definition["translations"]["cy"]
    assert stored == {"/schema/properties/has_support/title": "Oes gennych chi gymorth?"}


def test_bad_input_is_explained_and_what_was_typed_is_kept(client, admin, synced):
    build(client)
    names = names_by_english(client.get("/admin/forms/qol_review/translations").get_data(as_text=True))
    response = client.post("/admin/forms/qol_review/translations/cy", data={
        "revision": revision_of("qol_review"), names["Do you have support?"]: "Oes gennych chi gymorth?",
        names["Who supports you?"]: "Pwy " * 600})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "govuk-error-summary" in html and f'href="#{names["Who supports you?"]}"' in html
    assert "must be 2000 characters or fewer" in html
    assert 'value="Oes gennych chi gymorth?"' in html and "Pwy Pwy Pwy" in html
    assert "translations" not in FormDefinition.objects.get(key="qol_review", status="draft").definition


def test_a_stale_page_is_refused_and_keeps_what_was_typed(client, admin, synced):
    build(client)
    names = names_by_english(client.get("/admin/forms/qol_review/translations").get_data(as_text=True))
    response = client.post("/admin/forms/qol_review/translations/cy", data={
        "revision": int(revision_of("qol_review")) - 1, names["Do you have support?"]: "Oes gennych chi gymorth?"})
    assert response.status_code == 409
    assert 'value="Oes gennych chi gymorth?"' in response.get_data(as_text=True)


def test_changing_a_translated_english_text_says_its_translation_went_and_where_to_redo_it(client, admin, synced):
    build(client)
    names = names_by_english(client.get("/admin/forms/qol_review/translations").get_data(as_text=True))
    client.post("/admin/forms/qol_review/translations/cy", data={
        "revision": revision_of("qol_review"), names["Who supports you?"]: "Pwy sy’n eich cefnogi?",
        names["Do you have support?"]: "Oes gennych chi gymorth?"})
    # The question's hint changes: its label's Welsh stays; then its label changes: that Welsh goes, and is said to.
    response = client.post("/admin/forms/qol_review/questions/supporters/edit", data={
        "widget": "text", "revision": revision_of("qol_review"), "label": "Who supports you?", "name": "supporters",
        "hint": "Family, friends or a service", "required": "true", "show_when_field": "has_support",
        "show_when_value": "yes"})
    assert response.status_code == 302
    assert "was removed, because the English" not in client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post("/admin/forms/qol_review/questions/supporters/edit", data={
        "widget": "text", "revision": revision_of("qol_review"), "label": "Who helps you?", "name": "supporters",
        "hint": "Family, friends or a service", "required": "true", "show_when_field": "has_support",
        "show_when_value": "yes"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 translated text in Cymraeg was removed, because the English it translated changed." in html
    assert 'href="/admin/forms/qol_review/translations/cy">Translate it again</a>' in html
    stored = FormDefinition.objects.get(key="qol_review").definition["translations"]["cy"]
    assert "Oes gennych chi gymorth?" in stored.values() and "Pwy sy’n eich cefnogi?" not in stored.values()
    entry = AuditEntry.objects(action="form.field_changed").order_by("-at").first()
    assert entry.details["translations_dropped"] == {"cy": 1}
