"""Read helpers for the case pages: case lists with sorting and filters, search, task list, timeline."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from bson import ObjectId
from bson.errors import InvalidId

from errors import NotAllowed
from models.case import RISK_LEVELS, Case, CaseEvent
from models.deadline import ACTIVE_STATUSES, Deadline
from models.user import User
from scheduler.calendar import format_date
from services.access import can_change_case, can_read_confidential, visible_cases_query
from services.audit import record_audit
from services.cases import latest_submissions, list_history
from services.form_definitions import published_forms
from services.form_results import earlier_submissions, result_line
from services.workflow_store import definition_for
from workflows.engine import forms_for_state
from workflows.text import cap, role_phrase

PUBLIC_TAGS = {"Received": "blue", "Accepted": "turquoise", "Not accepted": "red", "On the waiting list": "yellow",
               "Allocated": "purple", "Work in progress": "green", "Closed": "grey"}
RISK_TAGS = {"low": ("Low", "green"), "medium": ("Medium", "yellow"), "high": ("High", "orange"),
             "very_high": ("Very high", "red")}
SORTS = ("reference", "person", "state", "risk", "deadline")
SCOPES = ("mine", "team", "all")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_REFERENCE = re.compile(r"^[A-Za-z]{1,6}-\d")
MAX_RESULTS = 200


def state_of(case: Case) -> dict:
    """Return the case's state as words: its label, the public status and the tag colour."""
    if case.status == "draft":
        return {"label": "Referral not sent", "public": "Not sent yet", "tag": "grey"}
    state = definition_for(case).states.get(case.state)
    public = state.public_status if state else ""
    return {"label": state.label if state else case.state.replace("_", " ").capitalize(), "public": public,
            "tag": "grey" if case.status == "closed" else PUBLIC_TAGS.get(public, "blue")}


def user_names(ids) -> dict[str, str]:
    """Return user id → name for the ids given (unknown ones are left out)."""
    oids = []
    for value in {str(v) for v in ids if v}:
        try:
            oids.append(ObjectId(value))
        except InvalidId:
            continue
    return {str(u.pk): u.name for u in User.objects(pk__in=oids).only("name")} if oids else {}


def next_deadlines(case_ids) -> dict:
    """Return case id → its active deadline due first (those without a date come last)."""
    found: dict = {}
    for deadline in Deadline.objects(case_id__in=list(case_ids), status__in=ACTIVE_STATUSES):
        current = found.get(deadline.case_id)
        if current is None or _due_key(deadline) < _due_key(current):
            found[deadline.case_id] = deadline
    return found


def _due_key(deadline: Deadline):
    return (deadline.due_at is None, deadline.due_at or datetime.max)


def next_deadline(case: Case) -> Deadline | None:
    """Return the case's active deadline that is due first."""
    return next_deadlines([case.pk]).get(case.pk)


def _rows(cases: list[Case]) -> list[dict]:
    deadlines = next_deadlines([c.pk for c in cases])
    names = user_names(c.allocated_to for c in cases)
    return [{"case": c, "state": state_of(c), "risk": RISK_TAGS.get(c.risk_level), "deadline": deadlines.get(c.pk),
             "practitioner": names.get(c.allocated_to, "")} for c in cases]


def _sort_key(name: str):
    risk_rank = {level: i for i, level in enumerate(RISK_LEVELS, 1)}
    keys = {
        "reference": lambda r: r["case"].reference,
        "person": lambda r: ((r["case"].person.name or "").lower(), r["case"].reference),
        "state": lambda r: (r["state"]["label"].lower(), r["case"].reference),
        "risk": lambda r: (risk_rank.get(r["case"].risk_level, 0), r["case"].reference),
        "deadline": lambda r: (*(_due_key(r["deadline"]) if r["deadline"] else (True, datetime.max)),
                               r["case"].reference),
    }
    return keys[name]


def list_cases(*, actor, now: datetime, scope: str = "all", status: str = "open", state: str = "",
               risk: str = "", sort: str = "deadline", direction: str = "asc") -> dict:
    """Return the perpetrator cases the actor may see in a scope, filtered and sorted, with the filter options."""
    if not actor.has_role("manager", "practitioner", "auditor"):
        raise NotAllowed("You do not have access to case lists")
    scope = scope if scope in SCOPES else "all"
    query: dict = {"kind": "perpetrator"}
    if scope == "mine":
        query["allocated_to"] = str(actor.pk)
    if status in ("open", "closed"):
        query["status"] = status
    cases = list(Case.objects(__raw__={"$and": [visible_cases_query(actor), query]}).order_by("reference"))
    rows = _rows(cases)
    states = sorted({(r["case"].state, r["state"]["label"]) for r in rows}, key=lambda s: s[1].lower())
    if state:
        rows = [r for r in rows if r["case"].state == state]
    if risk in RISK_LEVELS or risk == "none":
        rows = [r for r in rows if (r["case"].risk_level or "none") == risk]
    sort = sort if sort in SORTS else "deadline"
    rows.sort(key=_sort_key(sort), reverse=direction == "desc")
    return {"rows": rows, "states": states, "total": len(cases), "scope": scope, "sort": sort,
            "direction": "desc" if direction == "desc" else "asc"}


