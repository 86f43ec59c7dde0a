"""CSV and XLSX downloads from headers and rows (services/reports/exports.py): formulas defused, numbers kept."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import pytest

from services.reports.exports import csv_bytes, safe_text, sheet_name, xlsx_bytes


@pytest.mark.parametrize(("value", "written"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tTab", "'\tTab"), ("\rReturn", "'\rReturn"), ("Plain", "Plain"),
    ("a=b", "a=b"), ("", ""), (None, ""),
])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(value, written):
    assert safe_text(value) == written


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_csv_keeps_numbers_and_defuses_text():
    content = csv_bytes(["Team", "Cases", "Rate"], [["=cmd|' /C calc'!A0", 12, -3], ["North, “Team”", 0, None],
                                                    ["Day", date(2026, 1, 31), 2.5]])
    assert read_csv(content) == [["Team", "Cases", "Rate"], ["'=cmd|' /C calc'!A0", "12", "-3"],
                                 ["North, “Team”", "0", ""], ["Day", "2026-01-31", "2.5"]]
    assert b"\r\n" in content


def xlsx_cells(content: bytes) -> tuple[str, list[list[str]]]:
    """Return the sheet name and the cells of the first sheet, read from the XLSX zip structure."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = set(book.namelist())
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= names
        workbook = book.read("xl/workbook.xml").decode()
        shared = re.findall(r"<si><t[^>]*>(.*?)</t></si>", book.read("xl/sharedStrings.xml").decode(), re.S) \
            if "xl/sharedStrings.xml" in names else []
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet, re.S):
        cells = []
        for kind, value in re.findall(r'<c r="[A-Z]+\d+"(?: s="\d+")?(?: t="(\w+)")?><v>(.*?)</v></c>', row):
            cells.append(shared[int(value)] if kind == "s" else value)
        rows.append(cells)
    return re.search(r'<sheet name="([^"]*)"', workbook).group(1), rows


def test_xlsx_has_one_sheet_with_text_and_numbers():
    content = xlsx_bytes("Deadlines met on time", ["Deadline", "Came due", "On time (%)"],
                         [["@risk", 7, 43], ["Breach decision", 1, ""]])
    name, rows = xlsx_cells(content)
    assert name == "Deadlines met on time"
    assert rows == [["Deadline", "Came due", "On time (%)"], ["'@risk", "7", "43"], ["Breach decision", "1", ""]]


def test_xlsx_leaves_a_cell_with_no_figure_empty_in_a_column_of_numbers():
    content = xlsx_bytes("Rates", ["Month", "On time (%)"], [["January", 80], ["February", None]])
    assert xlsx_cells(content)[1] == [["Month", "On time (%)"], ["January", "80"], ["February"]]
    assert read_csv(csv_bytes(["Month", "On time (%)"], [["February", None]]))[1] == ["February", ""]


def test_a_report_table_gives_its_figures_as_numbers():
    from services.reports.tables import _blank

    assert (_blank("51"), _blank("12.5"), _blank(None), _blank(7)) == (51, 12.5, None, 7)


@pytest.mark.parametrize(("title", "name"), [
    ("Evaluation measures (Probation CDVP)", "Evaluation measures (Probation…"), ("A/B: c?", "A B  c"),
    ("Evaluation measures (Community perpetrator programme)", "Evaluation measures (Community…"),
    ("Terfynau amser a fodlonwyd mewn pryd fesul mis", "Terfynau amser a fodlonwyd…"),
    ("Averyveryveryveryverylongsinglewordtitle", "Averyveryveryveryverylongsingl…"),
    ("[]", "Sheet1"),
])
def test_sheet_names_are_valid(title, name):
    assert sheet_name(title) == name and len(name) <= 31
