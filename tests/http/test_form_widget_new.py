"""A new field type, registered by a test, through the builder pages and a practitioner's form pages."""

import io
import itertools

import pytest
from docx import Document
from jinja2 import ChoiceLoader, FileSystemLoader

from models.case import Case
from models.form import FormDefinition, Submission
from services.cases import hooks as case_hooks
from tests.conftest import sign_in
from tests.widget_postcode import PATTERN, TEMPLATES, registered_postcode

_refs = itertools.count(1)


@pytest.fixture
def postcode_app(app, monkeypatch):
    """Return the app with the postcode type registered and its partial findable beside the shipped templates."""
    monkeypatch.setattr(case_hooks, "form_submitted", lambda *a, **k: None)
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, FileSystemLoader(str(TEMPLATES))])
    with registered_postcode():
        yield app


def _revision(key):
    return str(FormDefinition.objects(key=key, status="draft").get().revision)


def test_the_builder_offers_it_and_a_practitioner_fills_it(postcode_app, client, make_user, now):
    admin = make_user(roles=["admin"], team="")
    sign_in(client, admin)
    assert client.post("/admin/forms/new", data={"key": "home_visit", "title": "Home visit",
                                                 "classification": "standard"}).status_code == 302
    types = client.get("/admin/forms/home_visit/questions/new?where=page_1:0").get_data(as_text=True)
    assert "Postcode" in types and "A UK postcode, like SW1A 1AA." in types
    added = client.post("/admin/forms/home_visit/questions/new", data={
        "widget": "postcode", "label": "Home postcode", "name": "home", "required": "true", "where": "page_1:0",
        "revision": _revision("home_visit")})
    assert added.status_code == 302, added.get_data(as_text=True)[:2000]
    draft = FormDefinition.objects(key="home_visit", status="draft").get().definition
    assert draft["schema"]["properties"]["home"]["pattern"] == PATTERN
    assert client.post("/admin/forms/home_visit/publish", data={"revision": _revision("home_visit")}
                       ).status_code == 302

    practitioner = make_user(roles=["practitioner"], team="north")
    sign_in(client, practitioner)
    case = Case(reference=f"DAO-2026-{next(_refs):05d}", workflow_key="bare_form_test", workflow_version=1,
                status="open", team="north", allocated_to=str(practitioner.pk), created_at=now).save()
    started = client.post(f"/cases/{case.pk}/forms/home_visit")
    assert started.status_code == 302
    sub = Submission.objects.get(case_id=case.pk, form_key="home_visit")
    page_url = f"/cases/{case.pk}/forms/home_visit/{sub.pk}/pages/page_1"
    page = client.get(page_url).get_data(as_text=True)
    assert 'autocomplete="postal-code"' in page and 'name="home"' in page
    wrong = client.post(page_url, data={"revision": "1", "action": "continue", "home": "nowhere"})
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert "Enter a real postcode for Home postcode, like SW1A 1AA" in body and 'value="nowhere"' in body
    right = client.post(page_url, data={"revision": "2", "action": "continue", "home": "sw1a 1aa"})
    assert right.status_code == 302 and right.headers["Location"].endswith("/check")
    assert "SW1A 1AA" in client.get(right.headers["Location"]).get_data(as_text=True)
    sub.reload()
    assert sub.answers == {"home": "SW1A 1AA"}
    submitted = client.post(f"/cases/{case.pk}/forms/home_visit/{sub.pk}/check", data={"revision": sub.revision})
    assert submitted.status_code == 302, submitted.get_data(as_text=True)[:2000]
    view = client.get(f"/cases/{case.pk}/submissions/{sub.pk}").get_data(as_text=True)
    assert "Home postcode" in view and "SW1A 1AA" in view
    copy = Document(io.BytesIO(client.get(f"/cases/{case.pk}/submissions/{sub.pk}.docx").data))
    cells = [cell.text for table in copy.tables for row in table.rows for cell in row.cells]
    assert "SW1A 1AA" in "\n".join([p.text for p in copy.paragraphs] + cells)
