"""Tables as downloads: CSV (safe to open in a spreadsheet) and XLSX, from headers and rows of plain values.

Callers decide what may be in a table; this module only writes it. A text cell that a spreadsheet would read
as a formula (starting with = + - @, or a tab or carriage return) is written with a leading apostrophe, so a
value typed into Pathway can never run as a formula on someone's computer. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Sheet names may not hold these characters and are at most 31 characters long.
SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def safe_text(value) -> str:
    """Return a cell's text with a leading apostrophe when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return safe_text(_plain(value))
    return value


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """Return the table as UTF-8 CSV with a byte-order mark, so spreadsheets read accents and dashes right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheet_name(title: str) -> str:
    """Return a title as a valid worksheet name."""
    name = title.translate(SHEET_FORBIDDEN).strip().strip("'")
    if len(name) > 31:  # cut at a word, with an ellipsis, rather than mid-word
        head = name[:30]
        cut = head if name[30] == " " or " " not in head else head.rsplit(" ", 1)[0]
        name = cut.rstrip(" ,;:-(") + "…"
    return name.strip() or "Sheet1"


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """Return the table as an XLSX workbook of one sheet, headers bold and frozen, numbers as numbers."""
    out = io.BytesIO()
    # Strings are never turned into formulas, numbers or links: what was stored is what the sheet shows.
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                     "strings_to_urls": False})
    sheet = book.add_worksheet(sheet_name(sheet_title))
    bold = book.add_format({"bold": True})
    widths = [len(str(h)) for h in headers]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, safe_text(header), bold)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:  # no figure (a rate of nothing): an empty cell, not text in a column of numbers
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, col, value)
                text = str(value)
            else:
                text = safe_text(_plain(value))
                sheet.write_string(r, col, text)
            if col < len(widths):
                widths[col] = max(widths[col], len(text))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(60, width + 2))
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
