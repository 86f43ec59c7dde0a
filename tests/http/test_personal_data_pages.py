"""Personal-data pages: log a subject access request, review and release it, correct a record, record an objection."""

import io
import json
import re

from docx import Document

from models.audit import AuditEntry
from models.case import CaseEvent
from models.form import Submission
from models.subject_access import SubjectAccessRequest
from tests.pathway_steps import fill

HIS_OWN = "He wants to be a better father."
FAMILY = "Partner and two children live at the farm."


def referral_case(make_case, manager, now):
    case = make_case(workflow_key="community_programme", actor=manager, person={"name": "Dan Example"})
    fill(case, "community_referral", manager, now, {"why_attend": HIS_OWN, "current_family": FAMILY})
    return case


def test_manager_logs_reviews_and_releases_a_request(client, signed_in, make_case, now):
    manager = signed_in("manager", team="north")
    case = referral_case(make_case, manager, now)
    assert "Personal data: access requests" in client.get(f"/cases/{case.pk}").get_data(as_text=True)
    url = f"/personal-data/cases/{case.pk}/subject-access"
    bad = client.post(url, data={"requested_by": "Dan Example", "received_on-day": "31", "received_on-month": "2",
                                 "received_on-year": "2026"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Select how their identity was checked" in page and "real date" in page
    assert bad.get_data(as_text=True).count("Error:") >= 1 and "Error: Error:" not in bad.get_data(as_text=True)
    assert "<title>Error: " in bad.get_data(as_text=True)
    assert 'value="Dan Example"' in page  # what was typed is kept
    ok = client.post(url, data={"requested_by": "Dan Example", "identity_check": "photo_id", "received_on-day": "25",
                                "received_on-month": "11", "received_on-year": "2026"})
    assert ok.status_code == 302
    request = SubjectAccessRequest.objects.get(case_id=case.pk)
    review = client.get(f"/personal-data/subject-access/{request.pk}").get_data(as_text=True)
    assert HIS_OWN in review and FAMILY not in review and ("answer in ‘" in review or "answers in ‘" in review)
    assert client.get(f"/personal-data/subject-access/{request.pk}/file.docx").status_code == 403  # not approved
    missing = client.post(f"/personal-data/subject-access/{request.pk}", data={"withhold": "form:x:y"})
    assert missing.status_code == 422 and "Enter why the selected items are withheld" in missing.get_data(True)
    item = next(a["id"] for f in _json_preview(request) for a in f["answers"] if a["field"] == "client_name")
    client.post(f"/personal-data/subject-access/{request.pk}", data={"withhold": item, "reason": "Checked"})
    word = client.get(f"/personal-data/subject-access/{request.pk}/file.docx")
    assert word.status_code == 200 and word.headers["Content-Disposition"].endswith(".docx")
    text = "\n".join(c.text for t in Document(io.BytesIO(word.data)).tables for r in t.rows for c in r.cells)
    assert HIS_OWN in text and FAMILY not in text
    data = json.loads(client.get(f"/personal-data/subject-access/{request.pk}/file.json").data)
    assert all(a["field"] != "client_name" for f in data["forms"] for a in f["answers"])
    assert AuditEntry.objects(action="sar.released").count() == 2
    # Every entry made while answering someone names where they were, whichever service made it.
    assert {e.client_address for e in AuditEntry.objects(action__in=["sar.logged", "sar.approved"])} == {"127.0.0.1"}


def _json_preview(request):
    return assemble_file_of(request)["forms"]


def test_only_the_teams_managers_review(client, signed_in, make_user, make_case, now):
    manager = make_user(roles=["manager"], team="north")
    case = referral_case(make_case, manager, now)
    from services.privacy.subject_access import log_request

    request = log_request(case.pk, {"requested_by": "Dan", "identity_check": "photo_id",
                                    "received_on": now.date().isoformat()}, actor=manager, now=now)
    signed_in("practitioner", team="north")
    assert client.get(f"/personal-data/subject-access/{request.pk}").status_code == 403
    assert client.get(f"/personal-data/subject-access/{request.pk}/file.json").status_code == 403
    client.post("/sign-out")
    signed_in("manager", team="south")
    assert client.get(f"/personal-data/subject-access/{request.pk}").status_code == 404


def test_a_correction_keeps_the_original_in_the_history(client, signed_in, make_case, now):
    manager = signed_in("manager", team="north")
    case = referral_case(make_case, manager, now)
    url = f"/personal-data/cases/{case.pk}/correct"
    bad = client.post(url, data={"field": "name", "value": "Daniel Example"})
    assert bad.status_code == 422 and "Enter why the record is being corrected" in bad.get_data(True)
    assert client.post(url, data={"field": "name", "value": "Daniel Example", "reason": "Name on his passport"}
                       ).status_code == 302
    event = CaseEvent.objects.get(case_id=case.pk, kind="correction")
    assert event.inputs == {"original": "Dan Example", "corrected": "Daniel Example"}
    assert event.comment == "Name on his passport" and event.actor_id == str(manager.pk)
    page = client.get(f"/personal-data/cases/{case.pk}").get_data(as_text=True)
    assert "corrected from “Dan Example” to “Daniel Example”" in page
    assert "Living Without Violence – Referral Form, submitted" in page  # by its title, not its key
    assert "Community referral, submitted" not in page

    sub = Submission.objects.get(case_id=case.pk, form_key="community_referral")
    chooser = client.get(f"/personal-data/forms/{sub.pk}/correct").get_data(as_text=True)
    assert "Which answer is wrong?" in chooser
    assert "client_hopes" in client.get(f"/personal-data/forms/{sub.pk}/correct?field=client_hopes").get_data(True)
    ok = client.post(f"/personal-data/forms/{sub.pk}/correct",
                     data={"field": "client_hopes", "client_hopes": "To keep his family safe", "reason": "Misheard"})
    assert ok.status_code == 302
    sub.reload()
    assert sub.answers["client_hopes"] == "To keep his family safe" and sub.status == "submitted"
    original = CaseEvent.objects.get(case_id=case.pk, kind="correction", name="community_referral.client_hopes")
    assert original.inputs["original"] != "To keep his family safe" and original.comment == "Misheard"


def test_an_objection_is_recorded_with_its_outcome(client, signed_in, make_case, now):
    manager = signed_in("manager", team="north")
    case = referral_case(make_case, manager, now)
    url = f"/personal-data/cases/{case.pk}/objection"
    bad = client.post(url, data={"objection": "Sharing with his GP"})
    assert bad.status_code == 422 and "Select the outcome" in bad.get_data(True)
    assert "Enter the reason for the outcome" in bad.get_data(True)
    assert client.post(url, data={"objection": "Sharing with his GP", "outcome": "upheld",
                                  "reason": "The GP is optional in his consent"}).status_code == 302
    assert CaseEvent.objects(case_id=case.pk, kind="objection").count() == 1
    assert AuditEntry.objects(action="record.objection").count() == 1


def test_a_manager_places_and_lifts_a_legal_hold_from_the_record(client, signed_in, make_case, now):
    from models.retention import LegalHold

    manager = signed_in("manager", team="north")
    case = referral_case(make_case, manager, now)
    refused = client.post(f"/personal-data/cases/{case.pk}/hold", data={"reason": ""})
    assert refused.status_code == 422 and "Enter why the records must be kept" in refused.get_data(True)
    assert client.post(f"/personal-data/cases/{case.pk}/hold", data={"reason": "Family court"}).status_code == 302
    assert "A legal hold stands" in client.get(f"/personal-data/cases/{case.pk}").get_data(as_text=True)
    client.post(f"/personal-data/cases/{case.pk}/hold", data={"decision": "lift"})
    assert LegalHold.objects.get(case_id=case.pk).lifted_by == str(manager.pk)


def test_a_welsh_manager_reviews_and_releases_the_file_in_welsh(client, signed_in, make_case, now):
    from models.user import User
    manager = signed_in("manager", team="north")
    case = referral_case(make_case, manager, now)
    client.post(f"/personal-data/cases/{case.pk}/subject-access", data={
        "requested_by": "Dan Example", "identity_check": "photo_id", "received_on-day": "25",
        "received_on-month": "11", "received_on-year": "2026"})
    request = SubjectAccessRequest.objects.get(case_id=case.pk)
    User.objects(pk=manager.pk).update_one(set__language="cy")
    review = client.get(f"/personal-data/subject-access/{request.pk}").get_data(as_text=True)
    assert "<html lang=\"cy\"" in review and "Achos wedi’i agor" in review and "Case opened" not in review
    # The forms as their Welsh pages say them: the title and each question.
    assert "Byw Heb Drais – Ffurflen Atgyfeirio" in review and "Living Without Violence" not in review
    assert "23. Pam ydych chi am i’ch cleient fynychu’r rhaglen hon?: " + HIS_OWN in review
    assert "Why do you want your client" not in review
    client.post(f"/personal-data/subject-access/{request.pk}", data={"reason": ""})
    word = client.get(f"/personal-data/subject-access/{request.pk}/file.docx")
    document = Document(io.BytesIO(word.data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    headings = [p.text for p in document.paragraphs]
    assert any(h.startswith("Byw Heb Drais – Ffurflen Atgyfeirio (Wedi’i chyflwyno)") for h in headings), headings
    # Dates in words, in Welsh: never as stored (2026-11-20).
    assert not [c for c in cells if re.match(r"\d{4}-\d{2}-\d{2}", c)], cells
    assert "Dyddiad geni" in cells and "Date of birth" not in cells and "Living Without Violence" not in str(headings)
    # Every history line in Welsh: the request's own deadline too, not its stored key.
    assert not [c for c in cells if "subject access" in c or "Answer the subject" in c], cells
    assert any("Ateb y cais" in c for c in cells), cells
    # Outside a Welsh reader's request the same file is in English.
    assert any(h["label"] == "Case opened" for h in assemble_file_of(request)["history"])
    assert assemble_file_of(request)["forms"][0]["title"] == "Living Without Violence – Referral Form"


def assemble_file_of(request):
    from models.case import Case
    from services.privacy.bundle import assemble_file

    return assemble_file(Case.objects.get(pk=request.case_id), now=request.logged_at)
