"""recallwatch/parsers/illinois.py, pure, on fixture files (tests/fixtures/filings_illinois/):

- samples/: the only real ISBE rows found (../shared/samples/illinois: the first 7 rows of
  Receipts.txt, 1998, and 7 rows of Expenditures.txt, 1999), bytes untouched;
- broken/Receipts.txt: the real receipts, then rows made from them the way the live file breaks
  (a stray tab: 30 fields; a cut row: 15 fields; a record split by a newline in a name; D2Part
  and Amount "NA");
- CampaignDisclosureDataDictionary.txt: the official dictionary (CRLF), untouched;
- crafted/: the snapshot's files (tools/build_snapshot_illinois.py, fictional names). No real row
  of Candidates, CmteCandidateLinks, Committees, FiledDocs or D2Totals was found anywhere public:
  these files are written from the documented layout (the official dictionary and the live
  headers, ../shared/samples/FIELDS-wave2.md §1.2), not copied.
"""

import io
from functools import partial

import pytest

from recallwatch.core.batch import RecordBatch
from recallwatch.core.items import Rejected
from recallwatch.core.watchlist import Watchlist
from recallwatch.parsers.illinois import IsbeReader, file_rows, file_table, form_code, report_id
from tests.crawl import FIXTURES, REPO

SAMPLES = FIXTURES / "filings_illinois" / "samples"
BROKEN = FIXTURES / "filings_illinois" / "broken"
CRAFTED = FIXTURES / "filings_illinois" / "crafted"


def read(reader, table, path):
    with open(path, "rb") as stream:
        return list(reader.read(table, stream))


def rows_of(outputs, table):
    """{id or key: row as a dict} of the batches of one table."""
    found = {}
    for output in outputs:
        if isinstance(output, RecordBatch) and output.table == table:
            for row in output.rows:
                record = dict(zip(output.fields, row, strict=True))
                found[record.get("id") or (record["filing_id"], record["line"])] = record
    return found


def rejects_of(outputs):
    return [output.reason for output in outputs if isinstance(output, Rejected)]


def watchlist_link():
    return partial(Watchlist.load(REPO / "data" / "watchlist.yml").link, "filings_illinois")


def test_files_are_known_by_name_in_any_case_and_folder():
    assert file_table("Receipts.txt") == "Receipts"
    assert file_table("export/FILEDDOCS.TXT") == "FiledDocs"
    assert file_table("https://elections.il.gov/campaigndisclosuredatafiles/D2Totals.txt") == "D2Totals"
    assert file_table("Receipts_sample.txt") is None
    assert file_table("CampaignDisclosureDataDictionary.txt") is None


def test_real_receipts_are_read_by_header_name():
    contributions = rows_of(read(IsbeReader(), "Receipts", SAMPLES / "Receipts.txt"), "contributions")
    assert len(contributions) == 7
    bacon = contributions["illinois:R236629"]
    assert (bacon["contributor_name"], bacon["contributor_first"], bacon["contributor_last"]) == (
        "Bacon, Donald", "Donald", "Bacon",
    )  # fmt: skip
    assert (bacon["schedule"], bacon["amount"], bacon["date"]) == ("1A", 250.0, "1998-09-03")
    assert (bacon["city"], bacon["state"], bacon["zip"]) == ("Bourbonnais", "IL", "60914")  # zip padded with spaces
    assert bacon["filing_id"] == "illinois:82298"
    assert contributions["illinois:R236628"]["contributor_name"] == "Abc Pac"  # a business: LastOnlyName alone
    assert contributions["illinois:R236628"]["schedule"] == "2A"
    assert contributions["illinois:R236631"]["schedule"] == "5A"  # "Food For Fundraiser", in kind
    # ISBE has no entity code: a transfer in comes from a committee, a first name makes a person
    assert (bacon["entity_code"], contributions["illinois:R236628"]["entity_code"]) == ("IND", "COM")
    # 500 + 250 + 150 + 176 + 1000 + 200 + 1000
    assert sum(row["amount"] for row in contributions.values()) == 3276.0


def test_real_transfers_out_are_contributions_made():
    outputs = read(IsbeReader(), "Expenditures", SAMPLES / "Expenditures.txt")
    made = rows_of(outputs, "contributions_made")
    assert len(made) == 7 and rejects_of(outputs) == []
    cicero = made["illinois:E1268"]
    assert (cicero["form"], cicero["recipient_name"], cicero["amount"], cicero["date"]) == (
        "6B", "Regular Cicero Democratic Organization", 160.0, "1999-02-25",
    )  # fmt: skip
    assert cicero["description"] == "ticket purchase"
    assert made["illinois:E1269"]["recipient_name"] == "UNITED - 4 - PROGRESS"  # double spaces kept as filed


def test_rows_with_the_wrong_number_of_fields_are_rejected_with_their_line():
    outputs = read(IsbeReader(), "Receipts", BROKEN / "Receipts.txt")
    assert rejects_of(outputs) == [
        "Receipts.txt line 9: 30 fields, the header has 29",
        "Receipts.txt line 10: 15 fields, the header has 29",
        "Receipts.txt line 11: 5 fields, the header has 29",  # a record split by a newline in its name
        "Receipts.txt line 12: 25 fields, the header has 29",
        "Receipts.txt line 14: amount is not an amount of money: 'NA'",
    ]
    contributions = rows_of(outputs, "contributions")
    assert len(contributions) == 7 + 1
    assert contributions["illinois:R236643"]["schedule"] == "NA"  # kept as filed; the totals rules say why not counted


def test_crlf_and_lf_line_ends_and_latin_1():
    text = "ID\tName\r\n1\tÑandú\r\n2\tB\n".encode("latin-1")
    rows = list(file_rows("Committees", io.BytesIO(text)))
    assert rows == [["ID", "Name"], (2, ["1", "Ñandú"]), (3, ["2", "B"])]


