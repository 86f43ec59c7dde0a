"""A double click, a repeated request or two people at once: each action takes effect once."""

from __future__ import annotations

import re
import threading

import pytest

from models.case import Case, CaseEvent, CaseSession
from models.notification import Notification
from services.referrals import portal as referrals
from tests.conftest import sign_in
from tests.pathway_steps import accepted, filled_referral, fire, north_team


@pytest.fixture
def team(synced, make_team, make_user):
    return north_team(make_team, make_user)


def allocated_case(team, now):
    return fire(accepted(team, now), "allocate", team["manager"], now, assignee=str(team["practitioner"].pk))


def session_form(key: str) -> dict:
    return {"session_type": "individual", "attendance": "unacceptable_absence", "date-day": "20",
            "date-month": "11", "date-year": "2026", "_once": key}


def test_every_post_form_carries_a_fresh_key(app, client, team, now):
    case = allocated_case(team, now)
    sign_in(client, team["practitioner"])
    body = client.get(f"/cases/{case.pk}/sessions/new").get_data(as_text=True)
    keys = re.findall(r'name="_once" value="([0-9a-f]{32})"', body)
    assert keys and len(set(keys)) == len(keys) == len(re.findall(r"<form[^>]*method=\"post\"", body, re.I))
    again = client.get(f"/cases/{case.pk}/sessions/new").get_data(as_text=True)
    assert not set(keys) & set(re.findall(r'name="_once" value="([0-9a-f]{32})"', again))


def test_a_double_click_records_one_session(app, client, team, now):
    case = allocated_case(team, now)
    sign_in(client, team["practitioner"])
    first = client.post(f"/cases/{case.pk}/sessions/new", data=session_form("a" * 32))
    second = client.post(f"/cases/{case.pk}/sessions/new", data=session_form("a" * 32))
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]  # the repeat lands where the first did
    assert CaseSession.objects(case_id=case.pk).count() == 1
    assert CaseEvent.objects(case_id=case.pk, kind="session").count() == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already done" in page
    third = client.post(f"/cases/{case.pk}/sessions/new", data=session_form("b" * 32))  # a new form: a new session
    assert third.status_code == 302 and CaseSession.objects(case_id=case.pk).count() == 2


def test_the_already_done_message_is_in_the_reader_s_language(app, client, team, now):
    case = allocated_case(team, now)
    sign_in(client, team["practitioner"])
    client.get(f"/language/cy?next=/cases/{case.pk}")
    client.post(f"/cases/{case.pk}/sessions/new", data=session_form("c" * 32))
    second = client.post(f"/cases/{case.pk}/sessions/new", data=session_form("c" * 32))
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already done" not in page and "Roedd hynny eisoes wedi’i wneud" in page


def test_the_same_session_sent_twice_at_the_same_moment_records_once(app, team, now):
    case = allocated_case(team, now)
    clients = [app.test_client() for _ in range(4)]
    for each in clients:
        sign_in(each, team["practitioner"])
    statuses = []
    barrier = threading.Barrier(len(clients))

    def send(each):
        barrier.wait()
        statuses.append(each.post(f"/cases/{case.pk}/sessions/new", data=session_form("c" * 32)).status_code)

    threads = [threading.Thread(target=send, args=(each,)) for each in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 303, 303, 303]
    assert CaseSession.objects(case_id=case.pk).count() == 1


def test_a_referral_sent_twice_at_once_is_sent_once(app, team, now):
    case = filled_referral(team, now)
    outcomes = []
    barrier = threading.Barrier(2)

    def send():
        mine = Case.objects.get(pk=case.pk)
        barrier.wait()
        try:
            referrals.submit_referral(mine, actor=team["referrer"], now=now)
            outcomes.append("sent")
        except Exception as exc:  # noqa: BLE001 - the loser is told it was already sent
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["NotAllowed", "sent"]
    sent = Case.objects.get(pk=case.pk)
    assert sent.reference.startswith("DAO-") and CaseEvent.objects(case_id=case.pk, kind="referred").count() == 1
    managers = [str(team["manager"].pk), str(team["manager2"].pk)]
    assert Notification.objects(case_id=case.pk, user_id__in=managers).count() == 2  # one each, not four


