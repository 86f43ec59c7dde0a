"""Read helpers for the case pages: case lists with sorting and filters, search, task list, timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models.case import Case, CaseEvent
from models.deadline import ACTIVE_STATUSES
from scheduler.calendar import format_date as english_date
from services.audit.trail import record_audit
from services.cases.access import can_change_case, can_read_confidential
from services.cases.engine_view import latest_submissions, session_counts
from services.cases.facts import due_key, user_names
from services.cases.history_text import history_title, step_pointer
from services.cases.page_plans import case_with_records, read_with_user
from services.cases.page_reads import CaseRecords, read_case_records
from services.cases.transitions import list_history, transition_options
from services.common.language import active_language, format_date
from services.common.language import gettext as _
from services.common.language import lazy_gettext as _l
from services.deadlines.lists import list_deadlines
from services.partner.records import partner_summary
from services.pathways.store import definition_for
from services.submissions.definitions import published_forms, published_versions
from services.submissions.results import earlier_submissions, result_line
from services.submissions.slots import slot_roles
from workflows.engine import forms_for_state
from workflows.text import cap, role_phrase
from workflows.translations import translated

RISK_TAGS = {"low": (_l("Low"), "green"), "medium": (_l("Medium"), "yellow"), "high": (_l("High"), "orange"),
             "very_high": (_l("Very high"), "red")}
TIMELINE_SHOWN = 8  # the newest history entries the case page shows
# Who completes a form only some roles may fill in (a role a pathway adds is named by its own phrase).
COMPLETED_BY = {"manager": _l("Completed by a team manager"), "practitioner": _l("Completed by a practitioner"),
                "partner_worker": _l("Completed by a partner-support worker"),
                "admin": _l("Completed by an administrator"), "auditor": _l("Completed by an auditor"),
                "referrer": _l("Completed by a referrer")}




def _label(defn, key: str, doc, language: str) -> str:
    """Return a form as the stage's task list names it: the pathway's name for it, else its title, in the language."""
    label = defn.form_labels.get(key) and defn.text(f"/form_labels/{key}", language, defn.form_labels[key])
    if not label and doc is not None:  # a form keeps its translations as a pathway file does
        label = translated(doc.definition or {}, "/title", language, doc.title)
    label = label or key.replace("_", " ")
    return cap(label[4:] if label.startswith("the ") else label)


def case_tasks(case: Case, *, actor, every_confidential_form: bool = False, now: datetime | None = None,
               submissions: dict | None = None, published: list | None = None) -> list[dict]:
    """Return the forms for the case's current state, each with its status, hint and where it leads.

    `every_confidential_form` adds each published confidential form as optional (the partner worker's records);
    `submissions` are the case's latest ones and `published` the published forms when the caller has read them.
    """
    defn = definition_for(case)
    if case.status != "open" or case.state not in defn.states:
        return []
    expected = forms_for_state(defn, case.state)
    slots = list(expected["forms"])
    # One read of the published forms, shared by the state's forms and its tags (the definition says whether a
    # form is repeatable; it is stored as one text, so it cannot be projected further).
    if published is None:
        published = published_forms()
    docs = {d.key: d for d in published}
    extra = [doc for tag in expected["tags"] for doc in published if tag in (doc.tags or [])]
    extra += [d for d in docs.values() if d.classification == "confidential"] if every_confidential_form else []
    for doc in extra:
        if all(s["form"] != doc.key for s in slots):
            # Who may fill it as the form pages decide it: a slot of another stage may give it to one role only.
            slots.append({"form": doc.key, "required": False, "countersigned": False,
                          "roles": list(slot_roles(case, doc) or ())})
    subs = latest_submissions(case) if submissions is None else submissions
    may_change, confidential_ok = can_change_case(actor, case), can_read_confidential(actor, case)
    tasks, language = [], active_language()
    for slot in slots:
        doc, sub = docs.get(slot["form"]), subs.get(slot["form"])
        confidential = (sub.classification if sub else getattr(doc, "classification", "")) == "confidential"
        if confidential and not confidential_ok:
            continue  # those who may not read it do not learn whether a confidential record exists
        tasks.append(_task(case, slot, doc, sub, label=_label(defn, slot["form"], doc, language),
                           confidential=confidential, may_change=may_change, actor=actor))
    shown = [t["key"] for t in tasks if t["confidential"] and (t.get("result") or any(
        e["result"] for e in t.get("earlier", [])))]
    if shown:
        # A score worked out from a victim's answers is itself confidential: showing it is a read, so audited.
        record_audit("submission.results_read", actor=actor, now=now or datetime.now(UTC), target_type="case",
                     target_id=case.pk, details={"forms": shown})
    return tasks


def _why_not(case: Case, slot: dict, doc, *, may_change: bool, actor) -> str:
    if doc is None:
        return _("This form has not been published yet")
    if not may_change:
        return _("You can read this case but not change it")
    if case.suspended:
        return _("The case is suspended")
    if slot["roles"] and not actor.has_role(*slot["roles"]):
        role = slot["roles"][0]
        if role in COMPLETED_BY:
            return str(COMPLETED_BY[role])
        return _("Completed by %(role)s", role=role_phrase(role, active_language()))
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
            "required": slot["required"], "hint": _("Required") if slot["required"] else _("Optional")}
    if slot.get("countersigned"):
        task["hint"] = _("Required, with a manager's countersignature")
    if sub is not None and sub.status != "draft":
        task["status"] = "completed"
        task["link"] = ("submissions.view", {"case_id": case.pk, "submission_id": sub.pk})
        if sub.awaiting_countersignature:
            task["hint"] = _("Submitted – awaiting a manager's countersignature")
        elif sub.status == "countersigned":
            task["hint"] = _("Submitted and countersigned")
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


def case_overview(case: Case, *, actor, now: datetime, records: CaseRecords | None = None) -> dict:
    """Return everything the case page shows: summary, actions, tasks, sessions, history.

    `records` are the case's records when they were read with it (see `case_with_records`).
    """
    may_change = can_change_case(actor, case) and case.status == "open"
    # Every kind of record is read at once, and each is shared by the task list, the guards and the summary.
    if records is None:
        records = read_case_records(case, history_limit=TIMELINE_SHOWN,
                                    include_confidential=can_read_confidential(actor, case))
    subs, sessions = latest_submissions(case, records.submissions), records.sessions
    transitions, events = (transition_options(case, actor, submissions=subs, sessions=sessions,
                                              language=active_language()) if may_change else ([], []))
    options = [(o, "transition") for o in transitions] + [(o, "event") for o in events]
    deadlines = list_deadlines(actor=actor, case=case, stored=records.deadlines)
    running = [d for d in deadlines if d.status in ACTIVE_STATUSES]
    tasks = case_tasks(case, actor=actor, now=now, submissions=subs, published=published_versions(records.published))
    return {
        "may_change": may_change, "tasks": tasks, "now": now,
        "allowed": [(o, k) for o, k in options if o.allowed], "blocked": [(o, k) for o, k in options if not o.allowed],
        "deadlines": deadlines, "next_deadline": min(running, key=due_key) if running else None,
        "practitioner": _practitioner_name(case, actor),
        "sessions": sessions[::-1][:5], "session_total": len(sessions), "counts": session_counts(case, sessions),
        "partner": partner_summary(case, actor=actor, found=records.partner, risk_events=records.risk_events),
        "timeline": timeline(case, actor=actor, limit=TIMELINE_SHOWN, entries=records.history),
    }


def open_case_page(case_id, actor, *, read=None) -> tuple[Case, CaseRecords | None]:
    """Return the case the actor may open on its page and, when read with it, the records the page shows.

    `read` is what `read_page_with_user` read for this request, if anything.
    """
    return case_with_records(case_id, actor, history_limit=TIMELINE_SHOWN, read=read)


def read_page_with_user(user_id: str, case_id: str):
    """Read the user's document with the case page's case and records when its plan is kept; else None.

    Returns (the user's document, what to hand to `open_case_page`).
    """
    read = read_with_user(user_id, case_id, history_limit=TIMELINE_SHOWN)
    return (read.user, read) if read is not None else None


def _practitioner_name(case: Case, actor) -> str:
    # Most often the reader is the case's practitioner, whose name is at hand: no read for it.
    if case.allocated_to and case.allocated_to == str(actor.pk):
        return actor.name
    return user_names([case.allocated_to]).get(case.allocated_to, "")


def timeline(case: Case, *, actor, limit: int | None = None, entries: list | None = None) -> list[dict]:
    """Return the case's history as timeline items, newest first, without what the actor may not read.

    `entries` are the history entries the actor may read (newest first) when the caller has read them already.
    """
    # Newest first, read from the index in order; entries written in the same instant keep the order they were
    # written in (ids grow with each insert).
    if entries is None:
        entries = list_history(case, include_confidential=can_read_confidential(actor, case), limit=limit)
    english = definition_for(case)
    defn = english.in_language(active_language())  # the words of the page; the entries themselves stay English
    names = user_names(v for e in entries for k, v in (e.inputs or {}).items() if k in _user_inputs(defn, e))
    language = active_language()
    return [{"title": history_title(e, english, language) if e.label_key else _title(english, defn, e),
             "by": e.actor_name, "at": e.at,
             "lines": _lines(defn, e, names), "confidential": e.confidential, "kind": e.kind} for e in entries]


def _title(english, shown, entry: CaseEvent) -> str:
    """Return an entry's title: its step's label in the page's language when it was recorded with the pathway's."""
    step, own = _step(english, entry), _step(shown, entry)
    if step is not None and own is not None and entry.label == step.label:
        return own.label
    return entry.label or entry.name.replace("_", " ").capitalize()


def _step(defn, entry: CaseEvent):
    if entry.kind == "transition":
        return defn.transitions.get(entry.name)
    return defn.events.get(entry.name) if entry.kind == "event" else None


def _user_inputs(defn, entry: CaseEvent) -> set[str]:
    step = _step(defn, entry)
    return {s.name for s in step.inputs if s.kind == "user"} if step else set()


def _lines(defn, entry: CaseEvent, names: dict) -> list[str]:
    """Return what an entry says besides its title: the state it moved to and the inputs given."""
    lines, language = [], active_language()
    if entry.kind == "transition" and entry.to_state in defn.states and entry.to_state != entry.from_state:
        state = defn.text(f"/states/{entry.to_state}/label", language, defn.states[entry.to_state].label)
        lines.append(_("Moved to: %(state)s", state=state))
    step, inputs = _step(defn, entry), entry.inputs or {}
    # The step's texts in the reader's language, found by their place in the pathway file.
    base = step_pointer(defn, f"{entry.kind}s", entry.name) if step else ""
    for place, spec in enumerate(step.inputs if step else ()):
        value = inputs.get(spec.name)
        if value in (None, "", False):
            continue
        label = defn.text(f"{base}/inputs/{place}/label", language, spec.label)
        if spec.kind in ("decision", "outcome"):
            value = next((defn.text(f"{base}/inputs/{place}/options/{k}/label", language, o["label"])
                          for k, o in enumerate(spec.options) if o["value"] == value), value)
        elif spec.kind == "user":
            value = names.get(str(value)) or _("a person no longer in the team")
        elif spec.kind == "date":
            value = _long(value)
        elif spec.kind == "confirm":
            value = _("Yes")
        lines.append(f"{label} {value}" if label.endswith("?") else f"{label}: {value}")
    if entry.kind == "session" and inputs.get("date"):
        lines.append(_("Session date: %(date)s (catch-up)", date=_long(inputs["date"])) if inputs.get("catch_up")
                     else _("Session date: %(date)s", date=_long(inputs["date"])))
    # A step's reason is already among its inputs; other entries (and steps of another pathway) carry a comment.
    if entry.comment and not any(s.kind in ("reason", "text") for s in (step.inputs if step else ())):
        lines.append(entry.comment)
    if inputs.get("attachment"):
        lines.append(_("A document was added"))
    return lines


def _long(value) -> str:
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    try:
        return format_date(day)
    except RuntimeError:  # no application: English, as the calendar writes it
        return english_date(day)
