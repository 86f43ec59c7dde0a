"""Download a case list as CSV or XLSX: the page's access rules and filters, read in batches, every export audited.

An export holds only what its page shows, of perpetrator cases only: never a partner (victim) record, a
confidential answer or a screening's reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from flask_babel import gettext as _

from errors import NotAllowed, NotFound
from models.case import INBOX_ORDER, LIST_SORTS, WAITING_ORDER, Case
from models.deadline import Deadline
from services.audit.trail import record_audit
from services.cases import lists as case_lists
from services.cases.access import visible_cases_query
from services.cases.facts import next_deadlines, state_of, user_names
from services.deadlines.timing import calendar_for, local_today
from services.reports.list_files import iter_csv, xlsx_file
from services.triage import lists as manager_lists
from services.triage import team_overview
from services.triage.views import RISK_LABELS

BATCH = 500  # cases read (and their names and deadlines looked up) at a time
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class ListFile:
    """A download: its file name, media type, the rows it holds and its content (bytes pieces or an open file)."""

    filename: str
    mimetype: str
    rows: int
    body: Iterator[bytes] | object


def batches(items: Iterable, size: int | None = None) -> Iterator[list]:
    """Yield lists of up to `size` (BATCH) items."""
    items, size = iter(items), size or BATCH
    while batch := list(islice(items, size)):
        yield batch


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise NotFound(_("Lists download as CSV or XLSX only"))
    return fmt


def _file(*, key: str, title: str, headers: list[str], rows: Iterable, fmt: str, total: int, filters: dict,
          actor, now: datetime) -> ListFile:
    """Audit the export, then return the file to stream."""
    record_audit("list.exported", actor=actor, now=now, target_type="case_list", target_id=key,
                 details={"format": fmt, "rows": total, "filters": {k: v for k, v in filters.items() if v}})
    # Worked out now, in the request: the rows are written later, as the response streams.
    zone = calendar_for().tz
    body = iter_csv(headers, rows, zone) if fmt == "csv" else xlsx_file(title, headers, rows, zone)
    return ListFile(f"{key.replace('_', '-')}-{local_today(now):%Y-%m-%d}.{fmt}", FORMATS[fmt], total, body)


def _due(deadline, now: datetime, words: dict) -> tuple:
    if deadline is None:
        return "", "", ""
    late = deadline.status == "missed" or (deadline.status == "open" and deadline.due_at is not None
                                           and deadline.due_at < now)
    return deadline.label, deadline.due_at or "", words["yes"] if late else words["no"]


def _words() -> dict:
    """Return the words the rows repeat, in the reader's language (worked out once, not per row)."""
    return {"urgent": _("Urgent"), "urgent_requested": _("Urgent requested"), "standard": _("Standard"),
            "yes": _("Yes"), "no": _("No"), "open": _("Open"), "closed": _("Closed"),
            "not_assessed": _("Not assessed"), "not_allocated": _("Not allocated"), "nobody": _("Nobody yet"),
            "risk": {key: str(label) for key, label in RISK_LABELS.items()}}


def export_case_list(*, actor, now: datetime, fmt: str, scope: str = "", status: str = "open", state: str = "",
                     risk: str = "", sort: str = "deadline", direction: str = "asc", query: str = "") -> ListFile:
    """Return the case list (or search) the actor sees with these filters, as a file, in the page's order."""
    fmt = _format(fmt)
    if not actor.has_role("manager", "practitioner", "auditor"):
        raise NotAllowed(_("You do not have access to case lists"))
    scope = case_lists.list_scope(actor, scope)
    query = (query or "").strip()[:100]
    sort = sort if sort in LIST_SORTS else "deadline"
    direction = "desc" if direction == "desc" else "asc"
    if query:
        condition = case_lists.search_condition(query) if len(query) >= 2 else {"_id": None}
        # A search may find partner (victim) records a manager can open; an export never holds them.
        found = {"$and": [visible_cases_query(actor), {"kind": "perpetrator",
                                                                  "status": {"$in": ["open", "closed"]}}, condition]}
        order = [("reference", 1)]
        filters = {"search": query}
    else:
        status = status if status in ("open", "closed", "all") else "open"
        found = case_lists.list_query(actor=actor, scope=scope, status=status, state=state, risk=risk)
        order = case_lists.sort_spec(sort, direction, state=state, risk=risk)
        filters = {"scope": scope, "status": status, "state": state, "risk": risk, "sort": sort, "dir": direction}
    cases = Case._get_collection()
    total = cases.count_documents(found)
    docs = cases.find(found, dict.fromkeys(case_lists.ROW_FIELDS, 1)).sort(order).batch_size(BATCH)
    mine = scope == "mine"
    headers = [_("Reference"), _("Priority"), _("Name"), _("Date of birth"), _("Stage"), _("Status"), _("Risk level"),
               _("Next deadline"), _("Due"), _("Overdue"), *([] if mine else [_("Practitioner")])]
    words = _words()

    def rows():
        for chunk in batches(Case._from_son(doc) for doc in docs):
            deadlines = next_deadlines([c.pk for c in chunk])
            names = user_names(c.allocated_to for c in chunk)
            for case in chunk:
                person = case.person
                yield [case.reference, words["urgent"] if case.priority == "urgent" else words["standard"],
                       person.name if person else "", (person.date_of_birth if person else None) or "",
                       state_of(case)["label"], words.get(case.status, case.status.capitalize()),
                       words["risk"].get(case.risk_level, words["not_assessed"]),
                       *_due(deadlines.get(case.pk), now, words),
                       *([] if mine else [names.get(case.allocated_to, "") or words["not_allocated"]])]

    return _file(key="cases", title=_("Cases"), headers=headers, rows=rows(), fmt=fmt, total=total, filters=filters,
                 actor=actor, now=now)


