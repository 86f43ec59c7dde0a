"""Form pages: errors shown and the draft saved anyway, conflicts, repeaters, uploads, access, countersigning."""

import io
import itertools
import json
import re

import pytest

from models.audit import AuditEntry
from models.case import Case
from models.form import ConfidentialSubmission, Submission
from services.cases import hooks as case_hooks
from services.submissions.definition_files import FORMS_DIR
from services.submissions.filling import form_for, save_draft, start_submission, submit_submission
from tests.conftest import sign_in

_refs = itertools.count(1)
ANSWERS = FORMS_DIR.parent.parent / "tests" / "fixtures" / "answers"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
SCREENING = {"q1_probation_supervision": "no", "q2_recent_incident": "yes", "q3_informed_consent": "yes_fully_aware",
             "q4_recognition": "partially_contemplation"}


def make_case(practitioner, now, **overrides):
    fields = {"reference": f"DAO-2026-{next(_refs):05d}", "workflow_key": "bare_form_test", "workflow_version": 1,
              "status": "open", "team": "north", "allocated_to": str(practitioner.pk), "created_at": now}
    fields.update(overrides)
    return Case(**fields).save()


@pytest.fixture
def practitioner(app, shipped_forms, signed_in, monkeypatch):
    for name in ("form_submitted", "form_countersigned"):
        monkeypatch.setattr(case_hooks, name, lambda *a, **k: None, raising=False)
    return signed_in("practitioner")


def _draft(case, key, actor, now):
    return start_submission(case, key, actor=actor, now=now)


def _url(case, sub, tail=""):
    return f"/cases/{case.pk}/forms/{sub.form_key}/{sub.pk}{tail}"


def test_single_page_form_opens_its_page_and_long_forms_their_task_list(client, practitioner, now):
    case = make_case(practitioner, now)
    response = client.post(f"/cases/{case.pk}/forms/screening")
    assert response.status_code == 302 and "/pages/screening" in response.headers["Location"]
    response = client.post(f"/cases/{case.pk}/forms/consent")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        _url(case, Submission.objects.get(form_key="consent")))
    assert client.post(f"/cases/{case.pk}/forms/no_such_form").status_code == 404


def test_a_wrong_answer_is_shown_with_a_linked_error_and_the_draft_is_saved(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "consent", practitioner, now)
    response = client.post(_url(case, sub, "/pages/consent"), data={
        "revision": "1", "action": "draft", "consent_method": "waived_child_protection",
        "referrer_signature-full_name": "Sam Worker", "referrer_signature-date-day": "31",
        "referrer_signature-date-month": "2", "referrer_signature-date-year": "2026"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="govuk-error-summary"' in body and 'href="#referrer_signature-date"' in body
    assert 'value="Sam Worker"' in body and 'name="revision" value="2"' in body
    sub.reload()
    signature = sub.answers["referrer_signature"]
    assert signature["full_name"] == "Sam Worker" and "31" in signature["date"]  # kept as typed


def test_save_and_continue_names_missing_answers_then_moves_on(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "screening", practitioner, now)
    partial = {"revision": "1", "action": "continue", "q1_probation_supervision": "no"}
    response = client.post(_url(case, sub, "/pages/screening"), data=partial)
    assert response.status_code == 422
    assert response.get_data(as_text=True).count('href="#q') == 3
    assert Submission.objects.get(pk=sub.pk).answers == {"q1_probation_supervision": "no"}
    response = client.post(_url(case, sub, "/pages/screening"), data={"revision": "2", "action": "continue",
                                                                     **SCREENING})
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(case, sub, "/check"))


def test_save_as_draft_goes_back_to_the_task_list(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "consent", practitioner, now)
    response = client.post(_url(case, sub, "/pages/information"), data={"revision": "1", "action": "draft"})
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(case, sub))
    tasks = client.get(_url(case, sub)).get_data(as_text=True)
    assert "Completed" in tasks and "Not started" in tasks and "draft" in tasks.lower()


