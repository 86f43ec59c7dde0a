"""Regression tests: staff text and other teams' cases never reach a referrer, every read of victim information
is audited once, form slots are enforced, downloads are not cached, GET never creates a draft, no self-granted
case roles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.audit import AuditEntry
from models.case import Case
from models.form import ConfidentialSubmission, Submission
from models.notification import Notification
from services.partner import records as partner_service
from services.referrals import portal as referrals
from services.submissions.filling import save_draft, start_submission, submit_submission
from services.users.admin import update_account
from tests.conftest import sign_in
from tests.http.test_case_pages import fill, make_people, refer, text, walk

STAFF_TEXT = "STAFFNOTE-8812 written by the practitioner"


@pytest.fixture
def people(synced, make_team, make_user):
    return make_people(make_team, make_user)


def test_staff_cannot_fill_a_referrers_form_and_the_referrer_never_sees_staff_text(client, people, now):
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "allocated")
    p = people["practitioner"]
    with pytest.raises(referrals.NotAllowed):
        start_submission(case, "consent", actor=p, now=now)
    # Even a form planted in the database by other means stays with the team.
    staff = Submission(case_id=case.pk, form_key="consent", form_version=1, classification="standard",
                       status="submitted", created_at=now, created_by=str(p.pk), updated_at=now,
                       updated_by=str(p.pk), submitted_at=now, submitted_by=str(p.pk),
                       answers={"signature_name": STAFF_TEXT}).save()
    sign_in(client, people["referrer"])
    page = text(client.get(f"/referrals/{case.pk}"))
    assert STAFF_TEXT not in page and str(staff.pk) not in page
    assert client.get(f"/cases/{case.pk}/submissions/{staff.pk}").status_code == 404
    listing = client.get(f"/cases/{case.pk}/submissions")
    assert STAFF_TEXT not in text(listing) and str(staff.pk) not in text(listing)


def test_a_slot_for_a_manager_cannot_be_opened_by_the_practitioner(client, people, now):
    case = walk(refer(people, now), people, now, "risk_assessment")
    sign_in(client, people["practitioner"])
    assert client.get(f"/cases/{case.pk}/forms/risk_assessment_audit").status_code == 403
    assert client.post(f"/cases/{case.pk}/forms/risk_assessment_audit").status_code == 403
    assert not Submission.objects(form_key="risk_assessment_audit").count()
    sign_in(client, people["manager"])
    assert client.post(f"/cases/{case.pk}/forms/risk_assessment_audit").status_code == 302


def test_a_form_of_another_pathway_never_starts_on_a_case(client, people, now):
    case = walk(refer(people, now), people, now, "risk_assessment")
    sign_in(client, people["practitioner"])
    assert client.post(f"/cases/{case.pk}/forms/cdvp_statements").status_code == 403
    assert b"cdvp_statements" not in client.get(f"/cases/{case.pk}/submissions").data


def test_get_never_creates_a_draft(client, people, now):
    case = walk(refer(people, now), people, now, "risk_assessment")
    sign_in(client, people["practitioner"])
    page = client.get(f"/cases/{case.pk}/forms/sara")
    assert page.status_code == 200 and b"Start the form" in page.data
    assert not Submission.objects(case_id=case.pk, form_key="sara").count()
    assert client.post(f"/cases/{case.pk}/forms/sara").status_code == 302
    assert Submission.objects(case_id=case.pk, form_key="sara").count() == 1
    again = client.get(f"/cases/{case.pk}/forms/sara")
    assert again.status_code == 302 and Submission.objects(case_id=case.pk, form_key="sara").count() == 1


def test_the_referrer_change_link_creates_no_draft_on_get(client, people, now):
    draft = referrals.start_referral(workflow_key="dao_pathway", actor=people["referrer"], team="north", now=now)
    fill(draft, "screening", people["referrer"], now)
    sign_in(client, people["referrer"])
    assert client.get(f"/referrals/{draft.pk}/forms/screening/change").status_code == 200
    assert Submission.objects(case_id=draft.pk, form_key="screening").count() == 1


@pytest.fixture
def linked(people, now):
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    partner_case = Case.objects.get(parent_case_id=case.pk)
    partner_case = partner_service.take_partner_action(
        partner_case, "allocate", {"assignee": str(people["partner_worker"].pk)}, event=False,
        actor=people["manager"], now=now)
    return case, partner_case


@pytest.mark.parametrize("address", ["/partner/cases/{id}/details", "/cases/{id}/history", "/api/v1/cases/{id}",
                                     "/partner/cases/{id}"])
def test_every_read_of_a_partner_record_is_audited(client, people, linked, address):
    _case, partner_case = linked
    sign_in(client, people["partner_worker"])
    before = AuditEntry.objects(action="confidential.read", target_id=str(partner_case.pk)).count()
    assert client.get(address.format(id=partner_case.pk)).status_code == 200
    assert AuditEntry.objects(action="confidential.read", target_id=str(partner_case.pk)).count() > before


def test_the_partner_list_is_audited(client, people, linked):
    sign_in(client, people["partner_worker"])
    assert client.get("/partner").status_code == 200
    entry = AuditEntry.objects(action="confidential.listed").get()
    assert str(linked[1].pk) in entry.details["cases"]


def _confidential(case, people, now):
    p = people["practitioner"]
    sub = start_submission(case, "risk_assessment_confidential", actor=p, now=now)
    import json

    from tests.http.test_case_pages import ANSWERS

    sub, _ = save_draft(sub, json.loads((ANSWERS / "risk_assessment_confidential.json").read_text()),
                        revision=sub.revision, actor=p, now=now)
    return submit_submission(sub, revision=sub.revision, actor=p, now=now)


def test_opening_a_confidential_record_by_its_form_address_is_audited_once(client, people, now):
    case = walk(refer(people, now), people, now, "risk_assessment")
    sub = _confidential(case, people, now)
    sign_in(client, people["practitioner"])
    before = AuditEntry.objects(action="confidential.read").count()
    response = client.get(f"/cases/{case.pk}/forms/{sub.form_key}/{sub.pk}", follow_redirects=True)
    assert response.status_code == 200
    assert AuditEntry.objects(action="confidential.read").count() == before + 1


def test_confidential_downloads_are_not_stored_and_the_case_in_the_address_must_match(client, people, now):
    case = walk(refer(people, now), people, now, "risk_assessment")
    other = walk(refer(people, now, person_name="Oliver Other"), people, now, "risk_assessment")
    sub = _confidential(case, people, now)
    sign_in(client, people["practitioner"])
    response = client.get(f"/cases/{case.pk}/submissions/{sub.pk}.docx")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    before = AuditEntry.objects(action="confidential.read").count()
    assert client.get(f"/cases/{other.pk}/submissions/{sub.pk}.docx").status_code == 404
    assert AuditEntry.objects(action="confidential.read").count() == before
    assert ConfidentialSubmission.objects(pk=sub.pk).count() == 1


def test_the_duplicate_warning_stays_within_the_organisation_and_team(client, people, make_user, now):
    refer(people, now, person_name="Daniel Marsh", person_dob="1990-01-02")
    stranger = make_user(roles=["referrer"], team="", organisation="Another Agency")
    draft = referrals.start_referral(workflow_key="dao_pathway", actor=stranger, team="north", now=now)
    fill(draft, "request_for_service", stranger, now, {"person_name": "Daniel Marsh", "person_dob": "1990-01-02"})
    assert referrals.referral_duplicates(draft) == 0
    sign_in(client, stranger)
    assert b"There may already be an open case" not in client.get(f"/referrals/{draft.pk}/check").data
    own = referrals.start_referral(workflow_key="dao_pathway", actor=people["referrer"], team="north",
                                   now=now + timedelta(seconds=1))
    fill(own, "request_for_service", people["referrer"], now, {"person_name": "Daniel Marsh",
                                                               "person_dob": "1990-01-02"})
    assert referrals.referral_duplicates(own) == 1


def test_an_admin_cannot_grant_themselves_a_case_role_and_the_others_are_told(people, make_user, now):
    admin, other_admin = people["admin"], make_user(roles=["admin"], team="")
    with pytest.raises(referrals.NotAllowed):
        update_account(str(admin.pk), {"name": admin.name, "roles": ["admin", "manager"], "team": "north"},
                       actor=admin, now=now)
    admin.reload()
    assert admin.roles == ["admin"]
    assert AuditEntry.objects(action="user.self_grant_refused", target_id=str(admin.pk)).count() == 1
    assert Notification.objects(user_id=str(other_admin.pk)).count() == 1
    update_account(str(admin.pk), {"name": admin.name, "roles": ["admin", "manager"], "team": "north"},
                   actor=other_admin, now=now)
    granted = AuditEntry.objects(action="user.roles_granted", target_id=str(admin.pk)).get()
    assert granted.details["granted"] == ["manager"] and granted.actor_id == str(other_admin.pk)
