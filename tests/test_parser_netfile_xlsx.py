"""recallwatch/parsers/netfile_xlsx.py: the City of Berkeley's real exports (tests/fixtures/filings_netfile_export,
from ../shared/samples/netfile_export) and workbooks written from their real rows, read into items;
what cannot be read rejected with its reason; an export with no workbook sheets refused."""

import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from python_calamine import CalamineWorkbook

from recallwatch.core.items import Committee, Contribution, Filing, FilingSummary, Rejected
from recallwatch.core.watchlist import Watchlist
from recallwatch.parsers.netfile_xlsx import Export, export_name_parts, open_workbook, parse_workbook
from tests.netfile_workbook import REAL_EXPORT, efile_workbook, real_rows, replace_in_member, without_member, zip_of

BRK_2017 = REAL_EXPORT.with_name("efile_BRK_2017.xlsx")
BRK_2018 = REAL_EXPORT
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def parse(xlsx):
    return list(parse_workbook(open_workbook(xlsx), Export("BRK", "https://example.org/efile_BRK_2018.zip")))


def of_type(items, kind):
    return [item for item in items if isinstance(item, kind)]


def rejects(items):
    return [(item.reason, item.item_type, item.record.get("Tran_ID")) for item in of_type(items, Rejected)]


def three_gifts():
    """Three real Schedule A rows of the 2018 export: one of Judy Appel's report, two of Ben Bartlett's."""
    appel, _, bartlett_1, bartlett_2 = real_rows("A-Contributions", 4)
    return [appel, bartlett_1, bartlett_2]


def test_the_real_2018_export():
    items = parse(BRK_2018.read_bytes())
    assert (len(of_type(items, Committee)), len(of_type(items, Filing))) == (9, 9)
    assert len(of_type(items, FilingSummary)) == 405
    contributions = of_type(items, Contribution)
    assert sorted({c["schedule"] for c in contributions}) == ["A", "C", "I"]  # a year without late reports
    assert len(contributions) == 67 and of_type(items, Rejected) == []
    first = contributions[0]
    assert (first["tran_id"], first["contributor_name"], first["amount"], first["cumulative_ytd"], first["date"]) == (
        "EHytSg8pnv8J",
        "Fichtenkort, Jean",
        50.0,
        50.0,
        "2018-01-23",
    )
    assert "counted" not in first and "not_counted_reason" not in first  # the totals rules set them
    filing = next(f for f in of_type(items, Filing) if f["id"] == first["filing_id"])
    assert (filing["period_start"], filing["period_end"], filing["filed"], filing["amendment"]) == (
        "2018-01-01",
        "2018-04-21",
        "2018-05-02",
        0,
    )


def test_the_zip_export_reads_like_the_bare_workbook(tmp_path):
    export_zip = tmp_path / "efile_BRK_2017.zip"
    with zipfile.ZipFile(export_zip, "w") as archive:
        archive.write(BRK_2017, "efile_BRK_2017.xlsx")
    from_zip = open_workbook(export_zip.read_bytes())
    assert from_zip.sheet_names == CalamineWorkbook.from_path(str(BRK_2017)).sheet_names


def test_the_agency_and_year_come_from_the_export_name():
    url = "https://public.netfile.com/pub2/excel/LACOBrowsable/efile_LACO_2022.zip"
    assert export_name_parts(url) == ("LACO", "2022")
    assert export_name_parts("file:///tmp/export.xlsx") == (None, None)


