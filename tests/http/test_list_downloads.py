"""List pages and their downloads through the Flask client: paging, headers, filters and who may download what."""

from __future__ import annotations

import csv
import io
import re

import pytest

from models.audit import AuditEntry
from models.case import Case
from tests.conftest import sign_in
from tests.services.cases.test_case_list_queries import seed
from tests.services.triage.test_manager_list_queries import seed_team

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def people(synced, make_team, make_user):
    make_team(key="north")
    make_team(key="south", name="South Team")
    return {"manager": make_user(roles=["manager"], team="north"),
            "south": make_user(roles=["manager"], team="south"),
            "practitioner": make_user(roles=["practitioner"], team="north", name="Priya Practitioner"),
            "other": make_user(roles=["practitioner"], team="south", name="Sol Other"),
            "auditor": make_user(roles=["auditor"], team=""),
            "referrer": make_user(roles=["referrer"], team="")}


def test_the_inbox_and_waiting_list_page_with_their_filters_kept(client, people):
    seed_team(130, workers=[people["practitioner"]])
    seed_team(20, team="south", start=500)
    sign_in(client, people["manager"])
    first = client.get("/manager/referrals").get_data(as_text=True)
    assert 'aria-label="Pages of referrals"' in first and "Showing 1 to 50 of 65" in first
    assert len(re.findall(r">(NORTH-2026-\d{5})</a>", first)) == 50 and "SOUTH-" not in first
    second = client.get("/manager/referrals?stage=received&page=2").get_data(as_text=True)
    assert len(re.findall(r">(NORTH-2026-\d{5})</a>", second)) == 15
    assert re.search(r'href="/manager/referrals\?stage=received&amp;page=1"', second)
    assert 'href="/manager/referrals/export.csv?stage=received"' in second
    waiting = client.get("/manager/waiting-list?priority=standard&page=2").get_data(as_text=True)
    assert "Showing 51 to" in waiting and 'href="/manager/waiting-list/export.xlsx?priority=standard"' in waiting
    assert client.get("/manager/waiting-list?page=banana&priority=nonsense").status_code == 200
    team = client.get("/manager/team?page=2").get_data(as_text=True)
    assert 'aria-label="Pages of overdue deadlines"' in team and "Showing 51 to 100 of 130" in team


def test_a_manager_downloads_the_teams_referrals_with_the_stage_chosen(client, people):
    seed_team(12, workers=[people["practitioner"]])
    seed_team(12, team="south", start=100)
    sign_in(client, people["manager"])
    response = client.get("/manager/referrals/export.csv?stage=received")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert re.fullmatch(r'attachment; filename="referrals-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"
    rows = rows_of(response)
    assert rows[0][0] == "Reference" and len(rows) == 7 and all(r[0].startswith("NORTH-") for r in rows[1:])
    book = client.get("/manager/waiting-list/export.xlsx")
    assert book.status_code == 200 and book.mimetype == XLSX and book.get_data()[:2] == b"PK"
    entry = AuditEntry.objects(action="list.exported").order_by("-at", "-id").first()
    assert (entry.actor_id, entry.target_id, entry.details["format"]) == (str(people["manager"].pk), "waiting_list",
                                                                         "xlsx")
    assert client.get("/manager/referrals/export.pdf").status_code == 404


@pytest.mark.parametrize("who", ["referrer", "practitioner", "auditor"])
def test_only_a_teams_manager_downloads_its_manager_lists(client, people, who):
    seed_team(6, workers=[people["practitioner"]])
    sign_in(client, people[who])
    for url in ("/manager/referrals/export.csv", "/manager/waiting-list/export.xlsx",
                "/manager/team/overdue/export.csv"):
        response = client.get(url)
        assert response.status_code == 403 and b"NORTH-" not in response.get_data(), url
    assert not AuditEntry.objects(action="list.exported").count()


def test_another_teams_manager_downloads_only_their_own_team(client, people):
    seed_team(6, workers=[people["practitioner"]])
    sign_in(client, people["south"])
    for url in ("/manager/referrals/export.csv", "/manager/waiting-list/export.csv",
                "/manager/team/overdue/export.csv"):
        response = client.get(url)
        rows = rows_of(response)
        assert len(rows) == 1, (url, rows)  # the headings only
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # its charset named once


def test_a_practitioner_downloads_only_the_cases_the_page_shows_them(client, people, app):
    seed(60, teams=("north", "south"), workers=(people["practitioner"], people["other"], people["practitioner"]))
    sign_in(client, people["practitioner"])
    cases = Case._get_collection()
    own = {d["reference"] for d in cases.find({"allocated_to": str(people["practitioner"].pk), "status": "open"})}
    page = client.get("/cases").get_data(as_text=True)
    assert 'href="/cases/export.csv?scope=mine' in page and 'href="/cases/export.xlsx?scope=mine' in page
    mine = rows_of(client.get("/cases/export.csv?scope=all"))
    assert {r[0] for r in mine[1:]} == own and "Practitioner" not in mine[0]
    team = rows_of(client.get("/cases/export.csv?scope=team&status=all"))
    assert {r[0] for r in team[1:]} == {d["reference"] for d in cases.find({"team": "north"})}
    app.config["PRACTITIONERS_READ_TEAM_CASES"] = False
    no_team = rows_of(client.get("/cases/export.csv?scope=team&status=all"))
    assert {r[0] for r in no_team[1:]} == {d["reference"] for d in cases.find(
        {"allocated_to": str(people["practitioner"].pk)})}


def test_the_case_list_download_keeps_the_filters_and_the_search(client, people):
    seed(80, workers=(people["practitioner"],))
    sign_in(client, people["auditor"])
    rows = rows_of(client.get("/cases/export.csv?status=all&state=allocated&sort=reference&dir=desc"))
    expected = sorted((d["reference"] for d in Case._get_collection().find({"state": "allocated"})), reverse=True)
    assert [r[0] for r in rows[1:]] == expected
    found = rows_of(client.get("/cases/export.csv?q=person+12"))
    assert {r[2] for r in found[1:]} == {"Person 12 Example"}
    sign_in(client, people["referrer"])
    assert client.get("/cases/export.csv").status_code == 403
