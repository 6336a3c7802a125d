import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawlers.filings_datasf import (
    committee_from_row,
    committee_name_where,
    contribution_from_row,
    soda_url,
    soql_in,
    summaries_from_row,
)
from recallwatch.core.watchlist import Watchlist
from tests.crawl import REPO, crawl
from tests.local_server import local_server

FIXTURES = Path(__file__).parent / "fixtures" / "filings_datasf"
WATCHLIST = Watchlist.load(REPO / "data" / "watchlist.yml")


def rows(name):
    return json.loads((FIXTURES / name).read_text())


def row_with(transaction_id):
    return next(r for r in rows("transactions.json") if r["transaction_id"] == transaction_id)


def test_filer_query_has_every_word_of_a_pattern_in_every_spelling():
    where = committee_name_where(WATCHLIST)
    assert "upper(filer_name) like '%RECALL%' AND upper(filer_name) like '%BOUDIN%'" in where
    assert "(upper(filer_name) like '%GASCON%' OR upper(filer_name) like '%GASCÓN%')" in where
    assert where.count(" OR (") == 1  # two campaigns share the Gascón pattern: it is asked once


def test_soql_strings_are_quoted():
    assert soql_in("filer_name", ["O'Brien for DA"]) == "filer_name in ('O''Brien for DA')"


def test_soda_url_pages_over_a_stable_order():
    url = soda_url("https://data.sfgov.org/resource", "pitq-e56w", where="form_type = 'A'", limit=500, offset=1000)
    parts = urlsplit(url)
    assert parts.path == "/resource/pitq-e56w.json"
    assert " " not in url and "'" not in url
    assert parse_qs(parts.query) == {
        "$where": ["form_type = 'A'"],
        "$order": [":id"],
        "$limit": ["500"],
        "$offset": ["1000"],
    }


def test_committee_is_linked_to_its_campaign_and_side():
    support, oppose, lookalike = (committee_from_row(r, WATCHLIST) for r in rows("filers.json"))
    assert (support["campaign_id"], support["position"]) == ("boudin-recall-2021-second", "support")
    assert (oppose["campaign_id"], oppose["position"]) == ("boudin-recall-2021-second", "oppose")
    assert support["fppc_id"] == "1439991"
    assert lookalike["campaign_id"] is None  # "Boudinage" is not the word "Boudin"
    assert lookalike["fppc_id"] is None  # 'pending' is not an id


def test_contribution_row():
    filing, contribution = contribution_from_row(row_with("A-101"))
    assert contribution["contributor_name"] == "QUILLFEATHER, ZEPHYRINE Q."
    assert contribution["amount"] == 50000.0
    assert contribution["cumulative_ytd"] == 50000.0
    assert contribution["date"] == "2022-02-14"
    assert contribution["zip"] == "94110"
    assert contribution["employer"] == "Moonbeam Widgets, Inc."
    assert contribution["memo"] == 0
    assert contribution["filing_id"] == filing["id"]
    assert (filing["form_type"], filing["period_start"], filing["period_end"]) == ("F460", "2022-01-01", "2022-03-31")
    assert filing["filed"] == "2022-04-28"


def test_late_contribution_refund_memo_and_amendment():
    late_filing, late = contribution_from_row(row_with("497-1"))
    assert (late["schedule"], late_filing["form_type"]) == ("497", "F497")
    assert contribution_from_row(row_with("A-203"))[1]["amount"] == -1000.0
    assert contribution_from_row(row_with("A-107M"))[1]["memo"] == 1
    assert contribution_from_row(row_with("A-201"))[0]["amendment"] == 1


def test_rows_that_are_not_money_received_are_skipped():
    expense = {**row_with("A-101"), "form_type": "E"}
    made = {**row_with("497-1"), "form_type": "F497P2"}
    assert contribution_from_row(expense) is None
    assert contribution_from_row(made) is None


def test_summary_lines():
    filing, summaries = summaries_from_row(rows("summaries.json")[0], {"1439991": "900001"})
    lines = {s["line"]: s["amount_period"] for s in summaries}
    assert lines["5"] == 349750.0
    assert lines["1"] == 346500.0
    assert filing["form_type"] == "F460"
    assert filing["committee_id"] == committee_from_row(rows("filers.json")[0], WATCHLIST)["id"]


def test_snapshot_replay(tmp_path):
    result = crawl("filings_datasf", tmp_path)
    assert result.returncode == 0, result.output
    assert result.last_run("filings_datasf")["status"] == "ok"
    db = result.db
    assert {r["name"] for r in db["committees"].rows} == {
        "Demo Neighbors for the Recall of Chesa Boudin (sample data)",
        "Demo Committee to Stop the Recall of Chesa Boudin (sample data)",
    }
    assert db["contributions"].count == 16
    assert db["filing_summaries"].count_where("line = '5'") == 2
    assert db["contributions"].count_where("donor_id is null") == 0


def soda_server(transactions, filers, page_requests):
    """A SODA look-alike answering $limit/$offset slices of fixed rows."""

    def respond(path, headers):
        query = parse_qs(urlsplit(path).query)
        dataset_rows = filers if "4c8t-ngau" in path else transactions if "pitq-e56w" in path else []
        offset, limit = int(query["$offset"][0]), int(query["$limit"][0])
        page_requests.append((urlsplit(path).path, offset, limit, query["$order"][0]))
        return 200, json.dumps(dataset_rows[offset : offset + limit]).encode()

    return respond


def test_paging_stops_on_a_short_page_and_sends_the_app_token(tmp_path):
    page_requests = []
    transactions = rows("transactions.json")  # 16 rows: 4 full pages, then an empty one
    with local_server(soda_server(transactions, rows("filers.json"), page_requests)) as (base, requests):
        result = crawl(
            "filings_datasf",
            tmp_path,
            f"base_url={base}/resource",
            "page_size=4",
            replay=False,
            env={"RECALLWATCH_SOCRATA_APP_TOKEN": "test-token"},
        )
    assert result.returncode == 0, result.output
    transaction_pages = [(offset, limit) for path, offset, limit, _ in page_requests if "pitq-e56w" in path]
    assert transaction_pages == [(0, 4), (4, 4), (8, 4), (12, 4), (16, 4)]
    assert {order for *_, order in page_requests} == {":id"}
    assert all(r["headers"].get("X-App-Token") == "test-token" for r in requests)
    assert result.db["contributions"].count == 16
