"""DataSF / Socrata rows -> items (recallwatch/parsers/socrata.py): filers, transactions and Form 460
summary rows as SODA writes them, and the values it cannot read, rejected with their reason."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from recallwatch.core.items import Rejected
from recallwatch.core.watchlist import Watchlist
from recallwatch.parsers.socrata import (
    committee_from_row,
    contribution_from_row,
    rows_of,
    summaries_from_row,
)
from tests.crawl import REPO

FIXTURES = Path(__file__).parent / "fixtures" / "filings_datasf"
WATCHLIST = Watchlist.load(REPO / "data" / "watchlist.yml")
WHERE = "pitq-e56w row 1"


def rows(name):
    return rows_of((FIXTURES / name).read_text())


def row_with(transaction_id, **changes):
    row = next(r for r in rows("transactions.json") if r["transaction_id"] == transaction_id)
    return {**row, **changes}


def contribution_of(row):
    read = contribution_from_row(row, WHERE)
    (contribution,) = read.items
    return read.filing, contribution


def test_a_soda_error_answer_is_raised_with_its_message():
    assert len(rows_of(b'[{"filer_nid": "900001"}]')) == 1
    with pytest.raises(ValueError, match="^SODA error: Unrecognized arguments"):
        rows_of('{"code": "query.soql.no-such-column", "error": true, "message": "Unrecognized arguments"}')


def test_committee_is_linked_to_its_campaign_and_side():
    support, oppose, lookalike = (committee_from_row(r, WATCHLIST) for r in rows("filers.json"))
    assert (support["campaign_id"], support["position"]) == ("boudin-recall-2021-second", "support")
    assert (oppose["campaign_id"], oppose["position"]) == ("boudin-recall-2021-second", "oppose")
    assert support["fppc_id"] == "1439991"
    assert lookalike["campaign_id"] is None  # "Boudinage" is not the word "Boudin"
    assert lookalike["fppc_id"] is None  # 'pending' is not an id


def test_contribution_row():
    filing, contribution = contribution_of(row_with("A-101"))
    assert contribution["contributor_name"] == "QUILLFEATHER, ZEPHYRINE Q."
    assert contribution["amount"] == 50000.0
    assert contribution["cumulative_ytd"] == 50000.0
    assert contribution["date"] == "2022-02-14"
    assert contribution["zip"] == "94110"
    assert contribution["employer"] == "Moonbeam Widgets, Inc."
    assert contribution["memo"] == 0
    assert "counted" not in contribution  # the totals rules decide, at the end of the run
    assert contribution["filing_id"] == filing["id"]
    assert (filing["form_type"], filing["period_start"], filing["period_end"]) == ("F460", "2022-01-01", "2022-03-31")
    assert (filing["filed"], filing["amendment"]) == ("2022-04-28", 0)
    assert filing["source_url"] == "https://netfile.com/Connect2/api/public/image/208100101"


def test_late_contribution_refund_memo_and_amendment():
    late_filing, late = contribution_of(row_with("497-1"))
    assert (late["schedule"], late_filing["form_type"]) == ("497", "F497")
    assert contribution_of(row_with("A-203"))[1]["amount"] == -1000.0
    assert contribution_of(row_with("A-107M"))[1]["memo"] == 1
    assert contribution_of(row_with("A-201"))[0]["amendment"] == 1


def test_rows_that_are_not_money_received_are_skipped():
    assert contribution_from_row(row_with("A-101", form_type="E"), WHERE) is None
    assert contribution_from_row(row_with("497-1", form_type="F497P2"), WHERE) is None


def test_amounts_as_filers_write_them_are_read():
    for raw, amount in [("(40.00)", -40.0), ("$1,000.00", 1000.0), (1250.5, 1250.5), ("50000.0", 50000.0)]:
        assert contribution_of(row_with("A-101", transaction_amount_1=raw))[1]["amount"] == amount


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"transaction_amount_1": "NaN"}, "amount is not a finite number: 'NaN'"),
        ({"transaction_amount_1": float("nan")}, "amount is not a finite number: nan"),
        ({"transaction_amount_1": "Infinity"}, "amount is not a finite number: 'Infinity'"),
        ({"transaction_amount_1": float("inf")}, "amount is not a finite number: inf"),
        ({"transaction_amount_1": "1e308"}, "amount is written with an exponent: '1e308'"),
        ({"transaction_amount_1": 1e308},
         "amount is larger than any campaign amount ($10,000,000,000 or more): 1e+308"),
        ({"transaction_amount_1": "", "calculated_amount": None}, "amount is missing"),
        ({"transaction_amount_2": "NaN"}, "cumulative_ytd is not a finite number: 'NaN'"),
        ({"transaction_date": "2099-13-45"}, "date is not a real date: '2099-13-45'"),
        ({"transaction_date": "0000-00-00"}, "date is not a real date: '0000-00-00'"),
    ],
)  # fmt: skip
def test_a_row_with_an_unreadable_amount_or_date_is_rejected_and_its_filing_kept(changes, reason):
    row = row_with("A-101", **changes)
    read = contribution_from_row(row, "pitq-e56w row 12")
    assert read.items == [Rejected(f"pitq-e56w row 12: {reason}", row, "contributions")]
    assert (read.filing["filed"], read.filing_rejects) == ("2022-04-28", [])


@pytest.mark.parametrize(
    ("changes", "field", "raw"),
    [
        ({"filing_date": "2099-13-45"}, "filed", "is not a real date: '2099-13-45'"),
        ({"start_date": "0000-00-00"}, "period_start", "is not a real date: '0000-00-00'"),
        ({"end_date": "2099-13-45T00:00:00.000"}, "period_end", "is not a real date: '2099-13-45T00:00:00.000'"),
    ],
)
def test_a_filing_with_an_unreadable_date_is_kept_without_it_and_rejected(changes, field, raw):
    row = row_with("A-101", **changes)
    filing, contribution = contribution_of(row)
    assert filing[field] is None
    assert contribution["amount"] == 50000.0 and contribution["filing_id"] == filing["id"]
    assert contribution_from_row(row, WHERE).filing_rejects == [
        Rejected(f"{WHERE}: {field} {raw}; the filing is stored without it", row, "filings")
    ]


def test_a_filed_date_ten_years_ahead_is_left_out():
    ahead = (date.today() + timedelta(days=3653)).isoformat()
    row = row_with("A-101", filing_date=f"{ahead}T00:00:00.000")
    read = contribution_from_row(row, WHERE)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert read.filing["filed"] is None
    assert [r.reason for r in read.filing_rejects] == [
        f"{WHERE}: filed is outside 1970-01-01..{tomorrow}: '{ahead}T00:00:00.000'; the filing is stored without it"
    ]


def test_a_filing_whose_amendment_cannot_be_read_is_rejected_with_its_rows():
    row = row_with("A-201", filing_type="Amendment 1.5")
    read = contribution_from_row(row, WHERE)
    assert read.filing is None and read.filing_rejects == []
    assert read.items == [
        Rejected(f"{WHERE}: amendment is not an amendment number: 'Amendment 1.5'", row, "contributions")
    ]


def test_summary_lines():
    read = summaries_from_row(rows("summaries.json")[0], "9ggq-m8hp row 1", {"1439991": "900001"})
    lines = {s["line"]: s["amount_period"] for s in read.items}
    assert lines == {"1": 346500.0, "2": 0.0, "5": 349750.0, "11": 0.0}
    assert (read.filing["form_type"], read.filing["amendment"], read.filing["filed"]) == ("F460", 0, None)
    assert read.filing["committee_id"] == committee_from_row(rows("filers.json")[0], WATCHLIST)["id"]


def test_summary_lines_of_a_committee_not_matched_are_kept_without_a_filing():
    read = summaries_from_row(rows("summaries.json")[1], "9ggq-m8hp row 2")
    assert read.filing is None
    assert {s["line"]: s["amount_period"] for s in read.items}["5"] == 105400.0


def test_a_summary_line_that_cannot_be_read_is_rejected_and_the_others_kept():
    row = {**rows("summaries.json")[0], "line_5_col_a": "NaN", "line_5_col_b": "400000", "line_1_col_b": "Infinity"}
    read = summaries_from_row(row, "9ggq-m8hp row 1", {"1439991": "900001"})
    assert [item for item in read.items if isinstance(item, Rejected)] == [
        Rejected("9ggq-m8hp row 1: line_1_col_b is not a finite number: 'Infinity'", row, "filing_summaries"),
        Rejected("9ggq-m8hp row 1: line_5_col_a is not a finite number: 'NaN'", row, "filing_summaries"),
    ]
    assert [s["line"] for s in read.items if not isinstance(s, Rejected)] == ["11", "2"]


def test_a_summary_row_whose_amendment_cannot_be_read_is_rejected_whole():
    row = {**rows("summaries.json")[1], "filing_type": "-1"}
    for filer_nids in ({"1439991": "900001"}, None):
        read = summaries_from_row(row, "9ggq-m8hp row 2", filer_nids)
        assert read.filing is None
        assert read.items == [
            Rejected("9ggq-m8hp row 2: amendment is not an amendment number: '-1'", row, "filing_summaries")
        ]
