"""Case lists at scale: every list and search query walks an index, pages are bounded, the next deadline is kept."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta

import pytest
from bson import ObjectId

from models.case import LIST_SORTS, NO_DUE, RISK_LEVELS, Case, name_keys
from models.team import Team
from services.cases import lists as case_lists
from services.deadlines.tracking import pause_deadlines, resume_deadlines, start_deadline, stop_deadline
from tests.command_log import count_commands
from tests.module_data import crowd_fixtures


def seed(count: int, *, teams=("north", "south", "east"), workers=(), prefix: str = "DAO") -> None:
    """Insert cases shaped like the services' documents, straight into the collection."""
    Case.ensure_indexes()
    now = datetime(2026, 11, 1)
    states = ("received", "allocated", "risk_assessment", "group_work")
    docs = []
    for i, team, state in zip(range(count), itertools.cycle(teams), itertools.cycle(states), strict=False):
        docs.append({
            "_id": ObjectId(), "reference": f"{prefix}-2026-{i:05d}", "kind": "perpetrator",
            "workflow_key": "dao_pathway", "workflow_version": 1, "status": "closed" if i % 10 == 0 else "open",
            "state": state, "stage_order": f"dao_pathway:{states.index(state) + 1:04d}",
            "person": {"name": f"Person {i % 97} Example", "date_of_birth": datetime(1980 + i % 20, 1, 1 + i % 28)},
            "name_keys": name_keys(f"Person {i % 97} Example"),
            "team": team, "allocated_to": str(workers[i % len(workers)].pk) if workers else "",
            "risk_level": RISK_LEVELS[i % 4], "risk_rank": i % 4 + 1, "created_at": now, "revision": 1,
            "next_due_at": now + timedelta(days=i % 30) if i % 3 else NO_DUE,
        })
    Case._get_collection().insert_many(docs)


def stages(plan) -> list[str]:
    """Return every stage name in an explain plan."""
    found = []
    if isinstance(plan, dict):
        if "stage" in plan:
            found.append(plan["stage"])
        for value in plan.values():
            found += stages(value)
    elif isinstance(plan, list):
        for item in plan:
            found += stages(item)
    return found


def winning_stages(query: dict, sort=None, limit: int = case_lists.PAGE_SIZE) -> list[str]:
    """Return the stages of the plan the server picks for the query (chosen, not run to the end)."""
    find = {"find": Case._get_collection().name, "filter": query, "limit": limit}
    if sort:
        find["sort"] = dict(sort)
    plan = Case._get_db().command("explain", find, verbosity="queryPlanner")
    return stages(plan["queryPlanner"]["winningPlan"])


def populate(make_user) -> dict:
    """Make three teams, a user of each kind and 600 cases allocated to two practitioners; return the users."""
    for key in ("north", "south", "east"):
        Team(key=key, name=f"{key.title()} Team").save()
    people = {
        "auditor": make_user(roles=["auditor"], team=""),
        "manager": make_user(roles=["manager"], team="north"),
        "practitioner": make_user(roles=["practitioner"], team="north"),
        "other": make_user(roles=["practitioner"], team="north"),
    }
    seed(600, workers=(people["practitioner"], people["other"]))
    return people


# The 600 cases, shared by the tests that only read them; `own_crowd` for a test that adds more.
shared_crowd, crowd, own_crowd = crowd_fixtures(lambda make_user, now: populate(make_user))


@pytest.mark.parametrize("who, scope", [("auditor", "all"), ("manager", "all"), ("practitioner", "mine"),
                                        ("practitioner", "team")])
