"""Sign-in journeys in headless Chromium."""

import pytest

from tests.browser_fixtures import assert_accessible, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

# Where each role lands after signing in: (path prefix, heading).
LANDING = {
    "referrer": ("/referrals", "My referrals"),
    "manager": ("/manager/referrals", "Referrals"),
    "practitioner": ("/cases", "My cases"),
    "partner_worker": ("/partner", "Partner cases"),
    "auditor": ("/cases", "Cases"),
    "admin": ("/admin/forms", "Forms"),
}


@pytest.mark.parametrize("role", sorted(LANDING))
def test_each_role_lands_on_its_start_page(page, make_user, role):
    user = make_user(roles=[role])
    sign_in_browser(page, user.email, DEFAULT_PASSWORD)
    path, heading = LANDING[role]
    page.wait_for_url(f"**{path}**")
    assert page.get_by_role("heading", level=1).first.inner_text().startswith(heading)
    assert_accessible(page)
    assert not page.console_errors
    if role == "practitioner":
        # The language switch and the signed-in name read apart ("Cymraeg Priya", not "CymraegPriya").
        language = page.locator(".pathway-language").bounding_box()
        name = page.locator(".pathway-account__name").bounding_box()
        assert name["x"] - (language["x"] + language["width"]) >= 16


def test_wrong_password_shows_an_error_message(page, make_user):
    user = make_user()
    sign_in_browser(page, user.email, "not-the-password")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a correct email address and password" in summary.inner_text()
    assert page.url.endswith("/sign-in")
    assert_accessible(page)


@pytest.mark.parametrize("role, path", [("manager", "/reports/"), ("manager", "/deadlines"), ("auditor", "/reports/"),
                                        ("admin", "/admin/users"), ("admin", "/admin/teams")])
def test_other_start_pages_are_accessible(page, make_user, make_team, role, path):
    make_team(key="north")
    user = make_user(roles=[role], team="north")
    sign_in_browser(page, user.email, DEFAULT_PASSWORD)
    page.wait_for_load_state()
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert_accessible(page)
