"""The partner-support worker's pages, and what the perpetrator's side may (not) learn of a partner case."""

from __future__ import annotations

import re

import pytest

from clock import utcnow
from models.audit import AuditEntry
from models.case import Case, CaseEvent
from models.deadline import Deadline
from models.partner import PartnerContact
from models.user import User
from services.cases.effects import apply_effects
from services.deadlines.timing import local_today
from services.deadlines.tracking import start_deadline
from services.partner import records as partner_service
from tests.command_log import LOG, count_commands
from tests.conftest import NOW, new_team, new_user, sign_in
from tests.http.test_case_pages import make_people, refer, text, walk
from tests.module_data import copy_in
from workflows.effects import Effect

NOTES = "She said he waited outside her work twice last week"
PARTNER_NAME = "Joanne Reed"


@pytest.fixture(scope="module")
def staff_snapshot(synced_builder):
    return synced_builder(lambda: {"people": make_people(new_team, new_user)})


@pytest.fixture(scope="module")
def linked_snapshot(synced_builder):
    def build():
        people = make_people(new_team, new_user)
        case, partner_case = link(people, NOW)
        return {"people": people, "linked": (case.pk, partner_case.pk)}

    return synced_builder(build)


@pytest.fixture
def people(synced, request, staff_snapshot, linked_snapshot):
    """Two teams and a user per role, with the `linked` cases when the test asks for them (each built once)."""
    return copy_in(linked_snapshot if "linked" in request.fixturenames else staff_snapshot)["people"]


def allocate_partner(partner_case, people, now):
    """Allocate the partner record to the team's partner worker, as its manager does."""
    return partner_service.take_partner_action(partner_case, "allocate",
                                               {"assignee": str(people["partner_worker"].pk)}, event=False,
                                               actor=people["manager"], now=now)


@pytest.fixture
def linked(people, linked_snapshot):
    """Return (perpetrator case in risk assessment, its partner case allocated to the partner worker)."""
    return tuple(Case.objects.get(pk=pk) for pk in linked_snapshot.result["linked"])


def link(people, now):
    """Refer a case and take it to the risk assessment; allocate its partner case and give the partner's name."""
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    partner_case = allocate_partner(Case.objects.get(parent_case_id=case.pk), people, now)
    partner_service.update_partner_details(partner_case, {"name": PARTNER_NAME}, actor=people["partner_worker"],
                                           now=now)
    return case, partner_case


def test_allocation_opens_the_partner_record_and_its_manager_allocates_it(client, people, now):
    case = walk(refer(people, now), people, now, "allocated")
    partner_case = Case.objects.get(parent_case_id=case.pk)
    assert partner_case.kind == "partner" and partner_case.state == "awaiting_allocation"
    sign_in(client, people["practitioner"])
    page = text(client.get(f"/cases/{case.pk}"))
    assert "A partner-support record is open" in page and "No partner-support worker has been allocated" in page
    assert f"/partner/cases/{partner_case.pk}" not in page
    sign_in(client, people["manager"])
    assert f"/partner/cases/{partner_case.pk}" in text(client.get(f"/cases/{case.pk}"))
    page = text(client.get(f"/partner/cases/{partner_case.pk}"))
    assert "Allocate to a partner-support worker" in page and "CONFIDENTIAL" in page
    url = f"/partner/cases/{partner_case.pk}/transitions/allocate"
    page = text(client.get(url))
    assert "Allocate the partner-support record" in page and "Pat Partner" in page
    assert client.post(url, data={"assignee": str(people["practitioner"].pk)}).status_code == 422
    # Through the case pages' address too: the step is taken by the partner pages.
    response = client.post(f"/cases/{partner_case.pk}/transitions/allocate",
                           data={"assignee": str(people["partner_worker"].pk)})
    assert response.status_code == 307
    response = client.post(response.headers["Location"], data={"assignee": str(people["partner_worker"].pk)})
    assert response.status_code == 302
    partner_case.reload()
    assert partner_case.state == "in_contact" and partner_case.allocated_to == str(people["partner_worker"].pk)
    sign_in(client, people["partner_worker"])
    listing = text(client.get("/partner"))
    assert "<h1 class=\"govuk-heading-l\">Partner cases</h1>" in listing and partner_case.reference in listing
    assert case.reference in listing


