"""List downloads: the page's rows and filters, nothing a page would not show, streamed, every export audited."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from bson import ObjectId

from errors import NotAllowed
from models.audit import AuditEntry
from models.case import Case, name_keys
from services.reports import list_exports
from services.reports.list_files import iter_csv, safe_cell, xlsx_file
from services.triage import lists as manager_lists
from tests.services.cases.test_case_list_queries import seed
from tests.services.triage.test_manager_list_queries import NOW, seed_team


def read_csv(found) -> list[list[str]]:
    """Return the rows of a streamed CSV download."""
    pieces = list(found.body)
    assert pieces[0].startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))


def read_xlsx(found) -> list[list[str]]:
    """Return the cells of an XLSX download's first sheet as text, row by row (inline strings and numbers)."""
    with zipfile.ZipFile(found.body) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        shared = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    strings = re.findall(r"<si><t[^>]*>(.*?)</t></si>", shared)
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet):
        cells = []
        for kind, body in re.findall(r'<c r="[A-Z]+\d+"(?: s="\d+")?(?: t="(\w+)")?>(.*?)</c>', row):
            value = re.search(r"<(?:v|t)[^>]*>(.*?)</(?:v|t)>", body).group(1)
            cells.append(strings[int(value)] if kind == "s" else value)
        rows.append(cells)
    return rows


def test_a_cell_that_would_start_a_formula_gets_an_apostrophe():
    for text in ("=SUM(A1)", "+44 7700", "-1", "@cmd", "\tx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Dan") == "Dan" and safe_cell(5) == 5 and safe_cell(None) == ""
    body = b"".join(iter_csv(["Name"], [["=HYPERLINK(\"http://x\")"], ["Zoë"]])).decode("utf-8-sig")
    assert body.splitlines() == ["Name", "\"'=HYPERLINK(\"\"http://x\"\")\"", "Zoë"]
    book = read_xlsx(list_exports.ListFile("x.xlsx", "", 2, xlsx_file("A [sheet]", ["Name", "N"],
                                                                     [["=1+1", 3], ["Zoë", 4]])))
    assert book == [["Name", "N"], ["'=1+1", "3"], ["Zoë", "4"]]


def test_times_are_written_on_the_service_clock_as_the_pages_show_them():
    london = ZoneInfo("Europe/London")
    # A deadline due at the end of 5 July in London is stored as 22:59:59 UTC; 09:00 UTC in January is 09:00 there.
    rows = [[datetime(2027, 7, 5, 22, 59, 59), date(1990, 7, 5)], [datetime(2027, 1, 5, 9, 0), ""]]
    body = b"".join(iter_csv(["Due", "Born"], rows, london)).decode("utf-8-sig")
    assert body.splitlines() == ["Due,Born", "2027-07-05 23:59,1990-07-05", "2027-01-05 09:00,"]
    book = zipfile.ZipFile(xlsx_file("Due", ["Due"], [[datetime(2027, 7, 5, 22, 59, 59)]], london))
    # Excel's serial day: 46573 is 5 July 2027; .99998843 of a day is 23:59:59 (22:59:59 would be .9582).
    assert re.search(r"<v>46573\.9999884", book.read("xl/worksheets/sheet1.xml").decode())


def test_csv_is_streamed_in_pieces_that_do_not_grow_with_the_list():
    pieces = list(iter_csv(["N"], ([str(i)] for i in range(1000))))
    assert len(pieces) == 1 + 1000 // 200 and max(len(p) for p in pieces) < 2000


@pytest.fixture
def people(app, synced, make_user, make_team):
    for key in ("north", "south", "east"):
        make_team(key=key)
    return {"auditor": make_user(roles=["auditor"], team=""),
            "manager": make_user(roles=["manager"], team="north"),
            "practitioner": make_user(roles=["practitioner"], team="north", name="Pat Practitioner"),
            "other": make_user(roles=["practitioner"], team="south"),
            "referrer": make_user(roles=["referrer"], team="")}


def test_case_list_export_has_the_pages_rows_filters_and_order(people):
    seed(120, workers=(people["practitioner"], people["other"]))
    found = list_exports.export_case_list(actor=people["auditor"], now=NOW, fmt="csv", status="all", state="allocated",
                                          risk="medium", sort="reference", direction="desc")
    rows = read_csv(found)
    assert rows[0] == ["Reference", "Priority", "Name", "Date of birth", "Stage", "Status", "Risk level",
                       "Next deadline", "Due", "Overdue", "Practitioner"]
    expected = sorted((d["reference"] for d in Case._get_collection().find(
        {"state": "allocated", "risk_level": "medium"}, {"reference": 1})), reverse=True)
    assert [r[0] for r in rows[1:]] == expected and found.rows == len(expected) > 0
    assert {r[6] for r in rows[1:]} == {"Medium"} and found.filename == "cases-2026-11-24.csv"


