"""filings_netfile_export: the City of Berkeley's real 2017 export (tests/fixtures/.../efile_BRK_2017.xlsx,
a copy of ../shared/samples/netfile_export/) through a real crawl; the reading itself is tested in
tests/test_parser_netfile_xlsx.py."""

import io
import json
import re
import zipfile
from collections import defaultdict
from xml.etree import ElementTree

import pytest

from tests.crawl import FIXTURES, crawled, file_url
from tests.netfile_workbook import efile_workbook, real_rows, replace_in_member, without_member, zip_of

BRK_2017 = FIXTURES / "filings_netfile_export" / "efile_BRK_2017.xlsx"
SHEET_XML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@pytest.fixture(scope="module")
def brk(tmp_path_factory):
    return crawled("filings_netfile_export", tmp_path_factory.mktemp("brk"), f"url={file_url(BRK_2017)}")


def read_sheet_from_xml(path, sheet_name):
    """The rows of one sheet read straight from the workbook's XML (no spreadsheet library), as
    {header: raw text}: the other route the acceptance test compares the database with."""
    with zipfile.ZipFile(path) as workbook:
        shared = [
            "".join(text.text or "" for text in item.iter(f"{SHEET_XML}t"))
            for item in ElementTree.fromstring(workbook.read("xl/sharedStrings.xml")).iter(f"{SHEET_XML}si")
        ]
        sheets = ElementTree.fromstring(workbook.read("xl/workbook.xml")).iter(f"{SHEET_XML}sheet")
        relation = next(sheet.get(RELATIONSHIP) for sheet in sheets if sheet.get("name") == sheet_name)
        targets = ElementTree.fromstring(workbook.read("xl/_rels/workbook.xml.rels"))
        target = next(rel.get("Target") for rel in targets if rel.get("Id") == relation)
        sheet = ElementTree.fromstring(workbook.read("xl/" + target.lstrip("/").removeprefix("xl/")))
    table = []
    for row in sheet.iter(f"{SHEET_XML}row"):
        cells = {}
        for cell in row.iter(f"{SHEET_XML}c"):
            column = re.match(r"[A-Z]+", cell.get("r")).group(0)
            value = cell.find(f"{SHEET_XML}v")
            text = value.text if value is not None else ""
            cells[column] = shared[int(text)] if cell.get("t") == "s" else text
        table.append(cells)
    header = table[0]
    return [{name: cells.get(column, "") for column, name in header.items()} for cells in table[1:]]


def schedule_a_totals_from_the_sheet(path):
    """Per filer: the sum of Tran_Amt1 over the rows of the latest Report_Num of each period."""
    rows = [row for row in read_sheet_from_xml(path, "A-Contributions") if row["Tran_Amt1"]]
    latest = defaultdict(int)
    for row in rows:
        report = (row["Filer_ID"], row["From_Date"], row["Thru_Date"])
        latest[report] = max(latest[report], int(row["Report_Num"]))
    totals = defaultdict(float)
    for row in rows:
        if int(row["Report_Num"]) == latest[(row["Filer_ID"], row["From_Date"], row["Thru_Date"])]:
            totals[row["Filer_ID"]] += float(row["Tran_Amt1"])
    return {filer: round(total, 2) for filer, total in totals.items()}


def test_each_committees_current_schedule_a_total_matches_the_sheet_read_directly(brk):
    expected = schedule_a_totals_from_the_sheet(BRK_2017)
    stored = {
        row["source_id"]: row["total"]
        for row in brk.db.query(
            "select committees.source_id, round(sum(contributions.amount), 2) as total "
            "from contributions join committees on committees.id = contributions.committee_id "
            "where contributions.schedule = 'A' and contributions.current = 1 group by committees.id"
        )
    }
    assert len(expected) == 20
    assert stored == expected


def test_the_run_stores_every_schedule_and_rejects_the_rows_with_no_amount(brk):
    counts = dict(brk.db.execute("select schedule, count(*) from contributions group by schedule").fetchall())
    assert counts == {"A": 2249, "C": 26, "I": 8, "F496P3": 14, "497": 68}
    rejects = sorted(
        (row["reason"], row["item_type"], json.loads(row["item"])["Tran_ID"]) for row in brk.db["rejects"].rows
    )
    assert rejects == [  # the row numbers the spreadsheet shows (the header is row 1)
        ("497 row 8: no amount (Amount is empty)", "contributions", "WxfMXTKdb3fi"),
        ("A-Contributions row 1983: no amount (Tran_Amt1 is empty)", "contributions", "WxfMXTKdb3fi"),
        ("A-Contributions row 1987: no amount (Tran_Amt1 is empty)", "contributions", "VO167hpV1wf6"),
    ]
    assert brk.last_run("filings_netfile_export")["status"] == "partial"


def test_every_amendment_is_stored_and_only_the_latest_counts(brk):
    versions = list(
        brk.db.query(
            "select id, amendment, current, superseded_by from filings "
            "where filer_id = '1392842' and period_start = '2017-01-01' and period_end = '2017-01-21' "
            "order by amendment"
        )
    )
    assert [(v["amendment"], v["current"]) for v in versions] == [(0, 0), (1, 0), (2, 1)]
    assert [v["superseded_by"] for v in versions] == [versions[1]["id"], versions[2]["id"], None]
    current_by_version = dict(
        brk.db.execute(
            "select filings.amendment, max(contributions.current) from contributions "
            "join filings on filings.id = contributions.filing_id "
            "where filings.report_id = (select report_id from filings where id = ?) group by filings.amendment",
            [versions[0]["id"]],
        ).fetchall()
    )
    assert current_by_version == {0: 0, 1: 0, 2: 1}


