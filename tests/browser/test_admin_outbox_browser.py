"""The admins' email delivery page in headless Chromium: banner, tables, "try again", accessibility."""

from datetime import datetime, timedelta

import pytest

from models.deadline import Deadline
from models.outbox import PENDING, OutboxMessage
from services.deadlines import tracking as svc
from services.deadlines.reminders import sweep_reminders
from services.notifications.outbox import deliver_outbox
from services.notifications.send import notify_user
from storage.embedded import free_port
from tests.browser_fixtures import assert_accessible, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD
from tests.services.deadlines.test_deadlines import RISK, make_case

pytestmark = pytest.mark.browser

START = datetime(2026, 11, 24, 10)


def test_admin_reviews_and_retries_undelivered_email(page, make_user):
    down = {"MAIL_ENABLED": True, "MAIL_HOST": "127.0.0.1", "MAIL_PORT": free_port(), "MAIL_FROM": "p@example.org",
            "BASE_URL": "http://x", "OUTBOX_MAX_ATTEMPTS": 1}
    notify_user(make_user(email="sam.manager@example.org"), subject="Referral DAO-2026-00007 is waiting",
                body="B", link="/x", now=START, settings=down)
    deliver_outbox(now=START, settings=down)
    case = make_case(allocated_to=make_user(roles=["practitioner"]))
    deadline = svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    Deadline._get_collection().update_one({"_id": deadline.pk}, {"$set": {"reminders.0": "soon"}})
    sweep_reminders(now=START + timedelta(days=35), settings=down)

    admin = make_user(roles=["admin"], team="")
    sign_in_browser(page, admin.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/admin/forms**")
    banner = page.locator(".govuk-notification-banner").first
    assert "1 email could not be delivered" in banner.inner_text()
    assert "1 deadline could not be processed" in banner.inner_text()
    assert_accessible(page)

    banner.get_by_role("link", name="Review email delivery").click()
    page.wait_for_url("**/admin/email")
    assert page.get_by_role("heading", level=1).inner_text() == "Email delivery"
    assert "sam.manager@example.org" in page.locator("table").first.inner_text()
    assert case.reference in page.locator("table").last.inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Try again the email to sam.manager@example.org").click()
    page.wait_for_url("**/admin/email")
    assert "will be tried again" in page.locator(".govuk-notification-banner--success").inner_text()
    assert OutboxMessage.objects.get().status == PENDING
    assert_accessible(page)
