import json
import math
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawlers.filings_datasf import committee_name_where, soda_url, soql_in
from recallwatch.core.watchlist import Watchlist
from tests.crawl import REPO, crawl, crawled
from tests.local_server import local_server

FIXTURES = Path(__file__).parent / "fixtures" / "filings_datasf"
WATCHLIST = Watchlist.load(REPO / "data" / "watchlist.yml")


def rows(name):
    return json.loads((FIXTURES / name).read_text())


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


def test_snapshot_replay(tmp_path):
    result = crawled("filings_datasf", tmp_path)
    assert result.last_run("filings_datasf")["status"] == "ok"
    db = result.db
    assert {r["name"] for r in db["committees"].rows} == {
        "Demo Neighbors for the Recall of Chesa Boudin (sample data)",
        "Demo Committee to Stop the Recall of Chesa Boudin (sample data)",
    }
    assert db["contributions"].count == 16
    assert db["filing_summaries"].count_where("line = '5'") == 2
    assert db["contributions"].count_where("donor_id is null") == 0


def soda_server(transactions, filers, page_requests, summaries=()):
    """A SODA look-alike answering $limit/$offset slices of fixed rows."""

    def respond(path, headers):
        query = parse_qs(urlsplit(path).query)
        datasets = {"4c8t-ngau": filers, "pitq-e56w": transactions, "9ggq-m8hp": list(summaries)}
        dataset_rows = next((rows for dataset, rows in datasets.items() if dataset in path), [])
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


# --- Hostile values, through a real crawl


def hostile_rows():
    """The fixture rows with hostile amounts and dates (as JSON strings and numbers), a filed date
    ten years ahead on a second "original" of a report, and an impossible filed date on an amendment."""
    ahead = (date.today() + timedelta(days=3653)).isoformat() + "T00:00:00.000"
    hostile = {
        "A-101": {"transaction_amount_1": "NaN"},
        "A-102": {"transaction_amount_1": float("nan")},
        "A-103": {"transaction_amount_1": "Infinity"},
        "A-104": {"transaction_amount_1": float("inf")},
        "A-105": {"transaction_amount_1": "1e308"},
        "A-106": {"transaction_amount_1": 1e308},
        "A-107M": {"transaction_amount_1": "(40.00)"},
        "497-1": {"transaction_amount_1": "$1,000.00"},
        "A-201": {"transaction_date": "2099-13-45", "filing_date": "0000-00-00"},
        "A-202": {"transaction_date": "0000-00-00", "filing_date": "0000-00-00"},
        "A-203": {"filing_date": "0000-00-00"},
        "A-204": {"filing_date": "0000-00-00"},
    }
    transactions = [{**row, **hostile.get(row["transaction_id"], {})} for row in rows("transactions.json")]
    for row in transactions:
        if row["filer_nid"] == "900002":
            row.update(start_date="2099-13-45", end_date="0000-00-00")
    first_quarter, amended_period = rows("transactions.json")[0], rows("transactions.json")[8]
    transactions += [
        {**first_quarter, "filing_nid": "41000104", "filing_id_number": "208100104", "transaction_id": "A-401",
         "transaction_amount_1": "700", "filing_date": ahead},
        {**amended_period, "filing_nid": "41000105", "filing_id_number": "208100105", "transaction_id": "A-501",
         "transaction_amount_1": "800", "filing_type": "Original", "filing_date": "2022-05-25T00:00:00.000"},
    ]  # fmt: skip
    summaries = rows("summaries.json")
    summaries[0].update(line_5_col_a=float("nan"), line_1_col_a="Infinity")
    summaries[1].update(line_5_col_a="1e308", line_1_col_a=1e308)
    return transactions, summaries, ahead


def assert_no_impossible_value_in_any_table(db):
    """No infinite, NaN or out-of-range number and no impossible date in any table but `rejects`
    (which keeps each refused row as it was read, as JSON text)."""
    iso_date = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
    for table in db.table_names():
        if table == "rejects":
            continue
        for row in db[table].rows:
            for column, value in row.items():
                where = (table, column, value)
                if isinstance(value, float):
                    assert math.isfinite(value) and abs(value) < 1e10, where
                elif isinstance(value, str):
                    assert value not in ("NaN", "Infinity", "1e308", "1e+308", "2099-13-45", "0000-00-00"), where
                    if match := iso_date.match(value):
                        assert "1900-01-01" <= date(*map(int, match.groups())).isoformat() <= "2100-12-31", where
    assert not list(db.query("select * from filings where filed > date('now', '+1 day')"))


