"""The case page's records in one command: submissions, sessions, deadlines, recent history, the partner record.

Each kind of record the case page shows is a read by the case's id; sent one by one they cost a round trip each, in
the server and in the worker. Here they are one aggregation: the submissions, with every other collection's read
appended by `$unionWith`, each document tagged with the part it belongs to. Each part's filter, sort and limit are
the ones its own read sends, on the same index. Each part still costs the server about as much as a small query of
its own, so what is the same on every page (which form versions are published) is not a part.
"""

from __future__ import annotations

from dataclasses import dataclass

from bson import ObjectId

from models.case import Case, CaseEvent, CaseSession
from models.deadline import Deadline
from models.form import ConfidentialSubmission, Submission
from models.user import User
from services.cases.engine_view import case_submissions, fields_without, left_unread
from services.common.rows import Row, find_rows, rows_of
from services.partner.records import LINKED_FIELDS, RISK_FIELDS, risk_event_names
from services.submissions.definitions import newest_published
from storage.uow import in_transaction

PART = "_case_page_part"


@dataclass
class CaseRecords:
    """What the case page shows of the case's records, read at once."""

    submissions: list  # every submission, drafts too: the standard ones, then the confidential, each oldest first
    sessions: list[Row]  # oldest first
    deadlines: list[Row]
    history: list[Row]  # newest first, at most the limit asked for
    partner: list[Row]  # the partner record (the fields its summary reads), when the case has one
    published: dict[str, int]  # form key → its newest published version
    # (names, events): the events of those names on the case and on its partner record (the risk updates passed
    # on, see services.partner.records); None when not read here.
    risk_events: tuple[list[str], list[Row]] | None = None


def _part(model, name: str, *stages: dict) -> dict:
    pipeline = [*stages, {"$addFields": {PART: name}}]
    # The model's collection, not only its name: a process's first use makes the indexes the model declares, which
    # each part reads (a union never touches the model otherwise).
    return {"$unionWith": {"coll": model._get_collection().name, "pipeline": pipeline}}


def _history_query(case_id, include_confidential: bool) -> dict:
    return {"case_id": case_id} if include_confidential else {"case_id": case_id, "confidential": False}


@dataclass(frozen=True)
class ReadPlan:
    """What a case's records are read with for one reader, worked out from the case: known only once it is read."""

    include_confidential: bool  # the reader may read its confidential records
    linked: tuple = ()  # the ids of its linked records (its partner record's among them)
    risk_names: tuple = ()  # the events its pathway mirrors from a partner record


def read_case_records(case: Case, *, history_limit: int, include_confidential: bool) -> CaseRecords:
    """Return the case's submissions, sessions, deadlines, newest history entries and partner record, in one read.

    `include_confidential` keeps confidential history entries (only for those who may read them).
    """
    if in_transaction():  # MongoDB refuses $unionWith in a transaction: one read per kind there
        return _read_apart(case, history_limit=history_limit, include_confidential=include_confidential)
    plan = ReadPlan(include_confidential, tuple(case.linked_case_ids or ()), tuple(risk_event_names(case)))
    return aggregate(case.pk, plan, history_limit=history_limit).records


@dataclass
class PageRead:
    """What one command read for the case page: the case's records, and the case and its reader when asked for."""

    plan: ReadPlan
    records: CaseRecords
    case: Case | None = None  # None when not asked for, or not found
    user: dict | None = None  # the reader's stored document (see blueprints.sessions.load_user)


