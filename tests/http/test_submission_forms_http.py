"""Every shipped form through the web pages: each page renders, the sample answers submit, bad answers are named."""

import html
import itertools
import json
import re

import pytest

from models.case import Case
from models.form import ConfidentialSubmission, Submission
from services.cases import hooks as case_hooks
from services.submissions.definition_files import FORMS_DIR
from services.submissions.filling import form_for, save_draft

ANSWERS = FORMS_DIR.parent.parent / "tests" / "fixtures" / "answers"
SHIPPED = sorted(p.stem for p in FORMS_DIR.glob("*.json"))
WITH_ANSWERS = sorted(p.stem for p in ANSWERS.glob("*.json") if p.stem in SHIPPED)
_refs = itertools.count(1)
# A wrong answer for each kind of question, and the words its message must use.
WRONG = {"date": "2024-02-31", "integer": "abc", "number": "abc", "radios": "no-such-option",
         "select": "no-such-option", "scale": "no-such-option", "yesno": "maybe", "checkboxes": ["no-such-option"]}


def make_case(practitioner, now, **overrides):
    fields = {"reference": f"DAO-2026-{next(_refs):05d}", "workflow_key": "bare_form_test", "workflow_version": 1,
              "status": "open", "team": "north", "allocated_to": str(practitioner.pk), "created_at": now}
    fields.update(overrides)
    return Case(**fields).save()


@pytest.fixture
def setup(app, shipped_forms, now, signed_in, monkeypatch):
    """Return (signed-in practitioner, their case) with the shipped forms published and the case hooks recorded."""
    monkeypatch.setattr(case_hooks, "form_submitted", lambda *a, **k: None)
    practitioner = signed_in("practitioner")
    return practitioner, make_case(practitioner, now)


def _start(client, case, key):
    response = client.post(f"/cases/{case.pk}/forms/{key}")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    sub = (Submission if key != "risk_assessment_confidential" else ConfidentialSubmission).objects(
        case_id=case.pk, form_key=key, status="draft").get()
    return sub, form_for(sub)


def _page_url(case, sub, page_key):
    return f"/cases/{case.pk}/forms/{sub.form_key}/{sub.pk}/pages/{page_key}"


@pytest.mark.parametrize("key", SHIPPED)
def test_every_page_of_every_form_renders_empty(client, setup, key):
    _, case = setup
    sub, form = _start(client, case, key)
    for page in form.pages:
        response = client.get(_page_url(case, sub, page.key))
        body = response.get_data(as_text=True)
        assert response.status_code == 200, body[:300]
        assert html.escape(page.title, quote=False) in body
        assert 'name="revision" value="1"' in body
    if len(form.pages) > 1:
        tasks = client.get(f"/cases/{case.pk}/forms/{key}/{sub.pk}").get_data(as_text=True)
        assert tasks.count("Not started") == len(form.pages)


@pytest.mark.parametrize("key", WITH_ANSWERS)
def test_every_form_accepts_its_sample_answers_and_shows_them_read_only(client, setup, now, key):
    practitioner, case = setup
    sub, form = _start(client, case, key)
    answers = json.loads((ANSWERS / f"{key}.json").read_text())
    sub, problems = save_draft(sub, answers, revision=sub.revision, actor=practitioner, now=now)
    assert problems == []
    for page in form.pages:
        assert client.get(_page_url(case, sub, page.key)).status_code == 200
    check_url = f"/cases/{case.pk}/forms/{key}/{sub.pk}/check"
    assert client.get(check_url).status_code == 200
    response = client.post(check_url, data={"revision": sub.revision})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith(f"/cases/{case.pk}/submissions/{sub.pk}")
    sub.reload()
    assert sub.status == "submitted" and sub.countersign_required == form.countersign
    view = client.get(f"/cases/{case.pk}/submissions/{sub.pk}").get_data(as_text=True)
    assert "Version 1" in view and html.escape(form.title, quote=False) in view
    if form.classification == "confidential":
        assert "CONFIDENTIAL – NOT TO BE DISCLOSED TO PERPETRATOR" in view


def _corrupt(form, answers):
    """Return (field name, answers with one answer made wrong)."""
    for spec in form.fields:
        if spec.name in answers and spec.widget in WRONG:
            return spec.name, {**answers, spec.name: WRONG[spec.widget]}
    name = next(n for n in form.schema.get("required", []) if n in answers)
    return name, {k: v for k, v in answers.items() if k != name}


@pytest.mark.parametrize("key", WITH_ANSWERS)
def test_every_form_refuses_a_wrong_answer_naming_the_field(client, setup, now, key):
    practitioner, case = setup
    sub, form = _start(client, case, key)
    name, answers = _corrupt(form, json.loads((ANSWERS / f"{key}.json").read_text()))
    sub, _ = save_draft(sub, answers, revision=sub.revision, actor=practitioner, now=now)
    response = client.post(f"/cases/{case.pk}/forms/{key}/{sub.pk}/check", data={"revision": sub.revision})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    page = form.field(name).page
    link = re.search(rf'href="/cases/{case.pk}/forms/{key}/{sub.pk}/pages/{page}#({name}[^"]*)">([^<]+)</a>', body)
    assert link, body[:3000]
    expected = {e.field: e.message for e in form.validate(form.clean(answers), today=now.date())}
    assert html.unescape(link.group(2)) == expected[link.group(1).replace("-", ".")]
    assert "is not of type" not in body and "is not valid under" not in body
    sub.reload()
    assert sub.status == "draft" and sub.answers.get(name) == answers.get(name)
