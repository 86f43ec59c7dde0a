"""Steps shared by the pathway journeys: a checked tab per person, action pages filled from their inputs, sessions."""

from __future__ import annotations

from datetime import date

from tests.browser_fixtures import assert_accessible, new_tab, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD


class Journey:
    """One signed-in browser tab per person; every page visited is checked with axe."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url, self.tabs, self.visited = browser, base_url, {}, 0
        self.shown = None  # the tab and address of the page checked last, on any tab

    def tab(self, user):
        """Return the tab of a user, signing them in on first use."""
        if user.email not in self.tabs:
            tab = new_tab(self.browser, self.base_url)
            tab.errors = []
            tab.on("pageerror", lambda exc, tab=tab: tab.errors.append(str(exc)))
            sign_in_browser(tab, user.email, DEFAULT_PASSWORD)
            tab.wait_for_load_state()
            self.tabs[user.email] = tab
            self.check(tab)
        return self.tabs[user.email]

    def check(self, tab) -> None:
        """Check the page now shown: loaded, accessible, no script errors, no error page."""
        tab.wait_for_load_state()
        assert_accessible(tab)
        assert not tab.errors, tab.errors
        assert tab.title().split(" – ")[0] not in ("Sorry, there is a problem with the service", "Page not found")
        self.visited += 1
        self.shown = (tab, tab.url)

    def go(self, tab, path: str) -> None:
        tab.goto(path)
        self.check(tab)

    def start_from(self, tab, path: str) -> None:
        """Be on a page to act from it: opened and checked as by go(), unless the tab has just shown it."""
        # An action that leads back to the page it started from (a form sent, a session recorded) has just shown
        # it and had it checked: loading it again would only check it a second time. After another tab's action,
        # or on another address, the page is opened anew.
        if self.shown != (tab, tab.url) or tab.url != (path if "://" in path else self.base_url + path):
            self.go(tab, path)

    def click(self, tab, role: str, name: str, exact: bool = False) -> None:
        tab.get_by_role(role, name=name, exact=exact).first.click()
        self.check(tab)

    def close(self) -> None:
        for tab in self.tabs.values():
            tab.context.close()


def type_date(tab, name: str, when: date) -> None:
    """Type a date into the day, month and year inputs of a date field."""
    for part, value in (("day", when.day), ("month", when.month), ("year", when.year)):
        tab.fill(f'[name="{name}-{part}"]', str(value))


def act(journey, tab, case_path: str, link: str, *, confirms=(), dates=None, numbers=None, choices=(),
        texts=None, exact: bool = True) -> None:
    """Follow an action link from a case page, fill its inputs by their labels and send it with its button."""
    journey.start_from(tab, case_path)
    journey.click(tab, "link", link, exact=exact)
    for label in confirms:
        tab.get_by_label(label, exact=True).check()
    for label in choices:
        tab.get_by_label(label, exact=True).first.check()
    for name, when in (dates or {}).items():
        type_date(tab, name, when)
    for name, value in {**(numbers or {}), **(texts or {})}.items():
        tab.fill(f'[name="{name}"]', str(value))
    tab.locator("main form[method='post'] button[type='submit']").first.click()
    journey.check(tab)
    summary = tab.locator(".govuk-error-summary")
    assert not summary.count(), f"{link}: {summary.first.inner_text()}"


def record_session(journey, tab, case_path: str, when: date, session_type: str, attendance: str,
                   number: int | None = None) -> None:
    """Record one session through the case's session page."""
    journey.start_from(tab, case_path)
    journey.click(tab, "link", "Record a session")
    type_date(tab, "date", when)
    tab.get_by_label(session_type, exact=True).check()
    if number:
        tab.fill('[name="number"]', str(number))
    tab.get_by_label(attendance, exact=True).check()
    journey.click(tab, "button", "Record session")
    assert "The session has been recorded" in tab.content()


def partner_contact(journey, tab, partner_path: str, when: date, notes: str) -> None:
    """Log a contact in which the partner-support worker spoke with the partner."""
    journey.go(tab, f"{partner_path}/contacts/new")
    type_date(tab, "date", when)
    tab.locator('[name="method"]').first.check()
    tab.get_by_label("Spoke with the partner", exact=True).check()
    tab.fill('[name="notes"]', notes)
    journey.click(tab, "button", "Log contact")
    assert not tab.locator(".govuk-error-summary").count(), tab.content()
