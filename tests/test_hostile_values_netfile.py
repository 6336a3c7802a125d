"""Hostile values through real crawls of the two NetFile sources: amounts NaN, Infinity, 1e308 (as
text, and as a number: a numeric cell of the workbook, a JSON number), "(40.00)", "$1,000.00";
dates 2099-13-45 and 0000-00-00; a filed date ten years ahead. Each is read right or rejected with
its exact reason; no NaN, Infinity, huge amount or impossible date reaches any table; an
impossible filed date never changes which amendment is current."""

import json
import math
import re
from datetime import date, timedelta

from recallwatch.parsers.values import MAX_AMOUNT
from tests.crawl import crawl, crawled, file_url
from tests.local_server import local_server
from tests.netfile_workbook import efile_workbook, real_rows, replace_in_member

TOMORROW = date.today() + timedelta(days=1)
TEN_YEARS_AHEAD = date.today() + timedelta(days=3653)
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
STORED_WITHOUT = "; the filing is stored without it"


def real_date(year, month, day):
    """The date, or date.min for one that does not exist (2099-13-45, 0000-00-00)."""
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return date.min


def assert_no_impossible_value_in_any_table(db):
    """Every value of every table is a finite number below any campaign amount, and every ISO date
    is a real one from 1900 to 2100 (filed dates: to tomorrow). The rejects keep the raw record and
    name the raw value: those two columns are as filed."""
    as_filed = {("rejects", "item"), ("rejects", "reason")}
    checked = 0
    for table in db.table_names():
        for row in db[table].rows:
            for column, value in row.items():
                if (table, column) in as_filed or value is None:
                    continue
                checked += 1
                if isinstance(value, float):
                    assert math.isfinite(value) and abs(value) < MAX_AMOUNT, (table, column, value)
                elif isinstance(value, str):
                    assert value.strip().lower() not in ("nan", "inf", "-inf", "infinity"), (table, column, value)
                    if match := ISO_DATE.match(value):
                        latest = TOMORROW if column == "filed" else date(2100, 12, 31)
                        assert date(1900, 1, 1) <= real_date(*match.groups()) <= latest, (table, column, value)
    assert checked > 100


def rejects_of(result):
    return sorted((row["reason"], row["item_type"]) for row in result.db["rejects"].rows)


def test_hostile_values_in_a_netfile_export(tmp_path):
    appel, police, bartlett, bartlett_2 = real_rows("A-Contributions", 4)  # Bartlett's report: 000, filed 2018-04-24
    hostile = [
        ("H-NAN", "Tran_Amt1", "NaN"),
        ("H-INF", "Tran_Amt1", "Infinity"),
        ("H-EXP", "Tran_Amt1", "1e308"),
        ("H-HUGE", "Tran_Amt1", 1e308),  # a numeric cell
        ("H-PAREN", "Tran_Amt1", "(40.00)"),
        ("H-DOLLAR", "Tran_Amt1", "$1,000.00"),
        ("H-MONTH", "Tran_Date", "2099-13-45"),
        ("H-ZERO", "Tran_Date", "0000-00-00"),
        ("H-NUMNAN", "Tran_Amt1", 250.125),  # made a numeric NaN below (XlsxWriter cannot write one)
    ]
    gifts = [appel, police, bartlett, bartlett_2]
    gifts += [{**bartlett, "Tran_ID": tran_id, column: value} for tran_id, column, value in hostile]
    # amendment 001 of Bartlett's report, filed ten years from now: stored without the date, current
    gifts.append({**bartlett_2, "Report_Num": "001", "Rpt_Date": TEN_YEARS_AHEAD, "Tran_Amt1": 300.0})
    summary = real_rows("Summary", 2)  # Judy Appel's lines 1 and 2
    summary[1]["Amount_A"] = "NaN"
    xlsx = efile_workbook({"A-Contributions": gifts, "Summary": summary})
    xlsx = replace_in_member(xlsx, "xl/worksheets/sheet1.xml", b"<v>250.125</v>", b"<v>NaN</v>")
    export = tmp_path / "efile_BRK_2018.xlsx"
    export.write_bytes(xlsx)

    result = crawled("filings_netfile_export", tmp_path, f"url={file_url(export)}")
    assert rejects_of(result) == sorted(
        [
            ("A-Contributions row 6: amount is not a finite number: 'NaN'", "contributions"),
            ("A-Contributions row 7: amount is not a finite number: 'Infinity'", "contributions"),
            ("A-Contributions row 8: amount is written with an exponent: '1e308'", "contributions"),
            (
                "A-Contributions row 9: amount is larger than any campaign amount ($10,000,000,000 or more): 1e+308",
                "contributions",
            ),
            ("A-Contributions row 12: date is not a real date: '2099-13-45'", "contributions"),
            ("A-Contributions row 13: date is not a real date: '0000-00-00'", "contributions"),
            ("A-Contributions row 14: amount is not a finite number: nan", "contributions"),
            (
                f"A-Contributions row 15: filed is outside 1970-01-01..{TOMORROW.isoformat()}: "
                f"{TEN_YEARS_AHEAD!r}{STORED_WITHOUT}",
                "filings",
            ),
            ("Summary row 3: amount_period is not a finite number: 'NaN'", "filing_summaries"),
        ]
    )
    raw = json.loads(next(result.db.query("select item from rejects where reason like '%row 6:%'"))["item"])
    assert (raw["Tran_ID"], raw["Tran_Amt1"], raw["Tran_NamL"]) == ("H-NAN", "NaN", "Gooding")

    amounts = dict(result.db.execute("select tran_id, amount from contributions where tran_id like 'H-%'").fetchall())
    assert amounts == {"H-PAREN": -40.0, "H-DOLLAR": 1000.0}
    versions = list(
        result.db.query(
            "select id, amendment, filed, current, superseded_by from filings "
            "where filer_id = '1383020' order by amendment"
        )
    )
    assert [(v["amendment"], v["filed"], v["current"]) for v in versions] == [(0, "2018-04-24", 0), (1, None, 1)]
    assert versions[0]["superseded_by"] == versions[1]["id"]
    counted = result.db.execute(
        "select round(sum(amount), 2) from contributions where current = 1 and counted = 1 "
        "and committee_id = (select committee_id from filings where filer_id = '1383020')"
    ).fetchone()[0]
    assert counted == 300.0  # the amendment's one gift: the original's rows are superseded
    assert result.db["filing_summaries"].count == 1
    assert_no_impossible_value_in_any_table(result.db)
    assert result.last_run("filings_netfile_export")["status"] == "partial"


