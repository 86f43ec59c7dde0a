"""Case history in Welsh: what the service wrote is said in the reader's language; the stored label stays English."""

from __future__ import annotations

import html

import pytest

from models.case import Case, CaseEvent
from models.user import User
from services.submissions.definitions import compiled_form, get_form
from tests.conftest import sign_in
from tests.http.test_case_pages import make_people, refer, walk


@pytest.fixture
def people(synced, make_team, make_user):
    found = make_people(make_team, make_user)
    User.objects(pk__in=[u.pk for u in found.values()]).update(set__language="cy")
    return {key: User.objects.get(pk=user.pk) for key, user in found.items()}


def history_page(client, case) -> str:
    response = client.get(f"/cases/{case.pk}/history")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_new_entries_are_in_welsh_and_stored_in_english(client, people, now):
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    stored = {e.label for e in CaseEvent.objects(case_id=case.pk)}
    assert {"Referral started", "Referral sent", "Partner-support record opened"} <= stored
    opened = CaseEvent.objects(case_id=case.pk, kind="created").first()
    assert opened.label == "Referral started" and opened.label_key == "Referral started"
    sign_in(client, people["practitioner"])
    body = history_page(client, case)
    assert "Atgyfeiriad wedi’i ddechrau" in body and "Cofnod cymorth i bartner wedi’i agor" in body
    assert "Referral started" not in body and "Partner-support record opened" not in body
    started = CaseEvent.objects(case_id=case.pk, kind="deadline").first()
    assert started is not None and ": started, " in started.label and started.label_key
    assert ": wedi dechrau, " in body and ": started, " not in body


def test_an_old_entry_without_a_message_shows_its_stored_label(client, people, now):
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    CaseEvent(case_id=case.pk, at=now, actor_name="Pathway", kind="note", name="old",
              label="Something recorded long ago").save()
    sign_in(client, people["practitioner"])
    assert "Something recorded long ago" in history_page(client, case)


def test_an_assignment_names_the_worker_in_welsh(client, people, now):
    from services.partner import records as partner_service
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    partner_case = partner_service.take_partner_action(
        Case.objects.get(parent_case_id=case.pk), "allocate", {"assignee": str(people["partner_worker"].pk)},
        event=False, actor=people["manager"], now=now)
    entries = CaseEvent.objects(case_id=partner_case.pk)
    assert all(e.label for e in entries)
    assigned = [e for e in entries if e.name == "assigned"]
    if assigned:  # allocation by the pathway step, or by the assign service
        assert assigned[0].label.startswith("Assigned to ")


def test_the_referral_form_names_questions_in_welsh_in_its_errors(synced):
    form = compiled_form(get_form("request_for_service"), "cy")
    problems = form.validate({}, today=__import__("datetime").date(2026, 12, 2), language="cy")
    text = " ".join(p.message for p in problems)
    assert "enw’r person a atgyfeiriwyd" in text
    assert "the name of the person referred" not in text


def test_notifications_are_said_in_the_readers_language(client, people, now):
    from models.notification import Notification
    from services.partner import records as partner_service
    User.objects(pk=people["partner_worker"].pk).update(set__language="en")
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    partner_case = Case.objects.get(parent_case_id=case.pk)
    partner_service.assign_partner_worker(partner_case, assignee_id=str(people["partner_worker"].pk),
                                          actor=people["manager"], now=now)
    told = Notification.objects(user_id=str(people["partner_worker"].pk)).order_by("-created_at").first()
    assert told.subject.startswith("Partner-support record ")  # stored as the English reader got it
    User.objects(pk=people["partner_worker"].pk).update(set__language="cy")
    sign_in(client, User.objects.get(pk=people["partner_worker"].pk))
    body = html.unescape(client.get("/notifications").get_data(as_text=True))
    assert "wedi’i neilltuo i chi" in body or "neilltuo" in body
    assert "is assigned to you" not in body


def test_messages_of_the_table_are_said_again_in_the_readers_language(client, people, now):
    from models.notification import Notification
    User.objects(pk=people["referrer"].pk).update(set__language="en")
    walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    told = list(Notification.objects(user_id=str(people["referrer"].pk)))
    english = [n.subject for n in told if (n.message or {}).get("table") and n.template == "dao_referral_acknowledged"]
    assert english and english[0].startswith("Referral ")
    User.objects(pk=people["referrer"].pk).update(set__language="cy")
    sign_in(client, User.objects.get(pk=people["referrer"].pk))
    body = html.unescape(client.get("/notifications").get_data(as_text=True))
    assert "wedi’i gydnabod" in body and english[0] not in body


def test_the_form_preview_checks_answers_in_welsh(client, make_user, synced):
    admin = make_user(roles=["admin"], team="")
    User.objects(pk=admin.pk).update_one(set__language="cy")
    sign_in(client, User.objects.get(pk=admin.pk))
    tried = client.post("/admin/forms/request_for_service/preview", data={})
    body = html.unescape(tried.get_data(as_text=True))
    assert tried.status_code == 422
    assert "enw’r person a atgyfeiriwyd" in body and "the name of the person referred" not in body