@pytest.mark.parametrize("status", ["open", "closed", "all"])
def test_every_list_sort_walks_an_index_without_sorting_in_memory(crowd, who, scope, status):
    actor = crowd[who]
    for sort, direction, filters in itertools.product(LIST_SORTS, ("asc", "desc"),
                                                      ({}, {"state": "allocated"}, {"risk": "high"},
                                                       {"state": "allocated", "risk": "none"})):
        query = case_lists.list_query(actor=actor, scope=scope, status=status, state=filters.get("state", ""),
                                      risk=filters.get("risk", ""))
        found = winning_stages(query, case_lists.sort_spec(sort, direction, **filters))
        # Filtered or not, the list is read in index order (a filter's own index per sort): no in-memory sort.
        assert "IXSCAN" in found and "COLLSCAN" not in found and "SORT" not in found, (sort, direction, filters, found)


@pytest.mark.parametrize("text", ["DAO-2026-0001", "dao-2026", "person 12", "Example", "01/01/1990"])
def test_search_uses_indexes_for_an_auditor_who_sees_every_case(crowd, text):
    condition = {"$and": [{"kind": "perpetrator", "status": {"$ne": "draft"}},
                          {"status": {"$in": ["open", "closed"]}}, case_lists.search_condition(text)]}
    found = winning_stages(condition)
    assert "IXSCAN" in found and "COLLSCAN" not in found, found


@pytest.mark.parametrize("text, matches", [("person 12", 7), ("PERSON 12 exam", 7), ("exampl", 600), ("12", 7)])
def test_a_name_search_reads_only_the_name_keys_starting_with_the_words(crowd, text, matches):
    condition = {"$and": [{"kind": "perpetrator", "status": {"$ne": "draft"}}, case_lists.search_condition(text)]}
    stats = Case._get_collection().find(condition).explain()  # with the winning plan's execution figures
    plan = stats["queryPlanner"]["winningPlan"]
    assert "COLLSCAN" not in stages(plan)
    bounds = json.dumps(plan)
    assert '"name_keys": 1' in bounds and "MinKey" not in bounds.split('"name_keys": [')[1].split("]")[0]
    execution = stats["executionStats"]
    assert execution["nReturned"] == matches
    # 600 cases have three name keys each: only the keys of one word's range are read, not every key.
    assert execution["totalKeysExamined"] <= matches + 5, execution["totalKeysExamined"]


def test_a_reference_is_found_as_people_type_it(crowd, now):
    from models.case import Counter

    Counter._get_collection().insert_many([{"_id": "DAO-2026", "value": 600}, {"_id": "CP-2025", "value": 9}])
    try:  # the crowd's database is shared by the module's tests: the series go again afterwards
        for text in ("DAO-2026-00012", "dao 2026 12", "DAO-2026-12", "dao2026-00012", "00012", "012", "2026-00012",
                     "2026 12"):
            found = case_lists.search_cases(actor=crowd["auditor"], now=now, query=text)
            assert [r["case"].reference for r in found["rows"]] == ["DAO-2026-00012"], text
        # A number alone is looked up in each series given out, one key each: never every reference read.
        condition = case_lists.reference_condition("00012")
        assert condition == {"reference": {"$in": ["DAO-2026-00012"]}}  # CP-2025 gave out only 9
        stats = Case._get_collection().find(condition).explain()["executionStats"]
        assert stats["totalKeysExamined"] <= 2
    finally:
        Counter._get_collection().delete_many({"_id": {"$in": ["DAO-2026", "CP-2025"]}})


def test_names_are_searched_without_case_or_accents(make_case, now, make_user):
    auditor = make_user(roles=["auditor"], team="")
    zoe = make_case(state="allocated", person={"name": "Zoë O'Brien-Smith"})
    make_case(state="allocated", person={"name": "Zoltan Other"})
    for text in ("zoe", "ZOË o'brien", "smith zo", "brien"):
        found = case_lists.search_cases(actor=auditor, now=now, query=text)
        assert [r["case"].pk for r in found["rows"]] == [zoe.pk], text
    assert case_lists.search_cases(actor=auditor, now=now, query="oe")["total"] == 0  # the start of a word only