def test_a_scheduled_run_keeps_only_the_watchlist_committees():
    watchlist = Watchlist(
        committee_patterns=[{"campaign_id": "test-campaign", "all_of": [["harrison"]]}], oppose_words=["stop"]
    )
    items = list(
        parse_workbook(
            open_workbook(BRK_2017.read_bytes()),
            Export("BRK", "https://example.org/efile_BRK_2017.zip"),
            watchlist=watchlist,
            committee_ids=["1364286"],
            keep_all=False,
        )
    )
    committees = {item["source_id"]: item for item in of_type(items, Committee)}
    assert set(committees) == {"1392842", "1391637", "1364286"}
    assert committees["1392842"]["campaign_id"] == "test-campaign"
    assert committees["1392842"]["position"] == "support"
    assert "campaign_id" not in committees["1364286"]  # kept by its Filer_ID, tied to no campaign
    kept_ids = {committee["id"] for committee in committees.values()}
    for item in of_type(items, Contribution | Filing):
        assert item["committee_id"] in kept_ids
    assert of_type(items, FilingSummary)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("Tran_Amt1", "(40.00)", -40.0),
        ("Tran_Amt1", "$1,000.00", 1000.0),
        ("Tran_Amt1", "NaN", "amount is not a finite number: 'NaN'"),
        ("Tran_Amt1", "Infinity", "amount is not a finite number: 'Infinity'"),
        ("Tran_Amt1", "1e308", "amount is written with an exponent: '1e308'"),
        ("Tran_Amt1", 1e308, "amount is larger than any campaign amount ($10,000,000,000 or more): 1e+308"),
        ("Tran_Amt2", "NaN", "cumulative_ytd is not a finite number: 'NaN'"),
        ("Tran_Date", "2099-13-45", "date is not a real date: '2099-13-45'"),
        ("Tran_Date", "0000-00-00", "date is not a real date: '0000-00-00'"),
        ("Tran_Date", 80000.0, "date is not a spreadsheet date: 80000.0"),  # 2119, a serial past 2100
    ],
)
def test_each_hostile_value_is_read_right_or_the_row_rejected_with_the_reason(column, value, expected):
    gifts = three_gifts()
    gifts[1][column] = value  # Ben Bartlett's first gift, 250.00 on 2018-02-22, on row 3
    items = parse(efile_workbook({"A-Contributions": gifts}))
    contributions = of_type(items, Contribution)
    if isinstance(expected, float):
        assert [c["amount"] for c in contributions] == [50.0, expected, 250.0] and not of_type(items, Rejected)
        return
    assert [c["tran_id"] for c in contributions] == ["EHytSg8pnv8J", "INC148"]
    assert rejects(items) == [(f"A-Contributions row 3: {expected}", "contributions", "INC149")]
    (reject,) = of_type(items, Rejected)
    assert reject.record["Tran_NamL"] == "Gooding"  # the raw row, as text
    assert len(of_type(items, Filing)) == 2  # the filing of the row stays


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (b"NaN", "amount is not a finite number: nan"),
        (b"INF", "amount is not a finite number: inf"),
        (b"-Infinity", "amount is not a finite number: -inf"),
    ],
)
def test_a_numeric_cell_holding_nan_or_infinity_is_rejected(written, expected):
    """XlsxWriter cannot write them, but a numeric cell's <v> can hold them, and calamine reads them."""
    gifts = three_gifts()
    gifts[1]["Tran_Amt1"] = 250.125
    xlsx = efile_workbook({"A-Contributions": gifts})
    xlsx = replace_in_member(xlsx, "xl/worksheets/sheet1.xml", b"<v>250.125</v>", b"<v>" + written + b"</v>")
    items = parse(xlsx)
    assert rejects(items) == [(f"A-Contributions row 3: {expected}", "contributions", "INC149")]
    assert len(of_type(items, Contribution)) == 2


def test_a_filing_is_stored_without_the_dates_it_cannot_read():
    gifts = three_gifts()
    ten_years_ahead = date.today() + timedelta(days=3653)
    for gift in gifts[1:]:  # Ben Bartlett's report, listed on two rows
        gift["Rpt_Date"] = ten_years_ahead
        gift["Thru_Date"] = "2099-13-45"
    items = parse(efile_workbook({"A-Contributions": gifts}))
    assert len(of_type(items, Contribution)) == 3  # no gift orphaned
    bartlett = next(f for f in of_type(items, Filing) if f["filer_id"] == "1383020")
    assert (bartlett["period_start"], bartlett["period_end"], bartlett["filed"]) == ("2018-01-01", None, None)
    stored_without = "; the filing is stored without it"
    assert rejects(items) == [
        (f"A-Contributions row 3: period_end is not a real date: '2099-13-45'{stored_without}", "filings", "INC149"),
        (
            f"A-Contributions row 3: filed is outside 1970-01-01..{TOMORROW}: {ten_years_ahead!r}{stored_without}",
            "filings",
            "INC149",
        ),
    ]
    committees = {c["source_id"]: c for c in of_type(items, Committee)}
    assert committees["1383020"]["name"] == "Ben Bartlett for Berkeley City Council 2020"


