"""Hostile values in a real-format CAL-ACCESS export, crawled for real (`scrapy crawl
filings_calaccess -a url=file://.../dbwebexport.zip`).

The export is the real rows of tests/fixtures/filings_calaccess/joined with values replaced:
amounts "NaN", "Infinity", "1e308", "(40.00)", "$1,000.00" in RCPT_CD, S497_CD and SMRY_CD; dates
"2099-13-45", "0000-00-00"; filed dates ten years ahead; and two amendments of one report whose
later one has an impossible filed date. Each value is read right or its row is rejected with the
exact reason; a filing is stored without a date it cannot read; nothing impossible reaches a table;
and a filed date never decides which amendment is current.
"""

import zipfile
from datetime import date, timedelta

import pytest

from tests.crawl import crawled, file_url
from tests.stored_values import assert_no_hostile_value_stored
from tests.test_parser_calaccess import JOINED, lines_of, table_bytes, with_values

TODAY = date.today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
AHEAD = date(TODAY.year + 10, TODAY.month, min(TODAY.day, 28))
TEN_YEARS_AHEAD = f"{AHEAD.month}/{AHEAD.day}/{AHEAD.year} 12:00:00 AM"
HOSTILE = ("NaN", "Infinity", "1e308", "2099-13-45", "0000-00-00", TEN_YEARS_AHEAD)
STORED_WITHOUT = "the filing is stored without it"


def hostile_tables():
    """{table: bytes}: the joined real rows, and rows made from them with hostile values."""
    tables = {path.stem: path.read_bytes() for path in JOINED.glob("*.TSV")}

    header, (f777, filed_1940, hospital_420, unnamed_460) = lines_of("FILER_FILINGS_CD")
    tables["FILER_FILINGS_CD"] = table_bytes(header, [
        f777, filed_1940, unnamed_460,
        # Report 1144287 amended: the amendment's filed date is impossible (it is still the latest version)
        with_values(header, unnamed_460, FILING_SEQUENCE="1", FILING_DATE="2099-13-45"),
        with_values(header, hospital_420, FILING_DATE=TEN_YEARS_AHEAD),
    ])  # fmt: skip

    header, (chiang, family, miguda) = lines_of("CVR_CAMPAIGN_DISCLOSURE_CD")
    tables["CVR_CAMPAIGN_DISCLOSURE_CD"] = table_bytes(header, [
        chiang, miguda,
        # Report 1605244: the original claims to be filed ten years from now, the amendment is real
        with_values(header, family, RPT_DATE=TEN_YEARS_AHEAD),
        with_values(header, family, AMEND_ID="1"),
        with_values(header, chiang, FILING_ID="1155428", RPT_DATE="0000-00-00"),
    ])  # fmt: skip

    header, (faw, welch) = lines_of("RCPT_CD")
    amended = {"AMEND_ID": "1"}
    tables["RCPT_CD"] = table_bytes(header, [
        faw, welch,  # on the original of 1144287
        with_values(header, faw, **amended),
        with_values(header, welch, **amended),
        with_values(header, faw, **amended, LINE_ITEM="1", AMOUNT="(40.00)"),
        with_values(header, faw, **amended, LINE_ITEM="2", AMOUNT="$1,000.00"),
        with_values(header, faw, **amended, LINE_ITEM="3", AMOUNT="NaN"),
        with_values(header, faw, **amended, LINE_ITEM="4", AMOUNT="Infinity"),
        with_values(header, faw, **amended, LINE_ITEM="5", AMOUNT="1e308"),
        with_values(header, welch, **amended, LINE_ITEM="6", RCPT_DATE="2099-13-45"),
        with_values(header, welch, **amended, LINE_ITEM="7", RCPT_DATE="0000-00-00"),
    ])  # fmt: skip

    header, (part_two, late) = lines_of("S497_CD")
    tables["S497_CD"] = table_bytes(header, [
        part_two, late,
        with_values(header, late, LINE_ITEM="3", AMOUNT="NaN"),
        with_values(header, late, LINE_ITEM="4", AMOUNT="(40.00)"),
        with_values(header, late, LINE_ITEM="5", AMOUNT="$1,000.00"),
        with_values(header, late, LINE_ITEM="6", AMOUNT="1e308"),
        with_values(header, late, LINE_ITEM="7", CTRIB_DATE="2099-13-45"),
        with_values(header, late, LINE_ITEM="8", CTRIB_DATE="0000-00-00"),
    ])  # fmt: skip

    header, (summary, _) = lines_of("SMRY_CD")
    line_5 = with_values(header, summary, FILING_ID="1144287", AMEND_ID="1", FORM_TYPE="F460", LINE_ITEM="5")
    tables["SMRY_CD"] = table_bytes(header, [
        with_values(header, line_5, AMOUNT_A="$1,000.00", AMOUNT_B="(40.00)"),
        with_values(header, line_5, LINE_ITEM="1", AMOUNT_A="NaN"),
        with_values(header, line_5, LINE_ITEM="2", AMOUNT_A="Infinity"),
        with_values(header, line_5, LINE_ITEM="3", AMOUNT_B="1e308"),
    ])  # fmt: skip
    return tables


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_calaccess")
    export = folder / "dbwebexport.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, data in sorted(hostile_tables().items()):
            archive.writestr(f"CalAccess/DATA/{table}.TSV", data)
    return crawled("filings_calaccess", folder, f"url={file_url(export)}")


