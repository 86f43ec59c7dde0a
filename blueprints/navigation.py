"""The service navigation each role sees."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for
from flask.globals import _cv_request as _request_context
from werkzeug.routing import BuildError

from services.common.language import lazy_gettext as _l
from services.common.language import page_locale

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


def _process_cache(name: str) -> dict:
    """Return this app's cache called `name`, made on first use (each app of a process has its own)."""
    return current_app.extensions.setdefault(f"pathway.{name}", {})


def _mount() -> str | None:
    """Return where the app is mounted for this request (None outside one: url_for then builds full URLs)."""
    return request.script_root if has_request_context() else None


def fixed_url(endpoint: str, **values) -> str:
    """Return url_for(endpoint, **values), built once per process for each mount point and set of values.

    For the URLs that are the same on every page (static files, the header's links): the app has no subdomains and
    its one URL default (the static files' version) is fixed for a process, so such a URL depends only on where the
    app is mounted. In debug mode the version follows each edit of a static file, so nothing is kept.
    """
    # The request's context read once, not through the proxies: a page asks for eight of these.
    context = _request_context.get(None)
    if context is None or context.app.debug:
        return url_for(endpoint, **values)  # outside a request url_for builds full URLs: built each time
    key = (context.request.script_root, endpoint, *sorted(values.items()))
    urls = context.app.extensions.setdefault("pathway.urls", {})
    found = urls.get(key)
    if found is None:
        found = urls[key] = url_for(endpoint, **values)
    return found


def navigation_for(user) -> list[dict]:
    """Return the navigation links for a user, without duplicates (made once per set of roles and language)."""
    if not getattr(user, "is_authenticated", False):
        return []
    # The same roles in the same language at the same mount point always see the same menu; callers only read it.
    key = (frozenset(user.roles), str(page_locale()), _mount())
    menus = _process_cache("menus")
    found = menus.get(key)
    if found is None:
        found = menus[key] = _navigation(key[0])
    return found


def _navigation(held: frozenset) -> list[dict]:
    """Return the navigation links for a set of roles, without duplicates."""
    links, seen = [], set()
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