def _priority(row: dict, words: dict) -> str:
    return words["urgent"] if row["urgent"] else words["urgent_requested"] if row["urgent_requested"] \
        else words["standard"]


def export_inbox(*, actor, now: datetime, fmt: str, state: str = "") -> ListFile:
    """Return the team's new referrals (at one stage, if given) as a file, in the inbox's order."""
    fmt = _format(fmt)
    stages = {s["state"] for s in manager_lists.inbox_stages(actor=actor)}
    state = state if state in stages else ""
    query = manager_lists.inbox_query(actor=actor, state=state)
    cases = Case._get_collection()
    cursor = cases.find(query, manager_lists.ROW_FIELDS).sort(list(INBOX_ORDER)).batch_size(BATCH)
    headers = [_("Reference"), _("Name"), _("Referred by"), _("Organisation"), _("Stage"), _("Screening"),
               _("Priority"), _("Urgent endorsements"), _("Received"), _("Days since received")]
    words = _words()

    def rows():
        for chunk in batches(cursor):
            for row in manager_lists.list_rows(chunk, now):
                yield [row["reference"], row["name"], row["referrer_name"], row["referrer_organisation"],
                       row["state_label"], row["screening"]["label"], _priority(row, words), row["endorsements"],
                       row["since"] or "", row["days"]]

    return _file(key="referrals", title=_("Referrals"), headers=headers, rows=rows(), fmt=fmt,
                 total=cases.count_documents(query), filters={"stage": state}, actor=actor, now=now)


def export_waiting_list(*, actor, now: datetime, fmt: str, priority: str = "") -> ListFile:
    """Return the team's waiting list (only one priority, if given) as a file, in the order to allocate."""
    fmt = _format(fmt)
    priority = priority if priority in manager_lists.PRIORITIES else ""
    query = manager_lists.waiting_query(actor=actor, priority=priority)
    cases = Case._get_collection()
    ahead = cases.count_documents(manager_lists.waiting_query(actor=actor, priority="urgent")) \
        if priority == "standard" else 0
    cursor = cases.find(query, manager_lists.ROW_FIELDS).sort(list(WAITING_ORDER)).batch_size(BATCH)
    headers = [_("Position"), _("Reference"), _("Name"), _("Priority"), _("On the list since"), _("Days waiting"),
               _("Waiting time")]
    words = _words()

    def rows():
        position = ahead
        for chunk in batches(cursor):
            for row in manager_lists.list_rows(chunk, now):
                position += 1
                yield [position, row["reference"], row["name"], _priority(row, words), row["waiting_since"] or "",
                       row["waited_days"], row["waited"]]

    return _file(key="waiting_list", title=_("Waiting list"), headers=headers, rows=rows(), fmt=fmt,
                 total=cases.count_documents(query), filters={"priority": priority}, actor=actor, now=now)


def export_overdue(*, actor, now: datetime, fmt: str) -> ListFile:
    """Return the team's overdue deadlines, oldest first, as a file."""
    fmt = _format(fmt)
    # A partner (victim) record's deadlines stay on the page: its reference and timescales never leave in a file.
    query = {**team_overview.overdue_query(actor=actor, now=now), "case_kind": {"$ne": "partner"}}
    deadlines = Deadline._get_collection()
    cursor = deadlines.find(query, team_overview.OVERDUE_FIELDS).sort(team_overview.OVERDUE_ORDER).batch_size(BATCH)
    headers = [_("Case"), _("Deadline"), _("Was due"), _("Days overdue"), _("For")]
    nobody = _("Nobody yet")

    def rows():
        for chunk in batches(cursor):
            for row in team_overview.overdue_rows(chunk, now):
                yield [row["reference"], row["label"], row["due_at"] or "", row["days"], row["owners"] or nobody]

    return _file(key="overdue_deadlines", title=_("Overdue deadlines"), headers=headers, rows=rows(), fmt=fmt,
                 total=deadlines.count_documents(query), filters={}, actor=actor, now=now)