def test_each_hostile_value_is_read_right_or_rejected_with_its_reason(hostile):
    rejects = sorted((row["item_type"], row["reason"]) for row in hostile.db["rejects"].rows)
    assert rejects == sorted([
        ("filings", f"FILER_FILINGS_CD line 3: filed is outside 1970-01-01..{TOMORROW}: '7/29/1940 12:00:00 AM'; "
                    f"{STORED_WITHOUT}"),
        ("filings", f"FILER_FILINGS_CD line 5: filed is not a real date: '2099-13-45'; {STORED_WITHOUT}"),
        ("filings", f"FILER_FILINGS_CD line 6: filed is outside 1970-01-01..{TOMORROW}: '{TEN_YEARS_AHEAD}'; "
                    f"{STORED_WITHOUT}"),
        ("filings", "CVR_CAMPAIGN_DISCLOSURE_CD line 3: period_end is outside 1900-01-01..2100-12-31: "
                    f"'6/30/3016 12:00:00 AM'; {STORED_WITHOUT}"),
        ("filings", f"CVR_CAMPAIGN_DISCLOSURE_CD line 4: filed is outside 1970-01-01..{TOMORROW}: "
                    f"'{TEN_YEARS_AHEAD}'; {STORED_WITHOUT}"),
        ("filings", f"CVR_CAMPAIGN_DISCLOSURE_CD line 6: filed is not a real date: '0000-00-00'; {STORED_WITHOUT}"),
        ("filing_summaries", "SMRY_CD line 3: amount_period is not a finite number: 'NaN'"),
        ("filing_summaries", "SMRY_CD line 4: amount_period is not a finite number: 'Infinity'"),
        ("filing_summaries", "SMRY_CD line 5: amount_ytd is written with an exponent: '1e308'"),
        ("contributions", "RCPT_CD line 8: amount is not a finite number: 'NaN'"),
        ("contributions", "RCPT_CD line 9: amount is not a finite number: 'Infinity'"),
        ("contributions", "RCPT_CD line 10: amount is written with an exponent: '1e308'"),
        ("contributions", "RCPT_CD line 11: date is not a real date: '2099-13-45'"),
        ("contributions", "RCPT_CD line 12: date is not a real date: '0000-00-00'"),
        ("contributions", "S497_CD line 4: amount is not a finite number: 'NaN'"),
        ("contributions", "S497_CD line 7: amount is written with an exponent: '1e308'"),
        ("contributions", "S497_CD line 8: date is not a real date: '2099-13-45'"),
        ("contributions", "S497_CD line 9: date is not a real date: '0000-00-00'"),
    ])  # fmt: skip
    amounts = dict(hostile.db.execute("select id, amount from contributions").fetchall())
    assert amounts["calaccess:1144287:1:RCPT:1:A"] == -40.0
    assert amounts["calaccess:1144287:1:RCPT:2:A"] == 1000.0
    assert amounts["calaccess:1155427:0:S497:4:F497P1"] == -40.0
    assert amounts["calaccess:1155427:0:S497:5:F497P1"] == 1000.0
    assert len(amounts) == 2 + 4 + 3  # the receipts of both versions of 1144287, the late contributions read
    summary = hostile.db["filing_summaries"].get(("calaccess:1144287:1", "F460", "5"))
    assert (summary["amount_period"], summary["amount_ytd"]) == (1000.0, -40.0)
    assert hostile.db["filing_summaries"].count == 1
    # Stored without the date it could not read, and with the rest
    filed = dict(hostile.db.execute("select id, filed from filings").fetchall())
    assert (filed["calaccess:159756:0"], filed["calaccess:1605244:0"], filed["calaccess:1155428:0"]) == (None,) * 3
    assert filed["calaccess:1605244:1"] == "2011-07-31"
    assert hostile.last_run("filings_calaccess")["status"] == "partial"


