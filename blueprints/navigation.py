"""The service navigation each role sees."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

# (role, label, endpoint) in display order; an item appears only when its blueprint is registered.
ITEMS = [
    ("referrer", _l("My referrals"), "referrals.my_referrals"),
    ("referrer", _l("Make a referral"), "referrals.start"),
    ("manager", "Referrals", "manager.inbox"),
    ("manager", "Waiting list", "manager.waiting_list"),
    ("manager", "Team", "manager.team"),
    ("manager", "Groups", "groups.index"),
    ("practitioner", "My cases", "cases.my_cases"),
    ("practitioner", "My groups", "groups.mine"),
    ("partner_worker", "Partner cases", "partner.my_cases"),
    ("partner_worker", "Group partner contacts", "groups.partner_contacts"),
    ("manager", "Cases", "cases.my_cases"),
    ("practitioner", "Deadlines", "deadlines.my_deadlines"),
    ("manager", "Deadlines", "deadlines.my_deadlines"),
    ("manager", "Reports", "reports.index"),
    ("manager", "Records due", "retention.queue"),
    ("auditor", "Cases", "cases.my_cases"),
    ("auditor", "Reports", "reports.index"),
    ("auditor", "Monitoring", "retention.monitoring"),
    ("admin", "Forms", "admin.forms"),
    ("admin", "Workflows", "admin.workflows"),
    ("admin", "Users", "admin.users"),
    ("admin", "Teams", "admin.teams"),
    ("admin", "Records due", "retention.queue"),
    ("admin", "Email", "admin.outbox"),
    ("auditor", "Audit trail", "admin.audit"),
    ("admin", "Audit trail", "admin.audit"),
]


def navigation_for(user) -> list[dict]:
    """Return the navigation links for a user, without duplicates."""
    if not getattr(user, "is_authenticated", False):
        return []
    links, seen = [], set()
    for role, label, endpoint in ITEMS:
        if role not in user.roles or endpoint in seen:
            continue
        try:
            href = url_for(endpoint)
        except BuildError:
            continue
        seen.add(endpoint)
        links.append({"label": str(label), "href": href, "endpoint": endpoint})
    return links
