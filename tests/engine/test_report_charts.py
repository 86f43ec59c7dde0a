"""Chart geometry from numbers (services/reports/charts.py): pure arithmetic, checked without a server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from services.reports.charts import column_chart, hbar_chart, label_every, line_chart, nice_max, ticks


@pytest.mark.parametrize(("value", "top"), [
    (0, 1), (0.4, 1), (1, 1), (2, 2), (2.2, 5), (3, 5), (5, 5), (6, 10), (10, 10), (11, 20), (21, 25), (26, 50),
    (99, 100), (101, 200), (240, 250), (251, 500), (1001, 2000),
])
def test_the_axis_ends_at_a_round_number_at_or_above_the_largest(value, top):
    assert nice_max(value) == top


@pytest.mark.parametrize(("top", "expected"), [
    (1, [0, 1]), (2, [0, 1, 2]), (5, [0, 1, 2, 3, 4, 5]), (10, [0, 2, 4, 6, 8, 10]),
    (25, [0, 5, 10, 15, 20, 25]), (100, [0, 20, 40, 60, 80, 100]), (250, [0, 50, 100, 150, 200, 250]),
])
def test_ticks_are_whole_and_even(top, expected):
    assert ticks(top) == expected


@pytest.mark.parametrize(("count", "every"), [(0, 1), (1, 1), (12, 1), (13, 2), (24, 2), (25, 3), (60, 5)])
def test_at_most_twelve_axis_labels(count, every):
    assert label_every(count) == every


def test_bars_grow_in_proportion_and_carry_their_value_as_text():
    chart = hbar_chart([("Referred", 40, None), ("Started", 10, None), ("Dropped out", 0, None)],
                       width=640, label_width=200)
    plot = chart["plot_width"]
    assert plot == 640 - 200 - 110
    referred, started, dropped = chart["bars"]
    assert (referred["width"], started["width"], dropped["width"]) == (round(plot * 40 / 50, 1),
                                                                       round(plot * 10 / 50, 1), 0.0)
    assert [b["text"] for b in chart["bars"]] == ["40", "10", "0"]
    assert [b["y"] for b in chart["bars"]] == [12, 54, 96]  # one row of 28 and a gap of 14 each
    assert referred["text_x"] == 200 + referred["width"] + 6
    assert [t["value"] for t in chart["ticks"]] == [0, 10, 20, 30, 40, 50]
    assert chart["ticks"][-1]["x"] == 200 + plot
    assert chart["height"] == chart["plot_bottom"] + 36


def test_an_outline_bar_shows_capacity_behind_the_caseload():
    chart = hbar_chart([("North Team", 18, 30), ("South Team", 12, 10)])
    north, south = chart["bars"]
    assert (north["text"], south["text"]) == ("18 of 30", "12 of 10")
    assert north["outline_width"] > north["width"] and south["outline_width"] < south["width"]
    assert north["text_x"] == north["x"] + north["outline_width"] + 6  # right of whichever is longer
    assert [t["value"] for t in chart["ticks"]][-1] == 50


def test_columns_scale_to_the_percentage_axis_and_a_month_with_none_due_is_a_gap():
    chart = column_chart([("Jan 2026", 100), ("Feb 2026", None), ("Mar 2026", 50)], width=640, height=260)
    full, gap, half = chart["columns"]
    plot_h = chart["plot_bottom"] - chart["plot_top"]
    assert full["height"] == plot_h and full["y"] == chart["plot_top"]
    assert half["height"] == round(plot_h / 2, 1) and half["y"] == chart["plot_bottom"] - half["height"]
    assert (gap["height"], gap["text"], full["text"]) == (0.0, "none", "100%")
    assert full["x"] < gap["x"] < half["x"] and full["width"] == gap["width"]
    assert [t["text"] for t in chart["ticks"]] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert all(c["labelled"] for c in chart["columns"])


def test_a_line_passes_through_each_point_left_to_right():
    chart = line_chart([("Jan 2026", 0), ("Feb 2026", 4), ("Mar 2026", 8)])
    first, middle, last = chart["points"]
    assert first["y"] == chart["plot_bottom"] and last["y"] == round(chart["plot_bottom"] - (
        chart["plot_bottom"] - chart["plot_top"]) * 8 / 10, 1)
    assert middle["x"] - first["x"] == last["x"] - middle["x"]
    assert chart["path"] == f"{first['x']},{first['y']} {middle['x']},{middle['y']} {last['x']},{last['y']}"
    assert [t["value"] for t in chart["ticks"]] == [0, 2, 4, 6, 8, 10]


def test_many_months_label_every_other_point():
    chart = line_chart([(f"M{i} 2026", i) for i in range(24)])
    assert [p["labelled"] for p in chart["points"][:4]] == [True, False, True, False]


def test_the_chart_module_is_pure():
    tree = ast.parse((Path(__file__).resolve().parents[2] / "services" / "reports" / "charts.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= {"__future__", "collections.abc", "math"}, imported


def test_a_long_bar_label_widens_its_room_and_is_never_cut_at_the_edge():
    geometry = hbar_chart([("Family Safeguarding Team", 3, 15), ("North", 1, 10)])
    assert geometry["bars"][0]["label"] == "Family Safeguarding Team"
    # The label ends 8 units left of the bars and starts inside the picture (about 9 units a character).
    assert geometry["label_width"] - 8 - 9 * len("Family Safeguarding Team") >= 0
    very_long = hbar_chart([("The Family Safeguarding and Domestic Abuse Perpetrator Team of the County", 3, 15)])
    assert very_long["label_width"] == 320 and very_long["bars"][0]["label"].endswith("…")
    assert 9 * len(very_long["bars"][0]["label"]) <= 320 - 8


def test_a_long_period_writes_only_as_many_values_as_fit():
    from services.reports.charts import column_chart, line_chart

    year = column_chart([(f"m{i}", 50) for i in range(12)])
    assert all(c["text"] == "50%" for c in year["columns"])
    decade = column_chart([(f"m{i}", None if i % 2 else 50) for i in range(120)])
    written = [c for c in decade["columns"] if c["text"]]
    assert 0 < len(written) <= 12 and all(c["labelled"] for c in written)  # under the month labels shown
    line = line_chart([(f"m{i}", i) for i in range(120)])
    assert 0 < len([p for p in line["points"] if p["text"]]) <= 12
    assert all(p["text"] for p in line_chart([(f"m{i}", i) for i in range(12)])["points"])
