"""The team manager's lists, the referral inbox and the waiting list: paged, filtered and sorted by MongoDB."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask_babel import gettext as _

from errors import NotAllowed
from forms.computed import describe_screening
from models.case import INBOX_ORDER, WAITING_ORDER, Case
from models.form import Submission
from services.common.language import active_language
from services.common.paging import PAGE_SIZE, page_number
from services.groups.intake import next_intakes
from services.groups.schedules import local_today
from services.pathways.store import definition_version
from services.triage.views import days_between, waited_words
from workflows.intake import referral

PRIORITIES = ("urgent", "standard")
# What a row of either list shows; nothing else of the case is read.
ROW_FIELDS = {"reference": 1, "person.name": 1, "referrer_name": 1, "referrer_organisation": 1, "state": 1,
              "workflow_key": 1, "workflow_version": 1, "priority": 1, "fields.urgent_requested": 1,
              "endorsements.urgent": 1, "referred_at": 1, "created_at": 1, "waiting_since": 1}


def _manager(actor) -> None:
    if not actor.has_role("manager") or not actor.team:
        raise NotAllowed(_("Only a team's managers see its referrals and waiting list"))


def state_label(doc: dict) -> str:
    """Return the label of a case's stage in its own pathway version."""
    defn = definition_version(doc["workflow_key"], doc["workflow_version"])
    state = defn.states.get(doc.get("state", ""))
    if state is None:
        return (doc.get("state") or "").replace("_", " ").capitalize()
    return defn.text(f"/states/{state.name}/label", active_language(), state.label)


def screenings(docs: list[dict]) -> dict:
    """Return case id -> screening outcome of the cases' screening forms, in one query whatever the pathways."""
    wanted: dict[str, list] = {}
    for doc in docs:
        form = referral(definition_version(doc["workflow_key"], doc["workflow_version"])).get("screening", "")
        if form:
            wanted.setdefault(form, []).append(doc["_id"])
    if not wanted:
        return {}
    query = {"$or": [{"form_key": form, "case_id": {"$in": ids}} for form, ids in wanted.items()],
             "status": {"$ne": "draft"}}
    found = {}
    # Oldest first, so the latest sent screening is the one kept.
    for sub in Submission._get_collection().find(query, {"case_id": 1, "computed.outcome": 1}).sort("created_at", 1):
        found[sub["case_id"]] = describe_screening(sub.get("computed"), active_language())
    return found


def list_rows(docs: list[dict], now: datetime) -> list[dict]:
    """Return the rows of one page (or one batch of an export) of the inbox or the waiting list."""
    screening = screenings(docs)
    rows = []
    for doc in docs:
        since = doc.get("referred_at") or doc.get("created_at")
        waiting = doc.get("waiting_since")
        rows.append({
            "id": doc["_id"], "reference": doc.get("reference", ""), "name": (doc.get("person") or {}).get("name", ""),
            "referrer_name": doc.get("referrer_name", ""),
            "referrer_organisation": doc.get("referrer_organisation", ""),
            "workflow_key": doc["workflow_key"], "state": doc.get("state", ""), "state_label": state_label(doc),
            "since": since, "days": days_between(since, now), "urgent": doc.get("priority") == "urgent",
            "urgent_requested": bool((doc.get("fields") or {}).get("urgent_requested")),
            "endorsements": len((doc.get("endorsements") or {}).get("urgent", [])),
            "screening": screening.get(doc["_id"]) or describe_screening({}, active_language()),
            "waiting_since": waiting, "waited_days": days_between(waiting, now),
            "waited": waited_words(days_between(waiting, now)),
        })
    return rows


def inbox_query(*, actor, state: str = "") -> dict:
    """Return the filter of the team's referrals not yet allocated nor waiting (at one stage, if given)."""
    _manager(actor)
    query = {"team": actor.team, "on_waiting_list": False, "allocated_to": "", "status": "open", "kind": "perpetrator"}
    if state:
        query["state"] = state
    return query


def inbox_stages(*, actor) -> list[dict]:
    """Return each stage the inbox's referrals are at with how many, counted by MongoDB."""
    found = Case._get_collection().aggregate([
        {"$match": inbox_query(actor=actor)},
        {"$group": {"_id": "$state", "count": {"$sum": 1}, "workflow_key": {"$first": "$workflow_key"},
                    "workflow_version": {"$first": "$workflow_version"}}}])
    stages = [{"state": g["_id"], "label": state_label({**g, "state": g["_id"]}), "count": g["count"]} for g in found]
    return sorted(stages, key=lambda s: (s["label"].lower(), s["state"]))


def list_inbox(*, actor, now: datetime, state: str = "", page=1) -> dict:
    """Return one page of the team's new referrals: urgent, then urgent requested, then the longest waiting."""
    stages = inbox_stages(actor=actor)
    counts = {s["state"]: s["count"] for s in stages}
    state = state if state in counts else ""
    total = counts[state] if state else sum(counts.values())
    page, pages = page_number(page, total)
    docs = list(Case._get_collection().find(inbox_query(actor=actor, state=state), ROW_FIELDS)
                .sort(list(INBOX_ORDER)).skip((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return {"rows": list_rows(docs, now), "total": sum(counts.values()), "shown": total, "stages": stages,
            "state": state, "page": page, "pages": pages, "page_size": PAGE_SIZE,
            "result": {"page": page, "pages": pages, "total": total, "page_size": PAGE_SIZE}}


def waiting_query(*, actor, priority: str = "") -> dict:
    """Return the filter of the team's waiting list (only urgent or standard cases, if asked)."""
    _manager(actor)
    query = {"team": actor.team, "on_waiting_list": True, "status": "open", "kind": "perpetrator"}
    if priority in PRIORITIES:
        query["priority"] = priority
    return query


def with_intakes(rows: list[dict], team: str, now: datetime) -> list[dict]:
    """Add to each row the group intake a man waiting for a group would join."""
    cases = [SimpleNamespace(pk=r["id"], workflow_key=r["workflow_key"]) for r in rows]
    intakes = next_intakes(team, cases, local_today(now))
    for row in rows:
        row["intake"] = intakes.get(row["id"])
    return rows


def list_waiting_list(*, actor, now: datetime, priority: str = "", page=1) -> dict:
    """Return one page of the team's waiting list in the order to allocate: urgent first, then the longest waiting."""
    priority = priority if priority in PRIORITIES else ""
    cases = Case._get_collection()
    total = cases.count_documents(waiting_query(actor=actor, priority=priority))
    # Urgent cases come first, so a standard case's place counts every urgent one ahead of it.
    ahead = cases.count_documents(waiting_query(actor=actor, priority="urgent")) if priority == "standard" else 0
    page, pages = page_number(page, total)
    skip = (page - 1) * PAGE_SIZE
    docs = list(cases.find(waiting_query(actor=actor, priority=priority), ROW_FIELDS).sort(list(WAITING_ORDER))
                .skip(skip).limit(PAGE_SIZE))
    rows = with_intakes(list_rows(docs, now), actor.team, now)
    for position, row in enumerate(rows, ahead + skip + 1):
        row["position"] = position
    return {"rows": rows, "total": total, "priority": priority, "page": page, "pages": pages,
            "page_size": PAGE_SIZE}
