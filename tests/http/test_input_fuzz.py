"""Generated hostile input on every shipped form page, every step's inputs, and the main pages' queries and ids.

No request may end in a 500; a rejected answer is reported on its own field and every other answer is kept.
Seeded (derandomised) so a run is repeatable; `bench/fuzz_inputs.py` runs the same checks for longer.
"""

from __future__ import annotations

import html
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clock import utcnow
from models.case import Case
from services.pathways.store import definition_for
from services.submissions.definition_files import FORMS_DIR
from services.submissions.filling import form_for, start_submission
from tests.conftest import sign_in
from tests.fuzz_inputs import HOSTILE, HOSTILE_TEXT, JSON_VALUE, Tally, field_values, huge_numbers

FAST = settings(derandomize=True, database=None, deadline=None, print_blob=False,
                suppress_health_check=list(HealthCheck))
SHIPPED_FORMS = sorted(p.stem for p in FORMS_DIR.glob("*.json"))
PATHWAYS = ("dao_pathway", "probation_cdvp", "community_programme")
OK = {200, 302, 303, 400, 401, 403, 404, 405, 409, 413, 422}  # 401: an API call once signed out


@pytest.fixture
def worker(synced, make_user, client):
    """A manager and practitioner of the north team, signed in."""
    user = make_user(roles=["manager", "practitioner"], team="north")
    sign_in(client, user)
    return user


def _page_checks(client, case, sub, form, page, tally: Tally, examples: int) -> None:
    url = f"/cases/{case.pk}/forms/{sub.form_key}/{sub.pk}/pages/{page.key}"

    @settings(FAST, max_examples=examples)
    @given(st.data())
    def post(data):
        posted: dict[str, list[str]] = {}
        for spec in page.fields:
            posted.update(field_values(spec, data.draw))
        current = type(sub).objects.get(pk=sub.pk)
        if current.status != "draft":
            return
        before = dict(current.answers or {})
        body = {k: v for k, v in posted.items()} | {"revision": [str(current.revision)], "action": ["continue"]}
        response = client.post(url, data=body)
        tally.saw(response, f"{sub.form_key}/{page.key}", inputs=len(posted))
        assert response.status_code in OK, (response.status_code, sub.form_key, page.key, posted)
        stored = type(sub).objects.get(pk=sub.pk).answers or {}
        # Every answer the engine could read is kept, the wrong ones too; answers on other pages are untouched.
        names = {f.name for f in page.fields}
        expected = form.clean({k: v for k, v in before.items() if k not in names} | form.parse_form(posted,
                                                                                                  page=page.key))
        assert stored == expected, (sub.form_key, page.key)
        problems = form.validate(stored, today=_today(), page=page.key)
        text = html.unescape(response.get_data(as_text=True))
        for problem in problems:
            assert problem.message in text, (sub.form_key, page.key, problem)
        shown = form.shown(stored)
        for path in huge_numbers(page.fields, posted):
            if path.split(".", 1)[0] in shown:
                assert response.status_code == 422 and any(
                    p.field == path and "between" in p.message for p in problems), (sub.form_key, path)

    post()


def _today():

    return utcnow().date()


def test_every_shipped_form_page_keeps_answers_and_reports_each_rejected_one(client, worker, make_case, now):
    from models.case import Case

    tally = Tally()
    make_case(workflow_key="dao_pathway", allocated_to=worker, actor=worker)  # the shipped forms and pathways
    # A bare case outside any pathway, so every shipped form may start on it (a pathway offers only its own).
    case = Case(reference="FUZZ-2026-00001", workflow_key="fuzz_forms", workflow_version=1, status="open",
                team="north", allocated_to=str(worker.pk), created_at=now).save()
    pages = 0
    for key in SHIPPED_FORMS:
        sub = start_submission(case, key, actor=worker, now=now)
        form = form_for(sub)
        for page in form.pages:
            pages += 1
            _page_checks(client, case, sub, form, page, tally, examples=4)
    assert len(SHIPPED_FORMS) >= 20 and pages >= len(SHIPPED_FORMS)
    assert tally.errors == []
    assert tally.inputs >= 2_500, tally  # fails if generation shrinks


def _steps(definition):
    return [s for s in (*definition.transitions.values(), *definition.events.values()) if s.inputs]


