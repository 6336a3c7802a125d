"""recallwatch/parsers/netfile_api.py: real Connect2 and Campaign API answers (tests/fixtures/filings_netfile,
from ../shared/samples/netfile_api and the snapshot) read into items, and what cannot be read
rejected with its reason."""

import copy
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from recallwatch.core.items import Contribution, Filing, Rejected
from recallwatch.core.watchlist import Watchlist
from recallwatch.parsers.netfile_api import (
    as_filed,
    committee_from_filer,
    contribution_from_transaction,
    contributions_in,
    filing_id,
    page_results,
    resolve_amendments,
)

FIXTURES = Path(__file__).parent / "fixtures" / "filings_netfile"
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def filing_entries():
    return fixture("filing_list.json")["filings"]


def cal201_rows():
    return fixture("cal201_transactions_page.json")["results"]


def test_committee_from_a_real_filer_entry():
    watchlist = Watchlist(committee_patterns=[{"campaign_id": "oakland-demo", "all_of": [["zazaboi", "oakland"]]}])
    committee = committee_from_filer(fixture("campaign_api_filers.json")[0], "COAK", watchlist)
    assert committee["name"] == "ZAZABOI FOR OAKLAND CITY COUNCIL DISTRICT 6 2022; YAKPASUA"
    assert committee["source_id"] == "204054957"
    assert committee["fppc_id"] == "1449857"  # registrations["CA SOS"]
    assert (committee["campaign_id"], committee["position"]) == ("oakland-demo", "support")
    assert committee["committee_type"] == "Candidate or Officeholder"


def test_filer_of_no_watched_campaign_is_not_followed():
    assert committee_from_filer(fixture("campaign_api_filers.json")[0], "COAK", Watchlist()) is None


def test_active_date_picks_between_campaigns_against_the_same_target():
    watchlist = Watchlist(
        committee_patterns=[
            {"campaign_id": "first", "all_of": [["recall", "gascon"]], "between": ["2021-01-01", "2021-12-31"]},
            {"campaign_id": "second", "all_of": [["recall", "gascon"]], "between": ["2022-01-01", "2022-12-31"]},
        ]
    )
    filer = {
        "localAgencyId": "1",
        "filerName": "Recall Gascón",
        "statusItemList": [
            {"status": "ACTIVE", "date": "2022-01-12"},
            {"status": "ACTIVE", "date": "2021-13-45"},  # unreadable: takes no part
        ],
    }
    assert committee_from_filer(filer, "LACO", watchlist)["campaign_id"] == "second"


def test_a_known_committee_is_linked_whatever_its_name():
    known = {"source_id": "204054957", "campaign_id": "gascon-recall-2022", "position": "oppose"}
    watchlist = Watchlist(sources={"filings_netfile": {"known_committees": [known]}})
    committee = committee_from_filer(fixture("campaign_api_filers.json")[0], "COAK", watchlist)
    assert (committee["campaign_id"], committee["position"]) == ("gascon-recall-2022", "oppose")


def test_amendment_chain():
    parsed, rejected = resolve_amendments(filing_entries(), "COAK")
    assert rejected == set() and all(isinstance(item, Filing) for item in parsed)
    filings = {f["source_filing_id"]: f for f in parsed}
    original, first, second, late = (filings[i] for i in ("182305528", "182400011", "182500207", "182600001"))
    assert original["report_id"] == first["report_id"] == second["report_id"] != late["report_id"]
    assert [f["amendment"] for f in (original, first, second)] == [0, 1, 2]
    assert (original["form_type"], original["period_start"], original["period_end"]) == (
        "F460",
        "2018-01-01",
        "2018-12-31",
    )
    assert late["form_type"] == "F497"
    assert original["filed"] == "2019-08-12"  # "2019-08-12T17:20:55.0000000-07:00": the day as filed
    assert original["committee_id"] == late["committee_id"]
    assert original["source_url"] == "https://netfile.com/Connect2/api/public/image/182305528"


def test_a_filing_is_stored_without_a_date_it_cannot_read():
    entries = filing_entries()
    ahead = (date.today() + timedelta(days=3653)).isoformat() + "T09:15:40.0000000-07:00"
    entries[2]["filingDate"] = ahead  # amendment 2, filed ten years from now
    entries[3]["title"] = "FPPC Form 497 (2/30/2019 - 10/21/2019)"
    parsed, rejected = resolve_amendments(entries, "COAK")
    assert rejected == set()
    filings = {f["source_filing_id"]: f for f in parsed if isinstance(f, Filing)}
    assert len(filings) == 4
    assert filings["182500207"]["filed"] is None and filings["182500207"]["amendment"] == 2
    assert (filings["182600001"]["period_start"], filings["182600001"]["period_end"]) == (None, None)
    rejects = [item for item in parsed if isinstance(item, Rejected)]
    assert [(r.reason, r.item_type, r.record["id"]) for r in rejects] == [
        (
            f"filing 182500207: filed is outside 1970-01-01..{TOMORROW}: '{ahead}'; the filing is stored without it",
            "filings",
            "182500207",
        ),
        (
            "filing 182600001: period is not a real date: '2/30/2019'; the filing is stored without it",
            "filings",
            "182600001",
        ),
    ]