def aggregate(case_id, plan: ReadPlan, *, history_limit: int, with_case: bool = False,
              user_id: ObjectId | None = None) -> PageRead:
    """Return the case's records read in one command with the plan given, with the case and a user if asked."""
    match = {"$match": {"case_id": case_id}}
    standard, confidential = left_unread(plan.include_confidential)
    # The case keeps its partner record's id (set in the unit of work that opens the record, and filled in at start-up
    # for records opened before), so the record is read by id: any other filter on the cases collection costs the
    # server more to plan, over the many indexes its lists need, than to run.
    linked = list(plan.linked)
    pipeline = [
        match, {"$project": dict.fromkeys(standard, 0)},
        *([_part(Case, "case", {"$match": {"_id": case_id}})] if with_case else []),
        *([_part(User, "user", {"$match": {"_id": user_id}})] if user_id is not None else []),
        _part(ConfidentialSubmission, "confidential", match, {"$project": dict.fromkeys(confidential, 0)}),
        _part(CaseSession, "sessions", match),
        _part(Deadline, "deadlines", match),
        _part(CaseEvent, "history", {"$match": _history_query(case_id, plan.include_confidential)},
              {"$sort": {"at": -1, "_id": -1}}, {"$limit": history_limit}),
        *([_part(Case, "partner", {"$match": {"_id": {"$in": linked}}}, {"$project": dict.fromkeys(LINKED_FIELDS, 1)})]
          if linked else []),
        # The risk updates on the case and on its linked records, on the (case_id, at) index: the case's own and its
        # partner record's are kept below.
        *([_part(CaseEvent, "risk", {"$match": {"case_id": {"$in": [case_id, *linked]},
                                                "name": {"$in": list(plan.risk_names)}}},
                 {"$project": dict.fromkeys((*RISK_FIELDS, "case_id"), 1)})] if plan.risk_names else []),
    ]
    parts: dict[str, list] = {name: [] for name in ("", "case", "user", "confidential", "sessions", "deadlines",
                                                    "history", "partner", "risk")}
    for son in Submission._get_collection().aggregate(pipeline):
        parts[son.pop(PART, "")].append(son)
    by_creation = sorted(parts[""], key=lambda son: son["created_at"]), sorted(
        parts["confidential"], key=lambda son: son["created_at"])
    # Its partner record: the first opened of the linked records that are partner records naming it as parent.
    partner = sorted((son for son in parts["partner"] if son.get("kind") == "partner"
                      and son.get("parent_case_id") == case_id), key=lambda son: son["created_at"])[:1]
    whose = {case_id, *(son["_id"] for son in partner)}
    risk_events = [son for son in parts["risk"] if son.pop("case_id", None) in whose]
    # Each part is put in its own order here too: a union does not promise to keep its parts' order.
    records = CaseRecords(
        submissions=rows_of(Submission, by_creation[0], fields=fields_without(standard)) + rows_of(
            ConfidentialSubmission, by_creation[1], fields=fields_without(confidential)),
        sessions=sorted(rows_of(CaseSession, parts["sessions"]), key=lambda s: (s.date, s.recorded_at)),
        deadlines=rows_of(Deadline, parts["deadlines"]),
        history=sorted(rows_of(CaseEvent, parts["history"]), key=lambda e: (e.at, e.id), reverse=True),
        partner=rows_of(Case, partner, fields=LINKED_FIELDS),
        # Not a part of the union: which versions are published is the same on every case page, kept for a few
        # seconds (each part of a union costs the server about as much as a small query of its own).
        published=newest_published(),
        risk_events=(list(plan.risk_names), rows_of(CaseEvent, risk_events, fields=RISK_FIELDS))
        if plan.risk_names else None,
    )
    return PageRead(plan, records, Case._from_son(parts["case"][0]) if parts["case"] else None,
                    parts["user"][0] if parts["user"] else None)


def _read_apart(case: Case, *, history_limit: int, include_confidential: bool) -> CaseRecords:
    """Return the same records read one kind at a time (inside a unit of work)."""
    submissions = case_submissions(case, left_out=left_unread(include_confidential))  # one find per kind here
    return CaseRecords(
        submissions=submissions,
        sessions=find_rows(CaseSession, {"case_id": case.pk}, sort=[("date", 1), ("recorded_at", 1)]),
        deadlines=find_rows(Deadline, {"case_id": case.pk}),
        history=find_rows(CaseEvent, _history_query(case.pk, include_confidential), sort=[("at", -1), ("_id", -1)],
                          limit=history_limit),
        partner=find_rows(Case, {"parent_case_id": case.pk, "kind": "partner"}, fields=LINKED_FIELDS,
                          sort=[("created_at", 1)], limit=1),
        published=newest_published(),
    )
