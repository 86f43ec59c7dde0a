"""The JSON API and Word downloads: same access rules as the pages, nothing confidential to the wrong people."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from models.audit import AuditEntry
from services.audit.chain import inbox
from services.audit.oversight import who_has_seen
from services.submissions.filling import save_draft, start_submission, submit_submission
from tests.conftest import sign_in

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"
SECRET = "She is staying at her sister's flat above the bakery"


def submit(case, key, actor, now, **overrides):
    sub = start_submission(case, key, actor=actor, now=now)
    data = {**json.loads((ANSWERS / f"{key}.json").read_text()), **overrides}
    sub, _ = save_draft(sub, data, revision=sub.revision, actor=actor, now=now)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=now)


@pytest.fixture
def setup(make_case, make_user, now):
    practitioner = make_user(roles=["practitioner"], team="north")
    manager = make_user(roles=["manager"], team="north")
    case = make_case(state="risk_assessment", allocated_to=practitioner, actor=manager,
                     person={"name": "Dan Example"})
    sara = submit(case, "sara", practitioner, now)
    confidential_field = "confidential_information"
    secret = submit(case, "risk_assessment_confidential", practitioner, now, **{confidential_field: SECRET})
    return {"case": case, "practitioner": practitioner, "manager": manager, "sara": sara, "secret": secret}


def test_case_api_lists_visible_cases_only(client, setup, make_user):
    sign_in(client, setup["practitioner"])
    body = client.get("/api/v1/cases").json
    assert [c["reference"] for c in body["cases"]] == [setup["case"].reference]
    detail = client.get(f"/api/v1/cases/{setup['case'].pk}").json
    assert detail["case"]["state"] == "risk_assessment"
    assert any(t["name"] == "further_work_needed" for t in detail["transitions"])
    assert SECRET not in json.dumps(detail)


def test_other_team_gets_403_and_referrer_gets_403_from_case_api(client, setup, make_user):
    sign_in(client, make_user(roles=["practitioner"], team="south"))
    assert client.get(f"/api/v1/cases/{setup['case'].pk}").status_code == 403
    client.post("/sign-out")
    sign_in(client, make_user(roles=["referrer"], team=""))
    response = client.get(f"/api/v1/cases/{setup['case'].pk}")
    assert response.status_code == 403 and response.is_json


def test_a_call_without_a_signed_in_user_is_a_json_401(client, setup, app):
    for path in ("/api/v1/cases", f"/api/v1/cases/{setup['case'].pk}"):
        response = client.get(path)
        assert response.status_code == 401 and response.is_json and response.json["error"]["status"] == 401
    sign_in(client, setup["practitioner"])
    assert client.get("/api/v1/cases").status_code == 200
    setup["practitioner"].update(set__active=False)  # deactivated: the very next call is refused
    response = client.get("/api/v1/cases")
    assert response.status_code == 401 and response.is_json
    assert client.get("/cases").status_code == 302  # a page still sends its visitor to sign in


def test_fire_through_the_api_validates_inputs(client, setup):
    sign_in(client, setup["manager"])
    bad = client.post(f"/api/v1/cases/{setup['case'].pk}/steps/suspend_intervention", json={"event": True})
    assert bad.status_code == 422
    assert any(p["field"] == "reason" for p in bad.json["error"]["problems"])
    ok = client.post(f"/api/v1/cases/{setup['case'].pk}/steps/suspend_intervention",
                     json={"event": True, "inputs": {"reason": "Risk escalated by police"}})
    assert ok.status_code == 200
    malformed = client.post(f"/api/v1/cases/{setup['case'].pk}/steps/x", json={"inputs": "nope"})
    assert malformed.status_code == 422
    for body in ("[]", "null", "{oops"):
        refused = client.post(f"/api/v1/cases/{setup['case'].pk}/steps/suspend_intervention", data=body,
                              content_type="application/json")
        assert refused.status_code == 422 and refused.is_json, body


def test_word_copy_of_a_standard_form(client, setup):
    sign_in(client, setup["practitioner"])
    view = client.get(f"/cases/{setup['case'].pk}/submissions/{setup['sara'].pk}").get_data(as_text=True)
    assert f"/cases/{setup['case'].pk}/submissions/{setup['sara'].pk}.docx" in view
    response = client.get(f"/cases/{setup['case'].pk}/submissions/{setup['sara'].pk}.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    # Named as people read it, the form by its title rather than its key.
    assert f'filename="{setup["case"].reference} Spousal Assault Risk Assessment' in response.headers[
        "Content-Disposition"] and "-sara-" not in response.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert setup["case"].reference in text and "CONFIDENTIAL" not in text
    assert "{{" not in text and "{%" not in text


def test_word_copy_of_a_confidential_form_is_labelled_and_audited(client, setup):
    sign_in(client, setup["practitioner"])
    response = client.get(f"/cases/{setup['case'].pk}/submissions/{setup['secret'].pk}.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "CONFIDENTIAL INFORMATION – NOT TO BE DISCLOSED TO PERPETRATOR" in text and SECRET in text
    assert AuditEntry.objects(action="confidential.read", target_id=str(setup["secret"].pk)).count() >= 1


def test_confidential_word_copy_refused_to_team_practitioner_not_allocated(client, setup, make_user):
    sign_in(client, make_user(roles=["practitioner"], team="north"))
    response = client.get(f"/cases/{setup['case'].pk}/submissions/{setup['secret'].pk}.docx")
    assert response.status_code in (403, 404)
    assert SECRET.encode() not in response.data


def test_api_steps_check_who_an_input_names_as_the_pages_do(client, make_case, make_user):
    manager = make_user(roles=["manager"], team="north")
    make_user(roles=["practitioner"], team="north")  # someone with room, so the step is open
    elsewhere = make_user(roles=["practitioner"], team="south")
    case = make_case(state="accepted", actor=manager, person={"name": "Dan Example"})
    sign_in(client, manager)
    refused = client.post(f"/api/v1/cases/{case.pk}/steps/allocate", json={"inputs": {"assignee": str(elsewhere.pk)}})
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert [(p["field"], p["message"]) for p in refused.json["error"]["problems"]] == [
        ("assignee", "Choose one of the people listed")]
    gone = client.post(f"/api/v1/cases/{case.pk}/steps/close", json={"inputs": {}})
    assert gone.status_code == 409 and gone.is_json  # a step of its pathway, not open from this state


def test_reading_a_case_through_the_api_is_audited_as_the_case_page_audits_it(client, setup):
    case = setup["case"]
    sign_in(client, setup["practitioner"])
    waiting = inbox().count_documents({"action": "case.read", "target_id": str(case.pk)})
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    # One durable insert into the audit inbox before the answer, as the case page writes (never the chain's turn).
    reads = list(inbox().find({"action": "case.read", "target_id": str(case.pk)}))
    assert len(reads) == waiting + 1
    assert reads[-1]["actor_id"] == str(setup["practitioner"].pk) and reads[-1]["details"] == {"what": "api case"}
    assert not AuditEntry.objects(action="case.read", target_id=str(case.pk)).count()
    assert client.get(f"/cases/{case.pk}").status_code == 200
    assert inbox().count_documents({"action": "case.read", "target_id": str(case.pk)}) == waiting + 2
    # The case's managers see both reads, the API's and the page's, once sealed into the chain.
    seen = who_has_seen(case, actor=setup["manager"])
    assert sorted(row["what"] for row in seen) == ["Opened the case (its overview)",
                                                   "Opened the case (through the API)"]
    assert AuditEntry.objects(action="case.read", target_id=str(case.pk)).count() == 2
