"""The manager's read-only views on the real mongod: inbox order, waiting list, team overview, review, allocation."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from errors import NotFound
from models.case import Case
from models.deadline import Deadline
from services.cases.transitions import fire_transition
from services.referrals import portal as referrals
from services.submissions.filling import save_draft, start_submission, submit_submission
from services.triage import lists, team_overview, views

ANSWERS = Path(__file__).resolve().parents[2] / "fixtures" / "answers"


def answers(key: str) -> dict:
    return json.loads((ANSWERS / f"{key}.json").read_text())


def fill(case, key, actor, now, overrides=None):
    sub = start_submission(case, key, actor=actor, now=now)
    sub, _ = save_draft(sub, {**answers(key), **(overrides or {})}, revision=sub.revision, actor=actor, now=now)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=now)


@pytest.fixture
def team(synced, make_team, make_user):
    make_team(key="north")
    make_team(key="south", name="South Team")
    return {
        "referrer": make_user(roles=["referrer"], team="", organisation="Children's Services"),
        "manager": make_user(roles=["manager"], team="north", name="Morgan Manager"),
        "manager2": make_user(roles=["manager"], team="north"),
        "south": make_user(roles=["manager"], team="south"),
        "practitioner": make_user(roles=["practitioner"], team="north", name="Priya Practitioner"),
    }


def refer(team, now, screening=None, **rfs):
    case = referrals.start_referral(workflow_key="dao_pathway", actor=team["referrer"], team="north", now=now)
    fill(case, "request_for_service", team["referrer"], now, rfs)
    fill(case, "screening", team["referrer"], now, screening)
    fill(case, "consent", team["referrer"], now)
    return referrals.submit_referral(case, actor=team["referrer"], now=now)


def fire(case, name, actor, now, event=False, **inputs):
    return fire_transition(case, name, inputs, actor=actor, now=now, event=event)


def accept(case, manager, now):
    case = fire(case, "acknowledge", manager, now)
    case = fire(case, "arrange_consultation", manager, now, consultation_date=now.date().isoformat())
    return fire(case, "accept", manager, now)


def endorse_twice(case, team, now):
    case = fire(case, "endorse_urgent", team["manager"], now, event=True, reason="Child at risk")
    return fire(case, "endorse_urgent", team["manager2"], now, event=True, reason="Agreed")


@pytest.mark.parametrize(("days", "words"), [
    (0, "0 days"), (1, "1 day"), (6, "6 days"), (7, "1 week"), (9, "1 week, 2 days"), (15, "2 weeks, 1 day"),
    (28, "4 weeks"),
])
def test_waiting_time_in_words(days, words):
    assert views.waited_words(days) == words


@pytest.mark.parametrize(("computed", "label", "tag", "reasons"), [
    ({"outcome": {"outcome": "likely_suitable", "reasons": []}}, "Likely to be suitable", "green", []),
    ({"outcome": {"outcome": "unlikely_to_be_accepted", "reasons": ["On probation"]}}, "Unlikely to be accepted",
     "red", ["On probation"]),
    ({"outcome": {"outcome": "incomplete", "reasons": []}}, "Not complete", "grey", []),
    ({}, "Not complete", "grey", []),
])
def test_screening_outcome_in_words(computed, label, tag, reasons):
    found = views.describe_screening(computed)
    assert (found["label"], found["tag"], found["reasons"]) == (label, tag, reasons)


def test_inbox_puts_urgent_first_then_urgent_requests_then_the_oldest(team, now):
    oldest = refer(team, now - timedelta(days=9), person_name="Oldest Person")
    newest = refer(team, now - timedelta(days=1), person_name="Newest Person")
    requested = refer(team, now - timedelta(days=2), person_name="Requested Person", urgent=True,
                      urgent_reason="Threats last night")
    endorsed = endorse_twice(refer(team, now - timedelta(days=3), person_name="Endorsed Person"), team, now)
    allocated = accept(refer(team, now - timedelta(days=20)), team["manager"], now)
    fire(allocated, "allocate", team["manager"], now, assignee=str(team["practitioner"].pk))
    declined = refer(team, now - timedelta(days=30))
    fire(declined, "not_accept", team["manager"], now, reason="On probation", consultation_offered="no")
    # A draft: not sent yet.
    referrals.start_referral(workflow_key="dao_pathway", actor=team["referrer"], team="north", now=now)

    inbox = lists.list_inbox(actor=team["manager"], now=now)
    assert [r["id"] for r in inbox["rows"]] == [endorsed.pk, requested.pk, oldest.pk, newest.pk]
    first = inbox["rows"][0]
    assert first["urgent"] and first["endorsements"] == 2 and first["screening"]["tag"] == "green"
    assert inbox["rows"][2]["days"] == 9
    assert inbox["stages"] == [{"state": "received", "label": "Referral received", "count": 4}]
    assert lists.list_inbox(actor=team["south"], now=now)["rows"] == []


def test_inbox_filters_by_stage_and_ignores_an_unknown_one(team, now):
    acknowledged = fire(refer(team, now), "acknowledge", team["manager"], now)
    refer(team, now)
    only = lists.list_inbox(actor=team["manager"], now=now, state="acknowledged")
    assert [r["id"] for r in only["rows"]] == [acknowledged.pk] and only["state"] == "acknowledged"
    assert {s["state"]: s["count"] for s in only["stages"]} == {"received": 1, "acknowledged": 1}
    everything = lists.list_inbox(actor=team["manager"], now=now, state="no-such-stage")
    assert len(everything["rows"]) == 2 and everything["state"] == ""


def test_waiting_list_in_priority_order_with_waiting_time(team, now):
    team["practitioner"].update(set__capacity=0)
    cases = []
    for days in (10, 30, 20):
        case = accept(refer(team, now - timedelta(days=days)), team["manager"], now - timedelta(days=days))
        cases.append(fire(case, "add_to_waiting_list", team["manager"], now - timedelta(days=days)))
    urgent = endorse_twice(cases[0], team, now)
    rows = lists.list_waiting_list(actor=team["manager"], now=now)["rows"]
    assert [r["id"] for r in rows] == [urgent.pk, cases[1].pk, cases[2].pk]
    assert [r["position"] for r in rows] == [1, 2, 3]
    assert [r["waited"] for r in rows] == ["1 week, 3 days", "4 weeks, 2 days", "2 weeks, 6 days"]
    assert lists.list_waiting_list(actor=team["south"], now=now)["rows"] == []


def test_team_overview_shows_caseloads_overdue_deadlines_and_countersignatures(team, now, make_user):
    make_user(roles=["practitioner"], team="north", name="Quinn Full", capacity=1)
    p = team["practitioner"]
    late = fire(accept(refer(team, now), team["manager"], now), "allocate", team["manager"], now,
                assignee=str(p.pk))
    Case.objects(pk=late.pk).update_one(set__risk_level="high")
    assessed = fire(accept(refer(team, now), team["manager"], now), "allocate", team["manager"], now,
                    assignee=str(p.pk))
    assessed = fire(assessed, "begin_assessment", p, now, first_meeting=now.date().isoformat())
    fill(assessed, "risk_assessment", p, now, {"risk_children": "medium", "risk_known_adult": "medium",
                                               "risk_public": "low", "risk_staff": "low"})
    later = now + timedelta(weeks=7)  # the 6-week risk assessment deadline of the first case has passed
    overview = team_overview.get_team_overview(actor=team["manager"], now=later)
    loads = {r["user"].name: r for r in overview["caseloads"]}
    assert loads["Priya Practitioner"]["open"] == 2 and loads["Priya Practitioner"]["capacity"] == 15
    assert loads["Priya Practitioner"]["mix"] == [("high", 1), ("medium", 1)]
    assert loads["Priya Practitioner"]["available"] and loads["Priya Practitioner"]["overdue"] == 1
    assert loads["Quinn Full"]["open"] == 0 and loads["Quinn Full"]["mix"] == []
    # Only the first case's own deadline: a linked partner case may have deadlines of its own.
    overdue = [o for o in overview["overdue"] if o["case_id"] in (late.pk, assessed.pk)]
    assert [(o["case_id"], o["key"]) for o in overdue] == [(late.pk, "risk_assessment")]
    # Due by the end of the day six weeks on: a week later it is six whole days overdue.
    assert overdue[0]["owners"] == "Priya Practitioner" and overdue[0]["days"] == 7
    assert [(w["case_id"], w["form"]) for w in overview["countersign"]] == [(assessed.pk, "Risk assessment")]
    assert overview["countersign"][0]["by"] == "Priya Practitioner"
    assert overview["counts"]["overdue"] == len(overview["overdue"]) >= 1 == overview["result"]["pages"]
    assert {k: v for k, v in overview["counts"].items() if k != "overdue"} == {
        "inbox": 0, "waiting": 0, "open": 2, "countersign": 1}
    south = team_overview.get_team_overview(actor=team["south"], now=later)
    assert south["overdue"] == [] and south["countersign"] == [] and south["caseloads"] == []


def test_a_met_or_future_deadline_is_not_overdue(now):
    assert views.is_overdue(Deadline(status="missed"), now)
    assert views.is_overdue(Deadline(status="open", due_at=now - timedelta(minutes=1)), now)
    assert not views.is_overdue(Deadline(status="open", due_at=now + timedelta(minutes=1)), now)
    assert not views.is_overdue(Deadline(status="met", due_at=now - timedelta(days=3)), now)
    assert not views.is_overdue(Deadline(status="open"), now)


@pytest.mark.parametrize("who", ["south", "practitioner", "referrer"])
def test_only_the_teams_managers_get_a_referral(team, now, who):
    case = refer(team, now)
    assert views.get_team_case(case.pk, actor=team["manager"]).pk == case.pk
    with pytest.raises(NotFound):
        views.get_team_case(case.pk, actor=team[who])


def test_a_draft_referral_is_not_the_managers_to_see(team, now):
    draft = referrals.start_referral(workflow_key="dao_pathway", actor=team["referrer"], team="north", now=now)
    with pytest.raises(NotFound):
        views.get_team_case(draft.pk, actor=team["manager"])


def test_review_shows_red_screening_duplicates_and_the_decisions(team, now):
    first = refer(team, now)
    second = refer(team, now, screening={"q1_probation_supervision": "yes_working_with_probation"})
    review = views.get_referral_review(second.pk, actor=team["manager"], now=now + timedelta(days=2))
    assert review["screening"]["key"] == "unlikely_to_be_accepted"
    assert any("probation" in r.lower() for r in review["screening"]["reasons"])
    assert [d.pk for d in review["duplicates"]] == [first.pk] and review["other_duplicates"] == 0
    assert review["days"] == 2
    assert [f["form"] for f in review["forms"]] == ["request_for_service", "screening", "consent"]
    assert all(f["rows"] for f in review["forms"])
    actions = review["actions"]
    assert [e["option"].name for e in actions["transitions"]] == ["acknowledge", "not_accept", "withdraw"]
    assert "endorse_urgent" in [e["option"].name for e in actions["events"]]
    assert actions["allocation"] == []


def test_allocation_offers_practitioners_or_the_waiting_list(team, now):
    case = accept(refer(team, now), team["manager"], now)
    found = views.get_allocation(case.pk, actor=team["manager"])
    assert found["step"].name == "allocate" and found["step"].allowed and found["input"].name == "assignee"
    assert found["waiting"].name == "add_to_waiting_list" and not found["waiting"].allowed
    assert [r["user"].name for r in found["practitioners"]] == ["Priya Practitioner"]
    team["practitioner"].update(set__capacity=0)
    full = views.get_allocation(case.pk, actor=team["manager"])
    assert not full["step"].allowed and full["waiting"].allowed
    assert views.get_actions(case, actor=team["manager"])["allocation"][0]["option"].name == "add_to_waiting_list"


def test_an_allocated_case_offers_no_triage(team, now):
    case = accept(refer(team, now), team["manager"], now)
    case = fire(case, "allocate", team["manager"], now, assignee=str(team["practitioner"].pk))
    assert views.get_referral_review(case.pk, actor=team["manager"], now=now)["actions"] is None
    assert views.get_user_name(case.allocated_to) == "Priya Practitioner"