def test_partner_worker_logs_contacts_and_every_read_is_audited(client, people, linked):
    case, partner_case = linked
    sign_in(client, people["partner_worker"])
    url = f"/partner/cases/{partner_case.pk}/contacts/new"
    page = text(client.get(url))
    assert "CONFIDENTIAL – NOT TO BE DISCLOSED TO PERPETRATOR" in page and "Log a contact" in page
    response = client.post(url, data={"notes": NOTES, "method": "phone"})
    assert response.status_code == 422
    assert NOTES in text(response) and "Enter the date of the contact" in text(response)
    assert "Select the outcome of the contact" in text(response)
    response = client.post(url, data={"date-day": "31", "date-month": "12", "date-year": "1899", "method": "phone",
                                      "outcome": "spoke", "notes": NOTES})
    assert response.status_code == 422 and "Date of the contact must be in 1900 or later" in text(response)
    day = local_today(utcnow())  # neither in the future nor before the partner record was made
    response = client.post(url, data={"date-day": day.day, "date-month": day.month, "date-year": day.year,
                                      "method": "phone", "outcome": "spoke", "notes": NOTES})
    assert response.status_code == 302
    assert PartnerContact.objects.get(case_id=partner_case.pk).notes == NOTES
    reads = AuditEntry.objects(action="confidential.read", target_id=str(partner_case.pk)).count()
    page = text(client.get(f"/partner/cases/{partner_case.pk}"))
    assert NOTES in page and PARTNER_NAME in page and "Spoke with the partner" in page
    assert "CONFIDENTIAL – NOT TO BE DISCLOSED TO PERPETRATOR" in page
    assert AuditEntry.objects(action="confidential.read", target_id=str(partner_case.pk)).count() == reads + 1


def test_risk_update_reaches_the_practitioner_without_the_partners_words(client, people, linked, app_config):
    case, partner_case = linked
    sign_in(client, people["partner_worker"])
    client.post(f"/partner/cases/{partner_case.pk}/contacts/new", data={
        "date-day": "23", "date-month": "11", "date-year": "2026", "method": "phone", "outcome": "spoke",
        "notes": NOTES})
    page = text(client.get(f"/partner/cases/{partner_case.pk}"))
    assert "Pass on a risk update" in page and "Escalate a risk" in page
    assert "Record new information from the partner" not in page  # the linked case hears of it through the above
    url = f"/partner/cases/{partner_case.pk}/events/partner_risk_update"
    assert client.post(url, data={}).status_code == 422
    assert client.post(url, data={"risk_change": "increased"}).status_code == 302
    escalate = f"/partner/cases/{partner_case.pk}/linked/escalate_risk"
    assert client.post(escalate, data={"reason": NOTES}).status_code == 302
    case.reload()
    assert case.fields["partner_risk_change"] == "increased" and case.fields["risk_escalated"] is True
    assert Case.objects.get(pk=partner_case.pk).fields["partner_risk_change"] == "increased"
    on_parent = CaseEvent.objects(case_id=case.pk, name="escalate_risk").get()
    assert on_parent.comment == "" and NOTES not in str(on_parent.inputs)
    for who in ("practitioner", "colleague", "auditor"):
        sign_in(client, people[who])
        for path in ("", "/history"):
            page = text(client.get(f"/cases/{case.pk}{path}"))
            assert NOTES not in page and PARTNER_NAME not in page and "Spoke with the partner" not in page
        answer, _names = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
        page = text(answer)
        assert "A partner-support record is open" in page and "The risk has increased" in page
        # The risk updates of both records are read with the case's other records, in the one aggregate.
        assert "find case_history" not in LOG.targets, LOG.targets
        assert page.count("The risk has increased</strong>") == 1  # once, though both records hold it
        assert f"/partner/cases/{partner_case.pk}" not in page
    sign_in(client, people["manager"])
    assert f"/partner/cases/{partner_case.pk}" in text(client.get(f"/cases/{case.pk}"))


@pytest.mark.parametrize("who", ["practitioner", "colleague", "auditor", "referrer", "admin", "outsider",
                                 "south_manager", "other_partner_worker"])
def test_partner_case_is_not_found_for_everyone_else(client, people, linked, make_user, who):
    _case, partner_case = linked
    user = make_user(roles=["partner_worker"], team="north") if who == "other_partner_worker" else people[who]
    sign_in(client, user)
    for path in ("", "/contacts/new", "/details", "/linked/partner_risk_update"):
        response = client.get(f"/partner/cases/{partner_case.pk}{path}")
        assert response.status_code == 404, path
        assert PARTNER_NAME not in text(response)
    # Another team's manager and an auditor are offered break-the-glass (a stated, audited reason), nothing more.
    response = client.get(f"/cases/{partner_case.pk}")
    assert response.status_code == (403 if who in ("auditor", "south_manager") else 404)
    assert PARTNER_NAME not in text(response)
    assert client.post(f"/partner/cases/{partner_case.pk}/contacts/new", data={"outcome": "spoke"}).status_code \
        in (403, 404)
    assert not PartnerContact.objects(case_id=partner_case.pk)