def test_a_file_without_its_columns_is_not_read():
    page = io.BytesIO(b"<!DOCTYPE html><html><body>Site under maintenance</body></html>")
    with pytest.raises(ValueError, match="not an ISBE Receipts.txt file: no column ID, CommitteeID"):
        list(IsbeReader().read("Receipts", page))


def test_document_names_and_reports():
    assert [form_code(n) for n in ("Quarterly", "A-1", "B-1", "Pre-election", "Final", "Semiannual")] == [
        "D2Q", "A1", "B1", "D2P", "D2F", "D2S",
    ]  # fmt: skip
    assert form_code("Letter/Correspondence") == "LTR"
    assert form_code("Some New Report") == "SOMENEWREPORT"
    # A periodic report is its period; a document without one is its own report
    assert report_id("30001", "D2Q", "2019-04-01", "2019-06-30", "70002") == "illinois:30001:D2Q:2019-04-01:2019-06-30"
    assert report_id("30001", "A1", None, None, "70004") == "illinois:30001:A1:doc70004"


def read_crafted(reader):
    outputs = []
    for table in ("Candidates", "CmteCandidateLinks", "Committees", "FiledDocs", "D2Totals", "Receipts",
                  "Expenditures"):  # fmt: skip
        outputs += read(reader, table, CRAFTED / f"{table}.txt")
    return outputs


def test_committees_are_tied_to_the_election_of_their_candidate():
    committees = rows_of(read_crafted(IsbeReader(link=watchlist_link())), "committees")
    by_source = {row["source_id"]: row for row in committees.values()}
    foxx, conway = by_source["30001"], by_source["30002"]
    assert (foxx["campaign_id"], foxx["position"], foxx["side"], foxx["linked_by"]) == (
        "foxx-primary-2020", "support", "for", "candidate",
    )  # fmt: skip
    assert (conway["campaign_id"], conway["position"], conway["side"]) == ("foxx-primary-2020", "oppose", "against")
    assert foxx["committee_type"] == "Candidate"
    assert by_source["30003"]["committee_type"] == "Independent Expenditure"
    assert by_source["30009"]["campaign_id"] is None  # an alderman's committee: kept (no filter), tied to nothing


def test_a_scheduled_run_keeps_only_the_committees_the_watchlist_ties():
    outputs = read_crafted(IsbeReader(link=watchlist_link(), keep_ids=[]))
    committees = {row["source_id"] for row in rows_of(outputs, "committees").values()}
    assert committees == {"30001", "30002", "30003"}  # 30003 for its independent expenditures
    assert "illinois:R9030" not in rows_of(outputs, "contributions")  # the alderman's
    assert "illinois:70301" not in rows_of(outputs, "filings")
    listed = read_crafted(IsbeReader(link=watchlist_link(), keep_ids=["30009"]))  # listed by id
    assert "illinois:R9030" in rows_of(listed, "contributions")


def test_filings_summaries_and_money_out():
    outputs = read_crafted(IsbeReader(link=watchlist_link()))
    filings = rows_of(outputs, "filings")
    original, amended = filings["illinois:70002"], filings["illinois:70003"]
    assert original["report_id"] == amended["report_id"]
    assert (original["archived"], amended["archived"]) == (1, 0)
    assert (amended["form_type"], amended["period_start"], amended["period_end"], amended["filed"]) == (
        "D2Q", "2019-04-01", "2019-06-30", "2019-08-01",
    )  # fmt: skip
    assert filings["illinois:70004"]["form_type"] == "A1"
    summaries = rows_of(outputs, "filing_summaries")
    assert summaries[("illinois:70001", "IndivContribI")]["amount_period"] == 1500.0
    assert summaries[("illinois:70005", "OtherRctI")]["amount_period"] == 12.5
    assert len(summaries) == 6 * 27  # six D-2 totals rows, 27 money columns each
    contributions = rows_of(outputs, "contributions")
    assert contributions["illinois:R9007"]["schedule"] == "A1"  # on an A-1 report
    assert contributions["illinois:R9006"]["amount"] == -200.0  # a refund stays negative
    assert contributions["illinois:R9009"]["contributor_name"] == "Ñandú Sample Print Shop (sample data)"
    assert set(rows_of(outputs, "contributions_made")) == {"illinois:E8001"}  # 8B spending is not stored
    ies = rows_of(outputs, "independent_expenditures")
    against = ies["illinois:E8003"]
    assert (against["campaign_id"], against["position"], against["side"], against["linked_by"]) == (
        "foxx-primary-2020", "oppose", "against", "ie target",
    )  # fmt: skip
    assert (against["target_name"], against["amount"], against["payee"]) == (
        "Kim Foxx", 250000.0, "Sample Media Buying LLC (sample data)",
    )  # fmt: skip
    # Supporting her opponent is opposing her election
    assert (ies["illinois:E8004"]["position"], ies["illinois:E8004"]["side"]) == ("oppose", "against")


def test_the_real_dictionary_names_the_columns_read():
    """The dictionary's own spelling differs from the live headers in places (Addresss2,
    RecvdDateTime, SingerLastOnlyName): the reader uses the live headers, which the dictionary
    spells the same for every column read here but RcvdDateTime."""
    words = set((FIXTURES / "filings_illinois" / "CampaignDisclosureDataDictionary.txt").read_text("utf-8").split())
    for name in ("RcvDate", "LoanAmount", "D2Part", "RptPdBegDate", "IndivContribNI", "CandidateName", "Archived"):
        assert name in words
    assert "RecvdDateTime" in words and "RcvdDateTime" not in words
