"""Report downloads through the Flask client: CSV and XLSX of every table, counts only, each to its own scope."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

import pytest

from tests.conftest import sign_in
from tests.engine.test_exports import xlsx_cells
from tests.http import test_reports as shared

# The reports page's people and figures: two waiting cases and an on-time deadline in the north, one waiting case
# and a late deadline in the south.
people, data, now, waited = shared.people, shared.data, shared.now, shared.waited

CSV, XLSX = "text/csv; charset=utf-8", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))


def links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="(/reports/download/[^"]+)"', page)]


def test_every_table_on_the_page_downloads_as_csv_and_xlsx_without_a_name(client, people, data):
    sign_in(client, people["manager"])
    found = links(client.get("/reports/").get_data(as_text=True))
    tables = {re.match(r"/reports/download/([\w-]+)\.", link).group(1) for link in found}
    assert {"timeliness", "timeliness-by-month", "funnel", "waiting", "waiting-history", "caseload",
            "evaluation-probation_cdvp"} <= tables
    assert len(found) == 2 * len(tables)
    for link in found:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.headers["Content-Type"] == (CSV if ".csv?" in link else XLSX)
        assert response.headers["Cache-Control"].startswith("no-store")
        assert b"Secret Person" not in response.get_data()


def test_a_manager_downloads_their_own_teams_figures(client, people, data, now):
    sign_in(client, people["manager"])
    # A year up to today: the deadlines came due ten days ago.
    start, end = (now - timedelta(days=365)).date().isoformat(), now.date().isoformat()
    response = client.get(f"/reports/download/timeliness.csv?from={start}&to={end}&team=south")
    assert response.status_code == 200 and response.headers["Content-Type"] == CSV
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="report-timeliness-north-{start}-{end}.csv"')
    assert rows(response) == [["Deadline", "Came due", "Met on time", "Met late", "Open and overdue", "On time (%)"],
                              ["Risk management plan", "1", "1", "0", "0", "100"]]
    waiting = rows(client.get("/reports/download/waiting.csv"))
    assert waiting[1:] == [["Waiting now", "2"], ["Median wait (days)", f"{(waited(now, 5) + waited(now, 9)) / 2:g}"],
                           ["Longest wait (days)", str(waited(now, 9))]]


def test_an_auditor_downloads_every_teams_figures(client, people, data):
    sign_in(client, people["auditor"])
    response = client.get("/reports/download/timeliness.xlsx")
    assert response.status_code == 200 and response.headers["Content-Type"] == XLSX
    assert re.fullmatch(r'attachment; filename="report-timeliness-all-teams-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.xlsx"',
                        response.headers["Content-Disposition"])
    name, cells = xlsx_cells(response.get_data())
    assert name == "Deadlines met on time"
    assert cells[1] == ["Risk management plan", "2", "1", "1", "0", "50"]
    waiting = rows(client.get("/reports/download/waiting.csv"))
    assert waiting[1] == ["Waiting now", "3"]


@pytest.mark.parametrize("role", ["practitioner", "referrer"])
def test_other_roles_cannot_download(client, people, role):
    sign_in(client, people[role])
    assert client.get("/reports/download/timeliness.csv").status_code == 403
    assert client.get("/reports/download/caseload.xlsx").status_code == 403


def test_signed_out_visitors_cannot_download(client, people):
    response = client.get("/reports/download/timeliness.csv")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(("path", "status"), [
    ("/reports/download/nothing.csv", 404), ("/reports/download/timeliness.pdf", 404),
    ("/reports/download/evaluation-nowhere.xlsx", 404), ("/reports/download/timeliness.csv?from=2026-02-30", 422),
])
def test_unknown_tables_and_bad_dates_are_refused(client, people, path, status):
    sign_in(client, people["manager"])
    response = client.get(path)
    assert response.status_code == status
    assert "Traceback" not in response.get_data(as_text=True)


def test_the_page_draws_each_chart_with_its_title_and_description(client, people, data):
    sign_in(client, people["manager"])
    page = client.get("/reports/").get_data(as_text=True)
    for chart in ("chart-on-time", "chart-waiting", "chart-caseload"):
        assert re.search(rf'<svg id="{chart}" class="app-chart__svg" role="img" '
                         rf'aria-labelledby="{chart}-title {chart}-desc"', page), chart
        assert f'<title id="{chart}-title">' in page and f'<desc id="{chart}-desc">' in page
    assert "Risk management plan" in page and "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