def test_partner_worker_cannot_open_the_perpetrators_case(client, people, linked):
    case, partner_case = linked
    sign_in(client, people["partner_worker"])
    for path in ("", "/history", "/sessions", "/sessions/new", "/transitions/further_work_needed"):
        assert client.get(f"/cases/{case.pk}{path}").status_code == 403, path
    assert client.get("/cases").status_code == 403
    # Their own partner case is reached through /cases too (as notifications link to it).
    response = client.get(f"/cases/{partner_case.pk}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/partner/cases/{partner_case.pk}")


def test_partner_details_are_validated_and_kept(client, people, linked):
    _case, partner_case = linked
    sign_in(client, people["partner_worker"])
    url = f"/partner/cases/{partner_case.pk}/details"
    assert PARTNER_NAME in text(client.get(url))
    response = client.post(url, data={"name": "", "safe_contact": "Call after 6pm only",
                                      "date_of_birth-day": "40", "date_of_birth-month": "1",
                                      "date_of_birth-year": "1990"})
    assert response.status_code == 422
    page = text(response)
    assert "Enter the partner&#39;s name" in page and "must be a real date" in page and "Call after 6pm only" in page
    response = client.post(url, data={"name": "Jo Reed", "safe_contact": "Call after 6pm only",
                                      "date_of_birth-day": "4", "date_of_birth-month": "1",
                                      "date_of_birth-year": "1990"})
    assert response.status_code == 302
    partner_case.reload()
    assert partner_case.person.name == "Jo Reed" and partner_case.fields["safe_contact"] == "Call after 6pm only"


def test_a_contact_before_her_record_was_opened_is_refused_in_the_contact_form_s_words(client, people, linked):
    _case, partner_case = linked
    sign_in(client, people["partner_worker"])
    opened = local_today(partner_case.referred_at or partner_case.created_at)
    response = client.post(f"/partner/cases/{partner_case.pk}/contacts/new", data={
        "date-day": "1", "date-month": "1", "date-year": "2026", "method": "phone", "outcome": "spoke",
        "notes": "Kept"})
    page = text(response)
    assert response.status_code == 422 and PartnerContact.objects(case_id=partner_case.pk).count() == 0
    assert (f"Date of the contact must be on or after {opened.day} {opened:%B} {opened.year}, the day this "
            "record was opened") in page
    assert "the day the case was referred" not in page and "Kept" in page


def test_logged_contact_meets_the_first_contact_deadlines(client, people, linked, now):
    _case, partner_case = linked
    deadline = Deadline.objects.get(case_id=partner_case.pk, key="first_contact")
    sign_in(client, people["partner_worker"])
    page = text(client.get(f"/partner/cases/{partner_case.pk}"))
    assert "First contact with the partner" in page
    response = client.post(f"/partner/cases/{partner_case.pk}/contacts/new", data={
        "date-day": "24", "date-month": "11", "date-year": "2026", "method": "phone", "outcome": "no_answer"})
    assert response.status_code == 302
    assert Deadline.objects.get(pk=deadline.pk).status == "open"  # an attempt is not contact
    assert Case.objects.get(pk=partner_case.pk).fields["last_contact_attempt"] == "2026-11-24"
    client.post(f"/partner/cases/{partner_case.pk}/contacts/new", data={
        "date-day": "24", "date-month": "11", "date-year": "2026", "method": "phone", "outcome": "spoke"})
    assert Deadline.objects.get(pk=deadline.pk).status == "met"


def test_community_programme_contact_meets_the_linked_cases_deadline(client, people, now, make_case):
    case = make_case(workflow_key="community_programme", person={"name": "Gary Example"}, state="assessed",
                     allocated_to=people["practitioner"], actor=people["manager"])
    deadline = Deadline.objects.get(case_id=case.pk, key="partner_first_contact")
    # As the pathway does when he has been assessed: the partner's record opens.
    apply_effects(case, [Effect("open_linked_case", {"workflow": "partner_support", "relation": "partner"})],
                  actor=people["manager"], now=now, inputs={})
    partner_case = allocate_partner(Case.objects.get(parent_case_id=case.pk), people, now)
    sign_in(client, people["partner_worker"])
    page = text(client.get(f"/partner/cases/{partner_case.pk}"))
    assert "Your deadlines on the linked case" in page and "2 weeks after his first contact" in page
    User.objects(pk=people["partner_worker"].pk).update_one(set__language="cy")
    welsh = text(client.get(f"/partner/cases/{partner_case.pk}")).split("Eich terfynau amser ar yr achos cysylltiedig")
    assert len(welsh) == 2 and "Cysylltiad cyntaf â’r partner" in welsh[1]  # as his pathway names it in Welsh
    assert "First contact with the partner" not in welsh[1]
    User.objects(pk=people["partner_worker"].pk).update_one(set__language="en")
    # Contacts go through the contact log, which takes both records' steps: neither is offered on its own.
    assert "Log a contact" in page and "/events/record_contact" not in page
    assert "/linked/partner_contacted" not in page
    response = client.post(f"/partner/cases/{partner_case.pk}/contacts/new", data={
        "date-day": "24", "date-month": "11", "date-year": "2026", "method": "in_person", "outcome": "spoke"})
    assert response.status_code == 302
    assert Deadline.objects.get(pk=deadline.pk).status == "met"
    assert Case.objects.get(pk=case.pk).fields["last_partner_contact"] == "2026-11-24"
    assert Deadline.objects.get(case_id=partner_case.pk, key="first_contact").status == "met"


