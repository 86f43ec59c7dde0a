"""Reports: timeliness per deadline kind, the funnel per pathway, waits and CDVP evaluation-measure completion."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from bson import ObjectId

from errors import InvalidInput, NotAllowed
from models.deadline import Deadline
from services.cases.transitions import add_history
from services.reports.figures import (
    classify_measures,
    evaluation_classes,
    get_evaluation,
    get_period,
    get_reports,
    get_waiting,
    list_funnel,
    list_timeliness,
    number,
)
from services.submissions.filling import save_draft, start_submission, submit_submission

ANSWERS = Path(__file__).resolve().parents[2] / "fixtures" / "answers"
START, END = date(2025, 11, 25), date(2026, 11, 24)


@pytest.fixture
def people(make_user, make_team):
    make_team(key="north")
    make_team(key="south", name="South Team")
    return {"manager": make_user(roles=["manager"], team="north"),
            "south": make_user(roles=["manager"], team="south"),
            "auditor": make_user(roles=["auditor"], team=""),
            "practitioner": make_user(roles=["practitioner"], team="north"),
            "south_practitioner": make_user(roles=["practitioner"], team="south")}


@pytest.mark.parametrize(("raw_from", "raw_to", "expected"), [
    ("", "", (date(2025, 11, 25), date(2026, 11, 24))),
    ("2026-01-01", "2026-03-31", (date(2026, 1, 1), date(2026, 3, 31))),
    ("", "2024-02-29", (date(2023, 3, 1), date(2024, 2, 29))),
    ("2026-05-01", "2026-05-01", (date(2026, 5, 1), date(2026, 5, 1))),
])
def test_period_defaults_to_the_last_12_months(now, raw_from, raw_to, expected):
    assert get_period(raw_from, raw_to, now=now) == expected


@pytest.mark.parametrize(("raw_from", "raw_to", "fields"), [
    ("2026-13-01", "", ["from"]),
    ("yesterday", "31/12/2026", ["from"]),  # the end date typed as the date pages show one is fine
    ("yesterday", "tomorrow", ["from", "to"]),  # in the page's order
    ("2026-05-02", "2026-05-01", ["from"]),
])
def test_bad_periods_are_refused_field_by_field(now, raw_from, raw_to, fields):
    with pytest.raises(InvalidInput) as caught:
        get_period(raw_from, raw_to, now=now)
    assert [p.field for p in caught.value.problems] == fields


def _deadline(now, *, key="risk_management_plan", label="Risk management plan within 5 working days",
              team="north", days_ago=10, status="met", late=False):
    active = status in ("open", "missed", "paused")
    return Deadline(case_id=ObjectId(), key=key, label=label, team=team, started_at=now - timedelta(days=40),
                    due_at=now - timedelta(days=days_ago), status=status, late=late, active=active).save()


@pytest.fixture
def deadlines(people, now):
    for status, late in [("met", False), ("met", False), ("met", True), ("missed", False), ("open", False),
                         ("paused", False), ("cancelled", False)]:
        _deadline(now, status=status, late=late)
    _deadline(now, days_ago=-3, status="met")  # not yet due: met early, counted once it comes due
    _deadline(now, days_ago=-2, status="open")
    _deadline(now, days_ago=400, status="open")  # due before the period
    _deadline(now, team="south", status="met")
    _deadline(now, key="breach_decision", label="Breach decision", status="met")


def test_timeliness_counts_each_kind_for_the_managers_team(people, deadlines, now):
    rows = list_timeliness(actor=people["manager"], now=now, start=START, end=END)
    assert [(r["key"], r["due"], r["on_time"], r["late"], r["overdue"], r["rate"]) for r in rows] == [
        ("breach_decision", 1, 1, 0, 0, 100),
        ("risk_management_plan", 6, 2, 1, 3, 33),
    ]


def test_timeliness_counts_every_team_for_an_auditor(people, deadlines, now):
    rows = {r["key"]: r for r in list_timeliness(actor=people["auditor"], now=now, start=START, end=END)}
    assert (rows["risk_management_plan"]["due"], rows["risk_management_plan"]["on_time"]) == (7, 3)
    assert rows["risk_management_plan"]["rate"] == 43


def test_two_kinds_that_read_the_same_are_told_apart_by_their_pathway(app, synced, people, now):
    from flask_babel import force_locale

    _deadline(now, key="partner_first_contact", label="First contact with the partner")
    _deadline(now, key="first_contact", label="First contact with the partner", status="missed")
    rows = list_timeliness(actor=people["manager"], now=now, start=START, end=END)
    assert [r["label"] for r in rows] == ["First contact with the partner (Community perpetrator programme)",
                                          "First contact with the partner (Partner support)"]
    with app.test_request_context(), force_locale("cy"):  # in the reader's language, as the deadlines pages say
        welsh = list_timeliness(actor=people["manager"], now=now, start=START, end=END)
    assert [r["label"] for r in welsh] == ["Cysylltiad cyntaf â’r partner (Cymorth i bartneriaid)",
                                           "Cysylltiad cyntaf â’r partner (Rhaglen i gyflawnwyr yn y gymuned)"]


def test_timeliness_keeps_to_the_period(people, deadlines, now):
    rows = list_timeliness(actor=people["manager"], now=now, start=date(2026, 11, 1), end=date(2026, 11, 10))
    assert rows == []


def _case(make_case, now, key, history, *, team="north", days_ago=30, **fields):
    case = make_case(workflow_key=key, team=team, referred_at=now - timedelta(days=days_ago),
                     person={"name": "Secret Person"}, **fields)
    for step, (name, to_state) in enumerate(history, 1):
        add_history(case, kind="transition", now=now - timedelta(days=days_ago - step), name=name,
                    to_state=to_state)
    return case


CDVP_CASES = [
    ([], {}),
    ([("allocate_case_manager", "assessment"), ("assess_unsuitable", "not_accepted")],
     {"state": "not_accepted", "status": "closed"}),
    ([("assess_suitable", "pre_programme"), ("start_programme", "group_programme"),
      ("complete_programme", "post_programme")], {"state": "post_programme"}),
    ([("assess_suitable", "pre_programme"), ("start_programme", "group_programme"), ("drop_out", "dropped_out"),
      ("close_dropped_out", "closed")], {"state": "closed", "status": "closed"}),
    ([("start_programme", "group_programme"), ("drop_out", "dropped_out"),
      ("rejoin_programme", "group_programme")], {"state": "group_programme"}),
    ([("start_programme", "group_programme"), ("drop_out", "dropped_out")], {"state": "dropped_out"}),
]
DAO_CASES = [
    ([("accept", "accepted"), ("start_intervention", "intervention"), ("finish_intervention", "reporting")],
     {"state": "reporting"}),
    ([("accept", "accepted"), ("start_intervention", "intervention"), ("end_intervention_early", "reporting")],
     {"state": "reporting"}),
    ([("accept", "accepted"), ("withdraw", "closed")], {"state": "closed", "status": "closed"}),
]


@pytest.fixture
def funnel_cases(people, make_case, now):
    for key, cases in (("probation_cdvp", CDVP_CASES), ("dao_pathway", DAO_CASES)):
        for history, fields in cases:
            _case(make_case, now, key, history, **fields)
    _case(make_case, now, "probation_cdvp", [("start_programme", "group_programme")], days_ago=500)
    _case(make_case, now, "probation_cdvp", [("start_programme", "group_programme")], team="south")


def test_funnel_counts_each_stage_per_pathway(people, funnel_cases, now):
    rows = {r["key"]: r for r in list_funnel(actor=people["manager"], now=now, start=START, end=END)}
    stages = ("referred", "accepted", "started", "completed", "dropped", "completion_rate")
    assert [rows["probation_cdvp"][s] for s in stages] == [6, 4, 4, 1, 2, 25]
    assert [rows["dao_pathway"][s] for s in stages] == [3, 3, 2, 1, 1, 50]
    assert [rows["community_programme"][s] for s in stages] == [0, 0, 0, 0, 0, None]


def test_funnel_for_an_auditor_counts_every_team(people, funnel_cases, now):
    rows = {r["key"]: r for r in list_funnel(actor=people["auditor"], now=now, start=START, end=END)}
    assert (rows["probation_cdvp"]["referred"], rows["probation_cdvp"]["started"]) == (7, 5)


@pytest.mark.parametrize(("value", "words"), [(10, "10"), (6.5, "6.5"), (4.0, "4")])
def test_waits_read_as_whole_days_when_whole(value, words):
    assert number(value) == words


@pytest.mark.parametrize(("waits", "expected"), [
    ([], {"count": 0, "median": None, "longest": None}),
    ([10, 3, 30], {"count": 3, "median": "10", "longest": 30}),
    ([4, 9], {"count": 2, "median": "6.5", "longest": 9}),
])
def test_waiting_list_median_and_longest(people, make_case, now, waits, expected):
    for days in waits:
        make_case(on_waiting_list=True, waiting_since=now - timedelta(days=days))
    make_case(team="south", on_waiting_list=True, waiting_since=now - timedelta(days=99))
    make_case(on_waiting_list=True, waiting_since=now - timedelta(days=80), status="closed")
    assert get_waiting(actor=people["manager"], now=now) == expected


@pytest.mark.parametrize(("stages", "label"), [
    (set(), "Unclassified (none completed)"),
    ({"pre_programme"}, "Pre-programme only"),
    ({"six_months_after", "end_of_programme"}, "End of programme and follow-up"),
    ({"pre_programme", "end_of_programme", "six_months_after"}, "All three"),
])
def test_classify_measures(stages, label):
    stages_spec = [{"value": "pre_programme", "label": "Pre-programme"},
                   {"value": "end_of_programme", "label": "End of programme"},
                   {"value": "six_months_after", "label": "Follow-up"}]
    assert classify_measures(stages, evaluation_classes(stages_spec)) == label


def test_four_stages_give_whole_sentences_in_welsh(app):
    from flask_babel import force_locale
    stages_spec = [{"value": v, "label": v.capitalize()} for v in ("before", "middle", "end", "after")]
    with app.test_request_context(), force_locale("cy"):
        labels = [label for label, _ in evaluation_classes(stages_spec)]
    assert "Before, middle a end" in labels and "Before a after" in labels and "Before yn unig" in labels


def _measures(case, actor, now, stage, completion, *, submit=True):
    answers = {**json.loads((ANSWERS / "evaluation_measures.json").read_text()), "stage": stage,
               "completion": completion}
    if completion == "none":
        answers["reason_not_completed"] = "declined"
    sub = start_submission(case, "evaluation_measures", actor=actor, now=now)
    sub, _ = save_draft(sub, answers, revision=sub.revision, actor=actor, now=now)
    if submit:
        sub = submit_submission(sub, revision=sub.revision, actor=actor, now=now)
        assert sub.status == "submitted"
    return sub


def test_evaluation_measures_are_classified_like_table_4_1(people, make_case, now):
    manager = people["manager"]
    plans = [
        [("pre_programme", "all")],
        [("pre_programme", "some"), ("end_of_programme", "all")],
        [("pre_programme", "all"), ("end_of_programme", "some"), ("six_months_after", "all")],
        [("pre_programme", "none")],
        [],
        [("end_of_programme", "all"), ("pre_programme", "all", "draft")],
        [("six_months_after", "some"), ("end_of_programme", "none")],
    ]
    worker = people["practitioner"]  # the form's slot: completed by the case's practitioner
    for plan in plans:
        case = _case(make_case, now, "probation_cdvp", [], actor=manager, allocated_to=worker)
        for stage, completion, *draft in plan:
            _measures(case, worker, now, stage, completion, submit=not draft)
    _case(make_case, now, "dao_pathway", [], actor=manager)  # not a CDVP case: never counted
    other = _case(make_case, now, "probation_cdvp", [], team="south", actor=people["south"],
                  allocated_to=people["south_practitioner"])
    _measures(other, people["south_practitioner"], now, "pre_programme", "all")
    found = next(f for f in get_evaluation(actor=manager, start=START, end=END) if f["label"] == "Probation CDVP")
    assert {r["label"]: r["count"] for r in found["rows"]} == {
        "Pre-programme only": 1, "End of programme only": 1, "Follow-up only": 1,
        "Pre-programme and end of programme": 1, "Pre-programme and follow-up": 0,
        "End of programme and follow-up": 0, "All three": 1, "Unclassified (none completed)": 2,
    }
    assert found["total"] == 7 and found["rows"][-1]["share"] == 29
    everyone = get_evaluation(actor=people["auditor"], start=START, end=END)
    assert next(f for f in everyone if f["label"] == "Probation CDVP")["total"] == 8


def test_reports_are_for_managers_and_auditors_only(people, now):
    with pytest.raises(NotAllowed):
        get_reports(actor=people["practitioner"], now=now)
    reports = get_reports(actor=people["manager"], now=now)
    assert (reports["start"], reports["end"], reports["scope"]) == (START, END, "North Team")
    assert get_reports(actor=people["auditor"], now=now)["scope"] == "All teams"


@pytest.mark.parametrize(("part", "whole", "expected"), [(1, 8, 13), (3, 8, 38), (1, 3, 33), (2, 3, 67), (0, 4, 0),
                                                         (4, 4, 100), (1, 0, None)])
def test_percentages_round_halves_up_as_people_do(part, whole, expected):
    from services.reports.period import percent

    assert percent(part, whole) == expected
