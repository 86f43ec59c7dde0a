"""On-time counters: after deadlines are started, met, missed, cancelled, paused and resumed, the report they give
equals the deadlines' own aggregate (the pipeline the report ran before) for any period and moment."""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, timedelta

import mongoengine
import pytest
from bson import ObjectId

from models.case import Case, Person
from models.deadline import Deadline
from services.deadlines import tracking as svc
from services.deadlines.reminders import sweep_reminders
from services.reports import deadline_counts, figures
from services.reports import queries as report_queries
from services.reports.counters import counts
from services.reports.deadline_counts import PREFIX, fill_timeliness_counts, timeliness_counts_pipeline
from services.reports.period import bounds
from tests.services.reports.test_report_queries import (  # noqa: F401
    END,
    START,
    docs_examined,
    explain,
    first_plan,
    own_crowd,
    plan_stages,
    refill_counts,
    seed,
)

_refs = itertools.count(1)
SPEC = {"key": "risk_assessment", "label": "Risk assessment", "duration": {"days": 10}, "basis": "10 days",
        "role": "practitioner", "met_by": {"form": "risk_assessment"}, "reminders": [], "escalation": {}}
# Hours timescales end at any moment, not only at the end of a day: some fall due mid-day, either side of `now`.
HOURS = {**SPEC, "key": "safety_check", "label": "Safety check", "duration": {"hours": 30}}
KINDS = (SPEC, HOURS, {**SPEC, "key": "workbook", "label": "Workbook", "duration": {"working_days": 3}})


def old_timeliness(scope: dict, *, now: datetime, start: date, end: date) -> dict:
    """Return the on-time figures as the report computed them before the counters: from every deadline."""
    low, high = bounds(start, end)
    rows = figures._run(Deadline, report_queries.timeliness_pipeline(scope, low, min(high, now)),
                        report_queries.TIMELINESS_INDEX)
    return figures.timeliness_figures(rows, start=start, end=end)


def new_timeliness(scope: dict, *, now: datetime, start: date, end: date) -> dict:
    found = figures._timeliness(scope, now=now, start=start, end=end)
    return {**found, "kinds": sorted(found["kinds"], key=lambda r: (r["label"].lower(), r["key"]))}


def make_case(team: str, at: datetime) -> Case:
    case = Case(reference=f"DAO-2026-{next(_refs):05d}", workflow_key="dao_pathway", workflow_version=1,
                status="open", team=team, person=Person(name="Darren Holloway"), kind="perpetrator", created_at=at)
    case.save()
    return case


def build(rng: random.Random, count: int) -> list[datetime]:
    """Start deadlines over a year around the change to and from summer time; meet, pause, cancel some."""
    moments = []
    for _ in range(count):
        started = datetime(2026, 1, 1, 8) + timedelta(days=rng.randint(0, 330), hours=rng.randint(0, 15),
                                                      minutes=rng.randint(0, 59))
        case = make_case(rng.choice(("north", "south")), started)
        for spec in rng.sample(KINDS, rng.randint(1, 3)):
            deadline = svc.start_deadline(case, spec["key"], now=started, spec=spec)
            moments.append(deadline.due_at)
        later = started + timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
        choice = rng.random()
        if choice < 0.2:
            svc.pause_deadlines(case, now=later)
            if rng.random() < 0.7:
                svc.resume_deadlines(case, now=later + timedelta(days=rng.randint(0, 15)))
        elif choice < 0.3:
            svc.cancel_case_deadlines(case, now=later)
        elif choice < 0.8:
            svc.stop_deadline(case, rng.choice(KINDS)["key"], now=later, restart=rng.random() < 0.3)
    # Saved whole, as fixtures and seeds do: either side of the end of June in UTC (1 July in summer time), one
    # at the end of October (GMT again), one with a second label for its kind, one waiting for a date.
    for due, status, late, label in [
            (datetime(2026, 6, 30, 23, 30), "met", False, "Risk assessment"),
            (datetime(2026, 6, 30, 22, 59, 59, 999000), "met", True, "Risk assessment"),
            (datetime(2026, 7, 1, 0, 0), "open", False, "Risk assessment"),
            (datetime(2026, 10, 31, 23, 59, 59), "missed", False, "Risk assessment (old wording)"),
            (None, "open", False, "Risk assessment")]:
        Deadline(case_id=ObjectId(), key="risk_assessment", label=label, team="north", workflow_key="dao_pathway",
                 started_at=datetime(2026, 6, 1), due_at=due, status=status, late=late,
                 active=status != "met").save()
        moments += [due] if due else []
    return sorted(moments)


