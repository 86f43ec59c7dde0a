"""Every query the case lists and the reports page send walks an index: captured from real requests, then explained.

The commands are the ones the pages send (pymongo command monitoring around a request through the Flask client), so
this test cannot drift from the code: a new query without an index, or a list sort the index does not give, fails.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime

import mongoengine
import pytest

from models.case import LIST_FILTERS, LIST_SCOPES, LIST_SORTS, Case
from tests.command_log import recording
from tests.conftest import sign_in
from tests.services.cases.test_case_list_queries import seed as seed_cases
from tests.services.cases.test_case_list_queries import stages
from tests.services.reports.test_report_queries import refill_counts
from tests.services.reports.test_report_queries import seed as seed_reports
from tests.services.triage.test_manager_list_queries import seed_team

EXPLAINED = ("find", "aggregate", "count", "distinct")
# What a driver adds to a command for its session, transaction and server; explain takes the query without them.
SESSION_FIELDS = {"lsid", "$db", "$clusterTime", "txnNumber", "startTransaction", "autocommit", "readConcern",
                  "writeConcern", "$readPreference", "apiVersion", "apiStrict", "apiDeprecationErrors"}


def captured(database: str, client, path: str) -> list[dict]:
    """Return the query commands one GET of `path` sends (the page must answer 200)."""
    with recording(database) as log:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return [{k: v for k, v in command.items() if k not in SESSION_FIELDS}
            for name, command in log.sent if name in EXPLAINED]


def plans(command: dict) -> list[dict]:
    """Return every winning plan of a command's explain answer (one per query a pipeline runs)."""
    explained = mongoengine.get_db().command("explain", command, verbosity="queryPlanner")
    found = []

    def walk(value):
        if isinstance(value, dict):
            if "winningPlan" in value:
                found.append(value["winningPlan"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(explained)
    return found


def index_names(plan) -> set[str]:
    """Return the names of the indexes a plan reads."""
    found = set()
    if isinstance(plan, dict):
        if plan.get("stage") == "IDHACK":
            found.add("_id_")
        if "indexName" in plan:
            found.add(plan["indexName"])
        for value in plan.values():
            found |= index_names(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= index_names(item)
    return found


def sign_in_as(client, user) -> None:
    """Sign out whoever is signed in on the client, then sign `user` in."""
    client.post("/sign-out")
    sign_in(client, user)


def case_list_paths() -> list[str]:
    """Return the case list asked every way a page can ask it: each sort, with each filter, in both directions."""
    filters = ("", "&state=allocated", "&risk=high", "&state=allocated&risk=medium", "&state=received&risk=none")
    return [f"/cases?sort={sort}&dir={direction}&status={status}{more}"
            for (sort, more), direction, status in zip(itertools.product(LIST_SORTS, filters),
                                                       itertools.cycle(("asc", "desc", "desc")),
                                                       itertools.cycle(("open", "all", "closed")), strict=False)]


# Each role with the case lists, the manager's lists and the reports it sees, as their pages and downloads ask.
PAGES = {
    "auditor": [*case_list_paths(), "/cases?q=person+12", "/cases?q=DAO-2026-0001", "/cases?q=01/01/1990",
                "/cases?q=example&page=2", "/cases/export.csv?status=all&sort=risk&dir=desc",
                "/cases/export.csv?q=person", "/api/v1/cases?page=2&limit=20",
                "/reports/", "/reports/?from=2025-06-01&to=2025-12-31"],
    "manager": [*case_list_paths(), "/cases?q=example", "/manager/referrals",
                "/manager/referrals?stage=received&page=2", "/manager/waiting-list",
                "/manager/waiting-list?priority=urgent", "/manager/waiting-list?page=2",
                "/manager/team", "/manager/team?page=2", "/manager/referrals/export.csv",
                "/manager/waiting-list/export.csv?priority=standard", "/manager/team/overdue/export.csv",
                "/api/v1/cases", "/reports/", "/reports/?from=2026-01-01&to=2026-03-31"],
    "practitioner": [*case_list_paths(), *[p.replace("/cases?", "/cases?scope=team&") for p in case_list_paths()],
                     "/cases?q=person", "/cases/export.csv?scope=team&sort=person"],
}
# Collections a page reads whole, unfiltered: configuration, a handful of documents that grow with the staff.
WHOLE_READS = {"teams"}
# Where a page shows rows in an index's order, so MongoDB must read them in that order (no in-memory SORT).
ORDERED_LISTS = {"cases", "deadlines"}
# The case indexes these pages do not read, and who does (checked by reading every query on cases).
NOT_FROM_THESE_PAGES = {
    "parent_case_id_1": "a perpetrator's linked partner records (partner pages, notifications, separation)",
    "referrer_id_1_created_at_-1": "the referrer's own referrals (services/referrals/portal.py)",
}
# The list indexes: one per scope, filter and sort (models/case.py); on a small seed the planner may answer a
# filtered list from another of them, equally tight, so which of these a run reads is the planner's choice.
LIST_INDEXES = {"_".join(f"{field}_1" for field in (*scope, *kept, sort, "_id"))
                for scope in LIST_SCOPES for kept in ((), *((f,) for f in LIST_FILTERS))
                for sort in LIST_SORTS.values() if sort not in kept}


def claims_index_order(command: dict) -> bool:
    """Return whether a command is a page of a list read in an index's order (a search is ordered in memory)."""
    return ("find" in command and command["find"] in ORDERED_LISTS and "sort" in command and "limit" in command
            and "name_keys" not in str(command.get("filter")))


def problems(command: dict, found: list[dict]) -> list[str]:
    """Return what is wrong with one explained command: a collection scan, or a list sorted in memory."""
    collection = command.get(next(iter(command)))
    wrong = []
    for plan in found:
        kinds = stages(plan)
        if "COLLSCAN" in kinds and not (collection in WHOLE_READS and not command.get("filter")):
            wrong.append(f"COLLSCAN on {collection}")
        if "SORT" in kinds and claims_index_order(command) and sorted_in_memory(command) > command["limit"]:
            wrong.append(f"in-memory SORT on {collection}")
    return wrong


def sorted_in_memory(command: dict) -> int:
    """Return how many documents a command's plan sorts in memory when it runs.

    On a few matches (two filters that together pick out a handful) the planner may rightly sort them rather than
    walk an index; a page is read in the index's order whenever the matches are more than a page.
    """
    explained = mongoengine.get_db().command("explain", command, verbosity="executionStats")

    def fed(stage) -> int:
        if not isinstance(stage, dict):
            return 0
        if stage.get("stage") == "SORT":
            return stage["inputStage"]["nReturned"]
        return sum(fed(child) for key, child in stage.items() if key in ("inputStage", "inputStages")
                   for child in (child if isinstance(child, list) else [child]))

    return fed(explained["executionStats"]["executionStages"])


@pytest.fixture
def crowd(app, synced, make_user, make_team, now):
    for key in ("north", "south", "east"):
        make_team(key=key, name=f"{key.title()} Team")
    people = {"auditor": make_user(roles=["auditor"], team=""),
              "manager": make_user(roles=["manager"], team="north"),
              "practitioner": make_user(roles=["practitioner"], team="north")}
    workers = [people["practitioner"]] + [make_user(roles=["practitioner"], team=t) for t in ("north", "south")]
    seed_cases(120, workers=workers[:2])
    seed_team(60, workers=workers[:2])
    seed_reports(150, now, workers, rng=random.Random(7))
    refill_counts()
    # A referral the manager triages: its review looks for open cases of the same name and date of birth.
    Case._get_collection().update_one({"reference": "NORTH-2026-00002"},
                                      {"$set": {"person.date_of_birth": datetime(1990, 1, 1)}})
    review = Case._get_collection().find_one({"reference": "NORTH-2026-00002"})["_id"]
    people["review"] = f"/manager/referrals/{review}"
    return people


def test_every_query_the_lists_and_reports_send_walks_an_index(crowd, client, app_config):
    database, used, failures, explained, duplicate_checks = app_config["MONGODB_DB"], {}, [], 0, []
    seen: set[str] = set()
    for who, paths in PAGES.items():
        sign_in_as(client, crowd[who])
        paths = [*paths, crowd["review"]] if who == "manager" else paths
        for path in paths:
            for command in captured(database, client, path):
                if repr(command) in seen:  # the same command again (the signed-in user, the pathways): same plan
                    continue
                seen.add(repr(command))
                found = plans(command)
                assert found, command  # every find, count, distinct and pipeline has a plan
                explained += 1
                failures += [f"{who} {path}: {problem}: {command}" for problem in problems(command, found)]
                collection = command.get(next(iter(command)))
                for plan in found:
                    used.setdefault(collection, set()).update(index_names(plan))
                if "person.name" in str(command.get("query", command.get("filter", command.get("pipeline")))):
                    duplicate_checks.append(set().union(*map(index_names, found)))
    assert not failures, "\n".join(failures[:20])
    assert explained > 250 and {"cases", "deadlines", "report_counts", "submissions"} <= set(used)
    # The duplicate check (a name in any case and a date of birth) is bounded by the date of birth's index.
    assert duplicate_checks and all(found == {"person.date_of_birth_1"} for found in duplicate_checks)
    indexes = set(Case._get_collection().index_information())
    # One per scope and sort, and per scope, filter and sort: a list filtered by stage and sorted by stage too.
    assert indexes >= LIST_INDEXES and len(LIST_INDEXES) == 42
    unused = indexes - used["cases"]
    print(f"{explained} distinct commands explained; case indexes no page read: {sorted(unused)}")
    assert unused - LIST_INDEXES == set(NOT_FROM_THESE_PAGES), sorted(unused)
    assert len(unused & LIST_INDEXES) <= 3, sorted(unused)  # the rest: planner's ties on this seed
