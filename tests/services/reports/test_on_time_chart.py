"""The "deadlines met on time, by month" chart: its figures equal a plain count, and are read from counters."""

from __future__ import annotations

import mongoengine
import pytest

from models.deadline import Deadline
from services.reports.counters import COLLECTION, counts
from services.reports.deadline_counts import PREFIX
from services.reports.page import get_report_page
from services.reports.period import bounds, months, percent
from tests.command_log import recording
from tests.services.reports.test_report_queries import (  # noqa: F401 (the fixtures crowd and shared_crowd)
    END,
    START,
    crowd,
    docs_examined,
    first_plan,
    plan_stages,
    shared_crowd,
)


def plain_months(scope: dict, now) -> dict[str, list[int]]:
    """Count by month (UTC, as stored) the deadlines that came due in the period: due, on time, late, not met."""
    low, high = bounds(START, END)
    found: dict[str, list[int]] = {}
    for d in Deadline._get_collection().find(scope):
        if d["status"] != "cancelled" and low <= d["due_at"] < min(high, now):
            met = d["status"] == "met"
            row = found.setdefault(d["due_at"].strftime("%Y-%m"), [0, 0, 0, 0])
            for i, yes in enumerate((True, met and not d["late"], met and d["late"], not met)):
                row[i] += int(yes)
    return found


@pytest.mark.parametrize("who", ["auditor", "manager"])
def test_each_month_of_the_chart_equals_a_plain_count(crowd, shared_crowd, now, who):  # noqa: F811
    with recording(shared_crowd.settings["MONGODB_DB"]) as log:
        page = get_report_page(actor=crowd[who], now=now, raw_from=START.isoformat(), raw_to=END.isoformat())
    pipelines = [{k: command[k] for k in ("aggregate", "pipeline", "hint", "cursor") if k in command}
                 for name, command in log.sent if name == "aggregate" and command["aggregate"] == "deadlines"]
    plain = plain_months({} if who == "auditor" else {"team": "north"}, now)
    assert [m["month"] for m in page["monthly"]] == months(START, END)
    for month in page["monthly"]:
        due, on_time, late, overdue = plain.get(month["month"], [0, 0, 0, 0])
        assert [month["due"], month["on_time"], month["late"], month["overdue"]] == [due, on_time, late, overdue]
        assert month["rate"] == percent(on_time, due)
    assert sum(m["due"] for m in page["monthly"]) > 50 and sum(1 for m in page["monthly"] if m["due"]) > 6
    chart = page["charts"]["on_time"]
    assert [c["value"] for c in chart["geometry"]["columns"]] == [m["rate"] for m in page["monthly"]]
    best = max((m for m in page["monthly"] if m["rate"] is not None), key=lambda m: m["rate"])
    assert f"{best['rate']}% in {best['label']}" in chart["desc"]
    # No deadline is read: one aggregation adds up the on-time counters, found by their index, each fetched once.
    assert pipelines == []
    sent = [{k: command[k] for k in ("aggregate", "pipeline", "cursor") if k in command}
            for name, command in log.sent if name == "aggregate" and command["aggregate"] == COLLECTION
            and PREFIX in str(command["pipeline"][0])]
    assert len(sent) == 1
    explained = mongoengine.get_db().command("explain", sent[0], verbosity="executionStats")
    found = plan_stages(first_plan(explained))
    assert "IXSCAN" in found and "COLLSCAN" not in found, found
    matched = counts().count_documents(sent[0]["pipeline"][0]["$match"])
    assert docs_examined(explained) == matched < sum(m["due"] for m in page["monthly"])
