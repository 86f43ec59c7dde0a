"""Steps shared by the pathway journeys: action pages filled from the page's own inputs, sessions, partner work."""

from __future__ import annotations

from datetime import date


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
