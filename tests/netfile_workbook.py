"""Efile workbooks for the NetFile export tests, written with XlsxWriter as NetFile writes them: the
sheets and headers of the City of Berkeley's real 2018 export (tests/fixtures/filings_netfile_export),
dates as date-styled cells, numbers as numeric cells, text as text."""

import io
import zipfile
from datetime import date
from functools import cache

import xlsxwriter
from python_calamine import CalamineWorkbook

from tests.crawl import FIXTURES

REAL_EXPORT = FIXTURES / "filings_netfile_export" / "efile_BRK_2018.xlsx"


@cache
def real_headers():
    """{sheet name: header} of the real export, in its order."""
    workbook = CalamineWorkbook.from_path(str(REAL_EXPORT))
    return {
        name: [str(cell) for cell in next(workbook.get_sheet_by_name(name).iter_rows())]
        for name in workbook.sheet_names
    }


def real_rows(sheet_name, count, export=REAL_EXPORT):
    """The first `count` data rows of a sheet of a real export, as {column: cell} (blank cells left out)."""
    rows = CalamineWorkbook.from_path(str(export)).get_sheet_by_name(sheet_name).iter_rows()
    header = [str(cell) for cell in next(rows)]
    return [
        {name: cell for name, cell in zip(header, cells, strict=True) if cell not in ("", None)}
        for cells, _ in zip(rows, range(count), strict=False)
    ]


def efile_workbook(rows_by_sheet, sheets=None):
    """The bytes of an .xlsx holding `sheets` (default: every sheet of the real export) with their
    real headers, and {sheet: [{column: value}]} as its rows."""
    headers = real_headers()
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = workbook.add_format({"num_format": "mm/dd/yyyy"})
    for sheet_name in headers if sheets is None else sheets:
        header = headers[sheet_name]
        sheet = workbook.add_worksheet(sheet_name)
        sheet.write_row(0, 0, header)
        for row_number, row in enumerate(rows_by_sheet.get(sheet_name, []), start=1):
            assert set(row) <= set(header), set(row) - set(header)
            for column, name in enumerate(header):
                value = row.get(name, "")
                if isinstance(value, date):
                    sheet.write_datetime(row_number, column, value, date_format)
                elif isinstance(value, int | float):
                    sheet.write_number(row_number, column, value)
                elif value != "":
                    sheet.write_string(row_number, column, value)
    workbook.close()
    return buffer.getvalue()


def replace_in_member(xlsx, member, old, new):
    """The .xlsx with `old` replaced by `new` in one of its XML parts (what XlsxWriter cannot write)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            body = source.read(name)
            if name == member:
                assert old in body, (member, old)
                body = body.replace(old, new)
            target.writestr(name, body)
    return buffer.getvalue()


def without_member(xlsx, member):
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name != member:
                target.writestr(name, source.read(name))
    return buffer.getvalue()


def zip_of(members):
    """A zip holding {name: bytes}, as an efile_*.zip holds its workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()