def _fuzz_step(client, case, step, tally: Tally) -> None:
    kind = "transitions" if step.kind == "transition" else "events"
    page = f"/cases/{case.pk}/{kind}/{step.name}"
    api = f"/api/v1/cases/{case.pk}/steps/{step.name}"
    source = step.sources[0] if step.sources else case.state

    @settings(FAST, max_examples=5)
    @given(st.fixed_dictionaries({s.name: HOSTILE_TEXT for s in step.inputs}),
           st.fixed_dictionaries({s.name: JSON_VALUE for s in step.inputs}))
    def fire(form_values, json_values):
        Case.objects(pk=case.pk).update_one(set__state=source, set__status="open")
        response = client.post(page, data=form_values)
        tally.saw(response, page, inputs=len(form_values))
        assert response.status_code in OK, (page, form_values)
        Case.objects(pk=case.pk).update_one(set__state=source, set__status="open")
        body = json.dumps({"inputs": json_values, "event": step.kind == "event"})
        response = client.post(api, data=body, content_type="application/json")
        tally.saw(response, api, inputs=len(json_values))
        assert response.status_code in OK and response.is_json, (api, body[:300])
        if response.status_code == 422:
            fields = {p["field"] for p in response.get_json()["error"].get("problems", [])}
            assert fields <= {s.name for s in step.inputs} | {"inputs", "event", "_schema"}, fields

    fire()


def test_step_inputs_on_pages_and_api_never_end_in_500(client, worker, make_case):
    tally = Tally()
    steps = 0
    for pathway in PATHWAYS:
        case = make_case(workflow_key=pathway, allocated_to=worker, actor=worker)
        for step in _steps(definition_for(case)):
            steps += 1
            _fuzz_step(client, case, step, tally)
    assert steps >= 10
    assert tally.errors == []
    assert tally.inputs >= 500, tally


BAD_IDS = ["not-an-id", "0" * 24, "f" * 23, "ffffffffffffffffffffffffz", "%00", "²", "a" * 300]
DEEP = "[" * 100_000 + "]" * 100_000


def test_query_strings_ids_and_bodies_of_the_main_routes_never_end_in_500(app, client, worker, make_case,
                                                                         make_user):
    tally = Tally()
    case = make_case(workflow_key="dao_pathway", allocated_to=worker, actor=worker)
    admin = _admin(client, worker)
    routes = sorted({r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and "static" not in r.rule})

    @settings(FAST, max_examples=200)
    @given(st.sampled_from(routes), st.sampled_from([*BAD_IDS, str(case.pk), str(admin.pk)]),
           st.dictionaries(st.sampled_from(["limit", "page", "from", "to", "q", "text", "role", "status", "next",
                                            "action", "who", "team", "sort"]),
                           st.one_of(HOSTILE_TEXT.filter(lambda t: len(t) < 5000), st.sampled_from(
                               ["abc", "1e3", "-5", "9999-12-31", "0000-00-00", "/x\nSet-Cookie: a=b"])),
                           max_size=3))
    def get(rule, oid, query):
        path = _fill(rule, oid)
        response = client.get(path, query_string=query)
        tally.saw(response, f"{rule} {query}", inputs=1 + len(query))
        assert response.status_code in OK, (path, query)

    get()
    # A fresh practitioner for the API: the fuzzed routes above may have ended or redirected the admin's session.
    client = app.test_client()
    sign_in(client, make_user(roles=["practitioner"], team="north"))
    for limit in ("abc", "1e3", "-5", str(2**64), "²"):
        response = client.get("/api/v1/cases", query_string={"limit": limit})
        tally.saw(response, limit)
        assert response.status_code in (200, 422) and response.is_json, limit
    for body in (DEEP, '{"inputs": {"next_steps": "call \\ud800 soon"}}', "{" * 50, "\x00"):
        response = client.post(f"/api/v1/cases/{case.pk}/steps/acknowledge", data=body,
                               content_type="application/json")
        tally.saw(response, body[:20])
        assert response.status_code in (400, 403, 422) and response.is_json, body[:20]
    assert tally.errors == []
    assert tally.inputs >= 400, tally


def _admin(client, worker):
    from models.user import User

    User.objects(pk=worker.pk).update_one(add_to_set__roles="admin")
    return worker


def _fill(rule: str, value: str) -> str:
    import re

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: value, rule)


def test_sign_in_next_with_control_characters_is_ignored(client, make_user):
    user = make_user()
    for target in ("/cases\nSet-Cookie: x=1", "/\t/evil.example", "//evil.example", "https://evil.example",
                   "/cases\r\n", *HOSTILE[:10]):
        response = client.post("/sign-in", query_string={"next": target},
                               data={"email": user.email, "password": "correct-horse-battery"})
        assert response.status_code == 302, target
        assert response.headers["Location"] in ("/", "http://localhost/"), (target, response.headers["Location"])
        client.post("/sign-out")
