"""Notifications: the message table, who `to` means on a case, links, reading."""

from __future__ import annotations

import re
import string
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from errors import NotFound
from models.notification import Notification
from services.notifications import send as svc
from services.notifications.unread import unread_count
from tests.services.deadlines.test_deadlines import make_case

NOW = datetime(2026, 11, 24, 10)
WORKFLOWS = Path(__file__).resolve().parents[3] / "workflows"


def test_every_template_a_workflow_names_has_a_message():
    from workflows import load_file

    used = set()
    for path in WORKFLOWS.glob("*.yaml"):
        own = set(load_file(path).messages)
        used |= set(re.findall(r"template:\s*([a-z][a-z0-9_]*)", path.read_text(encoding="utf-8"))) - own
    assert used, "the workflow files name no general templates"
    assert sorted(used - set(svc.messages())) == []


@pytest.mark.parametrize("key", sorted(svc.messages()))
def test_messages_use_only_known_placeholders(key):
    entry = svc.messages()[key]
    assert entry["kind"] in ("info", "task", "risk", "reminder", "missed", "escalation")
    for text in (entry["subject"], entry["body"]):
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        assert names <= set(svc.PLACEHOLDERS), (key, names)
    assert "{reference}" in entry["subject"] + entry["body"]


@pytest.fixture
def people(make_user):
    return {
        "practitioner": make_user(roles=["practitioner"]),
        "colleague": make_user(roles=["practitioner"]),
        "manager": make_user(roles=["manager"]),
        "south_manager": make_user(roles=["manager"], team="south"),
        "worker": make_user(roles=["partner_worker"]),
        "spare_worker": make_user(roles=["partner_worker"]),
        "referrer": make_user(roles=["referrer"], team=""),
    }


@pytest.mark.parametrize("to, expected", [
    ("allocated", ["practitioner"]),
    ("manager", ["manager"]),
    ("referrer", ["referrer"]),
    ("partner_worker", ["worker", "spare_worker"]),  # nobody assigned yet: the team's partner workers
    ("practitioner", ["practitioner", "colleague"]),  # a plain role means the team's members with it
    (["allocated", "manager", "allocated"], ["practitioner", "manager"]),
])
def test_who_to_means(app, people, to, expected):
    case = make_case(allocated_to=people["practitioner"], referrer=people["referrer"])
    sent = svc.notify_case(case, to=to, template="case_allocated", now=NOW)
    assert sorted(n.user_id for n in sent) == sorted(str(people[k].pk) for k in expected)


def test_actor_and_inactive_users_are_not_told(app, people):
    case = make_case(allocated_to=people["practitioner"])
    people["manager"].active = False
    people["manager"].save()
    assert svc.notify_case(case, to=["allocated", "manager"], template="risk_escalation", now=NOW,
                           actor=people["practitioner"]) == []


def test_links_and_partner_cases(app, people):
    case = make_case(allocated_to=people["practitioner"], referrer=people["referrer"])
    partner = make_case(kind="partner", parent=case, allocated_to=people["worker"],
                        referrer=people["referrer"])
    sent = svc.notify_case(case, to=["allocated", "referrer", "partner_worker"],
                           template="dao_session_concern", now=NOW)
    links = {n.user_id: n.link for n in sent}
    assert links == {str(people["practitioner"].pk): f"/cases/{case.pk}",
                     str(people["referrer"].pk): f"/referrals/{case.pk}",
                     str(people["worker"].pk): f"/partner/cases/{partner.pk}"}
    # Nothing about a partner (victim) case ever reaches a referrer.
    assert svc.notify_case(partner, to="referrer", template="case_closed", now=NOW) == []


def test_render_fills_known_placeholders_only(app):
    case = make_case()
    extra = {"form": "Risk\nassessment", "reference": "X", "name": "Darren"}
    kind, subject, body = svc.render("countersign_needed", case, extra)
    assert kind == "task" and subject == f"Countersignature needed on case {case.reference}"
    assert body == f"Risk assessment on case {case.reference} is waiting for your countersignature."
    assert svc.render("no_such_template", case)[1] == f"Update on case {case.reference}"


def test_reading_notifications(app, people):
    me, other = people["practitioner"], people["colleague"]
    for i in range(3):
        svc.notify_user(me, subject=f"S{i}", body="B", link="/x", now=NOW + timedelta(minutes=i))
    svc.notify_user(other, subject="theirs", body="B", link="/x", now=NOW)
    assert [n.subject for n in svc.list_notifications(me)] == ["S2", "S1", "S0"]
    assert unread_count(me) == 3
    note = svc.list_notifications(me)[0]
    with pytest.raises(NotFound):
        svc.mark_read(note, other)
    with pytest.raises(NotFound):
        svc.get_notification(note.pk, other)
    with pytest.raises(NotFound):
        svc.get_notification("not-an-id", me)
    svc.mark_read(note, me, now=NOW + timedelta(hours=1))
    svc.mark_read(note, me, now=NOW + timedelta(hours=2))
    assert note.read_at == NOW + timedelta(hours=1) and unread_count(me) == 2
    assert svc.mark_all_read(me, now=NOW) == 2 and unread_count(me) == 0
    assert unread_count(other) == 1
    assert Notification.objects(user_id=str(me.pk), emailed=True).count() == 0
