"""The team overview: caseloads against capacity, overdue deadlines and countersignatures, counted by MongoDB."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from errors import NotAllowed
from models.case import Case
from models.deadline import MISSED, OPEN, Deadline
from models.form import ConfidentialSubmission, Submission
from services.cases.access import can_read_confidential
from services.cases.engine_view import available_practitioners
from services.cases.facts import user_names
from services.common.language import active_language
from services.common.paging import PAGE_SIZE, page_number
from services.common.rows import find_rows
from services.deadlines.lists import labels_in
from services.pathways.store import definition_version
from services.triage.views import days_between, risk_mix

# What an overdue row shows; nothing else of the deadline is read.
OVERDUE_FIELDS = {"case_id": 1, "case_reference": 1, "key": 1, "label": 1, "due_at": 1, "owner_ids": 1, "status": 1,
                  "workflow_key": 1, "workflow_version": 1}
OVERDUE_ORDER = [("due_at", 1), ("_id", 1)]
CASE_FIELDS = ("reference", "kind", "team", "allocated_to", "status", "workflow_key", "workflow_version")


def overdue_query(*, actor, now: datetime) -> dict:
    """Return the filter of the team's running deadlines that are missed or past their due time."""
    if not actor.has_role("manager") or not actor.team:
        raise NotAllowed(_("Only a team's managers see its overview"))
    # Each branch is a range of the (team, active, status, due_at, _id) index, merged in due order.
    return {"team": actor.team, "active": True,
            "$or": [{"status": MISSED}, {"status": OPEN, "due_at": {"$lt": now}}]}


def overdue_by_owner(*, actor, now: datetime) -> dict[str, int]:
    """Return user id -> how many of the team's deadlines they own are overdue, counted by an aggregation."""
    found = Deadline._get_collection().aggregate([
        {"$match": overdue_query(actor=actor, now=now)}, {"$project": {"owner_ids": 1}},
        {"$unwind": "$owner_ids"}, {"$group": {"_id": "$owner_ids", "n": {"$sum": 1}}}])
    return {row["_id"]: row["n"] for row in found}


def overdue_rows(docs: list[dict], now: datetime) -> list[dict]:
    """Return the rows of one page (or one batch of an export) of overdue deadlines, named in the reader's language."""
    names = user_names(o for doc in docs for o in doc.get("owner_ids") or [])
    labels = labels_in(docs, active_language())
    return [{"id": doc["_id"], "case_id": doc["case_id"], "reference": doc.get("case_reference", ""),
             "key": doc.get("key", ""), "label": label, "due_at": doc.get("due_at"),
             "days": days_between(doc.get("due_at"), now),
             "owners": ", ".join(names[o] for o in doc.get("owner_ids") or [] if o in names)}
            for doc, label in zip(docs, labels, strict=True)]


def _form_label(case: Case, form_key: str) -> str:
    defn = definition_version(case.workflow_key, case.workflow_version)
    label = defn.text(f"/form_labels/{form_key}", active_language(), defn.form_labels.get(form_key) or "") or \
        form_key.replace("_", " ")
    label = label[4:] if label.startswith("the ") else label
    return label[:1].upper() + label[1:]


def countersignatures(*, actor, now: datetime) -> tuple[list[dict], int]:
    """Return the oldest forms of the team's cases waiting for countersignature (a page of them), and how many."""
    # The team's cases first (one index range, as many ids as the team has cases), then their forms by case:
    # the cost follows the team's size, never the whole database's.
    team_cases = Case._get_collection().distinct("_id", {"team": actor.team, "status": {"$ne": "draft"}})
    pipeline = [
        {"$match": {"case_id": {"$in": team_cases}, "status": "submitted", "countersign_required": True}},
        {"$sort": {"submitted_at": 1, "_id": 1}},
        {"$facet": {"total": [{"$count": "n"}],
                    "rows": [{"$limit": PAGE_SIZE},
                             {"$project": {"case_id": 1, "form_key": 1, "classification": 1, "submitted_at": 1,
                                           "submitted_by": 1}}]}}]
    found, total = [], 0
    for cls in (Submission, ConfidentialSubmission):
        facet = next(cls._get_collection().aggregate(pipeline))
        total += facet["total"][0]["n"] if facet["total"] else 0
        found += [(cls, sub) for sub in facet["rows"]]
    # Plain rows: a page of forms can name a hundred cases, and building documents of them cost most of the page.
    cases = {c.pk: c for c in find_rows(Case, {"_id": {"$in": [s["case_id"] for _cls, s in found]}},
                                         fields=CASE_FIELDS)}
    names = user_names(s.get("submitted_by") for _cls, s in found)
    outside = _("Someone outside the team")
    waiting = []
    for cls, sub in sorted(found, key=lambda f: (f[1].get("submitted_at") or now, f[1]["_id"]))[:PAGE_SIZE]:
        case = cases.get(sub["case_id"])
        if case is None or (cls is ConfidentialSubmission and not can_read_confidential(actor, case)):
            total -= 1
            continue
        waiting.append({"id": sub["_id"], "case_id": case.pk, "reference": case.reference,
                        "form": _form_label(case, sub["form_key"]), "classification": sub.get("classification"),
                        "submitted_at": sub.get("submitted_at"), "days": days_between(sub.get("submitted_at"), now),
                        "by": names.get(sub.get("submitted_by"), outside)})
    return waiting, total


def get_team_overview(*, actor, now: datetime, page=1) -> dict:
    """Return the team's caseloads, a page of its overdue deadlines and the forms waiting for countersignature."""
    query = overdue_query(actor=actor, now=now)
    overdue_counts = overdue_by_owner(actor=actor, now=now)
    caseloads = [{**row, "mix": risk_mix(row["risks"]), "overdue": overdue_counts.get(str(row["user"].pk), 0)}
                 for row in available_practitioners(actor.team)]
    deadlines = Deadline._get_collection()
    total = deadlines.count_documents(query)
    page, pages = page_number(page, total)
    docs = list(deadlines.find(query, OVERDUE_FIELDS).sort(OVERDUE_ORDER).skip((page - 1) * PAGE_SIZE)
                .limit(PAGE_SIZE))
    waiting, waiting_total = countersignatures(actor=actor, now=now)
    cases = Case._get_collection()
    team = {"team": actor.team, "status": "open", "kind": "perpetrator"}
    return {
        "caseloads": caseloads, "overdue": overdue_rows(docs, now), "countersign": waiting,
        "result": {"page": page, "pages": pages, "total": total, "page_size": PAGE_SIZE},
        # The downloads leave these out (a partner's reference and timescales never leave in a file): said so.
        "partner_overdue": deadlines.count_documents({**query, "case_kind": "partner"}) if total else 0,
        "counts": {
            "inbox": cases.count_documents({**team, "allocated_to": "", "on_waiting_list": False}),
            "waiting": cases.count_documents({**team, "on_waiting_list": True}),
            "open": cases.count_documents(team), "overdue": total, "countersign": waiting_total,
        },
    }