def test_a_form_submitted_twice_at_once_is_submitted_once(app, team, now):
    from services.submissions.filling import save_draft, start_submission, submit_submission
    from tests.pathway_steps import answers

    case = allocated_case(team, now)
    p = team["practitioner"]
    case = fire(case, "begin_assessment", p, now, first_meeting=now.date().isoformat())
    sub = start_submission(case, "risk_assessment", actor=p, now=now)
    sub, _ = save_draft(sub, answers("risk_assessment"), revision=sub.revision, actor=p, now=now)
    events_before = CaseEvent.objects(case_id=case.pk).count()
    outcomes = []
    barrier = threading.Barrier(2)

    def send():
        barrier.wait()
        try:
            submit_submission(type(sub).objects.get(pk=sub.pk), revision=sub.revision, actor=p, now=now)
            outcomes.append("submitted")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Conflict", "submitted"]
    submitted = type(sub).objects.get(pk=sub.pk)
    assert submitted.status == "submitted" and submitted.revision == sub.revision + 1
    new = [(e.kind, e.name, e.label) for e in CaseEvent.objects(case_id=case.pk).order_by("at", "id")][events_before:]
    assert new and len(new) == len(set(new))  # the submission's history and deadline entries, once each


def test_an_api_step_repeated_with_its_key_acts_once(app, client, team, now):
    case = allocated_case(team, now)
    sign_in(client, team["practitioner"])
    headers = {"Idempotency-Key": "retry-" + "d" * 20}
    body = {"inputs": {"first_meeting": now.date().isoformat()}}
    first = client.post(f"/api/v1/cases/{case.pk}/steps/begin_assessment", json=body, headers=headers)
    second = client.post(f"/api/v1/cases/{case.pk}/steps/begin_assessment", json=body, headers=headers)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert second.status_code == 409 and second.get_json()["error"]["title"] == "This was already done"
    assert CaseEvent.objects(case_id=case.pk, name="begin_assessment").count() == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"number": "-3"}, "Session number must be 1 or more"),
    ({"number": "0"}, "Session number must be 1 or more"),
    ({"number": "three"}, "Session number must be a whole number, like 3"),
    ({"number": "999"}, "Session number must be 14 or fewer: the programme has 14 sessions"),
    ({"date-day": "1", "date-month": "1", "date-year": "1899"}, "Date of the session must be in 1900 or later"),
])
def test_a_session_s_impossible_number_or_date_is_refused_saying_why(app, client, team, now, changes, message):
    case = allocated_case(team, now)
    sign_in(client, team["practitioner"])
    response = client.post(f"/cases/{case.pk}/sessions/new", data={**session_form("d" * 32), **changes})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert CaseSession.objects(case_id=case.pk).count() == 0


def _record(client, case, key: str, **changes):
    form = {**session_form(key), "session_type": "group", "attendance": "attended", "number": "3", **changes}
    return client.post(f"/cases/{case.pk}/sessions/new", data=form)


def test_a_session_number_he_has_attended_is_recorded_again_only_when_confirmed(app, client, team, now):
    case = allocated_case(team, now)
    sign_in(client, team["practitioner"])
    assert _record(client, case, "a" * 32).status_code == 302
    again = _record(client, case, "b" * 32, **{"date-day": "27", "notes": "Kept as typed"})
    page = again.get_data(as_text=True)
    assert again.status_code == 422
    assert ("Group session 3 is already recorded as attended, on 20 November 2026: change the number, or confirm "
            "that he took this session again") in page
    assert 'href="#again"' in page and 'id="again" name="again"' in page and "Kept as typed" in page
    assert CaseSession.objects(case_id=case.pk).count() == 1
    assert _record(client, case, "c" * 32, **{"date-day": "27", "again": "yes"}).status_code == 302
    assert CaseSession.objects(case_id=case.pk, number=3).count() == 2


def test_a_number_he_was_absent_for_or_of_another_type_is_not_a_repeat(app, client, team, now):
    case = allocated_case(team, now)
    sign_in(client, team["practitioner"])
    assert _record(client, case, "d" * 32, attendance="unacceptable_absence").status_code == 302
    assert _record(client, case, "e" * 32, **{"date-day": "27"}).status_code == 302  # the session he missed, taken
    assert _record(client, case, "f" * 32, **{"date-day": "27", "session_type": "individual"}).status_code == 302
    assert CaseSession.objects(case_id=case.pk).count() == 3


def test_a_step_s_page_names_the_man_beside_his_case_reference(app, client, team, now):
    case = allocated_case(team, now)
    sign_in(client, team["practitioner"])
    page = client.get(f"/cases/{case.pk}/transitions/begin_assessment").get_data(as_text=True)
    assert case.person.name
    assert f'<span class="govuk-caption-l">Case {case.reference} · {case.person.name}</span>' in page
