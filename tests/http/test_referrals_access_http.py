"""A referrer sees their own referrals' statuses only: no assessment, nothing confidential, nobody else's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.cases.sessions import record_session
from services.cases.transitions import fire_transition
from services.referrals import portal as referrals
from services.submissions.filling import save_draft, start_submission, submit_submission
from tests.conftest import sign_in

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"
# Text that only the team may read, each put somewhere on the referral's case.
SECRETS = {
    "confidential record": "SECRET-7731 she is staying at her sister's flat above the bakery",
    "risk assessment": "ASSESSMENT-4409 controlling behaviour escalated after separation",
    "session notes": "SESSION-2290 he minimised the incident at the school gate",
    "risk escalation": "ESCALATION-5518 new threats reported by the school",
    "acceptance notes": "PURPOSE-6120 internal note on the work",
}


REFERRAL_FORMS = ("request_for_service", "screening", "consent")


def fill(case, key, actor, now, overrides=None, submit=True):
    sub = start_submission(case, key, actor=actor, now=now)
    data = {**json.loads((ANSWERS / f"{key}.json").read_text()), **(overrides or {})}
    sub, _ = save_draft(sub, data, revision=sub.revision, actor=actor, now=now)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=now) if submit else sub


@pytest.fixture
def world(synced, make_team, make_user, now):
    """Return the people and a referral worked well into its assessment, with secrets on its case."""
    make_team(key="north")
    people = {
        "referrer": make_user(roles=["referrer"], team="", name="Sam Referrer"),
        "other_referrer": make_user(roles=["referrer"], team="", name="Olu Other"),
        "manager": make_user(roles=["manager"], team="north"),
        "practitioner": make_user(roles=["practitioner"], team="north"),
        "partner_worker": make_user(roles=["partner_worker"], team="north"),
        "auditor": make_user(roles=["auditor"], team=""),
    }
    referrer, m, p = people["referrer"], people["manager"], people["practitioner"]
    case = referrals.start_referral(workflow_key="dao_pathway", actor=referrer, now=now)
    for key in ("request_for_service", "screening", "consent"):
        fill(case, key, referrer, now)
    case = referrals.submit_referral(case, actor=referrer, now=now)

    def fire(name, actor, event=False, **inputs):
        return fire_transition(case, name, inputs, actor=actor, now=now, event=event)

    fire("acknowledge", m)
    fire("arrange_consultation", m, consultation_date=now.date().isoformat())
    fire("accept", m, notes=SECRETS["acceptance notes"])
    fire("allocate", m, assignee=str(p.pk))
    fire("begin_assessment", p, first_meeting=now.date().isoformat())
    fill(case, "risk_assessment_confidential", p, now, {"confidential_information": SECRETS["confidential record"]})
    fill(case, "risk_assessment", p, now, {"sources_of_information": SECRETS["risk assessment"]})
    record_session(case, {"date": now.date().isoformat(), "session_type": "assessment", "attendance": "attended",
                          "notes": SECRETS["session notes"]}, actor=p, now=now)
    fire("escalate_risk", p, event=True, reason=SECRETS["risk escalation"])
    draft = referrals.start_referral(workflow_key="dao_pathway", actor=referrer, now=now)
    fill(draft, "screening", referrer, now)
    return people, case.reload(), draft


def referrer_urls(case, draft) -> list[str]:
    """Return every page of the referrer's portal about these two referrals."""
    return [
        "/referrals/", "/referrals/new", f"/referrals/{case.pk}", f"/referrals/{case.pk}/sent",
        f"/referrals/{case.pk}/information", f"/referrals/{case.pk}/tasks", f"/referrals/{case.pk}/check",
        f"/referrals/{draft.pk}", f"/referrals/{draft.pk}/tasks", f"/referrals/{draft.pk}/check",
        f"/referrals/{draft.pk}/sent", f"/referrals/{draft.pk}/forms/screening/change",
    ]


def test_no_referrer_page_shows_anything_the_team_keeps(client, world):
    people, case, draft = world
    sign_in(client, people["referrer"])
    seen = []
    for url in referrer_urls(case, draft)[:-1] + ["/notifications"]:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        seen.append((url, response.get_data(as_text=True)))
    status_page = dict(seen)[f"/referrals/{case.pk}"]
    assert "Allocated" in status_page and "Work in progress" in status_page and case.reference in status_page
    for url, body in seen:
        for where, secret in SECRETS.items():
            assert secret.split()[0] not in body, f"{where} shown on {url}"
        assert "CONFIDENTIAL" not in body and "Risk of serious harm" not in body, url


def test_the_referrer_cannot_open_the_case_or_its_forms(client, world):
    people, case, _ = world
    sign_in(client, people["referrer"])
    from models.form import ConfidentialSubmission, Submission

    subs = list(Submission.objects(case_id=case.pk)) + list(ConfidentialSubmission.objects(case_id=case.pk))
    assert len(subs) >= 5
    for sub in subs:
        response = client.get(f"/cases/{case.pk}/submissions/{sub.pk}")
        # The referrer may read back the parts of the referral they wrote themselves, and nothing else.
        expected = (200,) if sub.form_key in REFERRAL_FORMS else (403, 404)
        assert response.status_code in expected, sub.form_key
        assert not any(s.split()[0] in response.get_data(as_text=True) for s in SECRETS.values())
    for url in (f"/cases/{case.pk}", f"/manager/referrals/{case.pk}"):
        assert client.get(url).status_code in (403, 404), url
    listing = client.get(f"/cases/{case.pk}/submissions")
    body = listing.get_data(as_text=True)
    assert listing.status_code in (200, 403, 404)
    assert not any(s.split()[0] in body for s in SECRETS.values())
    assert not any(sub.form_key not in REFERRAL_FORMS and str(sub.pk) in body for sub in subs)


def test_another_referrer_gets_not_found_for_every_url(client, world):
    people, case, draft = world
    sign_in(client, people["other_referrer"])
    for url in referrer_urls(case, draft)[2:]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert case.reference not in response.get_data(as_text=True)
    for url in (f"/referrals/{case.pk}/information", f"/referrals/{draft.pk}/check"):
        assert client.post(url, data={"information": "x", "duplicate_confirmed": "yes"}).status_code == 404
    assert case.reference not in client.get("/referrals/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["manager", "practitioner", "partner_worker", "auditor"])
def test_staff_are_refused_the_referrers_pages(client, world, role):
    people, case, draft = world
    sign_in(client, people[role])
    for url in referrer_urls(case, draft):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("bad", ["not-an-id", "0123456789abcdef01234567"])
def test_a_malformed_or_unknown_referral_is_not_found(client, world, bad):
    people, _, _ = world
    sign_in(client, people["referrer"])
    for url in (f"/referrals/{bad}", f"/referrals/{bad}/tasks", f"/referrals/{bad}/information"):
        assert client.get(url).status_code == 404