def test_the_partner_list_counts_contact_made_and_shows_the_deadlines_his_case_keeps_for_her(
        client, people, linked, now):
    case, partner_case = linked
    sign_in(client, people["partner_worker"])
    client.post(f"/partner/cases/{partner_case.pk}/contacts/new", data={
        "date-day": "24", "date-month": "11", "date-year": "2026", "method": "phone", "outcome": "no_answer"})
    row = _list_row(client, partner_case)
    assert "No contact yet" in row and "24 November 2026" not in row  # an unanswered call is not contact made
    client.post(f"/partner/cases/{partner_case.pk}/contacts/new", data={
        "date-day": "24", "date-month": "11", "date-year": "2026", "method": "phone", "outcome": "spoke"})
    assert "24 November 2026" in _list_row(client, partner_case)
    # Her record's own first-contact deadline is met: the next one is on his case, for her worker.
    assert Deadline.objects(case_id=partner_case.pk, status__in=["open", "overdue"]).count() == 0
    start_deadline(case, "tell_partner", now=now, spec={
        "key": "tell_partner", "label": "Tell the partner", "duration": {"days": 5}, "basis": "5 days",
        "role": "partner_worker"})
    row = _list_row(client, partner_case)
    assert "Tell the partner" in row and "29 November 2026" in row


def _list_row(client, partner_case) -> str:
    page = text(client.get("/partner"))
    start = page.index(f'href="/partner/cases/{partner_case.pk}"')
    return page[start:page.index("</tr>", start)]


def test_manager_reassigns_a_partner_case(client, people, linked, make_user):
    _case, partner_case = linked
    other = make_user(roles=["partner_worker"], team="north", name="Petra Second")
    sign_in(client, people["manager"])
    page = text(client.get(f"/partner/cases/{partner_case.pk}"))
    assert "Reassign to" in page and "Petra Second" in page
    response = client.post(f"/partner/cases/{partner_case.pk}/assign", data={"assignee": str(other.pk)})
    assert response.status_code == 302
    assert Case.objects.get(pk=partner_case.pk).allocated_to == str(other.pk)
    assert client.post(f"/partner/cases/{partner_case.pk}/assign",
                       data={"assignee": str(people["practitioner"].pk)}).status_code == 422
    sign_in(client, people["partner_worker"])
    assert client.get(f"/partner/cases/{partner_case.pk}").status_code == 404


def test_partner_list_filters_open_and_closed_in_the_database(client, people, linked):
    _, partner_case = linked
    link = f'href="/partner/cases/{partner_case.pk}"'
    for who in ("partner_worker", "manager"):
        sign_in(client, people[who])
        assert link in text(client.get("/partner"))
        assert link in text(client.get("/partner?status=all"))
        assert link not in text(client.get("/partner?status=closed"))
    Case.objects(pk=partner_case.pk).update_one(set__state="closed")  # closed by its pathway's state
    sign_in(client, people["partner_worker"])
    assert link not in text(client.get("/partner")) and link in text(client.get("/partner?status=closed"))
    sign_in(client, people["south_manager"])
    assert link not in text(client.get("/partner?status=all"))


def test_every_form_link_on_her_record_opens_for_its_manager(client, people, linked):
    _case, partner_case = linked
    sign_in(client, people["manager"])
    for state in ("in_contact", "awaiting_allocation"):  # a stage whose own slots hold no form too
        Case.objects(pk=partner_case.pk).update_one(set__state=state)
        page = text(client.get(f"/partner/cases/{partner_case.pk}"))
        for link in set(re.findall(rf'href="(/cases/{partner_case.pk}/forms/[^"]+)"', page)):
            assert client.post(link).status_code != 403, (state, link)  # given to her worker alone: not offered
        assert "Completed by a partner-support worker" in page, state


def test_the_linked_case_s_actions_are_offered_in_welsh(client, people, linked):
    case, partner_case = linked
    sign_in(client, people["partner_worker"])
    assert "Escalate a risk" in text(client.get(f"/partner/cases/{partner_case.pk}"))
    client.get(f"/language/cy?next=/partner/cases/{partner_case.pk}")
    page = text(client.get(f"/partner/cases/{partner_case.pk}"))
    assert "Uwchgyfeirio risg" in page and "Escalate a risk" not in page
