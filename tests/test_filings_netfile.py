"""filings_netfile, the spider: agencies, a real crawl of the snapshot, retries; the reading of the
answers is tested in tests/test_parser_netfile_api.py."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawlers.filings_netfile import agency_shortcut, load_agencies
from recallwatch.parsers.netfile_api import filing_id
from recallwatch.runtime.backoff import backoff_delay
from tests.crawl import crawl, crawled
from tests.local_server import local_server

FIXTURES = Path(__file__).parent / "fixtures" / "filings_netfile"


def test_agencies_by_id_or_shortcut():
    agencies = load_agencies()
    assert [agency_shortcut(a, agencies) for a in (52, "625", 13, "laco")] == ["SFO", "LACO", "COAK", "LACO"]
    with pytest.raises(ValueError):
        agency_shortcut(999999, agencies)


def test_backoff_grows_and_is_capped():
    assert [backoff_delay(n, 2.0, 10.0) for n in range(5)] == [0.0, 2.0, 4.0, 8.0, 10.0]


def test_snapshot_replay_keeps_every_version_and_counts_the_latest(tmp_path):
    result = crawled("filings_netfile", tmp_path)
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