@pytest.mark.parametrize("report_num", ["abc", "-01", "1.5", "Amendment 1 of 2"])
def test_rows_whose_amendment_number_cannot_be_read_are_rejected_with_their_filing(report_num):
    gifts = three_gifts()
    summary = real_rows("Summary", 1)
    for row in gifts[1:]:
        row["Report_Num"] = report_num
    summary[0]["Report_Num"] = report_num  # Judy Appel's summary line 1
    items = parse(efile_workbook({"A-Contributions": gifts, "Summary": summary}))
    problem = f"amendment is not an amendment number: {report_num!r}"
    assert [(item.reason, item.item_type) for item in of_type(items, Rejected)] == [
        (f"A-Contributions row 3: {problem}", "contributions"),
        (f"A-Contributions row 4: {problem}", "contributions"),
        (f"Summary row 2: {problem}", "filing_summaries"),
    ]
    assert [f["filer_id"] for f in of_type(items, Filing)] == ["1346274"]
    assert [c["tran_id"] for c in of_type(items, Contribution)] == ["EHytSg8pnv8J"]
    assert of_type(items, FilingSummary) == []


def test_a_summary_line_whose_amount_cannot_be_read_is_rejected():
    lines = real_rows("Summary", 2)
    lines[1]["Amount_B"] = "Infinity"
    items = parse(efile_workbook({"Summary": lines}))
    assert [(item.reason, item.item_type) for item in of_type(items, Rejected)] == [
        ("Summary row 3: amount_ytd is not a finite number: 'Infinity'", "filing_summaries")
    ]
    assert [(line["line"], line["amount_period"]) for line in of_type(items, FilingSummary)] == [("1", 147.28)]


def test_a_row_without_an_amount_is_rejected():
    gifts = three_gifts()
    del gifts[2]["Tran_Amt1"]
    items = parse(efile_workbook({"A-Contributions": gifts}))
    assert rejects(items) == [("A-Contributions row 4: no amount (Tran_Amt1 is empty)", "contributions", "INC148")]


def test_rows_are_numbered_as_the_spreadsheet_shows_them():
    """A blank row between two rows still counts (calamine's used range starts at A1)."""
    gifts = three_gifts()
    gifts.insert(1, {})
    gifts[3]["Tran_Amt1"] = "NaN"
    items = parse(efile_workbook({"A-Contributions": gifts}))
    assert rejects(items) == [
        ("A-Contributions row 5: amount is not a finite number: 'NaN'", "contributions", "INC148")
    ]


def sheets_removed(xlsx):
    workbook_xml = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/workbook.xml")
    return replace_in_member(
        xlsx, "xl/workbook.xml", re.search(rb"<sheets>.*</sheets>", workbook_xml).group(0), b"<sheets/>"
    )


@pytest.mark.parametrize(
    ("export", "reason"),
    [
        (
            lambda xlsx: without_member(xlsx, "xl/workbook.xml"),
            "the export holds no workbook sheets (no xl/workbook.xml, or a workbook without sheets)",
        ),
        (sheets_removed, "the export holds no workbook sheets (no xl/workbook.xml, or a workbook without sheets)"),
        (
            lambda xlsx: zip_of({"efile_BRK_2018.xlsx": sheets_removed(xlsx)}),
            "the export holds no workbook sheets (no xl/workbook.xml, or a workbook without sheets)",
        ),
        (
            lambda xlsx: efile_workbook({}, sheets=["E-Expenditure", "G-Expenditure"]),
            "the export holds none of the sheets read (A-Contributions, C-Contributions, I-Contributions, "
            "F496P3-Contributions, 497, Summary, F461P5-Expenditure, D-Expenditure, 496); its sheets: E-Expenditure, "
            "G-Expenditure",
        ),
        (lambda xlsx: zip_of({"readme.txt": "nothing here"}), "no .xlsx in the export (it holds readme.txt)"),
        (lambda xlsx: zip_of({}), "no .xlsx in the export (it holds nothing)"),
    ],
)
def test_an_export_without_workbook_sheets_is_refused(export, reason):
    xlsx = efile_workbook({"A-Contributions": three_gifts()})
    with pytest.raises(ValueError) as refused:
        open_workbook(export(xlsx))
    assert str(refused.value) == reason
