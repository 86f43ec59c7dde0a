"""Browser: a manager pages through the waiting list and the referrals and downloads them, checked with axe."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import assert_accessible, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD
from tests.services.triage.test_manager_list_queries import seed_team

pytestmark = pytest.mark.browser


def test_a_manager_pages_through_the_waiting_list_and_downloads_it(page, synced, make_team, make_user):
    make_team(key="north")
    manager = make_user(roles=["manager"], team="north", name="Morgan Manager")
    seed_team(130, workers=[make_user(roles=["practitioner"], team="north")])
    sign_in_browser(page, manager.email, DEFAULT_PASSWORD)
    page.wait_for_load_state()

    page.goto("/manager/waiting-list")
    expect(page.get_by_role("heading", name="Waiting list")).to_be_visible()
    expect(page.get_by_text("Showing 1 to 50 of 65")).to_be_visible()
    assert_accessible(page)
    pages = page.get_by_role("navigation", name="Pages of the waiting list")
    pages.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r".*/manager/waiting-list\?page=2$"))
    expect(page.get_by_text("Showing 51 to 65 of 65")).to_be_visible()
    assert page.locator("tbody tr").count() == 15
    assert page.locator("tbody tr td").first.text_content().strip() == "51"  # positions go on across pages
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV file of the waiting list").click()
    download = info.value
    assert re.fullmatch(r"waiting-list-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Position", "Reference", "Name"] and len(rows) == 66
    assert [int(r[0]) for r in rows[1:]] == list(range(1, 66))

    page.goto("/manager/referrals")
    nav = page.get_by_role("navigation", name="Pages of referrals")
    nav.get_by_role("link", name="Page 2").click()
    page.wait_for_url(re.compile(r".*/manager/referrals\?page=2$"))
    expect(page.get_by_text("Showing 51 to 65 of 65")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (XLSX) file of referrals").click()
    with zipfile.ZipFile(info.value.path()) as book:
        assert "xl/worksheets/sheet1.xml" in book.namelist()
    assert not page.console_errors
