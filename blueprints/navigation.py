"""The service navigation each role sees."""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import BuildError

from services.common.language import lazy_gettext as _l

# (role, label, endpoint) in display order; an item appears only when its blueprint is registered.
ITEMS = [
    ("referrer", _l("My referrals"), "referrals.my_referrals"),
    ("referrer", _l("Make a referral"), "referrals.start"),
    ("manager", _l("Referrals"), "manager.inbox"),
    ("manager", _l("Waiting list"), "manager.waiting_list"),
    ("manager", _l("Team"), "manager.team"),
    ("manager", _l("Groups"), "groups.index"),
    ("practitioner", _l("My cases"), "cases.my_cases"),
    ("practitioner", _l("My groups"), "groups.mine"),
    ("partner_worker", _l("Partner cases"), "partner.my_cases"),
    ("partner_worker", _l("Group partner contacts"), "groups.partner_contacts"),
    ("manager", _l("Cases"), "cases.my_cases"),
    ("practitioner", _l("Deadlines"), "deadlines.my_deadlines"),
    ("manager", _l("Deadlines"), "deadlines.my_deadlines"),
    ("manager", _l("Reports"), "reports.index"),
    ("manager", _l("Records due"), "retention.queue"),
    ("auditor", _l("Cases"), "cases.my_cases"),
    ("auditor", _l("Reports"), "reports.index"),
    ("auditor", _l("Monitoring"), "retention.monitoring"),
    ("admin", _l("Forms"), "admin.forms"),
    ("admin", _l("Workflows"), "admin.workflows"),
    ("admin", _l("Users"), "admin.users"),
    ("admin", _l("Teams"), "admin.teams"),
    ("admin", _l("Records due"), "retention.queue"),
    ("admin", _l("Email"), "admin.outbox"),
    ("auditor", _l("Audit trail"), "admin.audit"),
    ("admin", _l("Audit trail"), "admin.audit"),
]


def navigation_for(user) -> list[dict]:
    """Return the navigation links for a user, without duplicates."""
    if not getattr(user, "is_authenticated", False):
        return []
    links, seen, held = [], set(), set(user.roles)
    for role, label, endpoint in ITEMS:
        if role not in held or endpoint in seen:
            continue
        try:
            href = url_for(endpoint)
        except BuildError:
            continue
        seen.add(endpoint)
        links.append({"label": str(label), "href": href, "endpoint": endpoint})
    return links
