"""Case lists and search, paged, filtered and sorted by MongoDB on indexes, whatever the number of cases."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _
from pymongo import UpdateOne

from clock import utcnow
from errors import NotAllowed
from models.case import LIST_SORTS, RISK_LEVELS, Case, Counter, WorkflowVersion, name_keys, risk_rank
from models.partner import REACHED, PartnerContact
from services.cases.access import team_read_enabled, visible_cases_query
from services.cases.facts import due_key, next_deadlines, shown_deadline, state_of, user_names
from services.cases.pages import RISK_TAGS
from services.cases.stages import stage_filter, state_options
from services.common.migrations import MIGRATIONS
from services.common.paging import PAGE_SIZE, page_number
from services.common.patterns import literal
from services.deadlines.tracking import sync_next_due
from services.pathways.store import definition_version

LIST_FIELDS_MIGRATION = "case_list_fields"
NAME_KEYS_MIGRATION = "case_name_keys"

SCOPES = ("mine", "team", "all")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
# What a list row shows; nothing else of the case is read.
ROW_FIELDS = ("reference", "kind", "status", "state", "person.name", "person.date_of_birth", "risk_level",
              "priority", "allocated_to", "workflow_key", "workflow_version", "next_due_at")


def _rows(cases: list[Case]) -> list[dict]:
    """Return list rows for one page: one query for the next deadlines, one for the practitioners' names."""
    deadlines = next_deadlines([c.pk for c in cases])
    names = user_names(c.allocated_to for c in cases)
    return [{"case": c, "state": state_of(c), "risk": RISK_TAGS.get(c.risk_level),
             "deadline": shown_deadline(c, deadlines.get(c.pk)), "practitioner": names.get(c.allocated_to, "")}
            for c in cases]


def list_scope(actor, asked: str) -> str:
    """Return the scope a list is shown in: a practitioner's own cases or (if allowed) the team's; else every case."""
    if actor.has_role("practitioner") and not actor.has_role("manager", "auditor"):
        return "team" if asked == "team" and team_read_enabled() else "mine"
    return "all"


def list_query(*, actor, scope: str, status: str, state: str, risk: str) -> dict:
    """Return the MongoDB filter for a case list: what the actor may see, in the scope, with the filters."""
    query: dict = {"kind": "perpetrator"}
    if scope == "mine":
        query["allocated_to"] = str(actor.pk)
    elif scope == "team":
        query["team"] = actor.team  # "my team's cases": also keeps the query on the team's index
    # A list of statuses (not "anything but draft") keeps the sort an index walk per status, merged.
    query["status"] = status if status in ("open", "closed") else {"$in": ["open", "closed"]}
    if state:
        query.update(stage_filter(state))
    if risk in RISK_LEVELS or risk == "none":
        query["risk_rank"] = risk_rank(risk)  # "none" is 0; the rank (not the level) is in the filter's indexes
    return {"$and": [visible_cases_query(actor), query]}


def sort_spec(sort: str, direction: str, *, state: str = "", risk: str = "") -> list[tuple[str, int]]:
    """Return the sort on the list's index: the chosen field, then _id so equal values keep one order.

    A field a filter fixes to one value is left out: the same order, and one the filter's index gives as it is.
    """
    order = -1 if direction == "desc" else 1
    pinned = {"state"} if state else set()
    if risk in RISK_LEVELS or risk == "none":
        pinned.add("risk_rank")
    field = LIST_SORTS[sort]
    return [("_id", order)] if field in pinned else [(field, order), ("_id", order)]


