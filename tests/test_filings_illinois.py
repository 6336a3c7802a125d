"""filings_illinois, crawled for real (`scrapy crawl filings_illinois -a url=file://...`), on the
fixtures of tests/fixtures/filings_illinois/ (see tests/test_parser_illinois.py): the crafted
export as a folder and as a zip, the real sample receipts with the live file's breakage, and a
scheduled run replaying the snapshot.

The crafted export, by hand (amounts in dollars):
- Friends for Kim Foxx (30001), Foxx's committee:
  - Q1 2019 (70001): Alice Sample 1A 1,500 + Example Teachers Local 2A 2,500 = 4,000;
    D-2 totals: IndivContribI 1,500 + IndivContribNI 300 + XferInI 2,500 = 4,300.
  - Q2 2019 original (70002, Archived): Bob Sample 1,000. Amended (70003): Bob Sample 1,200, a refund
    to Carol Sample -200, a 5,000 loan (3A) = 1,000 counted; totals IndivContribI 1,000 + NI 150 =
    1,150, LoanRcvI 5,000.
  - A-1 (70004): Dana Testperson 10,000 on 2019-11-18, itemized again on Q4 2019 (70005, 2019-10-01
    to 12-31): not counted twice. Q4: 10,000 + in kind 750 (+ 12.50 interest, 4A, not counted) =
    10,750; totals IndivContribI 10,000 + InKindI 750 = 10,750.
  - A-1 (70006): Evan Example 5,000 on 2020-02-18, no D-2 covers it yet: counted, after the summary.
  - itemized: 4,000 + 1,000 + 10,750 + 5,000 = 20,750; summary 4,300 + 1,150 + 10,750 = 16,200;
    total raised 16,200 + 5,000 = 21,200; loans 5,000.
- Conway for State's Attorney (30002): Q4 2019 (70101) Rich Placeholder 500,000 + Frank Sample
  2,000 = 502,000 (totals 502,000); A-1 (70102) Rich Placeholder 1,000,000 on 2020-01-08, after
  Q4: total raised 1,502,000.
- Safe Streets Sample PAC (30003): B-1 (70201), 9B 250,000 against Foxx, 50,000 for Conway.
- Friends of Sam Placeholder (30009), an alderman: 250 (kept by -a url=, left out by a scheduled run).
"""

import shutil
import zipfile

import pytest

from tests.crawl import FIXTURES, crawl, crawled, file_url
from tests.test_hostile_values_illinois import add_rows

CRAFTED = FIXTURES / "filings_illinois" / "crafted"
BROKEN = FIXTURES / "filings_illinois" / "broken"


def totals_by_source_id(result):
    return {row["source_id"]: row for row in result.db.query("select * from committee_totals")}


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    return crawled("filings_illinois", tmp_path_factory.mktemp("crafted"), f"url={file_url(CRAFTED)}")


@pytest.fixture(scope="module")
def zipped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zipped")
    export = folder / "isbe.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(CRAFTED.iterdir()):
            archive.write(path, f"campaigndisclosuredatafiles/{path.name}")
    return crawled("filings_illinois", folder, f"url={file_url(export)}")


def test_only_the_latest_version_of_a_report_counts(crafted):
    filings = {row["id"]: row for row in crafted.db["filings"].rows}
    original, amended = filings["illinois:70002"], filings["illinois:70003"]
    assert (original["amendment"], original["current"], original["superseded_by"]) == (0, 0, "illinois:70003")
    assert (amended["amendment"], amended["current"]) == (1, 1)
    bob = {row["id"]: row for row in crafted.db.query("select * from contributions where contributor_last = 'Sample' "
                                                       "and contributor_first = 'Bob'")}  # fmt: skip
    assert (bob["illinois:R9003"]["current"], bob["illinois:R9004"]["current"]) == (0, 1)


def test_totals_from_the_d2_summaries_and_the_itemized_rows(crafted):
    foxx = totals_by_source_id(crafted)["30001"]
    assert foxx["itemized_total"] == 1500 + 2500 + 1200 - 200 + 10000 + 750 + 5000  # 20,750
    assert foxx["total_raised_summary"] == 4300 + 1150 + 10750  # 16,200 (the archived Q2 not in it)
    assert foxx["loans_in_summary"] == 5000
    assert foxx["late_after_summary"] == 5000  # the A-1 no D-2 covers yet
    assert foxx["total_raised"] == 21200
    assert (foxx["campaign_id"], foxx["position"]) == ("foxx-primary-2020", "support")
    conway = totals_by_source_id(crafted)["30002"]
    assert (conway["total_raised"], conway["late_after_summary"]) == (1502000, 1000000)
    assert (conway["campaign_id"], conway["position"]) == ("foxx-primary-2020", "oppose")


def test_an_a1_contribution_is_not_counted_twice(crafted):
    rows = {row["id"]: row for row in crafted.db["contributions"].rows}
    covered, uncovered = rows["illinois:R9007"], rows["illinois:R9011"]
    assert (covered["schedule"], covered["counted"]) == ("A1", 0)
    assert covered["not_counted_reason"] == (
        "A-1 large contribution, listed again on the D-2 report illinois:70005 that covers its date"
    )
    assert (rows["illinois:R9008"]["counted"], uncovered["counted"]) == (1, 1)
    counted = crafted.db.execute(
        "select round(sum(amount), 2) from contributions where contributor_last = 'Testperson' and current = 1 "
        "and counted = 1"
    ).fetchone()[0]
    assert counted == 10000  # once, not 20,000