FILER = {
    "filerNid": "770001",
    "localAgencyId": "770001",
    "filerName": "Demo Committee to Recall District Attorney George Gascón 2022 (sample data)",
    "aid": "LACO",
    "isTerminated": False,
    "committeeTypes": ["Primarily Formed Committee"],
    "registrations": {"CA SOS": "1440001"},
    "statusItemList": [{"status": "ACTIVE", "date": "2022-01-12T17:02:11.0000000+00:00"}],
}


def filing_entry(netfile_id, filed, amendment=0, amends=None, title="FPPC Form 460 (1/1/2022 - 3/31/2022)"):
    """A Connect2 /list/filing entry, as the snapshot's recorded answer spells them."""
    return {
        "id": netfile_id,
        "agency": 625,
        "isEfiled": True,
        "hasImage": True,
        "filingDate": filed,
        "title": title,
        "form": 236,
        "filerName": FILER["filerName"],
        "filerLocalId": "LACO-770001",
        "filerStateId": "1440001",
        "amendmentSequenceNumber": amendment,
        "amendedFilingId": amends,
    }


def transaction(netfile_filing_id, tran_id, amount, made_on="2022-02-16T00:00:00", form_type="A"):
    """A cal201 export row, as the snapshot's recorded answer spells them (nulls left out)."""
    return {
        "filerLocalId": "LACO-770001",
        "filerName": FILER["filerName"],
        "filingId": netfile_filing_id,
        "form_Type": form_type,
        "entity_Cd": "IND",
        "rec_Type": "RCPT",
        "tran_Id": tran_id,
        "tran_NamL": "Quillfeather",
        "tran_NamF": "Zephyrine",
        "tran_City": "San Francisco",
        "tran_ST": "CA",
        "tran_Amt1": amount,
        "calculated_Amount": amount,
        "tran_Date": made_on,
        "calculated_Date": made_on,
        "transactionType": "F460A",
    }


