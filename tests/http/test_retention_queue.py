"""The destruction review queue a page at a time: in due order, on its indexes, at a cost that does not grow."""

from __future__ import annotations

import re
from datetime import timedelta

import mongoengine
from bson import ObjectId

from models.case import Case
from models.retention import PENDING, LegalHold, RetentionReview
from services.privacy.retention import list_due_cases
from tests.command_log import recording
from tests.http.test_page_query_plans import index_names, plans
from tests.services.cases.test_case_list_queries import stages


def reviews(now, team: str, count: int, *, start: int = 0) -> list[dict]:
    """Insert `count` pending reviews of made-up cases of the team, due a day apart; return them oldest first."""
    made = [{"_id": ObjectId(), "case_id": ObjectId(), "case_reference": f"{team.upper()}-2019-{start + n:05d}",
             "team": team, "workflow_key": "community_programme", "workflow_version": 1, "rule": "left_programme",
             "rule_label": "Six years after he leaves the programme", "action": "destroy", "linked": "destroy",
             "counted_from": now - timedelta(days=4000 - n), "due_at": now - timedelta(days=1800 - n),
             "listed_at": now, "status": PENDING} for n in range(start, start + count)]
    RetentionReview._get_collection().insert_many(made)
    return made


def shown(page: str) -> list[str]:
    return re.findall(r'href="/retention/[0-9a-f]{24}">([A-Z]+-2019-\d+)</a>', page)


def test_the_queue_is_paged_in_due_order_with_holds_read_once(client, signed_in, make_user, now):
    manager = signed_in("manager", team="north")
    north = reviews(now, "north", 120)
    reviews(now, "south", 30, start=500)
    held = [north[3], north[77]]
    LegalHold._get_collection().insert_many([{"case_id": r["case_id"], "reason": "Court", "placed_at": now,
                                              "lifted_at": None} for r in held])
    # A hold lifted long ago keeps nothing.
    LegalHold._get_collection().insert_one({"case_id": north[4]["case_id"], "reason": "Inquiry", "placed_at": now,
                                            "lifted_at": now})
    database = mongoengine.get_db().name
    with recording(database) as log:
        first = client.get("/retention/").get_data(as_text=True)
    assert shown(first) == [r["case_reference"] for r in north[:50]]
    assert "120 cases to review" in first and "Showing 1 to 50 of 120" in first
    assert first.count("Legal hold</strong>") == 1  # north[3]; north[4]'s hold was lifted
    assert 'href="/retention/?page=3"' in first
    # However many rows, the queue is one count (an aggregation), one page of reviews, one read of their holds.
    assert [name for name, command in log.sent if command.get(name) in ("retention_reviews", "legal_holds")] == [
        "aggregate", "find", "distinct"]
    last = client.get("/retention/?page=3").get_data(as_text=True)
    assert shown(last) == [r["case_reference"] for r in north[100:]]
    assert "Showing 101 to 120 of 120" in last
    assert shown(client.get("/retention/?page=2").get_data(as_text=True)).count(north[77]["case_reference"]) == 1
    assert "Legal hold</strong>" in client.get("/retention/?page=2").get_data(as_text=True)
    # A page past the last, or not a number, shows the nearest page there is.
    assert shown(client.get("/retention/?page=99").get_data(as_text=True)) == shown(last)
    assert shown(client.get("/retention/?page=x").get_data(as_text=True)) == shown(first)
    assert manager.team == "north"


def test_an_administrator_sees_every_team_s_queue_in_due_order(client, signed_in, now):
    signed_in("admin", team="")
    north, south = reviews(now, "north", 40), reviews(now, "south", 40, start=1000)
    everyone = sorted(north + south, key=lambda r: (r["due_at"], r["_id"]))
    page = client.get("/retention/").get_data(as_text=True)
    assert shown(page) == [r["case_reference"] for r in everyone[:50]]
    assert "80 cases to review" in page


def test_each_queue_read_walks_an_index_without_sorting_in_memory(client, signed_in, now):
    signed_in("manager", team="north")
    reviews(now, "north", 60)
    reviews(now, "south", 60, start=500)
    database = mongoengine.get_db().name
    for who in ("manager", "admin"):
        if who == "admin":
            client.post("/sign-out")
            signed_in("admin", team="")
        with recording(database) as log:
            assert client.get("/retention/?page=2").status_code == 200
        for name, command in log.sent:
            if command.get(name) != "retention_reviews" or name not in ("find", "count"):
                continue
            query = {k: v for k, v in command.items() if k in (name, "filter", "sort", "skip", "limit", "query")}
            for plan in plans(query):
                assert "COLLSCAN" not in stages(plan) and "SORT" not in stages(plan), (who, name, plan)
                assert index_names(plan) & {"status_1_team_1_due_at_1__id_1", "status_1_due_at_1__id_1"}


def test_listing_due_cases_reads_reviews_and_holds_a_batch_at_a_time(make_user, make_case, now, synced):
    manager = make_user(roles=["manager"], team="north")
    made = [make_case(workflow_key="community_programme", actor=manager, person={"name": f"Person {n}"})
            for n in range(6)]
    ended = now - timedelta(days=365 * 7)
    Case.objects(pk__in=[c.pk for c in made]).update(set__status="closed", set__state="closed",
                                                      set__closed_at=ended, set__state_entered_at=ended)
    LegalHold(case_id=made[0].pk, reason="Court", placed_at=now).save()
    database = mongoengine.get_db().name
    with recording(database) as log:
        assert list_due_cases(now=now) == 5
    reads = [name for name, command in log.sent if command.get(name) in ("retention_reviews", "legal_holds")
             and name in ("find", "distinct", "aggregate", "count")]
    assert reads == ["distinct", "distinct"]  # one batch: its holds and its reviews, not a read per case
    assert list_due_cases(now=now) == 0  # listed once only
    assert RetentionReview.objects(case_id=made[0].pk).count() == 0