def parse_search_date(text: str) -> date | None:
    """Return the date in a search like 14/03/1988, 1988-03-14 or 14 March 1988, or None."""
    text = text.strip().lower()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"), (r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", "dmy")):
        match = re.fullmatch(pattern, text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            return _real_date(parts["y"], parts["m"], parts["d"])
    match = re.fullmatch(r"(\d{1,2})\s+([a-z]+)\s+(\d{4})", text)
    if match:
        month = next((i for i, m in enumerate(_MONTHS, 1) if len(match.group(2)) >= 3
                      and m.startswith(match.group(2))), None)
        return _real_date(int(match.group(3)), month, int(match.group(1))) if month else None
    return None


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def search_cases(*, actor, now: datetime, query: str) -> list[dict]:
    """Return the visible cases whose reference, person's name or date of birth matches the query."""
    if not actor.has_role("manager", "practitioner", "auditor", "partner_worker"):
        raise NotAllowed("You do not have access to case search")
    query = (query or "").strip()[:100]
    if len(query) < 2:
        return []
    ors: list[dict] = [{"reference": {"$regex": re.escape(query), "$options": "i"}}]
    day = parse_search_date(query)
    if day is not None:
        ors.append({"person.date_of_birth": datetime(day.year, day.month, day.day)})
    elif not _REFERENCE.match(query):
        words = [w for w in re.split(r"\s+", query) if w]
        ors.append({"$and": [{"person.name": {"$regex": re.escape(w), "$options": "i"}} for w in words]})
    condition = {"$and": [visible_cases_query(actor), {"status": {"$ne": "draft"}}, {"$or": ors}]}
    cases = list(Case.objects(__raw__=condition).order_by("-created_at").limit(MAX_RESULTS))
    return _rows(cases)


def _label(defn, key: str, doc) -> str:
    label = defn.form_labels.get(key) or (doc.title if doc else key.replace("_", " "))
    return cap(label[4:] if label.startswith("the ") else label)


def case_tasks(case: Case, *, actor, every_confidential_form: bool = False, now: datetime | None = None
               ) -> list[dict]:
    """Return the forms for the case's current state, each with its status, hint and where it leads.

    `every_confidential_form` adds each published confidential form as optional (the partner worker's records).
    """
    defn = definition_for(case)
    if case.status != "open" or case.state not in defn.states:
        return []
    expected = forms_for_state(defn, case.state)
    slots = list(expected["forms"])
    docs = {d.key: d for d in published_forms()}
    extra = [doc for tag in expected["tags"] for doc in published_forms(tag=tag)]
    extra += [d for d in docs.values() if d.classification == "confidential"] if every_confidential_form else []
    for doc in extra:
        if all(s["form"] != doc.key for s in slots):
            slots.append({"form": doc.key, "required": False, "countersigned": False, "roles": []})
    subs = latest_submissions(case)
    may_change, confidential_ok = can_change_case(actor, case), can_read_confidential(actor, case)
    tasks = []
    for slot in slots:
        doc, sub = docs.get(slot["form"]), subs.get(slot["form"])
        confidential = (sub.classification if sub else getattr(doc, "classification", "")) == "confidential"
        if confidential and not confidential_ok:
            continue  # those who may not read it do not learn whether a confidential record exists
        tasks.append(_task(case, slot, doc, sub, label=_label(defn, slot["form"], doc), confidential=confidential,
                           may_change=may_change, actor=actor))
    shown = [t["key"] for t in tasks if t["confidential"] and (t.get("result") or any(
        e["result"] for e in t.get("earlier", [])))]
    if shown:
        # A score worked out from a victim's answers is itself confidential: showing it is a read, so audited.
        record_audit("submission.results_read", actor=actor, now=now or datetime.now(UTC), target_type="case",
                     target_id=case.pk, details={"forms": shown})
    return tasks


def _why_not(case: Case, slot: dict, doc, *, may_change: bool, actor) -> str:
    if doc is None:
        return "This form has not been published yet"
    if not may_change:
        return "You can read this case but not change it"
    if case.suspended:
        return "The case is suspended"
    if slot["roles"] and not actor.has_role(*slot["roles"]):
        return f"Completed by {role_phrase(slot['roles'][0])}"
    return ""


def _task(case, slot, doc, sub, *, label, confidential, may_change, actor) -> dict:
    """Return one task; `link` is (endpoint, arguments) or None, so the page builds the address."""
    task = _one_task(case, slot, doc, sub, label=label, confidential=confidential, may_change=may_change,
                     actor=actor)
    if sub is not None and sub.status != "draft":
        task["result"] = result_line(sub)
    if doc is not None and doc.definition.get("repeatable"):
        task["earlier"] = earlier_submissions(case, doc, slot["form"])
        if task["status"] == "completed" and not _why_not(case, slot, doc, may_change=may_change, actor=actor):
            task["again"] = ("submissions.start", {"case_id": case.pk, "form_key": slot["form"]})
    return task


def _one_task(case, slot, doc, sub, *, label, confidential, may_change, actor) -> dict:
    task = {"key": slot["form"], "label": label, "confidential": confidential, "link": None,
            "required": slot["required"], "hint": "Required" if slot["required"] else "Optional"}
    if slot.get("countersigned"):
        task["hint"] = "Required, with a manager's countersignature"
    if sub is not None and sub.status != "draft":
        task["status"] = "completed"
        task["link"] = ("submissions.view", {"case_id": case.pk, "submission_id": sub.pk})
        if sub.awaiting_countersignature:
            task["hint"] = "Submitted – awaiting a manager's countersignature"
        elif sub.status == "countersigned":
            task["hint"] = "Submitted and countersigned"
        return task
    why = _why_not(case, slot, doc, may_change=may_change, actor=actor)
    if sub is not None:
        task["status"] = "in_progress"
        task["link"] = (("submissions.view", {"case_id": case.pk, "submission_id": sub.pk}) if why
                        else ("submissions.start", {"case_id": case.pk, "form_key": slot["form"]}))
        return task
    task["status"] = "cannot_start" if why else "not_started"
    if why:
        task["hint"] = why
    else:
        task["link"] = ("submissions.start", {"case_id": case.pk, "form_key": slot["form"]})
    return task


def case_overview(case: Case, *, actor, now: datetime) -> dict:
    """Return everything the case page shows: summary, actions (allowed and why not), tasks, sessions, history."""
    from services.cases import session_counts, transition_options
    from services.deadlines import list_deadlines
    from services.partner import partner_summary
    from services.sessions import list_sessions

    may_change = can_change_case(actor, case) and case.status == "open"
    transitions, events = transition_options(case, actor) if may_change else ([], [])
    options = [(o, "transition") for o in transitions] + [(o, "event") for o in events]
    sessions = list_sessions(case)
    return {
        "may_change": may_change, "tasks": case_tasks(case, actor=actor, now=now), "now": now,
        "allowed": [(o, k) for o, k in options if o.allowed], "blocked": [(o, k) for o, k in options if not o.allowed],
        "deadlines": list_deadlines(actor=actor, case=case), "next_deadline": next_deadline(case),
        "practitioner": user_names([case.allocated_to]).get(case.allocated_to, ""),
        "sessions": sessions[::-1][:5], "session_total": len(sessions), "counts": session_counts(case),
        "partner": partner_summary(case, actor=actor), "timeline": timeline(case, actor=actor, limit=8),
    }


def timeline(case: Case, *, actor, limit: int | None = None) -> list[dict]:
    """Return the case's history as timeline items, newest first, without what the actor may not read."""
    entries = list_history(case, include_confidential=can_read_confidential(actor, case))
    # Entries written in the same instant keep the order they were written in (ids grow with each insert).
    entries.sort(key=lambda e: (e.at, e.pk), reverse=True)
    if limit:
        entries = entries[:limit]
    defn = definition_for(case)
    names = user_names(v for e in entries for k, v in (e.inputs or {}).items() if k in _user_inputs(defn, e))
    return [{"title": e.label or e.name.replace("_", " ").capitalize(), "by": e.actor_name, "at": e.at,
             "lines": _lines(defn, e, names), "confidential": e.confidential, "kind": e.kind} for e in entries]


def _step(defn, entry: CaseEvent):
    if entry.kind == "transition":
        return defn.transitions.get(entry.name)
    return defn.events.get(entry.name) if entry.kind == "event" else None


def _user_inputs(defn, entry: CaseEvent) -> set[str]:
    step = _step(defn, entry)
    return {s.name for s in step.inputs if s.kind == "user"} if step else set()


def _lines(defn, entry: CaseEvent, names: dict) -> list[str]:
    """Return what an entry says besides its title: the state it moved to and the inputs given."""
    lines = []
    if entry.kind == "transition" and entry.to_state in defn.states and entry.to_state != entry.from_state:
        lines.append(f"Moved to: {defn.states[entry.to_state].label}")
    step, inputs = _step(defn, entry), entry.inputs or {}
    for spec in step.inputs if step else ():
        value = inputs.get(spec.name)
        if value in (None, "", False):
            continue
        if spec.kind in ("decision", "outcome"):
            value = next((o["label"] for o in spec.options if o["value"] == value), value)
        elif spec.kind == "user":
            value = names.get(str(value), "a person no longer in the team")
        elif spec.kind == "date":
            value = _long(value)
        elif spec.kind == "confirm":
            value = "Yes"
        lines.append(f"{spec.label} {value}" if spec.label.endswith("?") else f"{spec.label}: {value}")
    if entry.kind == "session" and inputs.get("date"):
        lines.append(f"Session date: {_long(inputs['date'])}" + (" (catch-up)" if inputs.get("catch_up") else ""))
    # A step's reason is already among its inputs; other entries (and steps of another pathway) carry a comment.
    if entry.comment and not any(s.kind in ("reason", "text") for s in (step.inputs if step else ())):
        lines.append(entry.comment)
    if inputs.get("attachment"):
        lines.append("A document was added")
    return lines


def _long(value) -> str:
    try:
        return format_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)