def test_a_stale_page_shows_both_versions_and_overwrites_nothing(client, practitioner, now, make_user):
    case = make_case(practitioner, now)
    sub = _draft(case, "screening", practitioner, now)
    manager = make_user(roles=["manager"])
    save_draft(sub, {"q1_probation_supervision": "yes"}, revision=1, page="screening", actor=manager, now=now)
    response = client.post(_url(case, sub, "/pages/screening"), data={
        "revision": "1", "action": "continue", "q1_probation_supervision": "no", "q2_recent_incident": "yes"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in body
    assert "Answers saved by the other person" in body and "Your answers" in body
    assert 'name="revision" value="2"' in body  # saving again, knowingly, is possible
    assert 'value="no" checked' in body.replace("\n", "")  # the user's own answer is still in the form
    assert Submission.objects.get(pk=sub.pk).answers == {"q1_probation_supervision": "yes"}


def test_repeater_rows_are_added_and_removed_without_javascript(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "action_plan", practitioner, now)
    repeater = next(f for f in form_for(sub).fields if f.widget == "repeater")
    child = next(c for c in repeater.children if c.widget in ("text", "textarea")).name
    url, name = _url(case, sub, f"/pages/{repeater.page}"), repeater.name

    def post(revision, action, *texts):
        data = {"revision": str(revision), "action": action}
        data.update({f"{name}-{i}-{child}": text for i, text in enumerate(texts)})
        response = client.post(url, data=data)
        assert response.status_code in (302, 422), response.get_data(as_text=True)[:500]
        return [row.get(child) for row in Submission.objects.get(pk=sub.pk).answers.get(name, [])]

    assert post(1, f"add-{name}", "first issue") == ["first issue"]
    page = client.get(url).get_data(as_text=True)
    assert "Entry 1" in page and "New entry" in page and f'value="remove-{name}-0"' in page
    assert post(2, f"add-{name}", "first issue", "second issue") == ["first issue", "second issue"]
    assert post(3, f"remove-{name}-0", "first issue", "second issue") == ["second issue"]


def _upload_consent(client, case, sub, revision, data, filename):
    return client.post(_url(case, sub, "/pages/consent"), data={
        "revision": str(revision), "action": "draft", "consent_method": "signed_form_uploaded",
        "contact_gp": "agree", "signed_form": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def test_an_upload_is_typed_by_content_and_a_disguised_program_is_refused(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "consent", practitioner, now)
    refused = _upload_consent(client, case, sub, 1, EXE, "consent.pdf")
    assert refused.status_code == 422 and 'href="#signed_form"' in refused.get_data(as_text=True)
    sub.reload()
    assert "signed_form" not in sub.answers and sub.answers["contact_gp"] == "agree"  # the rest was saved
    accepted = _upload_consent(client, case, sub, sub.revision, PNG, "consent.pdf")
    assert accepted.status_code == 302
    sub.reload()
    record = sub.answers["signed_form"]
    assert (record["content_type"], record["filename"]) == ("image/png", "consent.png")
    page = client.get(_url(case, sub, "/pages/consent")).get_data(as_text=True)
    assert "Current file: <strong>consent.png</strong>" in page
    # Saving the page again without a new file keeps the file; ticking "Remove this file" drops it.
    keep = {"revision": str(sub.revision), "action": "draft", "consent_method": "signed_form_uploaded",
            **{f"signed_form-{k}": str(v) for k, v in record.items()}}
    client.post(_url(case, sub, "/pages/consent"), data=keep)
    sub.reload()
    assert sub.answers["signed_form"]["id"] == record["id"]
    client.post(_url(case, sub, "/pages/consent"), data={**keep, "revision": str(sub.revision),
                                                        "signed_form-remove": "true"})
    sub.reload()
    assert "signed_form" not in sub.answers


def test_a_file_downloads_from_its_case_only(client, practitioner, now):
    case, other = make_case(practitioner, now), make_case(practitioner, now)
    sub = _draft(case, "consent", practitioner, now)
    _upload_consent(client, case, sub, 1, PNG, "scan.pdf")
    file_id = Submission.objects.get(pk=sub.pk).answers["signed_form"]["id"]
    response = client.get(f"/cases/{case.pk}/attachments/{file_id}")
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png" and "attachment" in response.headers["Content-Disposition"]
    assert client.get(f"/cases/{other.pk}/attachments/{file_id}").status_code == 404


def test_check_page_links_each_problem_to_its_page_and_submit_succeeds_once_fixed(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "screening", practitioner, now)
    sub, _ = save_draft(sub, {"q1_probation_supervision": "no"}, revision=1, actor=practitioner, now=now)
    response = client.post(_url(case, sub, "/check"), data={"revision": str(sub.revision)})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="{_url(case, sub, "/pages/screening")}#q2_recent_incident"' in body
    sub, _ = save_draft(sub, SCREENING, revision=sub.revision, actor=practitioner, now=now)
    assert client.post(_url(case, sub, "/check"), data={"revision": "1"}).status_code == 409  # stale
    response = client.post(_url(case, sub, "/check"), data={"revision": str(sub.revision)})
    assert response.status_code == 302
    assert client.get(_url(case, sub, "/pages/screening")).status_code == 302  # no more editing


@pytest.mark.parametrize(("roles", "team", "start", "view"), [
    (["referrer"], "", 404, 404),
    (["practitioner"], "north", 403, 200),  # a team reader: may read, may not fill
    (["manager"], "north", 302, 200),
    (["manager"], "south", 403, 403),
    (["auditor"], "", 403, 200),
])
def test_access_to_pages_follows_access_to_the_case(app, shipped_forms, client, now, make_user, monkeypatch, roles,
                                                    team, start, view):
    monkeypatch.setattr(case_hooks, "form_submitted", lambda *a, **k: None)
    owner = make_user(roles=["practitioner"])
    case = make_case(owner, now)
    sub = _draft(case, "screening", owner, now)
    sign_in(client, make_user(roles=roles, team=team))
    assert client.post(f"/cases/{case.pk}/forms/screening").status_code == start
    assert client.get(f"/cases/{case.pk}/submissions/{sub.pk}").status_code == view


def test_confidential_pages_carry_the_banner_are_audited_and_refused_to_team_readers(app, shipped_forms, client, now,
                                                                                     make_user):
    owner = make_user(roles=["practitioner"])
    case = make_case(owner, now)
    sub = _draft(case, "risk_assessment_confidential", owner, now)
    assert isinstance(sub, ConfidentialSubmission)
    sign_in(client, owner)
    page = client.get(_url(case, sub, f"/pages/{form_for(sub).pages[0].key}"))
    assert page.status_code == 200
    assert "CONFIDENTIAL – NOT TO BE DISCLOSED TO PERPETRATOR" in page.get_data(as_text=True)
    assert 'class="pathway-confidential"' in page.get_data(as_text=True)
    assert client.get(f"/cases/{case.pk}/submissions/{sub.pk}").status_code == 200
    assert AuditEntry.objects(action="confidential.read", target_id=str(sub.pk)).count() == 2
    client.post("/sign-out")
    sign_in(client, make_user(roles=["practitioner"]))
    assert client.get(f"/cases/{case.pk}/submissions/{sub.pk}").status_code == 403
    listing = client.get(f"/cases/{case.pk}/submissions").get_data(as_text=True)
    assert str(sub.pk) not in listing


def test_a_manager_countersigns_from_the_read_only_view(app, shipped_forms, client, now, make_user, monkeypatch):
    for name in ("form_submitted", "form_countersigned"):
        monkeypatch.setattr(case_hooks, name, lambda *a, **k: None, raising=False)
    owner = make_user(roles=["practitioner"])
    case = make_case(owner, now)
    sub = _draft(case, "risk_assessment", owner, now)
    sub, _ = save_draft(sub, json.loads((ANSWERS / "risk_assessment.json").read_text()), revision=1, actor=owner,
                        now=now)
    submit_submission(sub, revision=sub.revision, actor=owner, now=now)
    sign_in(client, owner)
    view = client.get(f"/cases/{case.pk}/submissions/{sub.pk}").get_data(as_text=True)
    assert "Awaiting countersignature" in view and ">Countersign</button>" not in view
    client.post("/sign-out")
    sign_in(client, make_user(roles=["manager"]))
    view = client.get(f"/cases/{case.pk}/submissions/{sub.pk}").get_data(as_text=True)
    assert ">Countersign</button>" in view
    response = client.post(f"/cases/{case.pk}/submissions/{sub.pk}/countersign", data={"comment": "Agreed"})
    assert response.status_code == 302
    sub.reload()
    assert sub.status == "countersigned"
    view = client.get(f"/cases/{case.pk}/submissions/{sub.pk}").get_data(as_text=True)
    assert "Countersigned" in view and "Agreed" in view


def test_files_upload_into_repeater_rows(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "request_for_service", practitioner, now)
    url = _url(case, sub, "/pages/attachments")

    def post(data):
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
        return Submission.objects.get(pk=sub.pk).answers.get("attachments", [])

    rows = post({"revision": "1", "action": "add-attachments", "attachments-0-document_description": "Police check",
                 "attachments-0-document": (io.BytesIO(PNG), "police-check.pdf")})
    assert [(r["document"]["filename"], r["document_description"]) for r in rows] == [("police-check.png",
                                                                                        "Police check")]
    kept = {f"attachments-0-document-{k}": str(v) for k, v in rows[0]["document"].items()}
    rows = post({"revision": "2", "action": "add-attachments", "attachments-0-document_description": "Police check",
                 **kept, "attachments-1-document": (io.BytesIO(PNG), "minutes.png"),
                 "attachments-1-document_description": "Minutes"})
    assert [r["document"]["filename"] for r in rows] == ["police-check.png", "minutes.png"]
    rows = post({"revision": "3", "action": "remove-attachments-0", "attachments-0-document_description": "Police",
                 **kept, "attachments-1-document_description": "Minutes",
                 **{f"attachments-1-document-{k}": str(v) for k, v in rows[1]["document"].items()}})
    assert [r["document"]["filename"] for r in rows] == ["minutes.png"]


def test_a_wrong_kind_of_file_in_a_repeater_row_says_so_on_that_row(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "request_for_service", practitioner, now)
    response = client.post(_url(case, sub, "/pages/attachments"), content_type="multipart/form-data", data={
        "revision": "1", "action": "continue", "attachments-0-document_description": "A web page",
        "attachments-0-document": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "evil.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "The selected file must be a" in page
    assert "Upload the document (row 1)" not in page and 'value="A web page"' in page


def _referral(referrer, now):
    """Return a referral not yet sent: it belongs to its referrer alone."""
    return Case(reference=f"DAO-2026-{next(_refs):05d}", workflow_key="dao_pathway", workflow_version=1,
                status="draft", team="north", referrer_id=str(referrer.pk), created_at=now).save()


def test_a_referrer_fills_their_own_referrals_forms_and_nothing_else(app, shipped_forms, client, now, make_user,
                                                                     monkeypatch):
    monkeypatch.setattr(case_hooks, "form_submitted", lambda *a, **k: None)
    referrer = make_user(roles=["referrer"], team="")
    sign_in(client, referrer)
    case = _referral(referrer, now)
    assert client.post(f"/cases/{case.pk}/forms/screening").status_code == 302
    assert client.post(f"/cases/{case.pk}/forms/risk_assessment").status_code == 403  # not a referral form
    assert client.post(f"/cases/{case.pk}/forms/risk_assessment_confidential").status_code == 403
    sub = Submission.objects.get(case_id=case.pk, form_key="screening")
    response = client.post(_url(case, sub, "/pages/screening"), data={"revision": "1", "action": "continue",
                                                                     **SCREENING})
    assert response.status_code == 302
    response = client.post(_url(case, sub, "/check"), data={"revision": "2"})
    assert response.status_code == 302 and "/submissions/" not in response.headers["Location"]  # back to the referral
    assert Submission.objects.get(pk=sub.pk).status == "submitted"
    Case.objects(pk=case.pk).update_one(set__status="open")  # the referral is sent
    assert client.get(f"/cases/{case.pk}/submissions/{sub.pk}").status_code == 200  # their own form, read-only
    assert client.post(f"/cases/{case.pk}/forms/consent").status_code == 403  # no more changes once sent
    someone_elses = _referral(make_user(roles=["referrer"], team=""), now)
    assert client.post(f"/cases/{someone_elses.pk}/forms/screening").status_code == 404


def test_a_wrong_file_is_listed_where_its_question_is_on_the_page_and_by_its_label(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "quality_of_life", practitioner, now)
    response = client.post(_url(case, sub, "/pages/interview"), content_type="multipart/form-data", data={
        "revision": "1", "action": "continue", "interviewer": "Priya",
        "interview_record": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "record.exe")})
    page = response.get_data(as_text=True)
    summary = page[page.index("govuk-error-summary__list"):page.index("</ul>", page.index("govuk-error-summary__list"))]
    links = re.findall(r'href="#([^"]+)"', summary)
    # The upload's problem comes last, as its question does, not first because files are stored first.
    assert response.status_code == 422 and links[-1].startswith("interview_record") and len(links) > 2
    assert links[0].startswith("offender_name")


def test_a_file_over_the_limit_is_refused_on_its_field_and_the_page_s_answers_are_kept(client, practitioner, now):
    case = make_case(practitioner, now)
    sub = _draft(case, "quality_of_life", practitioner, now)
    big = b"%PDF-1.4\n" + b"0" * (12 * 1024 * 1024)  # over the 10MB a file may be, well under what a page may send
    response = client.post(_url(case, sub, "/pages/interview"), content_type="multipart/form-data", data={
        "revision": "1", "action": "continue", "interviewer": "Priya Practitioner",
        "interview_record": (io.BytesIO(big), "record.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "The selected file must be smaller than 10MB" in page
    assert 'value="Priya Practitioner"' in page
