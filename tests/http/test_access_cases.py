"""Access rules of the case and partner pages: each role tries every URL; what it may not see is refused."""

from __future__ import annotations

import pytest

from models.case import Case, CaseSession
from models.form import ConfidentialSubmission
from models.partner import PartnerContact
from services.partner import records as partner_service
from tests.conftest import NOW, new_team, new_user, sign_in
from tests.http.test_case_pages import CONFIDENTIAL_TEXT, fill, make_people, refer, text, walk
from tests.module_data import copy_in

NOTES = "She told me he has a new car and drives past the school"
PARTNER_NAME = "Joanne Reed"
PERSON = "Daniel Marsh"
SECRETS = (CONFIDENTIAL_TEXT, NOTES, PARTNER_NAME)

# URL → the roles that may open it (GET answers 200); everyone else gets 403 or 404.
READERS = {"practitioner", "colleague", "manager", "auditor"}
WORKERS = {"practitioner", "manager"}
ALLOWED = {
    "/cases": {"practitioner", "colleague", "manager", "auditor", "outsider", "south_manager"},
    "/cases/{case}": READERS,
    "/cases/{case}/history": READERS,
    "/cases/{case}/sessions": READERS,
    "/cases/{case}/sessions/new": WORKERS,
    "/cases/{case}/events/escalate_risk": WORKERS,
    "/cases/{case}/submissions/{confidential}": WORKERS,
    "/partner": {"partner_worker", "manager", "south_manager"},
    "/partner/cases/{partner}": {"partner_worker", "manager"},
    "/partner/cases/{partner}/contacts/new": {"partner_worker", "manager"},
    "/partner/cases/{partner}/details": {"partner_worker", "manager"},
    "/partner/cases/{partner}/events/partner_risk_update": {"partner_worker"},
}
# What may be changed: URL, form data, and how to count what it would create.
POSTS = [
    ("/cases/{case}/sessions/new", {"date-day": "24", "date-month": "11", "date-year": "2026",
                                    "session_type": "individual", "attendance": "attended"},
     lambda ids: CaseSession.objects(case_id=ids["case"]).count(), WORKERS),
    ("/cases/{case}/events/escalate_risk", {"reason": "Something changed"},
     lambda ids: int(bool(Case.objects.get(pk=ids["case"]).fields.get("risk_escalated"))), WORKERS),
    ("/partner/cases/{partner}/contacts/new", {"date-day": "24", "date-month": "11", "date-year": "2026",
                                               "method": "phone", "outcome": "no_answer"},
     lambda ids: PartnerContact.objects(case_id=ids["partner"]).count(), {"partner_worker", "manager"}),
]
ROLES = ["referrer", "admin", "outsider", "south_manager", "partner_worker", "auditor", "colleague", "practitioner",
         "manager"]


@pytest.fixture(scope="module")
def world_snapshot(synced_builder):
    return synced_builder(lambda: build_world(NOW))


@pytest.fixture
def world(synced, world_snapshot):
    """A DAO case with a confidential record, and its partner case with a logged contact (built once)."""
    return copy_in(world_snapshot)


def build_world(now):
    """Make the users, a DAO case with a confidential record, and its partner case with a logged contact."""
    people = make_people(new_team, new_user)
    case = walk(refer(people, now, person_name=PERSON), people, now, "risk_assessment")
    confidential = fill(case, "risk_assessment_confidential", people["practitioner"], now)
    partner_case = partner_service.take_partner_action(
        Case.objects.get(parent_case_id=case.pk), "allocate", {"assignee": str(people["partner_worker"].pk)},
        event=False, actor=people["manager"], now=now)
    partner_service.update_partner_details(partner_case, {"name": PARTNER_NAME}, actor=people["partner_worker"],
                                           now=now)
    partner_service.record_partner_contact(partner_case, {"date": "2026-11-24", "method": "phone",
                                                          "outcome": "spoke", "notes": NOTES},
                                           actor=people["partner_worker"], now=now)
    ids = {"case": case.pk, "partner": partner_case.pk, "confidential": confidential.pk}
    return people, ids


