"""Search the audit trail for the admin and auditor pages: filters, newest first, a page at a time."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bson import ObjectId
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from errors import Problems
from models.audit import AuditEntry
from models.case import Case
from models.form import FormDefinition
from models.user import User
from scheduler.timescales import local_time
from services.audit.actions import action_words
from services.audit.chain import seal_inbox
from services.audit.details import case_definitions, detail_rows
from services.common.dates import FILTER_YEARS, typed_day
from services.common.paging import PAGE_SIZE, page_number
from services.common.patterns import literal, printable
from services.deadlines.timing import calendar_for

REFERENCE = re.compile(r"[A-Za-z]+-\d{4}-\d{5}")
# What the trail is about and its families of actions, in the reader's language (the stored keys stay English).
TARGET_TYPES = {"case": _l("Case"), "user": _l("User"), "group": _l("Group"), "form": _l("Form"),
                "team": _l("Team"), "submission": _l("Completed form"), "subject_access": _l("Subject access request"),
                "outbox": _l("Email outbox"), "workflow": _l("Pathway"), "case_list": _l("Case list"),
                "attachment": _l("Uploaded file")}
FAMILIES = {"case": _l("case"), "confidential": _l("confidential record"), "form": _l("form builder"),
            "group": _l("group"), "list": _l("list download"), "outbox": _l("email outbox"),
            "oversight": _l("oversight"), "partner": _l("partner support"), "referral": _l("referral"),
            "retention": _l("retention"), "sar": _l("subject access"), "sign_in": _l("sign-in"),
            "submission": _l("completed form"), "team": _l("team"), "user": _l("user account"),
            "workflow": _l("pathway")}


def _day(text: str, field: str, label: str, problems: Problems, messages: tuple[str, str]) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    day = typed_day(text)
    if day is None:
        problems.add(field, messages[1], label)
    elif not FILTER_YEARS[0] <= day.year <= FILTER_YEARS[1]:
        problems.add(field, messages[0], label)
        return None
    return day


def search_audit(filters: dict, *, actor, now: datetime) -> dict:
    """Return entries matching the filters (action, who, target, dates), a page at a time, with any input errors."""
    problems = Problems()
    query: dict = {}
    action = printable(filters.get("action") or "").strip()
    if action:
        # A family of actions ("form." or "form") finds every builder action, not just one.
        prefix = action.rstrip(".")
        query["action"] = {"$regex": f"^{literal(prefix)}(\\.|$)"}
    who = printable(filters.get("who") or "").strip().lower()
    if who:
        query["actor_email"] = {"$regex": literal(who)}
    target_type = (filters.get("target_type") or "").strip()
    if target_type:
        query["target_type"] = target_type
    target = printable(filters.get("target") or "").strip()
    if target:
        # A case is known by its reference (DAO-2026-00005) and a person by their email; the trail keeps their ids.
        case = Case.objects(reference=target.upper()).only("id").first() if REFERENCE.fullmatch(target) else None
        person = User.objects(email=target.lower()).only("id").first() if "@" in target else None
        form = FormDefinition.objects(key=target).only("id").first() if case is None and person is None else None
        if person is not None:
            query["target_id"] = str(person.pk)
        elif form is not None:  # the builder's entries about the form, and every entry of a filled-in one
            query["$or"] = [{"target_type": "form", "target_id": target}, {"details.form": target}]
        elif case is None:
            query["target_id"] = target
        else:  # the case's own entries and those of its forms, which name it in their details
            query["$or"] = [{"target_id": str(case.pk)}, {"details.case": str(case.pk)}]
    start = _day(filters.get("from", ""), "from", "start date", problems, (
        _("Enter the start date as a date between 1900 and 2999"),
        _("Enter the start date as a date, like 24/11/2026")))
    end = _day(filters.get("to", ""), "to", "end date", problems, (
        _("Enter the end date as a date between 1900 and 2999"), _("Enter the end date as a date, like 24/11/2026")))
    if start and end and end < start:
        problems.add("to", _("The end date must be the same as or after the start date"), "end date")
    at: dict = {}
    # The trail shows each time on the service's clock, so a day searched for is that clock's day: in summer it
    # starts at 23:00 UTC the day before, and an entry shown as 00:30 on the 5th is found by searching for the 5th.
    calendar = calendar_for()
    if start:
        at["$gte"] = local_time(start, time(0), calendar)
    if end:
        at["$lt"] = local_time(end + timedelta(days=1), time(0), calendar)
    if at:
        query["at"] = at
    if problems.items:
        return {"entries": [], "total": 0, "page": 1, "pages": 1, "problems": problems.items, "names": {},
                "details": {}}
    seal_inbox()  # reads waiting in the inbox are part of the trail too
    cursor = AuditEntry.objects(__raw__=query).order_by("-at")
    total = cursor.count()
    page, pages = page_number(filters.get("page") if len(str(filters.get("page") or "")) <= 9 else 1, total)
    entries = list(cursor.skip((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    names, pathways = shown_names(entries)
    definitions = case_definitions(pathways)
    return {"entries": entries, "total": total, "page": page, "pages": pages, "problems": [], "names": names,
            "details": {entry.pk: detail_rows(entry, names, definitions) for entry in entries}}


def _ids(values) -> set[ObjectId]:
    return {ObjectId(v) for v in values if isinstance(v, str) and ObjectId.is_valid(v)}


def shown_names(entries) -> tuple[dict[str, str], dict]:
    """Return (id → what the page shows for it: a case's reference, a person's email; case id → its pathway).

    Two reads at most, whatever the page holds.
    """
    cases, users = set(), set()
    for entry in entries:
        (cases if entry.target_type == "case" else users if entry.target_type == "user" else set()).add(
            entry.target_id)
        details = entry.details or {}
        cases.update((details.get("case"), details.get("via")))  # via: the partner record a step came through
        cases.update(details.get("cases") if isinstance(details.get("cases"), list) else ())
    case_ids, user_ids = list(_ids(cases)), list(_ids(users))
    found = list(Case._get_collection().find({"_id": {"$in": case_ids}}, {
        "reference": 1, "workflow_key": 1, "workflow_version": 1})) if case_ids else []
    names = {str(c["_id"]): c.get("reference", "") for c in found}
    names.update({str(u["_id"]): u.get("email", "") for u in User._get_collection().find(
        {"_id": {"$in": user_ids}}, {"email": 1})} if user_ids else {})
    pathways = {str(c["_id"]): (c.get("workflow_key"), c.get("workflow_version")) for c in found
                if c.get("workflow_key")}
    return {key: value for key, value in names.items() if value}, pathways


def audit_facets() -> dict:
    """Return the action families and target types present, for the filter lists, each with its name in words."""
    seal_inbox()
    actions = sorted(AuditEntry.objects.distinct("action"))
    families = sorted({a.split(".", 1)[0] for a in actions})
    return {"actions": [(action, action_words(action)) for action in actions],
            "families": [(f, str(FAMILIES.get(f, f.replace("_", " ")))) for f in families],
            "target_types": [(t, str(TARGET_TYPES.get(t, t.replace("_", " ").capitalize())))
                             for t in sorted(AuditEntry.objects.distinct("target_type")) if t]}