def list_cases(*, actor, now: datetime, scope: str = "all", status: str = "open", state: str = "",
               risk: str = "", sort: str = "deadline", direction: str = "asc", page=1) -> dict:
    """Return one page of the perpetrator cases the actor may see in a scope, filtered and sorted."""
    if not actor.has_role("manager", "practitioner", "auditor"):
        raise NotAllowed(_("You do not have access to case lists"))
    scope = scope if scope in SCOPES else "all"
    sort = sort if sort in LIST_SORTS else "deadline"
    direction = "desc" if direction == "desc" else "asc"
    query = list_query(actor=actor, scope=scope, status=status, state=state, risk=risk)
    total = Case.objects(__raw__=query).count()
    page, pages = page_number(page, total)
    cases = list(Case.objects(__raw__=query).only(*ROW_FIELDS).order_by(
        *[("-" if o < 0 else "+") + f for f, o in sort_spec(sort, direction, state=state, risk=risk)])
        .skip((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return {"rows": _rows(cases), "states": state_options(), "total": total, "scope": scope, "sort": sort,
            "direction": direction, "page": page, "pages": pages, "page_size": PAGE_SIZE,
            "filtered": bool(state or risk or status != "open")}


def closed_states(kind: str) -> list[str]:
    """Return the states the pathways of this kind of case show as closed (a partner record closes by its state)."""
    found = set()
    keys = Case.objects(kind=kind).distinct("workflow_key")
    for stored in WorkflowVersion.objects(key__in=keys).only("key", "version"):
        states = definition_version(stored.key, stored.version).states
        found |= {key for key, state in states.items() if state.public_status == "Closed"}
    return sorted(found)


def list_partner_cases(*, actor, status: str = "open", page=1) -> dict:
    """Return one page of the partner cases the actor works (or, for managers, the team's), newest reference first."""

    query: dict = {"kind": "partner", "status": {"$in": ["open", "closed"]}}
    if actor.has_role("manager"):
        query["team"] = actor.team
    elif actor.has_role("partner_worker"):
        query["allocated_to"] = str(actor.pk)
    else:
        raise NotAllowed(_("You do not have access to partner cases"))
    ended = closed_states("partner")
    if status == "open":
        query.update(status="open", state={"$nin": ended})
    elif status == "closed":
        query["$or"] = [{"status": "closed"}, {"state": {"$in": ended}}]
    total = Case.objects(__raw__=query).count()
    page, pages = page_number(page, total)
    cases = list(Case.objects(__raw__=query).only(*ROW_FIELDS, "parent_case_id").order_by("-reference", "-id")
                 .skip((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    ids = [c.pk for c in cases]
    parents = {c.pk: c for c in Case.objects(pk__in=[c.parent_case_id for c in cases if c.parent_case_id])
               .only("reference", "workflow_key", "workflow_version")}
    # Contact made, as the contact form says: an unanswered call is an attempt, not the last contact.
    last = {row["_id"]: row["date"] for row in PartnerContact.objects(case_id__in=ids, outcome__in=REACHED).aggregate(
        [{"$group": {"_id": "$case_id", "date": {"$max": "$date"}}}])}
    workers, deadlines = user_names(c.allocated_to for c in cases), next_deadlines(ids)
    # Her record's page lists the deadlines his case keeps for her worker (telling her, contact during the group):
    # the list's next deadline is the first of both.
    theirs = next_deadlines(parents, role="partner_worker")
    rows = [{"case": c, "parent": parents.get(c.parent_case_id), "state": state_of(c), "last_contact": last.get(c.pk),
             "worker": workers.get(c.allocated_to, ""), "deadline": _first_deadline(
                 shown_deadline(c, deadlines.get(c.pk)),
                 shown_deadline(parents[c.parent_case_id], theirs.get(c.parent_case_id))
                 if c.parent_case_id in parents else None)}
            for c in cases]
    return {"rows": rows, "total": total, "page": page, "pages": pages, "page_size": PAGE_SIZE}


def _first_deadline(*found):
    """Return the one of these deadlines due first (None when there is none)."""
    return min((d for d in found if d is not None), key=due_key, default=None)


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


def reference_condition(query: str) -> dict:
    """Return what a reference search matches: a prefix, a whole reference typed loosely, or its number alone."""
    typed = re.sub(r"[\s_/]+", "-", query.strip().upper())
    whole = re.fullmatch(r"([A-Z]+)-?(\d{4})-?(\d{1,5})", typed)
    if whole:  # "DAO 2026 5", "dao-2026-00005": the reference itself (its number has 5 digits)
        return {"reference": f"{whole.group(1)}-{whole.group(2)}-{int(whole.group(3)):05d}"}
    year = re.fullmatch(r"(\d{4})-(\d{1,5})", typed)
    if year:  # "2026-00005", "2026 5": that number of every pathway's series of that year
        series = Counter._get_collection().find({"_id": {"$regex": f"-{year.group(1)}$"}}, {"_id": 1})
        return {"reference": {"$in": sorted(f"{s['_id']}-{int(year.group(2)):05d}" for s in series)}}
    if re.fullmatch(r"\d{2,5}", typed) and int(typed):
        # Its number alone ("00012", "12"): that number in every series of references given out (a pathway's
        # year), each one key of the unique reference index, never a scan of them all.
        number = int(typed)
        series = Counter._get_collection().find({"value": {"$gte": number}}, {"_id": 1})
        return {"reference": {"$in": sorted(f"{s['_id']}-{number:05d}" for s in series)}}
    # References are stored in capitals: an anchored prefix is a range on the unique reference index.
    return {"reference": {"$regex": "^" + literal(typed)}}


def search_condition(query: str) -> dict | None:
    """Return what a search matches on, each an index range: a reference prefix, a date of birth or a name."""
    day = parse_search_date(query)
    if day is not None:
        return {"person.date_of_birth": datetime(day.year, day.month, day.day)}
    by_reference = reference_condition(query)
    words = name_keys(query)
    if not words:
        return by_reference
    # Each word typed is the start of a word of the name, folded as the keys are: one range of the keys' index.
    return {"$or": [by_reference, {"$and": [{"name_keys": {"$regex": "^" + literal(w)}} for w in words]}]}


def search_cases(*, actor, now: datetime, query: str, page=1) -> dict:
    """Return one page of the visible cases whose reference, person's name or date of birth matches the query."""
    if not actor.has_role("manager", "practitioner", "auditor", "partner_worker"):
        raise NotAllowed(_("You do not have access to case search"))
    query = (query or "").strip()[:100]
    empty = {"rows": [], "total": 0, "page": 1, "pages": 1, "page_size": PAGE_SIZE}
    if len(query) < 2:
        return empty
    condition = {"$and": [visible_cases_query(actor), {"status": {"$in": ["open", "closed"]}},
                          search_condition(query)]}
    total = Case.objects(__raw__=condition).count()
    page, pages = page_number(page, total)
    cases = list(Case.objects(__raw__=condition).only(*ROW_FIELDS).order_by("+reference")
                 .skip((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return {"rows": _rows(cases), "total": total, "page": page, "pages": pages, "page_size": PAGE_SIZE}


def fill_list_fields() -> int:
    """Give cases stored before lists were sorted in the database their next deadline and risk order; count them.

    Run at start-up, so it records that it is done: later starts cost one lookup, not a scan of every case.
    """
    done = Case._get_db()[MIGRATIONS]
    if done.find_one({"_id": LIST_FIELDS_MIGRATION}):
        return 0
    cases = Case._get_collection()
    missing = [doc["_id"] for doc in cases.find({"next_due_at": {"$exists": False}}, {"_id": 1})]
    for case_id in missing:
        sync_next_due(case_id)
    for level in ("", *RISK_LEVELS):
        cases.update_many({"risk_rank": {"$exists": False}, "risk_level": level},
                          {"$set": {"risk_rank": risk_rank(level)}})
    cases.update_many({"risk_rank": {"$exists": False}}, {"$set": {"risk_rank": 0}})
    done.update_one({"_id": LIST_FIELDS_MIGRATION}, {"$set": {"done_at": utcnow()}}, upsert=True)
    return len(missing)


def fill_name_keys(batch: int = 1000) -> int:
    """Give cases stored before names were searched by their keys those keys; count them (once, at start-up)."""
    done = Case._get_db()[MIGRATIONS]
    if done.find_one({"_id": NAME_KEYS_MIGRATION}):
        return 0
    cases, count, writes = Case._get_collection(), 0, []
    for doc in cases.find({"name_keys": {"$exists": False}}, {"person.name": 1}):
        writes.append(UpdateOne({"_id": doc["_id"]},
                                {"$set": {"name_keys": name_keys((doc.get("person") or {}).get("name", ""))}}))
        if len(writes) >= batch:  # in batches: memory stays flat however many cases there are
            count += cases.bulk_write(writes, ordered=False).modified_count
            writes = []
    if writes:
        count += cases.bulk_write(writes, ordered=False).modified_count
    done.update_one({"_id": NAME_KEYS_MIGRATION}, {"$set": {"done_at": utcnow()}}, upsert=True)
    return count