def _leaks(body: str, role: str) -> list[str]:
    """Return the secrets a page shows that this role may not read."""
    allowed = {"manager": SECRETS, "practitioner": (CONFIDENTIAL_TEXT,), "partner_worker": (NOTES, PARTNER_NAME)}
    return [s for s in SECRETS if s in body and s not in allowed.get(role, ())]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_only_what_it_may(client, world, role):
    people, ids = world
    sign_in(client, people[role])
    wrong = []
    for pattern, allowed in ALLOWED.items():
        url = pattern.format(**ids)
        response = client.get(url)
        body = text(response)
        expected = "200" if role in allowed else "403/404"
        got = response.status_code
        if (got == 200) != (role in allowed) or got not in (200, 403, 404):
            wrong.append(f"{url}: {got}, expected {expected}")
        if got != 200 and PERSON in body:
            wrong.append(f"{url}: a refusal names the person")
        wrong += [f"{url}: shows {secret!r}" for secret in _leaks(body, role)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_changes_only_what_it_may(client, world, role):
    people, ids = world
    sign_in(client, people[role])
    for pattern, data, count, allowed in POSTS:
        before = count(ids)
        response = client.post(pattern.format(**ids), data=data)
        if role in allowed:
            assert response.status_code == 302, (pattern, response.status_code)
            assert count(ids) == before + 1
        else:
            assert response.status_code in (403, 404), (pattern, response.status_code)
            assert count(ids) == before


@pytest.mark.parametrize("role", ["referrer", "admin", "outsider", "partner_worker"])
def test_unknown_and_malformed_ids_are_not_found(client, world, role):
    people, _ids = world
    sign_in(client, people[role] if role != "outsider" else people["practitioner"])
    for url in ("/cases/not-an-id", "/cases/000000000000000000000000", "/partner/cases/zzz",
                "/partner/cases/000000000000000000000000/details", "/cases/000000000000000000000000/history"):
        assert client.get(url).status_code in (403, 404), url


def test_referrer_facing_pages_never_show_confidential_or_partner_content(client, world):
    people, ids = world
    sign_in(client, people["referrer"])
    pages = ["/", "/referrals", f"/referrals/{ids['case']}", f"/cases/{ids['case']}",
             f"/cases/{ids['case']}/submissions", f"/cases/{ids['case']}/submissions/{ids['confidential']}",
             f"/partner/cases/{ids['partner']}", "/notifications"]
    for url in pages:
        response = client.get(url, follow_redirects=True)
        assert response.status_code < 500, url
        body = text(response)
        assert not [s for s in SECRETS if s in body], url
        assert "Confidential information record" not in body and "confidential information record" not in body, url
    assert ConfidentialSubmission.objects(case_id=ids["case"]).count() == 1


def test_auditor_reads_but_never_changes(client, world):
    people, ids = world
    sign_in(client, people["auditor"])
    page = text(client.get(f"/cases/{ids['case']}"))
    assert PERSON in page and "You can read this case but not change it" in page
    assert "Record a session" not in page and "/transitions/" not in page
    assert client.get(f"/cases/{ids['case']}/transitions/further_work_needed").status_code == 403


def test_team_reading_can_be_switched_off(app, client, world):
    people, ids = world
    app.config["PRACTITIONERS_READ_TEAM_CASES"] = False
    sign_in(client, people["colleague"])
    assert client.get(f"/cases/{ids['case']}").status_code == 403
    page = text(client.get("/cases?scope=team"))
    assert "My cases" in page and PERSON not in page and "My team&#39;s cases" not in page
    assert PERSON not in text(client.get("/cases", query_string={"q": "Marsh"}))


def test_referrer_never_opens_a_case_page_even_of_their_own_draft(client, world, now):
    from services.referrals import portal as referrals

    people, _ids = world
    draft = referrals.start_referral(workflow_key="dao_pathway", actor=people["referrer"], team="north", now=now)
    sign_in(client, people["referrer"])
    for path in ("", "/history", "/sessions", "/sessions/new", "/transitions/acknowledge"):
        assert client.get(f"/cases/{draft.pk}{path}").status_code == 404, path
    sign_in(client, people["manager"])
    assert client.get(f"/cases/{draft.pk}").status_code == 404  # not sent yet: the team does not see it