def test_excel_serial_dates_are_converted_and_values_kept_as_text(brk):
    row = brk.db.execute(
        "select date, zip, contributor_name, employer, amount, cumulative_ytd from contributions "
        "where tran_id = 'Flv4iPGIzZLS'"
    ).fetchone()
    assert row == ("2017-11-20", "94596", "Power, Robert", "ParkSmart, Inc.", 250.0, 250.0)
    filing = brk.db.execute(
        "select period_start, period_end, filed, amendment, filer_id from filings "
        "where id = (select filing_id from contributions where tran_id = 'Flv4iPGIzZLS')"
    ).fetchone()
    assert filing == ("2017-07-01", "2017-12-31", "2018-01-31", 0, "Pending")


def test_negative_schedule_a_amounts_stay_negative(brk):
    refunds = brk.db.execute("select count(*), sum(counted) from contributions where amount < 0").fetchone()
    assert refunds == (8, 8)


def test_497s_covered_by_a_current_460_are_not_counted(brk):
    late = dict(brk.db.execute("select counted, count(*) from contributions where schedule = '497' group by 1"))
    assert late == {0: 60, 1: 8}
    reason = brk.db.execute("select not_counted_reason from contributions where schedule = '497' and counted = 0")
    assert reason.fetchone()[0].startswith("late report, listed again on the Form 460")


def test_miscellaneous_increases_are_stored_but_not_counted(brk):
    rows = brk.db.execute("select distinct counted, not_counted_reason from contributions where schedule = 'I'")
    assert rows.fetchall() == [(0, "miscellaneous increase to cash (Schedule I): not a contribution")]


def test_total_raised_is_the_latest_summary_line_5_beside_the_itemized_total(brk):
    summary = [row for row in read_sheet_from_xml(BRK_2017, "Summary") if row["Filer_ID"] == "1392842"]
    latest = defaultdict(int)
    for row in summary:
        period = (row["From_Date"], row["Thru_Date"])
        latest[period] = max(latest[period], int(row["Report_Num"]))
    line_5 = sum(
        float(row["Amount_A"])
        for row in summary
        if row["Form_Type"] == "F460" and row["Line_Item"] == "5"
        and int(row["Report_Num"]) == latest[(row["From_Date"], row["Thru_Date"])]
    )  # fmt: skip
    totals = next(brk.db.query("select * from committee_totals where source_id = '1392842'"))
    assert totals["total_raised_summary"] == round(line_5, 2) == 33885.86
    assert totals["itemized_total"] == 32054.53
    assert totals["total_raised"] == 33885.86
    assert totals["which_source_label"].startswith("Form 460 summary line 5")


def test_a_committee_is_named_as_in_its_latest_report(brk):
    names = [row["name"] for row in brk.db.query("select name from committees where source_id = '1392842'")]
    assert names == ["Kate Harrison for City Council 2018"]


def test_the_snapshot_replays_the_watchlist_committees_with_their_totals(tmp_path):
    result = crawled("filings_netfile_export", tmp_path)
    assert result.last_run("filings_netfile_export")["status"] == "ok"
    totals = {
        row["source_id"]: (row["campaign_id"], row["position"], row["total_raised"])
        for row in result.db.query("select * from committee_totals")
    }
    assert totals == {
        "1449101": ("gascon-recall-2021", "support", 44520.0),
        "1449201": ("gascon-recall-2022", "support", 337065.5),  # amended Q1 + Q2 summaries + a July 497
        "1449202": ("gascon-recall-2022", "oppose", 156620.0),
        "1449301": ("boudin-recall-2021-second", "support", 339845.0),
        "1449302": ("boudin-recall-2021-second", "oppose", 85900.0),
    }  # the library committee (1449299) is not on the watchlist


def hollow_exports():
    """An export whose workbook holds no sheets: an .xlsx without xl/workbook.xml, one whose
    workbook lists no sheets (bare, or in the zip), a zip with no .xlsx."""
    xlsx = efile_workbook({"A-Contributions": real_rows("A-Contributions", 2)})
    workbook_xml = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/workbook.xml")
    sheetless = replace_in_member(xlsx, "xl/workbook.xml", re.search(rb"<sheets>.*</sheets>", workbook_xml)[0], b"")
    no_sheets = "could not parse: ValueError: the export holds no workbook sheets"
    return {
        "efile_BRK_2018.xlsx": (without_member(xlsx, "xl/workbook.xml"), no_sheets),
        "efile_BRK_2019.xlsx": (sheetless, no_sheets),
        "efile_BRK_2020.zip": (zip_of({"efile_BRK_2020.xlsx": sheetless}), no_sheets),
        "efile_BRK_2021.zip": (
            zip_of({"README.txt": b"export failed"}),
            "could not parse: ValueError: no .xlsx in the export",
        ),
    }


@pytest.mark.parametrize("name", sorted(hollow_exports()))
def test_an_export_without_workbook_sheets_is_rejected_and_the_run_is_not_ok(tmp_path, name):
    body, reason = hollow_exports()[name]
    export = tmp_path / name
    export.write_bytes(body)
    result = crawled("filings_netfile_export", tmp_path, f"url={file_url(export)}")
    (reject,) = result.db["rejects"].rows
    assert reject["reason"].startswith(reason), reject["reason"]
    run = result.last_run("filings_netfile_export")
    assert (run["items"], run["rejects"]) == (0, 1)
    assert run["status"] in ("partial", "failed"), run["status"]  # not "ok": the year's filings are missing
