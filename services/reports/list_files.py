"""Write a list as CSV or XLSX a row at a time, so memory stays flat however long the list is (see exports)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, tzinfo

import xlsxwriter

from services.reports.exports import FORMULA_STARTS, sheet_name

CSV_CHUNK_ROWS = 200  # rows gathered into one piece of the streamed response


def safe_cell(value):
    """Return the value as a spreadsheet should hold it: text that would start a formula gets an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def on_clock(value, zone: tzinfo | None):
    """Return a stored (naive UTC) moment as the service's clock reads it, as the pages show it; others unchanged."""
    if zone is None or not isinstance(value, datetime):
        return value
    return value.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def _text(value) -> str:
    value = safe_cell(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def iter_csv(headers: list[str], rows: Iterable, zone: tzinfo | None = None) -> Iterator[bytes]:
    """Yield a CSV file in pieces: UTF-8 with a byte order mark (so spreadsheets read accents), a few rows a piece.

    Times are written on `zone`'s clock (the service's), as the pages show them.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_text(h) for h in headers])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, 1):
        writer.writerow([_text(on_clock(v, zone)) for v in row])
        if count % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def xlsx_file(sheet_title: str, headers: list[str], rows: Iterable, zone: tzinfo | None = None):
    """Return an open temporary file holding the XLSX workbook, written row by row (XlsxWriter constant_memory).

    Times are written on `zone`'s clock (the service's), as the pages show them.
    """
    # On disk, not in memory: the workbook never sits whole in a web worker.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes (and so removes) it
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "tmpdir": tempfile.gettempdir()})
    sheet = book.add_worksheet(sheet_name(sheet_title))
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    moment = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet.write_row(0, 0, [str(h) for h in headers], bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row):
            value = safe_cell(on_clock(value, zone))
            if isinstance(value, datetime):
                sheet.write_datetime(number, column, value, moment if (value.hour, value.minute) != (0, 0) else day)
            elif isinstance(value, date):
                sheet.write_datetime(number, column, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                sheet.write_string(number, column, str(value))
            else:
                sheet.write_number(number, column, value)
    book.close()
    out.seek(0)
    return out