def test_search_pages_and_counts_every_match(crowd, now):
    result = case_lists.search_cases(actor=crowd["auditor"], now=now, query="example", page=2)
    assert result["total"] == 600 and result["pages"] == 12 and result["page"] == 2
    assert len(result["rows"]) == 50
    refs = [r["case"].reference for r in result["rows"]]
    assert refs == sorted(refs) and refs[0] == "DAO-2026-00050"


def test_pages_are_stable_and_cover_every_case_once(crowd, now):
    seen = []
    for page in range(1, 14):
        result = case_lists.list_cases(actor=crowd["auditor"], now=now, status="all", sort="deadline", page=page)
        seen += [r["case"].pk for r in result["rows"]]
    assert result["pages"] == 12 and result["page"] == 12  # a page past the end shows the last one
    assert len(set(seen)) == 600 and len(seen) == 650
    dues = [Case.objects(pk=pk).only("next_due_at").first().next_due_at for pk in seen[:600]]
    assert dues == sorted(dues)


def test_list_filters_run_in_the_database_and_states_come_from_the_pathways(crowd, now):
    result = case_lists.list_cases(actor=crowd["manager"], now=now, state="allocated", risk="medium", sort="person")
    assert result["total"] == Case.objects(team="north", status="open", state="allocated",
                                           risk_level="medium").count() > 0
    assert all(r["case"].state == "allocated" and r["case"].risk_level == "medium" for r in result["rows"])
    stages = {value: label for _, options in result["states"] for value, label in options}
    assert "dao_pathway:received" in stages and "dao_pathway:closed" in stages  # options whatever the rows hold


def test_a_stage_is_chosen_within_its_pathway(crowd, make_case, now):
    # Two pathways name a stage alike: the filter finds one pathway's cases at it, not the other's.
    mine = make_case(state="allocated")
    other = make_case(workflow_key="community_programme", state="allocated")
    found = case_lists.list_cases(actor=crowd["manager"], now=now, state="community_programme:allocated")
    references = {r["case"].reference for r in found["rows"]}
    assert other.reference in references and mine.reference not in references
    titled = {title for title, _ in found["states"]}
    assert len(titled) == len(found["states"]) >= 3  # one group per pathway, each under its title
    assert mine.reference in {r["case"].reference for r in case_lists.list_cases(
        actor=crowd["manager"], now=now, state="allocated")["rows"]}  # a bare stage, as older links give it


def test_a_page_costs_the_same_commands_however_many_cases(own_crowd, now, app_config):
    crowd = own_crowd
    database = app_config["MONGODB_DB"]

    def page():
        return case_lists.list_cases(actor=crowd["auditor"], now=now, status="all", sort="risk", direction="desc")

    page()  # the pathway definitions are parsed once per process, then cached
    result, first = count_commands(database, page)
    assert len(result["rows"]) == 50
    # A count, the page of cases, their next deadlines, their practitioners' names, the pathway list.
    assert sorted(first) == ["aggregate", "find", "find", "find", "find"], first
    seed(900, teams=("west",), workers=(crowd["other"],), prefix="CDVP")
    _, second = count_commands(database, page)
    assert sorted(second) == sorted(first)


def test_next_due_is_kept_on_the_case_as_deadlines_start_pause_resume_and_stop(make_case, now):
    case = make_case(state="allocated")
    assert Case.objects(pk=case.pk).first().next_due_at == NO_DUE
    deadline = start_deadline(case, "risk_assessment", now=now)
    assert Case.objects(pk=case.pk).first().next_due_at == deadline.due_at
    pause_deadlines(case, now=now)
    assert Case.objects(pk=case.pk).first().next_due_at == deadline.due_at  # paused still shows, in its order
    resume_deadlines(case, now=now + timedelta(days=7))
    moved = Case.objects(pk=case.pk).first().next_due_at
    assert moved > deadline.due_at
    stop_deadline(case, "risk_assessment", now=now + timedelta(days=8))
    assert Case.objects(pk=case.pk).first().next_due_at == NO_DUE


