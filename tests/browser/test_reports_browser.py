"""Browser: the reports page draws its charts beside their tables, passes axe, and downloads a table as CSV."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from bson import ObjectId
from playwright.sync_api import expect

from clock import utcnow
from models.deadline import Deadline
from services.cases.transitions import add_history
from tests.browser_fixtures import ARTIFACTS, assert_accessible, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(synced, make_team, make_user, make_case):
    """A north manager whose team has waiting cases, a funnel, deadlines met and missed, and practitioners."""
    now = utcnow().replace(microsecond=0)
    make_team(key="north")
    manager = make_user(roles=["manager"], team="north")
    worker = make_user(roles=["practitioner"], team="north", capacity=4)
    for days, history in ((100, [("accept", "accepted"), ("add_to_waiting_list", "waiting_list")]),
                          (60, [("accept", "accepted"), ("add_to_waiting_list", "waiting_list"),
                                ("allocate_from_waiting_list", "allocated"), ("start_intervention", "intervention")]),
                          (20, [("accept", "accepted"), ("add_to_waiting_list", "waiting_list")])):
        state = history[-1][1]
        case = make_case(workflow_key="dao_pathway", team="north", state=state, referred_at=now - timedelta(days=days),
                         on_waiting_list=state == "waiting_list", waiting_since=now - timedelta(days=days - 2),
                         allocated_to=None if state == "waiting_list" else worker,
                         person={"name": "Secret Person"})
        before = ""
        for step, (name, to_state) in enumerate(history, 1):
            add_history(case, kind="transition", now=now - timedelta(days=days - step * 10), name=name,
                        from_state=before, to_state=to_state)
            before = to_state
    for days, status, late in ((70, "met", False), (40, "met", True), (10, "missed", False), (5, "met", False)):
        Deadline(case_id=ObjectId(), key="risk_management_plan", label="Risk management plan", team="north",
                 started_at=now - timedelta(days=days + 10), due_at=now - timedelta(days=days), status=status,
                 late=late, active=status == "missed").save()
    return manager


def test_the_reports_page_shows_charts_with_their_tables_and_downloads_csv(page, manager):
    sign_in_browser(page, manager.email, DEFAULT_PASSWORD)
    page.wait_for_load_state()
    page.goto("/reports/")
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    charts = page.locator("svg[role=img]")
    ids = charts.evaluate_all("nodes => nodes.map(n => n.id)")
    assert {"chart-on-time", "chart-waiting", "chart-caseload", "chart-funnel-dao_pathway"} <= set(ids)
    for chart_id in ids:
        chart = page.locator(f"#{chart_id}")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 60, (chart_id, box)
        assert chart.locator("title").text_content().strip()
        assert chart.locator("desc").text_content().strip()
        # The same numbers as a table: the next table after the chart (or before it, for the funnel), each in
        # the box it scrolls in on a narrow screen.
        assert page.locator(f"#{chart_id} ~ .pathway-table-scroll > table, "
                            f"figure:has(#{chart_id}) ~ .pathway-table-scroll > table, "
                            f".pathway-table-scroll:has(~ figure #{chart_id}) > table").count() >= 1, chart_id
    assert page.locator("#chart-caseload").get_by_text("1 of 4").count() == 1
    assert page.locator("#chart-waiting circle").count() == 13  # one point per month of the 12-month period
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reports-page.png"), full_page=True)
    for chart_id in ids:
        page.locator(f"#{chart_id}").screenshot(path=str(ARTIFACTS / f"{chart_id}.png"))
    assert_accessible(page)
    assert "Secret Person" not in page.content()

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download CSV of deadlines met on time", exact=True).click()
    download = caught.value
    assert download.suggested_filename.startswith("report-timeliness-north-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["Deadline,Came due,Met on time,Met late,Open and overdue,On time (%)",
                                 "Risk management plan,4,2,1,1,50"]
    assert not page.console_errors