def test_hostile_values_in_the_netfile_api(tmp_path):
    ahead = f"{TEN_YEARS_AHEAD.isoformat()}T16:40:12.0000000-07:00"
    filings = [
        filing_entry("209000101", "2022-04-29T16:40:12.0000000-07:00"),
        filing_entry("209000155", "2022-06-02T16:40:12.0000000-07:00", 1, "209000101"),
        # another amendment 1 of the same report, "filed" ten years from now: were the date kept, it
        # would be the latest version and 209000155 would stop counting
        filing_entry("209000160", ahead, 1, "209000101"),
        filing_entry("209000170", "2022-06-03T10:00:00", "second", "209000101"),
        filing_entry("209000180", "0000-00-00", title="FPPC Form 497 (4/1/2022 - 4/2/2022)"),
        filing_entry("209000190", "2099-13-45", title="FPPC Form 497 (4/3/2022 - 4/4/2022)"),
    ]
    rows = [
        transaction("209000101", "INC1", 10000.0),
        transaction("209000155", "INC1", 10000.0),
        transaction("209000155", "PAREN", "(40.00)"),
        transaction("209000155", "DOLLAR", "$1,000.00"),
        transaction("209000155", "NAN-TEXT", "NaN"),
        transaction("209000155", "NAN-NUMBER", float("nan")),
        transaction("209000155", "INF-TEXT", "Infinity"),
        transaction("209000155", "INF-NUMBER", float("inf")),
        transaction("209000155", "EXP-TEXT", "1e308"),
        transaction("209000155", "EXP-NUMBER", 1e308),
        transaction("209000155", "MONTH-13", 500.0, "2099-13-45"),
        transaction("209000155", "DAY-0", 500.0, "0000-00-00"),
        transaction("209000160", "INC1", 99999.0),
        transaction("209000170", "INC1", 55555.0),
        transaction("209000180", "LATE1", 2500.0, "2022-04-01T00:00:00", "F497P1"),
    ]
    answers = {
        "campaign/list/filer": {"filers": [FILER], "totalMatchingPages": 1},
        "list/filing": {"filings": filings, "totalMatchingPages": 1},
        "transaction/filer": {"results": rows, "totalMatchingPages": 1},
    }

    def respond(path, headers):
        for marker, answer in answers.items():
            if marker in path:
                return 200, json.dumps(answer).encode()  # NaN and Infinity written as JSON literals
        return 404, b"{}"

    with local_server(respond) as (base, requests):
        result = crawl(
            "filings_netfile",
            tmp_path,
            f"base_url={base}/Connect2/api/public",
            "agency=LACO",
            replay=False,
        )
    assert result.returncode == 0, result.output
    assert [request["path"].split("?")[0].removeprefix("/Connect2/api/public/") for request in requests] == [
        "campaign/list/filer",
        "list/filing",
        "campaign/export/cal201/transaction/filer",  # once the filing list is read
    ]

    amount_problem = "filing 209000155, transaction {}: amount {}"
    too_large = "is larger than any campaign amount ($10,000,000,000 or more): 1e+308"
    filed_ahead = f"filed is outside 1970-01-01..{TOMORROW.isoformat()}: '{ahead}'"
    assert rejects_of(result) == sorted(
        [
            (f"filing 209000160: {filed_ahead}{STORED_WITHOUT}", "filings"),
            ("filing 209000170: amendment is not an amendment number: 'second'", "filings"),
            (f"filing 209000180: filed is not a real date: '0000-00-00'{STORED_WITHOUT}", "filings"),
            (f"filing 209000190: filed is not a real date: '2099-13-45'{STORED_WITHOUT}", "filings"),
            (amount_problem.format("NAN-TEXT", "is not a finite number: 'NaN'"), "contributions"),
            (amount_problem.format("NAN-NUMBER", "is not a finite number: nan"), "contributions"),
            (amount_problem.format("INF-TEXT", "is not a finite number: 'Infinity'"), "contributions"),
            (amount_problem.format("INF-NUMBER", "is not a finite number: inf"), "contributions"),
            (amount_problem.format("EXP-TEXT", "is written with an exponent: '1e308'"), "contributions"),
            (amount_problem.format("EXP-NUMBER", too_large), "contributions"),
            ("filing 209000155, transaction MONTH-13: date is not a real date: '2099-13-45'", "contributions"),
            ("filing 209000155, transaction DAY-0: date is not a real date: '0000-00-00'", "contributions"),
            (
                "filing 209000170, transaction INC1: its filing is rejected (its amendment number cannot be read)",
                "contributions",
            ),
        ]
    )
    raw = json.loads(next(result.db.query("select item from rejects where reason like '%NAN-NUMBER%'"))["item"])
    assert raw["tran_Amt1"] == "NaN"  # the JSON number NaN as filed, in a record that is valid JSON

    versions = {
        row["source_filing_id"]: (row["amendment"], row["filed"], row["current"], row["superseded_by"])
        for row in result.db.query("select * from filings")
    }
    ids = {row["source_filing_id"]: row["id"] for row in result.db.query("select id, source_filing_id from filings")}
    assert versions == {
        "209000101": (0, "2022-04-29", 0, ids["209000160"]),
        "209000155": (1, "2022-06-02", 1, None),  # still the current version
        "209000160": (1, None, 0, ids["209000155"]),
        "209000180": (0, None, 1, None),
        "209000190": (0, None, 1, None),
    }
    amounts = dict(
        result.db.execute(
            "select tran_id, amount from contributions where filing_id = ? order by tran_id", [ids["209000155"]]
        ).fetchall()
    )
    assert amounts == {"DOLLAR": 1000.0, "INC1": 10000.0, "PAREN": -40.0}
    counted = result.db.execute("select sum(amount) from contributions where current = 1 and counted = 1").fetchone()
    assert counted[0] == 10000.0 - 40.0 + 1000.0 + 2500.0  # 209000155 and the late report 209000180
    assert_no_impossible_value_in_any_table(result.db)
    assert result.last_run("filings_netfile")["status"] == "partial"
