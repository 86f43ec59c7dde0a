"""The manager's lists at scale: each page costs the same commands whatever the team holds, and walks an index."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from bson import ObjectId

from errors import NotAllowed
from models.case import INBOX_ORDER, WAITING_ORDER, Case, name_keys
from models.deadline import Deadline
from models.form import ConfidentialSubmission, Submission
from services.triage import lists as manager_lists
from services.triage import team_overview
from tests.command_log import count_commands
from tests.services.cases.test_case_list_queries import stages, winning_stages

NOW = datetime(2026, 11, 24, 10, 0)
STATES = ("received", "acknowledged")


def seed_team(count: int, *, team: str = "north", workers=(), start: int = 0) -> list[ObjectId]:
    """Insert a team's referrals, waiting cases, deadlines and screenings shaped like the services' documents."""
    Case.ensure_indexes()
    Deadline.ensure_indexes()
    cases, subs, deadlines = [], [], []
    for i in range(start, start + count):
        waiting, urgent = i % 2 == 1, i % 7 == 0
        name = f"Person {i} Example"
        case_id = ObjectId()
        cases.append({
            "_id": case_id, "reference": f"{team.upper()}-2026-{i:05d}", "kind": "perpetrator",
            "workflow_key": "dao_pathway", "workflow_version": 1, "status": "open", "state": STATES[i % 2],
            "person": {"name": name}, "name_keys": name_keys(name), "team": team, "allocated_to": "",
            "priority": "urgent" if urgent else "standard", "fields": {"urgent_requested": i % 5 == 0},
            "endorsements": {"urgent": ["a", "b"] if urgent else []}, "on_waiting_list": waiting,
            "waiting_since": NOW - timedelta(days=i % 40) if waiting else None,
            "referred_at": NOW - timedelta(days=i % 30, minutes=i), "created_at": NOW - timedelta(days=40),
            "referrer_name": "Sam Social Worker", "referrer_organisation": "Children's services",
            "risk_level": "", "risk_rank": 0, "revision": 1})
        subs.append({"case_id": case_id, "form_key": "screening", "form_version": 1, "classification": "standard",
                      "status": "submitted", "created_at": NOW, "answers": {}, "revision": 1,
                      "computed": {"outcome": {"outcome": "likely_suitable", "reasons": []}},
                      "countersign_required": i % 3 == 0, "submitted_at": NOW - timedelta(hours=i),
                      "submitted_by": str(workers[0].pk) if workers else ""})
        deadlines.append({"case_id": case_id, "case_reference": f"{team.upper()}-2026-{i:05d}", "team": team,
                          "case_kind": "perpetrator", "key": "risk_assessment", "label": "Risk assessment",
                          "owner_ids": [str(workers[i % len(workers)].pk)] if workers else [],
                          "started_at": NOW - timedelta(days=50), "due_at": NOW - timedelta(days=1 + i % 9),
                          "status": "missed" if i % 4 == 0 else "open", "active": True})
    Case._get_collection().insert_many(cases)
    Submission._get_collection().insert_many(subs)
    Deadline._get_collection().insert_many(deadlines)
    return [c["_id"] for c in cases]


@pytest.fixture
def north(app, synced, make_user, make_team):
    make_team(key="north")
    make_team(key="south", name="South Team")
    return {"manager": make_user(roles=["manager"], team="north"),
            "south": make_user(roles=["manager"], team="south"),
            "workers": [make_user(roles=["practitioner"], team="north", name=f"Worker {n}") for n in range(3)]}


PAGES = {
    "inbox": lambda actor: manager_lists.list_inbox(actor=actor, now=NOW),
    "inbox at a stage": lambda actor: manager_lists.list_inbox(actor=actor, now=NOW, state="received", page=2),
    "waiting list": lambda actor: manager_lists.list_waiting_list(actor=actor, now=NOW),
    "standard waiting": lambda actor: manager_lists.list_waiting_list(actor=actor, now=NOW, priority="standard"),
    "team overview": lambda actor: team_overview.get_team_overview(actor=actor, now=NOW),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_manager_page_costs_the_same_commands_with_10_or_500_cases(north, app_config, page):
    database, show = app_config["MONGODB_DB"], PAGES[page]
    seed_team(10, workers=north["workers"])
    show(north["manager"])  # pathway definitions are parsed once per process, then cached
    small, few = count_commands(database, lambda: show(north["manager"]))
    seed_team(490, workers=north["workers"], start=10)
    seed_team(200, team="south", workers=north["workers"], start=500)  # another team's cases change nothing
    large, many = count_commands(database, lambda: show(north["manager"]))
    assert sorted(few) == sorted(many), (few, many)
    print(f"{page}: {len(few)} commands at 10 cases, {len(many)} at 500: {sorted(many)}")
    rows = large.get("rows", large.get("overdue"))
    assert len(rows) == manager_lists.PAGE_SIZE and len(rows) > len(small.get("rows", small.get("overdue")))


def test_inbox_pages_are_stable_and_in_priority_order(north):
    seed_team(130, workers=north["workers"])
    seen = []
    for page in (1, 2, 3, 4):
        found = manager_lists.list_inbox(actor=north["manager"], now=NOW, page=page)
        seen += found["rows"]
    assert found["pages"] == 2 and found["page"] == 2 and found["total"] == 65  # past the end: the last page
    rows = seen[:65]
    assert len({r["id"] for r in rows}) == 65
    keys = [(not r["urgent"], not r["urgent_requested"], r["since"]) for r in rows]
    assert keys == sorted(keys)
    assert {s["state"]: s["count"] for s in found["stages"]} == {"received": 65}
    assert rows[0]["screening"]["label"] == "Likely to be suitable" and rows[0]["state_label"]
    assert manager_lists.list_inbox(actor=north["south"], now=NOW)["rows"] == []


def test_waiting_list_positions_count_every_case_ahead(north):
    seed_team(130, workers=north["workers"])
    everyone = [r["id"] for p in (1, 2) for r in
                manager_lists.list_waiting_list(actor=north["manager"], now=NOW, page=p)["rows"]]
    assert len(everyone) == len(set(everyone)) == 65
    standard = manager_lists.list_waiting_list(actor=north["manager"], now=NOW, priority="standard")
    urgent = manager_lists.list_waiting_list(actor=north["manager"], now=NOW, priority="urgent")
    assert urgent["total"] + standard["total"] == 65 and urgent["total"] > 0
    first = standard["rows"][0]
    assert first["position"] == urgent["total"] + 1 == everyone.index(first["id"]) + 1
    assert all(not r["urgent"] for r in standard["rows"])
    waits = [(not r["urgent"], r["waiting_since"]) for r in urgent["rows"] + standard["rows"]]
    assert waits == sorted(waits)


def test_team_overview_counts_each_workers_overdue_deadlines_by_aggregation(north):
    seed_team(60, workers=north["workers"])
    found = team_overview.get_team_overview(actor=north["manager"], now=NOW)
    by_owner = {r["user"].name: r["overdue"] for r in found["caseloads"]}
    assert by_owner == {"Worker 0": 20, "Worker 1": 20, "Worker 2": 20}
    assert found["counts"]["overdue"] == 60 and found["result"]["pages"] == 2
    dues = [r["due_at"] for r in found["overdue"]]
    assert dues == sorted(dues) and found["overdue"][0]["owners"].startswith("Worker")
    assert found["counts"]["countersign"] == 20 and len(found["countersign"]) == 20
    assert found["counts"]["inbox"] == 30 and found["counts"]["waiting"] == 30 and found["counts"]["open"] == 60


def test_the_overview_says_how_many_overdue_deadlines_its_files_leave_out(north):
    from services.reports import list_exports

    ids = seed_team(6, workers=north["workers"])
    Deadline._get_collection().update_many({"case_id": {"$in": ids[:2]}}, {"$set": {"case_kind": "partner"}})
    found = team_overview.get_team_overview(actor=north["manager"], now=NOW)
    assert found["counts"]["overdue"] == 6 and found["partner_overdue"] == 2
    # A partner's reference and timescales never leave in a file: the page names what the file leaves out.
    assert list_exports.export_overdue(actor=north["manager"], now=NOW, fmt="csv").rows == 4


def _query_and_sort():
    actor = type("Manager", (), {"team": "north", "has_role": lambda self, *r: "manager" in r})()
    return [
        (manager_lists.inbox_query(actor=actor), list(INBOX_ORDER)),
        (manager_lists.inbox_query(actor=actor, state="received"), list(INBOX_ORDER)),
        (manager_lists.waiting_query(actor=actor), list(WAITING_ORDER)),
        (manager_lists.waiting_query(actor=actor, priority="standard"), list(WAITING_ORDER)),
    ]


def test_every_manager_list_walks_its_index_without_sorting_in_memory(north):
    seed_team(300, workers=north["workers"])
    seed_team(300, team="south", start=300)
    for query, sort in _query_and_sort():
        found = winning_stages(query, sort)
        assert "IXSCAN" in found and "COLLSCAN" not in found and "SORT" not in found, (query, found)


def test_overdue_deadlines_and_countersignatures_are_read_on_indexes(north):
    seed_team(300, workers=north["workers"])
    seed_team(300, team="south", start=300)
    query = team_overview.overdue_query(actor=north["manager"], now=NOW)
    cursor = Deadline._get_collection().find(query).sort(team_overview.OVERDUE_ORDER).limit(50)
    found = stages(cursor.explain()["queryPlanner"]["winningPlan"])
    assert "IXSCAN" in found and "COLLSCAN" not in found and "SORT" not in found, found
    for cls in (Submission, ConfidentialSubmission):
        plan = cls._get_collection().database.command(
            "explain", {"aggregate": cls._get_collection().name, "cursor": {},
                        "pipeline": [{"$match": {"status": "submitted", "countersign_required": True}}]})
        found = stages(plan)
        assert "IXSCAN" in found and "COLLSCAN" not in found, (cls, found)


def test_inbox_stage_counts_are_an_index_read(north):
    seed_team(300, workers=north["workers"])
    actor = north["manager"]
    plan = Case._get_collection().database.command(
        "explain", {"aggregate": "cases", "cursor": {},
                    "pipeline": [{"$match": manager_lists.inbox_query(actor=actor)},
                                 {"$group": {"_id": "$state", "n": {"$sum": 1}}}]})
    found = stages(plan)
    assert "IXSCAN" in found and "COLLSCAN" not in found, found


def test_only_managers_with_a_team_get_the_lists(north, make_user):
    practitioner = north["workers"][0]
    for call in (lambda a: manager_lists.list_inbox(actor=a, now=NOW),
                 lambda a: manager_lists.list_waiting_list(actor=a, now=NOW),
                 lambda a: team_overview.get_team_overview(actor=a, now=NOW)):
        for who in (practitioner, make_user(roles=["manager"], team="")):
            with pytest.raises(NotAllowed):
                call(who)

