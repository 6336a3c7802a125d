import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawlers.filings_netfile import (
    agency_shortcut,
    committee_from_filer,
    contribution_from_transaction,
    filing_id,
    load_agencies,
    page_results,
    resolve_amendments,
)
from recallwatch.core.watchlist import Watchlist
from recallwatch.runtime.backoff import backoff_delay
from tests.crawl import crawl
from tests.local_server import local_server

FIXTURES = Path(__file__).parent / "fixtures" / "filings_netfile"


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def test_agencies_by_id_or_shortcut():
    agencies = load_agencies()
    assert [agency_shortcut(a, agencies) for a in (52, "625", 13, "laco")] == ["SFO", "LACO", "COAK", "LACO"]
    with pytest.raises(ValueError):
        agency_shortcut(999999, agencies)


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
        "statusItemList": [{"status": "ACTIVE", "date": "2022-01-12"}],
    }
    assert committee_from_filer(filer, "LACO", watchlist)["campaign_id"] == "second"


def test_amendment_chain():
    filings = {f["source_filing_id"]: f for f in resolve_amendments(fixture("filing_list.json")["filings"], "COAK")}
    original, first, second, late = (
        filings["182305528"],
        filings["182400011"],
        filings["182500207"],
        filings["182600001"],
    )
    assert original["report_id"] == first["report_id"] == second["report_id"] != late["report_id"]
    assert [f["amendment"] for f in (original, first, second)] == [0, 1, 2]
    assert (original["form_type"], original["period_start"], original["period_end"]) == (
        "F460",
        "2018-01-01",
        "2018-12-31",
    )
    assert late["form_type"] == "F497"
    assert original["filed"] == "2019-08-12"
    assert original["committee_id"] == late["committee_id"]


def test_cal201_export_row():
    rows, pages = page_results(fixture("cal201_transactions_page.json"), "results")
    assert pages == 2
    contribution = contribution_from_transaction(rows[0], "LACO")
    assert contribution["contributor_name"] == "Quillfeather, Zephyrine"
    assert contribution["amount"] == 10000.0
    assert contribution["date"] == "2022-02-16"
    assert contribution["zip"] == "94110-2231"
    assert contribution["schedule"] == "A"
    assert contribution["filing_id"] == filing_id("LACO", "209000101")


def test_campaign_api_rows_are_read_too_and_expenses_skipped():
    expense = fixture("campaign_api_transactions.json")[0]  # a real F460E (expenditure) element
    assert contribution_from_transaction(expense, "COAK") is None
    received = json.loads(json.dumps(expense))
    received["transaction"].update(formType="A", tranNamL="Doe-Sample", tranNamF="Jordan", tranAmt1=-250.0)
    contribution = contribution_from_transaction(received, "COAK")
    assert contribution["contributor_name"] == "Doe-Sample, Jordan"
    assert contribution["amount"] == -250.0
    assert contribution["memo"] == 0  # memoCode false
    assert contribution["date"] == "2012-07-30"


def test_page_results_rejects_an_unexpected_answer():
    with pytest.raises(ValueError):
        page_results([], "results")


def test_backoff_grows_and_is_capped():
    assert [backoff_delay(n, 2.0, 10.0) for n in range(5)] == [0.0, 2.0, 4.0, 8.0, 10.0]


def test_snapshot_replay_keeps_every_version_and_counts_the_latest(tmp_path):
    result = crawl("filings_netfile", tmp_path)
    assert result.returncode == 0, result.output
    assert result.last_run("filings_netfile")["status"] == "ok"
    db = result.db
    names = {r["name"] for r in db["committees"].rows}
    assert "Sample Homeowners Association PAC (sample data)" not in names
    assert len(names) == 2  # one from each page of the filer list
    assert db["filings"].count == 3
    original, amendment = (db["filings"].get(filing_id("LACO", i)) for i in ("209000101", "209000155"))
    assert (original["current"], original["superseded_by"]) == (0, amendment["id"])
    assert (amendment["current"], amendment["superseded_by"]) == (1, None)
    assert db["contributions"].count == 9  # both versions of the amended report, and page 2
    current = list(
        db.query(
            "select sum(amount) as total from contributions where current = 1 and committee_id in "
            "(select id from committees where position = 'support')"
        )
    )
    assert current[0]["total"] == 105250.0


def test_retries_a_500_with_backoff_then_reads_the_page(tmp_path):
    page = (FIXTURES / "cal201_transactions_page.json").read_bytes()
    answers = iter([(500, b'{"message": "An error has occurred."}')] * 2)

    def respond(path, headers):
        return next(answers, (200, page))

    path = "/Connect2/api/public/campaign/export/cal201/transaction/filer?AID=LACO&FilerId=770001"
    with local_server(respond) as (base, requests):
        result = crawl(
            "filings_netfile",
            tmp_path,
            f"url={base}{path}",
            replay=False,
            settings={"RETRY_BACKOFF_BASE": "0.05"},
        )
    assert result.returncode == 0, result.output
    assert len(requests) == 3
    assert parse_qs(urlsplit(requests[-1]["path"]).query)["FilerId"] == ["770001"]
    assert result.db["contributions"].count == 4
    stats = json.loads(result.last_run("filings_netfile")["stats"])
    assert stats["retry/count"] == 2
    assert "Waiting 0.05s before retry 1" in result.output
    assert "Waiting 0.10s before retry 2" in result.output


def test_a_known_committee_is_linked_whatever_its_name():
    known = {"source_id": "204054957", "campaign_id": "gascon-recall-2022", "position": "oppose"}
    watchlist = Watchlist(sources={"filings_netfile": {"known_committees": [known]}})
    committee = committee_from_filer(fixture("campaign_api_filers.json")[0], "COAK", watchlist)
    assert (committee["campaign_id"], committee["position"]) == ("gascon-recall-2022", "oppose")