def periods(moments: list[datetime]) -> list[tuple[datetime, date, date]]:
    """Return (now, start, end): now at, just after and between due times, mid-day and at midnight."""
    picked = [m for m in moments if datetime(2026, 1, 1) < m < datetime(2026, 12, 31)][::7]
    nows = [m for m in picked] + [m + timedelta(milliseconds=1) for m in picked] + \
        [m + timedelta(microseconds=500) for m in picked[:5]] + \
        [datetime(2026, 7, 1), datetime(2026, 7, 1, 0, 0, 0, 1), datetime(2026, 10, 25, 1, 30),
         datetime(2027, 3, 1, 12)]
    found = []
    for now in nows:
        found.append((now, date(2025, 12, 4), now.date()))  # the default: twelve months to today
        found.append((now, now.date() - timedelta(days=40), now.date() + timedelta(days=3)))
        found.append((now, date(2026, 6, 30), date(2026, 7, 1)))
    found += [(datetime(2026, 9, 15, 12), date(2026, 9, 15), date(2026, 9, 15)),
              (datetime(2026, 9, 15, 12), date(2026, 9, 16), date(2026, 12, 1)),
              (datetime(2027, 1, 10), date(2026, 3, 1), date(2026, 11, 30)),
              (datetime(2027, 1, 10), date(2026, 3, 3), date(2026, 11, 27)),
              (datetime(2027, 1, 10), date(2026, 3, 20), date(2026, 3, 29)),
              (datetime(2026, 11, 2, 9), date(2026, 2, 2), date(2026, 11, 30))]
    return found


@pytest.fixture
def deadlines(app):
    return build(random.Random(7), 90)


def test_the_counters_give_the_deadlines_own_figures_for_any_period_and_moment(deadlines):
    cases = periods(deadlines)
    assert len(cases) > 60
    counted = 0
    for scope in ({}, {"team": "north"}, {"team": "south"}):
        for now, start, end in cases:
            expected = old_timeliness(scope, now=now, start=start, end=end)
            assert new_timeliness(scope, now=now, start=start, end=end) == expected, (scope, now, start, end)
            counted += sum(k["due"] for k in expected["kinds"])
    statuses = {(d["status"], d.get("late")) for d in Deadline._get_collection().find()}
    assert {("met", True), ("met", False), ("open", False), ("cancelled", False), ("paused", False)} <= statuses
    assert counted > 1000


def stored_counters() -> dict:
    """Return every on-time counter that counts something, with its non-zero moments."""
    return {(c["metric"], c["day"], c["team"], c["pathway"]): (c["n"], {k: v for k, v in c.get("at", {}).items() if v})
            for c in counts().find({"metric": {"$regex": f"^{PREFIX}"}}) if c["n"]}


def test_the_one_off_fill_counts_what_the_changes_counted(deadlines, monkeypatch):
    kept = stored_counters()
    marks = {d["_id"]: d.get("report_counted") or None for d in Deadline._get_collection().find()}
    assert len(kept) > 100
    assert fill_timeliness_counts() > 100  # from scratch, as on a database stored before the counters
    assert stored_counters() == kept
    assert fill_timeliness_counts() == 0  # done once: later starts skip it
    monkeypatch.setattr(deadline_counts, "BATCH", 7)  # many small batches, as on a large database
    assert fill_timeliness_counts(again=True) > 100
    assert stored_counters() == kept
    assert {d["_id"]: d.get("report_counted") or None for d in Deadline._get_collection().find()} == marks


def test_missed_deadlines_count_as_not_met_and_met_late_ones_move(app):
    case = make_case("north", datetime(2026, 3, 1, 9))
    svc.start_deadline(case, "risk_assessment", now=datetime(2026, 3, 1, 9), spec=SPEC)
    args = {"scope": {"team": "north"}, "start": date(2026, 3, 1), "end": date(2026, 3, 31)}
    sweep_reminders(now=datetime(2026, 3, 13, 9), settings={"MAIL_ENABLED": False, "BASE_URL": "http://x"})
    assert Deadline.objects.get(case_id=case.pk).status == "missed"
    found = new_timeliness(args["scope"], now=datetime(2026, 3, 14), start=args["start"], end=args["end"])
    assert [(k["due"], k["overdue"]) for k in found["kinds"]] == [(1, 1)]
    svc.meet_deadlines_for_form(case, "risk_assessment", now=datetime(2026, 3, 20, 9))
    found = new_timeliness(args["scope"], now=datetime(2026, 3, 21), start=args["start"], end=args["end"])
    assert [(k["due"], k["late"], k["overdue"]) for k in found["kinds"]] == [(1, 1, 0)]
    assert found == old_timeliness(args["scope"], now=datetime(2026, 3, 21), start=args["start"], end=args["end"])


@pytest.mark.parametrize("scope", [{}, {"team": "north"}], ids=["all teams", "one team"])
def test_the_on_time_counters_are_read_from_their_index_at_a_flat_cost(own_crowd, now, scope):  # noqa: F811
    def examined() -> int:
        explained = explain(counts().name, timeliness_counts_pipeline(scope, START, END, now))
        found = plan_stages(first_plan(explained))
        assert "IXSCAN" in found and "COLLSCAN" not in found, found
        return docs_examined(explained)

    first = examined()
    before = sum(k["due"] for k in figures._timeliness(scope, now=now, start=START, end=END)["kinds"])
    seed(1200, now, [], rng=random.Random(16))
    refill_counts()
    after = sum(k["due"] for k in figures._timeliness(scope, now=now, start=START, end=END)["kinds"])
    assert after > 2 * before > 100
    # At most one counter per kind and outcome for each of the 11 whole months, the 29 edge days and today: bounded
    # however many deadlines there are (four times as many now), and never a deadline.
    metrics = counts().distinct("metric", {"metric": {"$regex": f"^{PREFIX}"}, "team": scope.get("team", "*")})
    assert 0 < first <= examined() <= len(metrics) * (11 + 29 + 1)
    assert mongoengine.get_db().command("collStats", "deadlines")["count"] > after