def test_a_practitioner_exports_only_their_own_or_their_teams_cases(people):
    seed(90, teams=("north", "south"), workers=(people["practitioner"], people["other"], people["practitioner"]))
    cases = Case._get_collection()
    own = {d["reference"] for d in cases.find({"allocated_to": str(people["practitioner"].pk)})}
    north = {d["reference"] for d in cases.find({"team": "north"})}
    assert own - north and north - own  # some of his cases are another team's; some of his team's are not his
    mine = read_csv(list_exports.export_case_list(actor=people["practitioner"], now=NOW, fmt="csv", status="all"))
    assert "Practitioner" not in mine[0] and {r[0] for r in mine[1:]} == own
    # Asking for "every case" still gives his own: the scope is the page's, whatever the link says.
    asked = read_csv(list_exports.export_case_list(actor=people["practitioner"], now=NOW, fmt="csv", scope="all",
                                                   status="all"))
    assert {r[0] for r in asked[1:]} == own
    team = read_csv(list_exports.export_case_list(actor=people["practitioner"], now=NOW, fmt="csv", scope="team",
                                                  status="all"))
    assert {r[0] for r in team[1:]} == north


def test_a_search_export_never_holds_a_partner_record(people, make_case):
    perpetrator = make_case(person={"name": "Alex Marsh"}, team="north")
    Case._get_collection().insert_one({
        "_id": ObjectId(), "reference": "PS-2026-00001", "kind": "partner", "workflow_key": "dao_pathway",
        "workflow_version": 1, "status": "open", "state": "received", "team": "north",
        "person": {"name": "Jo Marsh"}, "name_keys": name_keys("Jo Marsh"), "created_at": NOW, "revision": 1})
    rows = read_csv(list_exports.export_case_list(actor=people["manager"], now=NOW, fmt="csv", query="marsh"))
    assert [r[0] for r in rows[1:]] == [perpetrator.reference]
    assert "Jo Marsh" not in str(rows)


def test_every_export_is_audited_with_its_list_format_and_filters(people):
    seed_team(12, workers=[people["practitioner"]])
    list_exports.export_inbox(actor=people["manager"], now=NOW, fmt="xlsx", state="received")
    list_exports.export_waiting_list(actor=people["manager"], now=NOW, fmt="csv", priority="standard")
    list_exports.export_case_list(actor=people["auditor"], now=NOW, fmt="csv", risk="high")
    entries = list(AuditEntry.objects(action="list.exported").order_by("at", "id"))
    assert [(e.actor_id, e.target_id, e.details["format"], e.details["filters"]) for e in entries] == [
        (str(people["manager"].pk), "referrals", "xlsx", {"stage": "received"}),
        (str(people["manager"].pk), "waiting_list", "csv", {"priority": "standard"}),
        (str(people["auditor"].pk), "cases", "csv", {"scope": "all", "status": "open", "risk": "high",
                                                    "sort": "deadline", "dir": "asc"})]
    assert entries[0].details["rows"] == 6


def test_manager_exports_hold_the_teams_lists_in_the_pages_order(people):
    seed_team(130, workers=[people["practitioner"]])
    seed_team(40, team="south", start=200)
    inbox = read_xlsx(list_exports.export_inbox(actor=people["manager"], now=NOW, fmt="xlsx"))
    assert inbox[0][:3] == ["Reference", "Name", "Referred by"] and len(inbox) == 66
    assert all(r[0].startswith("NORTH-") for r in inbox[1:])
    waiting = read_csv(list_exports.export_waiting_list(actor=people["manager"], now=NOW, fmt="csv",
                                                        priority="standard"))
    page = manager_lists.list_waiting_list(actor=people["manager"], now=NOW, priority="standard")
    assert [r[1] for r in waiting[1:51]] == [r["reference"] for r in page["rows"]]
    assert [int(r[0]) for r in waiting[1:51]] == [r["position"] for r in page["rows"]]
    overdue = read_csv(list_exports.export_overdue(actor=people["manager"], now=NOW, fmt="csv"))
    assert len(overdue) == 131 and overdue[1][4] == "Pat Practitioner"
    dues = [r[2] for r in overdue[1:]]
    assert dues == sorted(dues)


@pytest.mark.parametrize("who", ["referrer", "practitioner", "auditor"])
def test_only_a_teams_manager_exports_its_referrals_waiting_list_and_deadlines(people, who):
    for export in (list_exports.export_inbox, list_exports.export_waiting_list, list_exports.export_overdue):
        with pytest.raises(NotAllowed):
            export(actor=people[who], now=NOW, fmt="csv")
    if who == "referrer":
        with pytest.raises(NotAllowed):
            list_exports.export_case_list(actor=people[who], now=NOW, fmt="csv")
    assert not AuditEntry.objects(action="list.exported").count()


def test_an_export_reads_its_cases_in_batches(people, monkeypatch):
    seed_team(30, workers=[people["practitioner"]])
    monkeypatch.setattr(list_exports, "BATCH", 4)
    sizes = []
    real = list_exports.manager_lists.list_rows

    def spy(docs, now):
        sizes.append(len(docs))
        return real(docs, now)

    monkeypatch.setattr(list_exports.manager_lists, "list_rows", spy)
    found = list_exports.export_inbox(actor=people["manager"], now=datetime(2026, 11, 24), fmt="csv")
    assert sizes == [] and len(read_csv(found)) == 16  # nothing is read until the file is streamed
    assert sizes == [4, 4, 4, 3]
