"""Every group page of the demo passes axe-core (WCAG 2.2 AA, serious and critical) in headless Chromium."""

from __future__ import annotations

import pytest

from clock import utcnow
from models.group import Group, GroupMember, GroupSession
from services.demo.load import DEMO_USERS, load_demo
from tests.browser_fixtures import assert_accessible, new_tab, sign_in_browser

pytestmark = pytest.mark.browser


def _password(email: str) -> str:
    return next(a["password"] for a in DEMO_USERS if a["email"] == email)


def _tab(browser, base_url, email):
    tab = new_tab(browser, base_url)
    tab.console_errors = []
    tab.on("pageerror", lambda exc: tab.console_errors.append(str(exc)))
    sign_in_browser(tab, email, _password(email))
    tab.wait_for_load_state()
    return tab


def test_group_pages_are_accessible(app, browser, live_server):
    load_demo(now=utcnow())
    rolling = Group.objects.get(workflow_key="community_programme")
    member = GroupMember.objects(group_id=rolling.pk, status="active").first()
    left = GroupMember.objects.get(group_id=rolling.pk, status="left")
    future = GroupSession.objects(group_id=rolling.pk, recorded_at=None, date__gt=utcnow().date()).first()
    page = _tab(browser, live_server, "manager@demo.pathway")
    paths = ["/groups", "/groups/new", "/groups/reports", f"/groups/{rolling.pk}",
             f"/groups/{rolling.pk}/members/{member.pk}/move", f"/groups/{rolling.pk}/rejoin/{left.case_id}",
             f"/groups/{rolling.pk}/sessions/{future.pk}/move", f"/groups/{rolling.pk}/members/{member.pk}/catch-up",
             f"/groups/{rolling.pk}/intake"]
    for group in Group.objects:
        paths.append(f"/groups/{group.pk}")
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page)
    page.goto(f"/groups/{rolling.pk}/sessions/{future.pk}/move")
    page.get_by_role("button", name="Move session").click()  # nothing chosen: the errors are accessible too
    assert_accessible(page)
    assert not page.console_errors
    for email, path in (("partner@demo.pathway", "/groups/partner-contacts"),
                        ("cofacilitator@demo.pathway", "/groups/mine")):
        tab = _tab(browser, live_server, email)
        assert tab.goto(path).status == 200
        assert_accessible(tab)
        assert not tab.console_errors
