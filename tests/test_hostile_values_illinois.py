"""Hostile values in real-format ISBE files, crawled for real (`scrapy crawl filings_illinois -a
url=file://.../folder`).

The folder is the crafted export of tests/fixtures/filings_illinois/crafted/ (see
tests/test_filings_illinois.py) with rows added that copy its rows with values replaced: amounts
"NaN", "Infinity", "1e308" in Receipts, D2Totals and Expenditures; dates "2099-13-45" and
"0000-00-00". Each row is rejected with its exact reason (a filing is stored without the date it
cannot read), nothing impossible reaches a table, and the committee totals are those of the clean
export.
"""

import shutil

import pytest

from tests.crawl import FIXTURES, crawled, file_url
from tests.stored_values import assert_no_hostile_value_stored

CRAFTED = FIXTURES / "filings_illinois" / "crafted"
HOSTILE = ("NaN", "Infinity", "1e308", "2099-13-45", "0000-00-00")
STORED_WITHOUT = "the filing is stored without it"


def add_rows(path, changes):
    """Append to a crafted file copies of its row with ID `copy` with the values of each change."""
    lines = path.read_bytes().decode("latin-1").splitlines()
    header = lines[0].split("\t")
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    added = []
    for copy, values in changes:
        row = list(rows[copy])
        for name, value in values.items():
            row[header.index(name)] = value
        added.append("\t".join(row))
    end = "\r\n" if b"\r\n" in path.read_bytes() else "\n"
    path.write_bytes((end.join(lines + added) + end).encode("latin-1"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_illinois")
    export = folder / "export"
    shutil.copytree(CRAFTED, export)
    add_rows(export / "Receipts.txt", [  # lines 17-21
        ("9001", {"ID": "9101", "Amount": "NaN"}),
        ("9001", {"ID": "9102", "Amount": "Infinity"}),
        ("9001", {"ID": "9103", "Amount": "1e308"}),
        ("9001", {"ID": "9104", "RcvDate": "2099-13-45 00:00:00"}),
        ("9001", {"ID": "9105", "RcvDate": "0000-00-00 00:00:00"}),
    ])  # fmt: skip
    add_rows(export / "FiledDocs.txt", [  # lines 12-13: Q2 2020 reports, with no money in them
        ("70005", {"ID": "70007", "RptPdBegDate": "2020-04-01 00:00:00", "RptPdEndDate": "2020-06-30 00:00:00",
                   "RcvdDateTime": "2099-13-45 00:00:00"}),
        ("70101", {"ID": "70103", "RptPdBegDate": "2020-04-01 00:00:00", "RptPdEndDate": "0000-00-00 00:00:00"}),
    ])  # fmt: skip
    add_rows(export / "D2Totals.txt", [  # lines 8-9
        ("1", {"ID": "7", "FiledDocID": "70007", "IndivContribI": "NaN"}),
        ("1", {"ID": "8", "FiledDocID": "70007", "XferInI": "1e308"}),
    ])  # fmt: skip
    add_rows(export / "Expenditures.txt", [  # lines 6-7
        ("8003", {"ID": "8103", "Amount": "Infinity"}),
        ("8003", {"ID": "8104", "ExpendedDate": "2099-13-45 00:00:00"}),
    ])  # fmt: skip
    return crawled("filings_illinois", folder, f"url={file_url(export)}")


def test_each_hostile_value_is_rejected_with_its_reason(hostile):
    rejects = sorted((row["item_type"], row["reason"]) for row in hostile.db["rejects"].rows)
    assert rejects == sorted([
        ("filings", f"FiledDocs.txt line 12: filed is not a real date: '2099-13-45 00:00:00'; {STORED_WITHOUT}"),
        ("filings", f"FiledDocs.txt line 13: period_end is not a real date: '0000-00-00 00:00:00'; {STORED_WITHOUT}"),
        ("filing_summaries", "D2Totals.txt line 8: IndivContribI is not a finite number: 'NaN'"),
        ("filing_summaries", "D2Totals.txt line 9: XferInI is written with an exponent: '1e308'"),
        ("contributions", "Receipts.txt line 17: amount is not a finite number: 'NaN'"),
        ("contributions", "Receipts.txt line 18: amount is not a finite number: 'Infinity'"),
        ("contributions", "Receipts.txt line 19: amount is written with an exponent: '1e308'"),
        ("contributions", "Receipts.txt line 20: date is not a real date: '2099-13-45 00:00:00'"),
        ("contributions", "Receipts.txt line 21: date is not a real date: '0000-00-00 00:00:00'"),
        ("contributions_made", "Expenditures.txt line 6: amount is not a finite number: 'Infinity'"),
        ("contributions_made", "Expenditures.txt line 7: date is not a real date: '2099-13-45 00:00:00'"),
    ])  # fmt: skip
    filings = {row["id"]: row for row in hostile.db["filings"].rows}
    assert (filings["illinois:70007"]["filed"], filings["illinois:70007"]["period_end"]) == (None, "2020-06-30")
    assert (filings["illinois:70103"]["period_end"], filings["illinois:70103"]["current"]) == (None, 1)
    assert hostile.db["contributions"].count == 15  # the clean export's
    assert hostile.db["independent_expenditures"].count == 2
    assert hostile.last_run("filings_illinois")["status"] == "partial"


def test_no_infinite_number_or_impossible_date_reaches_any_table(hostile):
    db = hostile.db
    assert assert_no_hostile_value_stored(db, HOSTILE) > 20


def test_the_totals_are_those_of_the_clean_export(hostile):
    totals = {row["source_id"]: row for row in hostile.db.query("select * from committee_totals")}
    assert (totals["30001"]["itemized_total"], totals["30001"]["total_raised"]) == (20750, 21200)
    # The unreadable D-2 lines are not stored; the other lines of 70007 are 0
    assert totals["30001"]["total_raised_summary"] == 16200
    assert totals["30002"]["total_raised"] == 1502000
