"""The demo runs every seed programme as a group, and the group pages render for the demo users."""

from __future__ import annotations

from models.case import Case, CaseSession
from models.group import Group, GroupAttendance, GroupMember
from models.user import User
from services.demo.load import DEMO_USERS, load_demo
from tests.conftest import sign_in


def _sign_in(client, email):
    from models.user import User

    account = next(a for a in DEMO_USERS if a["email"] == email)
    sign_in(client, User.objects.get(email=email), account["password"])


def test_every_seed_programme_runs_as_a_group(demo, now):
    assert "3 demo groups" in demo
    assert {g.workflow_key for g in Group.objects} == {"community_programme", "dao_pathway", "probation_cdvp"}
    assert GroupAttendance.objects.count() > 0
    assert CaseSession.objects(id__in=GroupAttendance.objects.distinct("case_session_id")).count() == \
        GroupAttendance.objects.count()
    assert GroupMember.objects(status="left", left_week=3).count() == 1
    assert "demo groups already loaded" in load_demo(now=now)


def test_the_demo_s_new_referrals_are_only_cases_not_yet_allocated(demo):
    # The men placed in (or waiting for) a group had no practitioner, so the referral inbox listed a dozen cases
    # in their programmes among the new referrals.
    members = set(GroupMember.objects.distinct("case_id"))
    assert members and all(c.allocated_to for c in Case.objects(id__in=list(members)))
    inbox = Case.objects(status="open", kind="perpetrator", allocated_to="", on_waiting_list=False)
    assert {c.state for c in inbox} <= {"received", "consultation", "referred", "acknowledged"}


def test_the_demo_s_reports_count_the_men_placed_as_the_product_would(demo, now):
    from services.reports.figures import get_reports

    auditor = User.objects.get(email="auditor@demo.pathway")
    reports = get_reports(actor=auditor, now=now)
    # The waiting list at the end of the last month shown is the list now: every man on it was counted joining.
    assert reports["waiting_history"][-1]["waiting"] == reports["waiting"]["count"] > 0
    # A man the demo placed in a group has reached the pathway's accepted and started stages.
    in_group = {c.workflow_key for c in Case.objects(id__in=GroupMember.objects.distinct("case_id"))}
    for row in reports["funnel"]:
        if row["key"] in in_group:
            assert row["accepted"] > 0 and row["started"] > 0, row


def test_demo_group_pages_render(demo, client):
    _sign_in(client, "manager@demo.pathway")
    for group in Group.objects:
        page = client.get(f"/groups/{group.pk}")
        assert page.status_code == 200, page.get_data(as_text=True)[:1000]
    assert client.get("/groups").status_code == 200
    assert client.get("/groups/reports").status_code == 200
    assert client.get("/manager/waiting-list").status_code == 200
    _sign_in(client, "cofacilitator@demo.pathway")
    assert "My groups" in client.get("/groups/mine").get_data(as_text=True)
    _sign_in(client, "partner@demo.pathway")
    assert client.get("/groups/partner-contacts").status_code == 200