def test_no_infinite_number_or_impossible_date_reaches_any_table(hostile):
    db = hostile.db
    assert assert_no_hostile_value_stored(db, HOSTILE, TOMORROW) > 20
    latest_filed = db.execute("select max(filed) from filings").fetchone()[0]
    assert latest_filed <= TOMORROW


def test_an_impossible_filed_date_never_decides_which_amendment_is_current(hostile):
    filings = {row["id"]: row for row in hostile.db["filings"].rows}
    # The amendment is current although its filed date is unreadable (stored as NULL): its number is higher.
    # (Before, the whole amendment was rejected for its date, and the original counted instead.)
    assert (filings["calaccess:1144287:1"]["current"], filings["calaccess:1144287:1"]["filed"]) == (1, None)
    assert filings["calaccess:1144287:0"]["superseded_by"] == "calaccess:1144287:1"
    assert filings["calaccess:1144287:0"]["current"] == 0
    # A filed date ten years ahead on the original does not make it the latest version
    assert (filings["calaccess:1605244:0"]["current"], filings["calaccess:1605244:1"]["current"]) == (0, 1)
    current = hostile.db.execute(
        "select filing_id, count(*) from contributions where current = 1 and counted = 1 group by 1"
    ).fetchall()
    assert dict(current) == {"calaccess:1144287:1": 4, "calaccess:1155427:0": 3}


def test_the_money_of_every_filer_is_in_committee_totals(hostile):
    db = hostile.db
    orphans = db.execute("select id from filings where committee_id not in (select id from committees)").fetchall()
    assert orphans == []
    totals = {row["source_id"]: row for row in db.query("select * from committee_totals")}
    unnamed = totals["1260867"]  # no name table names this filer
    assert unnamed["committee"] == "filer 1260867"
    assert unnamed["itemized_total"] == 13.12 + 13.12 - 40 + 1000
    assert (unnamed["total_raised_summary"], unnamed["total_raised"]) == (1000.0, 1000.0)
    assert totals["1276675"]["itemized_total"] == 1000 - 40 + 1000  # John Chiang's late contributions
    counted = db.execute("select round(sum(amount), 2) from contributions where current = 1 and counted = 1")
    in_totals = db.execute("select round(sum(itemized_total), 2) from committee_totals")
    assert counted.fetchone() == in_totals.fetchone() == (986.24 + 1960,)