def test_refunds_negative_loans_and_other_receipts_not_contributions(crafted):
    rows = {row["id"]: row for row in crafted.db["contributions"].rows}
    assert (rows["illinois:R9006"]["amount"], rows["illinois:R9006"]["counted"]) == (-200.0, 1)
    assert (rows["illinois:R9005"]["counted"], rows["illinois:R9005"]["not_counted_reason"]) == (
        0, "loan received (D-2 part 3A): not a contribution",
    )  # fmt: skip
    assert rows["illinois:R9010"]["not_counted_reason"] == (
        "other receipt (D-2 part 4A: interest, refunds, sales): not a contribution"
    )
    assert rows["illinois:R9009"]["counted"] == 1  # in kind (5A)


def test_money_paid_out(crafted):
    made = list(crafted.db["contributions_made"].rows)
    assert [(row["form"], row["recipient_name"], row["amount"], row["current"]) for row in made] == [
        ("6B", "Sample Ward Organization (sample data)", 1000.0, 1),
    ]
    ies = {row["id"]: row for row in crafted.db["independent_expenditures"].rows}
    assert {(row["campaign_id"], row["side"], row["linked_by"], row["current"]) for row in ies.values()} == {
        ("foxx-primary-2020", "against", "ie target", 1),
    }
    assert sum(row["amount"] for row in ies.values()) == 250000 + 50000
    assert crafted.last_run("filings_illinois")["status"] == "ok"


def test_a_zip_of_the_files_is_read_as_the_folder(crafted, zipped):
    def figures(result):
        return sorted(
            (row["source_id"], row["campaign_id"], row["total_raised"], row["itemized_total"])
            for row in result.db.query("select * from committee_totals")
        )

    assert figures(zipped) == figures(crafted)
    assert zipped.db["contributions"].count == crafted.db["contributions"].count == 15


def test_broken_rows_are_rejected_with_their_reason(tmp_path):
    result = crawled("filings_illinois", tmp_path, f"url={file_url(BROKEN / 'Receipts.txt')}")
    rejects = [(row["item_type"], row["reason"]) for row in result.db.query("select * from rejects order by rowid")]
    assert rejects == [
        ("contributions", "Receipts.txt line 9: 30 fields, the header has 29"),
        ("contributions", "Receipts.txt line 10: 15 fields, the header has 29"),
        ("contributions", "Receipts.txt line 11: 5 fields, the header has 29"),
        ("contributions", "Receipts.txt line 12: 25 fields, the header has 29"),
        ("contributions", "Receipts.txt line 14: amount is not an amount of money: 'NA'"),
    ]
    rows = {row["id"]: row for row in result.db["contributions"].rows}
    assert len(rows) == 8  # the 7 real rows and the one with D2Part NA
    assert (rows["illinois:R236643"]["counted"], rows["illinois:R236643"]["not_counted_reason"]) == (
        0, "schedule NA is not money received",
    )  # fmt: skip
    assert result.last_run("filings_illinois")["status"] == "partial"


def test_a_scheduled_run_reads_the_snapshot_in_order_and_keeps_the_foxx_money(tmp_path):
    result = crawled("filings_illinois", tmp_path)
    totals = totals_by_source_id(result)
    assert set(totals) == {"30001", "30002", "30003"}  # not the alderman's
    assert (totals["30001"]["campaign_id"], totals["30001"]["total_raised"]) == ("foxx-primary-2020", 21200)
    assert result.db["independent_expenditures"].count == 2
    # The spender's filings are not kept (it is followed for its expenditures only): the rows' own
    # Archived flag makes them current, so outside spending counts them (250,000 + 50,000)
    counted = "select sum(amount) from independent_expenditures where current = 1 and campaign_id = 'foxx-primary-2020'"
    assert result.db.execute(counted).fetchone()[0] == 300000
    assert result.last_run("filings_illinois")["status"] == "ok"
    # Again, nothing changed: the committees' files are read (the money needs them), nothing is rewritten
    counts = {table: result.db[table].count for table in result.db.table_names() if table != "crawl_runs"}
    again = crawl("filings_illinois", tmp_path)
    assert again.returncode == 0, again.output
    assert {table: again.db[table].count for table in counts} == counts
    assert (again.last_run("filings_illinois")["status"], again.last_run("filings_illinois")["items"]) == ("ok", 0)


def test_versions_received_the_same_day_are_ordered_by_their_time(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(CRAFTED, export)
    q1 = {"RptPdBegDate": "2020-01-01 00:00:00", "RptPdEndDate": "2020-03-31 00:00:00"}
    add_rows(export / "FiledDocs.txt", [  # the document with the smaller id was received last
        ("70101", {"ID": "70108", **q1, "RcvdDateTime": "2020-04-15 17:00:00", "Amend": "True"}),
        ("70101", {"ID": "70109", **q1, "RcvdDateTime": "2020-04-15 09:00:00"}),
    ])  # fmt: skip
    result = crawled("filings_illinois", tmp_path, f"url={file_url(export)}")
    filings = {row["id"]: row for row in result.db["filings"].rows}
    assert filings["illinois:70108"]["received_at"] == "2020-04-15T22:00:00Z"  # 17:00 in Chicago (CDT)
    assert [(filings[f"illinois:{doc}"]["amendment"], filings[f"illinois:{doc}"]["current"]) for doc in
            (70109, 70108)] == [(0, 0), (1, 1)]  # fmt: skip
