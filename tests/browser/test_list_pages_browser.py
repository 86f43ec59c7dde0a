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


def test_pages_fit_a_narrow_screen_and_wide_tables_scroll_in_their_own_region(page, synced, make_team, make_user):
    make_team(key="north")
    manager = make_user(roles=["manager"], team="north", name="Morgan Manager")
    seed_team(30, workers=[make_user(roles=["practitioner"], team="north")])
    page.set_viewport_size({"width": 320, "height": 800})  # WCAG 1.4.10: no sideways scrolling of the page at 320
    sign_in_browser(page, manager.email, DEFAULT_PASSWORD)
    page.wait_for_load_state()
    for path in ("/cases?status=all", "/manager/referrals", "/manager/waiting-list", "/manager/team", "/reports/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        boxes = page.locator(".pathway-table-scroll")
        assert boxes.count() == page.locator("table.govuk-table").count() > 0, path
        for box in boxes.all():
            wide = box.evaluate("(box) => box.scrollWidth > box.clientWidth + 1")
            named = box.evaluate(
                "(box) => (document.getElementById(box.getAttribute('aria-labelledby')) || {}).textContent")
            assert (box.get_attribute("role"), box.get_attribute("tabindex"), bool(named)) == (
                ("region", "0", True) if wide else (None, None, False)), path
            # The edge with more table beyond it is shaded: a sign that the table goes on sideways.
            assert "radial-gradient" in box.evaluate("(box) => getComputedStyle(box).backgroundImage"), path
        assert_accessible(page)  # among others, a region that scrolls can be reached from the keyboard

    page.goto("/manager/waiting-list")
    region = page.get_by_role("region", name=re.compile(r"\d+ cases? waiting"))
    region.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(region).to_have_js_property("scrollLeft", 120)  # three steps of 40 px, the browser's own
    # Wide enough again, the table is a plain box: nothing to reach that does nothing.
    page.set_viewport_size({"width": 1280, "height": 900})
    box = page.locator(".pathway-table-scroll")
    expect(box).not_to_have_attribute("role", "region")
    assert box.get_attribute("tabindex") is None and box.get_attribute("aria-labelledby") is None
    assert not page.console_errors


def test_a_form_whose_wording_has_a_long_address_fits_a_narrow_screen(page, synced, make_user):
    admin = make_user(roles=["admin"], team="")
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in_browser(page, admin.email, DEFAULT_PASSWORD)
    page.wait_for_load_state()
    page.goto("/admin/forms/screening/preview")  # its outcome names an email address: one long word
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