@pytest.mark.parametrize("amendment", ["second", -1, 1.5, 1e308, True])
def test_a_filing_whose_amendment_number_cannot_be_read_is_rejected_with_its_transactions(amendment):
    entries = filing_entries()
    entries[1]["amendmentSequenceNumber"] = amendment  # 182400011, amendment 1 of 182305528
    parsed, rejected = resolve_amendments(entries, "COAK")
    assert rejected == {"182400011"}
    assert sorted(f["source_filing_id"] for f in parsed if isinstance(f, Filing)) == [
        "182305528",
        "182500207",
        "182600001",
    ]
    (reject,) = [item for item in parsed if isinstance(item, Rejected)]
    assert reject.reason == f"filing 182400011: amendment is not an amendment number: {amendment!r}"
    assert (reject.item_type, reject.record["id"]) == ("filings", "182400011")

    rows = cal201_rows()
    rows[1]["filingId"] = "182400011"
    parsed_rows = list(contributions_in(rows, "COAK", rejected))
    assert [item.reason for item in parsed_rows if isinstance(item, Rejected)] == [
        "filing 182400011, transaction INC2: its filing is rejected (its amendment number cannot be read)"
    ]
    assert [item["tran_id"] for item in parsed_rows if isinstance(item, Contribution)] == ["INC1", "INC3", "INC1"]


def test_cal201_export_row():
    rows, pages = page_results(fixture("cal201_transactions_page.json"), "results")
    assert pages == 2
    contribution = contribution_from_transaction(rows[0], "LACO")
    assert contribution["contributor_name"] == "Quillfeather, Zephyrine"
    assert contribution["amount"] == 10000.0
    assert contribution["cumulative_ytd"] == 10000.0
    assert contribution["date"] == "2022-02-16"
    assert contribution["zip"] == "94110-2231"
    assert contribution["schedule"] == "A"
    assert contribution["filing_id"] == filing_id("LACO", "209000101")
    assert "counted" not in contribution  # set by the totals rules at the end of the run


def test_campaign_api_rows_are_read_too_and_expenses_skipped():
    expense = fixture("campaign_api_transactions.json")[0]  # a real F460E (expenditure) element
    assert contribution_from_transaction(expense, "COAK") is None
    received = copy.deepcopy(expense)
    received["transaction"].update(formType="A", tranNamL="Doe-Sample", tranNamF="Jordan", tranAmt1=-250.0)
    contribution = contribution_from_transaction(received, "COAK")
    assert contribution["contributor_name"] == "Doe-Sample, Jordan"
    assert contribution["amount"] == -250.0
    assert contribution["memo"] == 0  # memoCode false
    assert contribution["date"] == "2012-07-30"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("tran_Amt1", "(40.00)", -40.0),
        ("tran_Amt1", "$1,000.00", 1000.0),
        ("tran_Amt1", "NaN", "amount is not a finite number: 'NaN'"),
        ("tran_Amt1", float("nan"), "amount is not a finite number: nan"),  # the JSON number NaN
        ("tran_Amt1", "Infinity", "amount is not a finite number: 'Infinity'"),
        ("tran_Amt1", float("inf"), "amount is not a finite number: inf"),
        ("tran_Amt1", "1e308", "amount is written with an exponent: '1e308'"),
        ("tran_Amt1", 1e308, "amount is larger than any campaign amount ($10,000,000,000 or more): 1e+308"),
        ("tran_Amt2", "NaN", "cumulative_ytd is not a finite number: 'NaN'"),
        ("tran_Date", "2099-13-45", "date is not a real date: '2099-13-45'"),
        ("tran_Date", "0000-00-00", "date is not a real date: '0000-00-00'"),
    ],
)
def test_each_hostile_value_is_read_right_or_the_row_rejected_with_the_reason(field, value, expected):
    rows = cal201_rows()
    rows[2][field] = value  # INC3, 250.00 on 2022-03-05
    parsed = list(contributions_in(rows, "LACO"))
    if isinstance(expected, float):
        assert all(isinstance(item, Contribution) for item in parsed)
        assert parsed[2]["amount"] == expected
        return
    assert [item["tran_id"] for item in parsed if isinstance(item, Contribution)] == ["INC1", "INC2", "INC1"]
    (reject,) = [item for item in parsed if isinstance(item, Rejected)]
    assert reject.reason == f"filing 209000101, transaction INC3: {expected}"
    assert reject.item_type == "contributions"
    assert reject.record["tran_Id"] == "INC3"
    json.dumps(reject.record, allow_nan=False)  # the record as filed, valid JSON


def test_a_row_without_an_amount_is_rejected():
    rows = cal201_rows()
    rows[0]["tran_Amt1"] = rows[0]["calculated_Amount"] = None
    parsed = list(contributions_in(rows, "LACO"))
    assert parsed[0] == Rejected("filing 209000101, transaction INC1: no amount", rows[0], "contributions")
    assert len(parsed) == 4


def test_a_record_as_filed_writes_nan_and_infinity_as_text():
    record = {"tran_Amt1": float("nan"), "transaction": {"tranAmt1": float("-inf")}, "list": [float("inf"), 1.5]}
    assert as_filed(record) == {"tran_Amt1": "NaN", "transaction": {"tranAmt1": "-Infinity"}, "list": ["Infinity", 1.5]}


def test_page_results_rejects_an_unexpected_answer():
    with pytest.raises(ValueError, match="expected a JSON object with 'results', got list"):
        page_results([], "results")
