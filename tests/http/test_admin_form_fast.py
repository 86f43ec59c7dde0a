"""The quick-building pages through the Flask client: pasted questions, calculations, duplicates, guidance."""

from __future__ import annotations

import io
import json

import pytest

from models.form import FormDefinition
from tests.http.test_admin_forms import admin, revision_of  # noqa: F401 - the admin fixture signs in

PASTED = "1. Has the current incident resulted in injury?\n2. Are you very frightened?\n3. Is there conflict?"


def draft(key: str = "dash") -> dict:
    return FormDefinition.objects(key=key, status="draft").get().definition


@pytest.fixture
def dash(client, admin):  # noqa: F811
    assert client.post("/admin/forms/new", data={"key": "dash", "title": "DASH", "classification":
                                                 "confidential"}).status_code == 302
    assert client.get("/admin/forms/dash/questions/paste?where=page_1:0").status_code == 200
    response = client.post("/admin/forms/dash/questions/paste", data={
        "questions": PASTED, "widget": "radios", "options": "Yes\nNo\nDon't know", "comments": "true",
        "grid": "true", "where": "page_1:0", "revision": revision_of("dash")})
    assert response.status_code == 302, response.get_data(as_text=True)
    return draft()


def test_pasted_questions_and_a_live_score_and_outcome(client, dash):
    assert len(dash["schema"]["properties"]) == 6
    for data in ({"label": "DASH score", "kind": "count", "answer": "Yes"},
                 {"label": "Outcome", "kind": "bands", "of": "dash_score", "bands": "2: High risk (red)",
                  "otherwise": "Standard"}):
        response = client.post("/admin/forms/dash/calculations", data={**data, "revision": revision_of("dash")})
        assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/admin/forms/dash/computed").get_data(as_text=True)
    assert "count(&#39;Yes&#39;, grid_q1_q3)" in page and "2 or more: High risk (red)" in page
    preview = client.get("/admin/forms/dash/preview").get_data(as_text=True)
    assert 'data-result="dash_score"' in preview and 'data-grid="grid_q1_q3"' in preview
    tried = client.post("/admin/forms/dash/preview", data={}).get_data(as_text=True)
    assert "These answers would be accepted." in tried
    # The values as practitioners see them (their key beside), a text as text rather than JSON.
    assert 'Outcome <code class="govuk-body-s">outcome</code>' in tried
    assert '<dd class="govuk-summary-list__value">Standard</dd>' in tried and "&#34;Standard&#34;" not in tried


def test_every_problem_of_a_page_at_once_and_input_kept(client, dash):
    response = client.post("/admin/forms/dash/calculations", data={
        "kind": "bands", "bands": "lots: High", "revision": revision_of("dash")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Enter a name for the value", "Choose the value the outcome is based on", "Line 1: write"):
        assert message in page
    assert "lots: High" in page
    response = client.post("/admin/forms/dash/questions/paste", data={
        "questions": "", "widget": "", "where": "page_1:0", "revision": revision_of("dash")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Paste or type the questions" in page and "Choose the type" in page


def test_continue_without_a_type_says_so(client, dash):
    response = client.get("/admin/forms/dash/questions/new?where=page_1:0&chosen=1")
    assert response.status_code == 422 and "Choose the type of question" in response.get_data(as_text=True)


def test_duplicate_insert_after_guidance_and_written_condition(client, dash):
    response = client.post("/admin/forms/dash/questions/q2_very_frightened/duplicate",
                           data={"revision": revision_of("dash")})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/questions/q2_very_frightened_copy/edit")
    assert client.get("/admin/forms/dash/questions/new?after=q1_current_incident_resulted").status_code == 200
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "yesno", "label": "Override?", "name": "override", "after": "q3_conflict",
        "revision": revision_of("dash")})
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "textarea", "label": "Reason", "name": "reason", "after": "override", "required": "true",
        "show_when_expr": "override = 'Yes'", "revision": revision_of("dash")})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/admin/forms/dash/questions/reason/edit").status_code == 200
    response = client.post("/admin/forms/dash/guidance/new", data={
        "after": "override", "heading": "Professional judgement", "guidance": "One.\n\nTwo.",
        "revision": revision_of("dash")})
    assert response.status_code == 302
    items = draft()["layout"]["pages"][0]["sections"][0]["items"]
    order = [i.get("field") or i.get("heading") for i in items]
    assert order[-3:] == ["override", "Professional judgement", "reason"]
    assert items[-1]["show_when"] == {"expr": "override = 'Yes'"} and items[-1]["required_when_shown"]
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "text", "label": "Bad", "name": "bad", "show_when_expr": "nothing >= 1", "where": "page_1:0",
        "revision": revision_of("dash")})
    assert response.status_code == 422 and "“nothing”" in response.get_data(as_text=True)
    assert "Add a question after" in client.get("/admin/forms/dash").get_data(as_text=True)


def test_undo_puts_the_last_change_back(client, dash):
    response = client.post("/admin/forms/dash/questions/q2_very_frightened/duplicate",
                           data={"revision": revision_of("dash")})
    assert "q2_very_frightened_copy" in draft()["schema"]["properties"]
    assert "Undo duplicating a question" in client.get("/admin/forms/dash").get_data(as_text=True)
    response = client.post("/admin/forms/dash/undo", data={"revision": revision_of("dash")})
    assert response.status_code == 302
    assert draft() == dash
    assert "Undo" not in client.get("/admin/forms/dash").get_data(as_text=True)
    assert client.post("/admin/forms/dash/undo", data={"revision": revision_of("dash")}).status_code == 409


def test_a_question_reuses_another_questions_options(client, dash):
    page = client.get("/admin/forms/dash/questions/new?widget=radios&where=page_1:0").get_data(as_text=True)
    assert "Yes / No / Don&#39;t know" in page
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "radios", "label": "Is the abuse getting worse?", "options_from": "q1_current_incident_resulted",
        "where": "page_1:0", "revision": revision_of("dash")})
    assert response.status_code == 302, response.get_data(as_text=True)
    prop = draft()["schema"]["properties"]["abuse_getting_worse"]
    assert [o["title"] for o in prop["oneOf"]] == ["Yes", "No", "Don't know"]


DEEP = "(" * 1999 + "1" + ")" * 1999  # under the 4,000 characters a calculation may have


def test_a_calculation_or_condition_nested_too_deeply_is_a_field_error_with_the_text_kept(client, dash):
    response = client.post("/admin/forms/dash/calculations", data={
        "label": "Deep", "kind": "expression", "expr": DEEP, "revision": revision_of("dash")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "more than 40 brackets" in page and DEEP in page
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "text", "label": "Deep", "name": "deep", "show_when_expr": DEEP, "where": "page_1:0",
        "revision": revision_of("dash")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "more than 40 brackets" in page and DEEP in page
    exported = json.loads(client.get("/admin/forms/dash/export").get_data(as_text=True))
    exported.update(key="deep_copy", title="Deep copy")
    exported.setdefault("computed", []).append({"key": "deep", "function": "expression",
                                                "params": {"expr": DEEP, "label": "Deep"}})
    uploaded = client.post("/admin/forms/import", data={"file": (io.BytesIO(json.dumps(exported).encode()), "f.json")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 422 and "more than 40 brackets" in uploaded.get_data(as_text=True)
