"""Reordering questions in the browser (drag and drop, the position box from the keyboard), and a grid filled as a
table on a wide and a narrow screen; axe on each page."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from forms.builder.order import order
from models.case import Case
from models.form import FormDefinition
from services.builder import drafts as builder
from tests.browser_fixtures import assert_accessible, sign_in_browser, start_form_if_asked
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
_refs = itertools.count(1)


def current_order() -> list[str]:
    return order(FormDefinition.objects(key="reorder_check", status="draft").get().definition)


@pytest.fixture
def draft(app, make_user, now):
    """A draft with two plain questions, a three-row Yes/No grid with comments and a closing question."""
    admin = make_user(roles=["admin"], team="", name="Ada Admin")
    doc = builder.create_form({"key": "reorder_check", "title": "Reorder check"}, actor=admin, now=now)
    doc = builder.add_field("reorder_check", {"widget": "text", "label": "Name", "name": "name",
                                              "where": "page_1:0"}, revision=doc.revision, actor=admin, now=now)
    doc = builder.add_field("reorder_check", {"widget": "date", "label": "Date seen", "name": "seen",
                                              "where": "page_1:0"}, revision=doc.revision, actor=admin, now=now)
    doc, _added = builder.add_questions("reorder_check", {
        "questions": "1. Injured?\n2. Frightened?\n3. Isolated?", "widget": "radios", "options": "Yes\nNo",
        "grid": "true", "comments": "true", "where": "page_1:0"}, revision=doc.revision, actor=admin, now=now)
    builder.add_field("reorder_check", {"widget": "textarea", "label": "Notes", "name": "notes",
                                        "where": "page_1:0"}, revision=doc.revision, actor=admin, now=now)
    return admin


def test_questions_move_by_drag_and_drop_and_by_keyboard_without_reloading(page, draft):
    page.set_viewport_size({"width": 1280, "height": 1200})
    sign_in_browser(page, draft.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/admin/forms")
    page.goto("/admin/forms/reorder_check")
    assert_accessible(page)
    page.evaluate("window.pageKept = true")
    announced = page.locator("#builder-announce")

    # The keyboard: type the new position in the question's box and press Enter.
    box = page.get_by_label("Position of the question Notes, 1 to 6")
    box.fill("1")
    box.press("Enter")
    expect(announced).to_have_text("“Notes” moved to position 1 of 6")
    assert current_order() == ["notes", "name", "seen", "q1_injured", "q2_frightened", "q3_isolated"]
    expect(page.locator("#notes")).to_be_focused()
    expect(page.get_by_label("Position of the question Notes, 1 to 6")).to_have_value("1")

    # Move up and Move down still work, announced the same way.
    page.get_by_role("button", name="Move down the question Notes").click()
    expect(announced).to_have_text("“Notes” moved to position 2 of 6")
    assert current_order()[:2] == ["name", "notes"]

    # Drag and drop (a mouse, with both rows on the screen): the grid's last row onto the row above it, staying
    # in its grid, its comment with it.
    handle = page.locator("#q3_isolated .pathway-drag-handle")
    handle.scroll_into_view_if_needed()
    handle.hover()
    page.mouse.down()
    target = page.locator("#q2_frightened").bounding_box()
    page.mouse.move(target["x"] + 40, target["y"] + target["height"] / 2, steps=12)
    page.mouse.up()
    expect(announced).to_have_text("“Isolated?” moved to position 5 of 6")
    assert current_order() == ["name", "notes", "seen", "q1_injured", "q3_isolated", "q2_frightened"]
    items = FormDefinition.objects(key="reorder_check", status="draft").get().definition["layout"]["pages"][0][
        "sections"][0]["items"]
    assert [i["field"] for i in items][5:7] == ["q3_isolated", "q3_isolated_comment"]
    assert {i.get("grid") for i in items[3:9]} == {"grid_q1_q3"}
    assert page.evaluate("window.pageKept") is True
    assert_accessible(page)

    # A wrong position is shown by the page itself, with what was typed, as without script.
    box = page.get_by_label("Position of the question Name, 1 to 6")
    box.fill("40")
    box.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a position from 1 to 6")
    expect(page.get_by_label("Position of the question Name, 1 to 6")).to_have_value("40")
    assert not page.console_errors


def test_a_grid_fills_as_a_table_on_a_wide_and_a_narrow_screen(page, synced, make_user, now):
    practitioner = make_user(roles=["practitioner"], team="north", name="Priya Practitioner")
    case = Case(reference=f"DAO-2026-{next(_refs):05d}", workflow_key="bare_form_test", workflow_version=1,
                status="open", team="north", allocated_to=str(practitioner.pk), created_at=now).save()
    sign_in_browser(page, practitioner.email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"/cases/{case.pk}/forms/hra_behaviour_inventory")
    start_form_if_asked(page)
    page.get_by_role("link", name="Abuse").click()
    table = page.get_by_role("table", name="For each question, choose ? – Don’t Know, 0 – Never, 1 – Once, "
                                          "2 – Occasionally, 3 – Frequently, 4 – Constantly").first
    expect(table.get_by_role("columnheader", name="3 – Frequently")).to_be_visible()
    row = "Insulted them (such as calling them a hurtful name) – what I did"
    expect(table.get_by_role("rowheader", name=row)).to_be_visible()
    choice = page.get_by_role("radio", name=f"{row}: 3 – Frequently", exact=True)
    choice.check()
    # On a wide screen the column headers name the options; each radio's own option text is for screen readers.
    assert table.locator("tbody .pathway-grid-table__option").first.bounding_box()["width"] <= 1
    assert_accessible(page)

    page.set_viewport_size({"width": 375, "height": 800})
    expect(choice).to_be_checked()
    assert table.locator("tbody .pathway-grid-table__option").first.bounding_box()["width"] > 20
    assert table.locator("thead").bounding_box()["height"] <= 1
    assert_accessible(page)
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_load_state()
    assert not page.console_errors
