"""The tester's findings, one by one: each gives a clear error on its field or a 4xx, never a 500."""

from __future__ import annotations

import io

from models.form import Submission
from services.submissions.definition_files import FORMS_DIR
from services.submissions.filling import form_for, start_submission


def _text_page(case, user, now):
    """Return (submission, page, long field, other field): a page with two unconditional text answers."""
    for key in sorted(p.stem for p in FORMS_DIR.glob("*.json")):
        sub = start_submission(case, key, actor=user, now=now)
        for page in form_for(sub).pages:
            texts = [f for f in page.fields if f.widget in ("text", "textarea") and not f.show_when
                     and "maxLength" not in f.schema]
            if len(texts) >= 2:
                return sub, page, texts[0], texts[1]
    raise AssertionError("no shipped form has a page with two text answers")


def test_a_long_textarea_posted_as_multipart_is_a_field_error_that_keeps_the_other_answers(
        client, signed_in, make_case, now):
    user = signed_in("practitioner")
    case = make_case(allocated_to=user)
    sub, page, long_field, other = _text_page(case, user, now)
    url = f"/cases/{case.pk}/forms/{sub.form_key}/{sub.pk}/pages/{page.key}"
    response = client.post(url, content_type="multipart/form-data", data={
        long_field.name: "a" * 500_000, other.name: "kept answer", "revision": str(sub.revision), "action": "save",
        "unused-file": (io.BytesIO(b""), ""),
    })
    assert response.status_code == 422
    assert "must be 100,000 characters or fewer" in response.get_data(as_text=True)
    stored = Submission.objects.get(pk=sub.pk).answers
    assert stored[other.name] == "kept answer" and len(stored[long_field.name]) == 500_000


def test_a_bad_user_id_is_not_found_and_an_extreme_audit_date_is_a_field_error(client, signed_in):
    signed_in("admin")
    for bad in ("not-an-id", "0" * 23, "²" * 24):
        assert client.get(f"/admin/users/{bad}").status_code == 404
    response = client.get("/admin/audit", query_string={"to": "9999-12-31", "from": "0001-01-01"})
    assert response.status_code in (200, 422)
    assert "between 1900 and 2999" in response.get_data(as_text=True)


def test_api_limits_are_clear_errors_or_clamped(client, signed_in, make_case):
    user = signed_in("manager")
    for _ in range(3):
        make_case(allocated_to=user)
    for bad in ("abc", "1e3", "²", str(2**64), "-5"):
        response = client.get("/api/v1/cases", query_string={"limit": bad})
        assert response.status_code == 422 and response.get_json()["error"]["problems"][0]["field"] == "limit"
    assert len(client.get("/api/v1/cases?limit=0").get_json()["cases"]) == 1
    assert len(client.get("/api/v1/cases?limit=2").get_json()["cases"]) == 2


def test_api_bodies_nested_too_deep_are_400_and_lone_surrogates_never_reach_the_database(
        client, signed_in, make_case):
    user = signed_in("manager", "practitioner")
    case = make_case(allocated_to=user)
    url = f"/api/v1/cases/{case.pk}/steps/acknowledge"
    for depth in (40, 100_000):
        response = client.post(url, data="[" * depth + "]" * depth, content_type="application/json")
        assert response.status_code == 400 and response.is_json
    response = client.post(url, data='{"inputs": {"next_steps": "call \\ud800 soon"}, "\\udc00": 1}',
                           content_type="application/json")
    assert response.status_code != 500 and response.is_json


def test_a_session_number_in_unicode_digits_is_a_field_error(client, signed_in, make_case):
    user = signed_in("practitioner")
    case = make_case(workflow_key="probation_cdvp", allocated_to=user)
    response = client.post(f"/cases/{case.pk}/sessions/new", data={
        "date": "2026-11-20", "session_type": "group", "attendance": "attended", "number": "²"})
    assert response.status_code in (403, 422)
    if response.status_code == 422:
        assert "Session number must be a whole number" in response.get_data(as_text=True)


def test_form_builder_inputs_beyond_what_can_be_stored_are_errors_not_500s(client, signed_in):
    import json

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from models.form import FormDefinition
    from tests.fuzz_inputs import HOSTILE_TEXT

    signed_in("admin")
    assert client.post("/admin/forms/new", data={"key": "bounds", "title": "Bounds",
                                                 "classification": "standard"}).status_code == 302
    ok = {200, 302, 400, 409, 422}

    def revision():
        return str(FormDefinition.objects(key="bounds", status="draft").get().revision)

    @settings(derandomize=True, database=None, deadline=None, max_examples=60,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(["integer", "number", "text", "textarea", "scale", "radios", "file", "date"]),
           st.fixed_dictionaries({k: HOSTILE_TEXT for k in (
               "label", "name", "minimum", "maximum", "max_length", "rows", "max_megabytes", "default", "options",
               "where", "hint", "scale_min", "scale_max")}))
    def add_question(widget, data):
        response = client.post("/admin/forms/bounds/questions/new",
                               data={**data, "widget": widget, "revision": revision()})
        assert response.status_code in ok, (widget, {k: v[:40] for k, v in data.items()})

    add_question()
    deep = "[" * 5000 + "]" * 5000
    for params in (deep, '{"value": 99999999999999999999999}', '{"\\ud800": 1}'):
        response = client.post("/admin/forms/bounds/computed", data={
            "computed_key": "c", "function": "sum", "params": params, "revision": revision()})
        assert response.status_code in ok, params[:30]
    base = json.loads(client.get("/admin/forms/bounds/export").get_data(as_text=True) or "{}")
    for body in (deep.encode(), json.dumps({**base, "key": "big", "version": 2**70}).encode(),
                 b'{"key": "s", "title": "\\ud800"}'):
        response = client.post("/admin/forms/import", data={"file": (io.BytesIO(body), "f.json")},
                               content_type="multipart/form-data")
        assert response.status_code in ok, body[:30]
