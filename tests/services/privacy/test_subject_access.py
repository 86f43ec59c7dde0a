"""Subject access: his bundle never holds confidential or third-party information; hers holds her own record only."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

import pytest
from docx import Document

from errors import Conflict, InvalidInput, NotAllowed, NotFound
from models.audit import AuditEntry
from models.case import Case, CaseEvent
from models.deadline import Deadline
from models.form import ConfidentialSubmission, Submission
from services.cases.sessions import record_session
from services.partner import records as partner_service
from services.privacy import subject_access as sar
from tests.pathway_steps import fill, fire

HIM, HER = "Quillon Farthingale", "Ysolde Brackenridge"
HIS_OWN = "He says he wants to be a better father to his daughter."
THIRD_PARTY = "Police report: the neighbour heard screaming on 3 March."
CONFIDENTIAL = "She disclosed that he checked her phone every night."
HER_NOTE = "She has moved to a refuge in another county."
SESSION_NOTE = "He was angry about the court hearing."


@pytest.fixture
def team(synced, make_team, make_user):
    make_team(key="north")
    return {"manager": make_user(roles=["manager"], team="north"),
            "practitioner": make_user(roles=["practitioner"], team="north"),
            "partner_worker": make_user(roles=["partner_worker"], team="north")}


@pytest.fixture
def cases(team, make_case, now):
    manager, practitioner, worker = team["manager"], team["practitioner"], team["partner_worker"]
    case = make_case(workflow_key="community_programme", actor=manager, person={"name": HIM},
                     children=[{"name": "Hazel Farthingale"}])
    fill(case, "community_referral", manager, now, {"client_name": HIM, "why_attend": HIS_OWN,
                                                    "current_family": THIRD_PARTY})
    case = fire(case, "book_assessment", manager, now, assessor=str(practitioner.pk),
                appointment_date=(now + timedelta(days=7)).date().isoformat())
    fill(case, "risk_assessment", practitioner, now)
    fill(case, "risk_assessment_confidential", practitioner, now, {"confidential_information": CONFIDENTIAL})
    case = fire(case, "record_assessment", practitioner, now, assessed_risk="medium")
    record_session(case, {"date": now.date().isoformat(), "session_type": "individual", "attendance": "attended",
                          "notes": SESSION_NOTE}, actor=practitioner, now=now)
    partner = Case.objects(parent_case_id=case.pk).first()
    partner = fire(partner, "allocate", manager, now, assignee=str(worker.pk))
    partner_service.update_partner_details(partner, {"name": HER}, actor=worker, now=now)
    partner.reload()
    fill(partner, "risk_assessment_confidential", worker, now,
         {"parent_name": HIM, "confidential_information": CONFIDENTIAL})
    partner_service.record_partner_contact(partner, {"date": now.date().isoformat(), "method": "phone",
                                                     "outcome": "spoke", "notes": HER_NOTE}, actor=worker, now=now)
    # His record was opened in October: a request received since then may be logged on it.
    Case.objects(pk=case.pk).update_one(set__created_at=datetime(2026, 10, 1, 9))
    case.reload()
    return case, partner


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def released(request, actor, now):
    word, kind, name = sar.release_file(request.pk, "docx", actor=actor, now=now)
    data, _, _ = sar.release_file(request.pk, "json", actor=actor, now=now)
    assert kind.endswith("wordprocessingml.document") and name.endswith(".docx")
    return docx_text(word), data.decode("utf-8")


def log(case, actor, now, **overrides):
    data = {"requested_by": "The person themselves", "identity_check": "photo_id",
            "received_on": now.date().isoformat(), **overrides}
    return sar.log_request(case.pk, data, actor=actor, now=now)


def test_his_bundle_leaves_out_confidential_and_third_party_information(team, cases, now):
    case, _ = cases
    # What must be left out is really there to leave out.
    assert Submission.objects.get(case_id=case.pk, form_key="community_referral").answers["current_family"] \
        == THIRD_PARTY
    assert ConfidentialSubmission.objects(case_id=case.pk).count() == 1
    assert CaseEvent.objects(case_id=case.pk, name="partner_contacted").count() == 1
    request = log(case, team["practitioner"], now)
    with pytest.raises(NotAllowed, match="approve"):
        sar.release_file(request.pk, "docx", actor=team["manager"], now=now)
    preview = sar.preview_file(request.pk, actor=team["manager"], now=now)
    session_item = preview["sessions"][0]["id"]
    # His case and each session in words, as his case shows them: never their stored codes.
    assert preview["case"]["status"] == "Open" and preview["case"]["outcome"] == ""
    assert (preview["sessions"][0]["type"], preview["sessions"][0]["attendance"]) == ("One-to-one session",
                                                                                      "Attended")
    sar.approve_release(request.pk, withhold=[session_item], reason="Mentions court proceedings",
                        actor=team["manager"], now=now)
    word, data = released(request, team["manager"], now)
    for text in (word, data):
        assert HIM in text and HIS_OWN in text
        for secret in (THIRD_PARTY, CONFIDENTIAL, HER_NOTE, HER, "Hazel", SESSION_NOTE,
                       "Record contact with the partner"):
            assert secret not in text, secret
    assert "confidential record" in word and "third-party information" in word
    # A repeated question's entries read as the form writes them, one to a line, never as data.
    assert "{'" not in word and "Responsibility" in word
    parsed = json.loads(data)
    recorded = {r["field"] for r in parsed["recorded"]}
    assert "assessed_risk" in recorded and "assessment_date" in recorded
    # Named and answered as the steps that recorded them ask, never by their keys and codes.
    said = {r["label"]: r["text"] for r in parsed["recorded"]}
    assert said["Risk of further violence"] == "Medium" and "Date of the appointment" in said
    appointment = date.fromisoformat(case.reload().fields["assessment_date"])
    assert said["Date of the appointment"] == f"{appointment.day} {appointment:%B} {appointment.year}"
    assert "last_partner_contact" not in recorded and "last_partner_contact" in case.reload().fields
    assert parsed["subject"] == "perpetrator" and {f["form"] for f in parsed["forms"]} == {"community_referral",
                                                                                            "risk_assessment"}
    assert AuditEntry.objects(action="sar.released", target_id=str(request.pk)).count() == 2


def test_her_export_holds_her_own_record_without_his_information(team, cases, now):
    _, partner = cases
    request = log(partner, team["partner_worker"], now)
    sar.approve_release(request.pk, withhold=[], reason="", actor=team["manager"], now=now)
    word, data = released(request, team["manager"], now)
    for text in (word, data):
        assert HER in text and HER_NOTE in text and CONFIDENTIAL in text
        for secret in (HIM, HIS_OWN, THIRD_PARTY, SESSION_NOTE):
            assert secret not in text, secret


def test_the_request_starts_a_one_calendar_month_deadline_met_on_release(team, cases, now):
    case, _ = cases
    request = log(case, team["manager"], now, received_on="2026-10-31")
    assert request.due_on == date(2026, 11, 30)
    deadline = Deadline.objects.get(case_id=case.pk, key="subject_access")
    assert deadline.due_at.date() == date(2026, 11, 30) and deadline.role == "manager"
    assert str(team["manager"].pk) in deadline.owner_ids and deadline.reminders
    sar.approve_release(request.pk, withhold=[], reason="", actor=team["manager"], now=now)
    with pytest.raises(Conflict):
        sar.approve_release(request.pk, withhold=[], reason="", actor=team["manager"], now=now)
    sar.release_file(request.pk, "json", actor=team["manager"], now=now)
    deadline.reload()
    assert deadline.status == "met"


def test_each_request_has_its_own_month_and_a_second_waits_for_the_first_to_be_answered(team, cases, now):
    case, _ = cases
    manager = team["manager"]
    first = log(case, manager, now, received_on="2026-11-02")
    with pytest.raises(InvalidInput) as caught:
        log(case, manager, now, received_on="2026-11-20", requested_by="His solicitor")
    assert [p.message for p in caught.value.problems] == [
        "A request received on 2 November 2026 is still open on this record: answer it before logging another"]
    assert sar.SubjectAccessRequest.objects(case_id=case.pk).count() == 1
    sar.approve_release(first.pk, withhold=[], reason="", actor=manager, now=now)
    with pytest.raises(InvalidInput):  # approved but not yet released: still open
        log(case, manager, now, received_on="2026-11-20")
    sar.release_file(first.pk, "json", actor=manager, now=now)
    second = log(case, manager, now, received_on="2026-11-20", requested_by="His solicitor")
    deadlines = Deadline.objects(case_id=case.pk, key="subject_access").order_by("due_at")
    assert [(d.status, d.due_at.date()) for d in deadlines] == [("met", date(2026, 12, 2)),
                                                                ("open", date(2026, 12, 20))]
    assert second.due_on == date(2026, 12, 20)


def test_a_request_cannot_be_received_before_its_record_was_opened_and_a_blank_date_is_asked_for(team, cases, now):
    case, _ = cases
    with pytest.raises(InvalidInput) as caught:
        log(case, team["manager"], now, received_on="2026-09-30")
    assert [p.message for p in caught.value.problems] == [
        "The date the request was received must be on or after 1 October 2026, when this record was opened"]
    with pytest.raises(InvalidInput) as caught:
        sar.log_request(case.pk, {"requested_by": "Him", "identity_check": "photo_id", "received_on-day": " ",
                                  "received_on-month": "", "received_on-year": ""}, actor=team["manager"], now=now)
    assert [p.message for p in caught.value.problems] == ["Enter the date the request was received"]
    assert log(case, team["manager"], now, received_on="2026-10-01").received_on == date(2026, 10, 1)


def test_a_request_names_who_asked_how_identity_was_checked_and_when(team, cases, now):
    case, _ = cases
    with pytest.raises(InvalidInput) as caught:
        sar.log_request(case.pk, {"requested_by": "", "identity_check": "", "received_on": "2026-02-30"},
                        actor=team["manager"], now=now)
    assert {p.field for p in caught.value.problems} == {"requested_by", "identity_check", "received_on"}
    with pytest.raises(InvalidInput):
        log(case, team["manager"], now, received_on=(now.date() + timedelta(days=1)).isoformat())
    request = log(case, team["manager"], now)
    with pytest.raises(InvalidInput):
        sar.approve_release(request.pk, withhold=["history:x"], reason=" ", actor=team["manager"], now=now)


def test_only_a_manager_of_the_team_reviews_and_releases(team, cases, make_user, now):
    case, _ = cases
    request = log(case, team["practitioner"], now)
    for outsider in (team["practitioner"], make_user(roles=["manager"], team="south")):
        with pytest.raises(NotFound):
            sar.preview_file(request.pk, actor=outsider, now=now)
        with pytest.raises(NotFound):
            sar.approve_release(request.pk, withhold=[], reason="", actor=outsider, now=now)


def test_managers_are_reminded_before_the_month_runs_out(app, team, cases, now):
    from models.notification import Notification
    from services.deadlines.reminders import sweep_reminders

    case, _ = cases
    log(case, team["practitioner"], now, received_on="2026-11-20")
    sweep_reminders(now=now + timedelta(days=17), settings=app.config)  # 10 days before 20 December
    reminded = Notification.objects(user_id=str(team["manager"].pk), kind="reminder")
    assert [n.subject for n in reminded] == [f"Reminder: Answer the subject access request due 20 December 2026 – "
                                             f"case {case.reference}"]


def test_a_correction_of_a_confidential_answer_stays_out_of_his_file(team, cases, now):
    from models.form import ConfidentialSubmission
    from services.privacy.rectification import correct_answer, list_corrections

    case, _ = cases
    secret = ConfidentialSubmission.objects.get(case_id=case.pk)
    correct_answer(secret.pk, {"field": "confidential_information", "confidential_information": "Corrected words",
                               "reason": "She asked for her words to be corrected"},
                   actor=team["practitioner"], now=now)
    assert [c.original for c in list_corrections(case, actor=team["manager"])] == [CONFIDENTIAL]
    assert list_corrections(case, actor=team["manager"].__class__(roles=["auditor"], team="north")) == []
    request = log(case, team["manager"], now)
    sar.approve_release(request.pk, withhold=[], reason="", actor=team["manager"], now=now)
    word, data = released(request, team["manager"], now)
    for text in (word, data):
        assert "Corrected words" not in text and "her words" not in text and "Answer corrected" not in text


def test_what_may_have_come_from_her_side_stays_out_of_his_file(team, cases, now):
    case, _ = cases
    reason = "Her worker says he has been waiting outside the refuge."
    case = fire(case, "escalate_risk", team["practitioner"], now, event=True, reason=reason)
    assert case.fields["risk_escalated"] is True
    assert CaseEvent.objects(case_id=case.pk, name="linked_case_opened").count() == 1
    request = log(case, team["practitioner"], now)
    sar.approve_release(request.pk, withhold=[], reason="", actor=team["manager"], now=now)
    word, data = released(request, team["manager"], now)
    for text in (word, data):
        for secret in (reason, "Escalate a risk", "Partner-support record opened", "risk_escalated"):
            assert secret not in text, secret
    assert HIS_OWN in data and "history entries" in word
    # His answers read as the form wrote them: option labels and dates in words, not the stored codes.
    assert "(i) Consent to referral" in word and "17 May 1984" in word and "client_consent" not in word