@pytest.mark.parametrize("who", ["auditor", "manager"])
def test_api_list_walks_the_reference_index(crowd, who):
    from services.cases.access import visible_cases_query

    query = {"$and": [visible_cases_query(crowd[who]), {"status": {"$in": ["open", "closed"]}}]}
    found = winning_stages(query, [("reference", 1), ("_id", 1)], limit=100)
    assert "IXSCAN" in found and "COLLSCAN" not in found and "SORT" not in found, found


def test_cases_stored_before_sorted_lists_are_filled_in(make_case, now):
    from services.cases.lists import fill_list_fields

    case = make_case(state="allocated")
    deadline = start_deadline(case, "risk_assessment", now=now)
    other = make_case(state="allocated", risk_level="high")
    Case._get_collection().update_many({}, {"$unset": {"next_due_at": "", "risk_rank": ""}})
    assert fill_list_fields() == 2
    assert Case.objects(pk=case.pk).first().next_due_at == deadline.due_at
    assert Case._get_collection().find_one({"_id": other.pk})["risk_rank"] == 3
    assert Case._get_collection().find_one({"_id": other.pk})["next_due_at"] == NO_DUE
    assert fill_list_fields() == 0


def test_sorting_by_stage_follows_the_pathway_s_order_of_stages_not_their_names(synced, make_user, make_case, now):
    manager = make_user(roles=["manager"], team="north")
    # Alphabetically: accepted, allocated, consultation, intervention, received; the pathway's order differs.
    for state in ("intervention", "received", "accepted", "allocated", "consultation"):
        make_case(actor=manager, state=state, person={"name": f"In {state}"})
    rows = case_lists.list_cases(actor=manager, now=now, sort="state", direction="asc")["rows"]
    assert [r["case"].state for r in rows] == ["received", "consultation", "accepted", "allocated", "intervention"]
    rows = case_lists.list_cases(actor=manager, now=now, sort="state", direction="desc")["rows"]
    assert [r["case"].state for r in rows][0] == "intervention"
    # Another pathway's cases stay together, each pathway in its own order, never shuffled in among these.
    for state in ("waiting_list", "referred"):
        make_case(workflow_key="community_programme", actor=manager, state=state, person={"name": f"In {state}"})
    rows = case_lists.list_cases(actor=manager, now=now, sort="state", direction="asc")["rows"]
    assert [(r["case"].workflow_key, r["case"].state) for r in rows] == [
        ("community_programme", "referred"), ("community_programme", "waiting_list"),
        *[("dao_pathway", s) for s in ("received", "consultation", "accepted", "allocated", "intervention")]]


def test_an_opened_case_has_its_stage_order_and_start_up_fills_cases_stored_without_one(synced, make_user, make_case):
    from services.cases.stages import STAGE_ORDER_MIGRATION, fill_stage_orders
    from services.common.migrations import MIGRATIONS

    manager = make_user(roles=["manager"], team="north")
    case = make_case(actor=manager)
    assert (case.state, case.stage_order) == ("received", "dao_pathway:0001")  # opened: the pathway's first stage
    other = make_case(actor=manager, state="allocated")
    Case._get_collection().update_many({}, {"$unset": {"stage_order": ""}})  # as stored before orders were kept
    Case._get_db()[MIGRATIONS].delete_one({"_id": STAGE_ORDER_MIGRATION})  # as on a database from before
    assert fill_stage_orders() == 2
    assert {c.pk: c.stage_order for c in Case.objects} == {case.pk: "dao_pathway:0001", other.pk: "dao_pathway:0006"}
    assert fill_stage_orders() == 0  # once only


def test_the_stage_filter_offers_no_partner_record_stages(synced):
    # A partner's record is never in the case list (it has its own): its stages would match nothing.
    offered = {value.split(":")[0] for _, options in case_lists.state_options() for value, _ in options}
    assert offered == {"community_programme", "dao_pathway", "probation_cdvp"}
