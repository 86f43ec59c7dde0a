"""Who has seen this record, alerts on reads outside the usual workers, and break-the-glass access."""

from __future__ import annotations

import pytest

from models.audit import AuditEntry
from models.case import Case
from models.notification import Notification
from services.audit.chain import inbox
from services.partner import records as partner_service
from tests.conftest import sign_in
from tests.http.test_case_pages import make_people, refer, text, walk


@pytest.fixture
def people(synced, make_team, make_user):
    found = make_people(make_team, make_user)
    found["south_manager"] = make_user(roles=["manager"], team="south", name="Sue Southmanager")
    return found


@pytest.fixture
def linked(people, now):
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    partner_case = Case.objects.get(parent_case_id=case.pk)
    partner_case = partner_service.take_partner_action(
        partner_case, "allocate", {"assignee": str(people["partner_worker"].pk)}, event=False,
        actor=people["manager"], now=now)
    return case, partner_case


def test_the_manager_sees_who_has_read_the_partner_record(client, people, linked):
    _case, partner_case = linked
    sign_in(client, people["partner_worker"])
    client.get(f"/partner/cases/{partner_case.pk}/details")
    sign_in(client, people["manager"])
    assert "Who has seen this record" in text(client.get(f"/partner/cases/{partner_case.pk}"))
    page = text(client.get(f"/cases/{partner_case.pk}/seen"))
    assert "Pat Partner" in page and "the partner’s details" in page and "Morgan Manager" in page
    sign_in(client, people["practitioner"])
    assert client.get(f"/cases/{partner_case.pk}/seen").status_code == 404


def test_case_reads_are_listed_for_the_case(client, people, linked):
    case, _ = linked
    sign_in(client, people["colleague"])
    client.get(f"/cases/{case.pk}")
    sign_in(client, people["manager"])
    page = text(client.get(f"/cases/{case.pk}/seen"))
    assert "Colin Colleague" in page and "Opened the case" in page


def test_another_teams_manager_must_state_a_reason_and_the_owning_manager_is_told(client, people, linked):
    _case, partner_case = linked
    sign_in(client, people["south_manager"])
    refused = client.get(f"/cases/{partner_case.pk}")
    assert refused.status_code == 403 and f"/cases/{partner_case.pk}/break-glass" in text(refused)
    assert client.get(f"/partner/cases/{partner_case.pk}").status_code in (403, 404)
    short = client.post(f"/cases/{partner_case.pk}/break-glass", data={"reason": "need it"})
    assert short.status_code == 422 and "Say why" in text(short)
    reason = "MARAC meeting this afternoon: checking the latest contact with the victim"
    response = client.post(f"/cases/{partner_case.pk}/break-glass", data={"reason": reason})
    assert response.status_code == 302
    assert client.get(f"/partner/cases/{partner_case.pk}").status_code == 200
    entry = AuditEntry.objects(action="break_glass", target_id=str(partner_case.pk)).get()
    assert entry.details["reason"] == reason and entry.actor_id == str(people["south_manager"].pk)
    told = Notification.objects(user_id=str(people["manager"].pk), template="oversight")
    assert any(reason in note.body for note in told)
    assert any("not one of its usual workers" in note.body for note in told)
    sign_in(client, people["manager"])
    page = text(client.get(f"/cases/{partner_case.pk}/seen"))
    assert "break-the-glass" in page and reason in page and "govuk-tag--red" in page


def test_break_the_glass_is_not_offered_to_practitioners_or_referrers(client, people, linked):
    _case, partner_case = linked
    for who in ("outsider", "referrer"):
        sign_in(client, people[who])
        assert client.get(f"/cases/{partner_case.pk}/break-glass").status_code == 404
        assert client.post(f"/cases/{partner_case.pk}/break-glass",
                           data={"reason": "x" * 40}).status_code == 404


def test_every_read_of_a_partner_record_is_chained_at_once_and_listed(client, people, linked):
    _case, partner_case = linked
    record = str(partner_case.pk)
    sign_in(client, people["partner_worker"])
    pages = ((f"/partner/cases/{record}", "contact log"), (f"/partner/cases/{record}/details", "partner details"),
             (f"/api/v1/cases/{record}", "api case"), (f"/cases/{record}", "cases.case_page"))
    for path, what in pages:
        assert client.get(path).status_code in (200, 302), path  # the case page sends it on to the partner page
        # Victim information is on the chain before the page is shown: the read's link is the newest.
        entry = AuditEntry.objects(action="confidential.read", target_id=record).order_by("-seq").first()
        assert (entry.target_type, entry.details["what"], entry.actor_id) == ("case", what,
                                                                              str(people["partner_worker"].pk))
    # None waits in the audit inbox, whose tamper evidence is weaker until it is sealed.
    assert not inbox().count_documents({"target_id": record})
    sign_in(client, people["manager"])
    page = text(client.get(f"/cases/{record}/seen"))
    words = {"contact log": "the contact log", "partner details": "the partner’s details", "api case":
             "through the API", "cases.case_page": "its overview"}  # the page read, in words
    for _path, what in pages:
        assert f"Read the partner record ({words[what]})" in page