def test_hostile_values_are_read_right_or_rejected_with_their_reason(tmp_path):
    transactions, summaries, ahead = hostile_rows()
    with local_server(soda_server(transactions, rows("filers.json"), [], summaries)) as (base, _):
        result = crawl("filings_datasf", tmp_path, f"base_url={base}/resource", replay=False)
    assert result.returncode == 0, result.output
    db = result.db
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    rejects = {(row["reason"], row["item_type"]) for row in db["rejects"].rows}
    stored_without = "; the filing is stored without it"
    assert rejects == {
        ("pitq-e56w row 1: amount is not a finite number: 'NaN'", "contributions"),
        ("pitq-e56w row 2: amount is not a finite number: nan", "contributions"),
        ("pitq-e56w row 3: amount is not a finite number: 'Infinity'", "contributions"),
        ("pitq-e56w row 4: amount is not a finite number: inf", "contributions"),
        ("pitq-e56w row 5: amount is written with an exponent: '1e308'", "contributions"),
        ("pitq-e56w row 6: amount is larger than any campaign amount ($10,000,000,000 or more): 1e+308",
         "contributions"),
        ("pitq-e56w row 9: date is not a real date: '2099-13-45'", "contributions"),
        ("pitq-e56w row 9: filed is not a real date: '0000-00-00'" + stored_without, "filings"),
        ("pitq-e56w row 10: date is not a real date: '0000-00-00'", "contributions"),
        ("pitq-e56w row 13: period_start is not a real date: '2099-13-45'" + stored_without, "filings"),
        ("pitq-e56w row 13: period_end is not a real date: '0000-00-00'" + stored_without, "filings"),
        (f"pitq-e56w row 17: filed is outside 1970-01-01..{tomorrow}: '{ahead}'" + stored_without, "filings"),
        ("9ggq-m8hp row 1: line_1_col_a is not a finite number: 'Infinity'", "filing_summaries"),
        ("9ggq-m8hp row 1: line_5_col_a is not a finite number: nan", "filing_summaries"),
        ("9ggq-m8hp row 2: line_1_col_a is larger than any campaign amount ($10,000,000,000 or more): 1e+308",
         "filing_summaries"),
        ("9ggq-m8hp row 2: line_5_col_a is written with an exponent: '1e308'", "filing_summaries"),
    }  # fmt: skip
    assert {row["tran_id"]: row["amount"] for row in db["contributions"].rows} == {
        "A-107M": -40.0,  # "(40.00)"
        "497-1": 1000.0,  # "$1,000.00"
        "A-203": -1000.0,
        "A-204": 50000.0,
        "A-301": 90000.0,
        "A-302": 5000.0,
        "A-303": 2500.0,
        "C-301": 3000.0,
        "A-401": 700.0,
        "A-501": 800.0,
    }
    filings = {row["source_filing_id"]: row for row in db["filings"].rows}
    assert {nid: (f["amendment"], f["filed"], f["current"]) for nid, f in filings.items()} == {
        "41000101": (0, "2022-04-28", 1),
        "41000104": (0, None, 0),  # filed "ten years ahead": it must not become the current original
        "41000102": (0, "2022-05-20", 1),
        "41000103": (1, None, 1),  # filed "0000-00-00": still the amendment that counts
        "41000105": (0, "2022-05-25", 0),
        "41000201": (0, "2022-04-29", 1),
    }
    assert (filings["41000201"]["period_start"], filings["41000201"]["period_end"]) == (None, None)
    summary_lines = {(row["filing_id"], row["line"]) for row in db["filing_summaries"].rows}
    assert {line for _, line in summary_lines} == {"2", "11"}
    assert_no_impossible_value_in_any_table(db)
    assert result.last_run("filings_datasf")["status"] == "partial"
