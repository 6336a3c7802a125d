"""Readers while writing: Datasette serves the database (`make serve`: normal mode, not immutable)
while a large CAL-ACCESS ingest writes to it, and client threads on 127.0.0.1 keep asking canned
queries and a consistency query. No request may fail (an HTTP error, a "database is locked"), and
no read may see half of a batch.

The batch boundary: filings_calaccess yields receipts in batches of `batch_rows` rows, and the
store pipeline writes whole batches in one transaction (pipelines/store.py; the column path's
batches through the bulk writer process, one of its transactions per flush). The generated file has
20 receipts per filing and a row count that is a multiple of the batch size (itself a multiple of
20), so at every instant the number of receipts stored is a multiple of the batch size and every
filing has 0 or 20 of them; a half-written batch would break both. (Checked by hand: with each
batch written in two transactions instead of one, the readers see over a hundred violations.)
"""

import importlib.util
import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request

from recallwatch.core.schema import open_database
from tests.crawl import REPO, SCRAPY
from tests.site import get_json, serve

ROWS = 200_000
BATCH_ROWS = 2_000
RECEIPTS_PER_FILING = 20  # bench_calaccess_ingest.generate
CLIENTS = 4
CANNED = ["failing_sources", "campaign_money", "top_donors", "cross_campaign_donors", "new_contributions"]
CONSISTENCY_SQL = (
    "select (select count(*) from contributions) as stored, "
    # a filing's receipts (its FILING_ID, whatever the amendment: 'calaccess:5000000:1')
    f"(select count(*) from (select rtrim(filing_id, '0123456789') as filing from contributions group by filing "
    f"having count(*) != {RECEIPTS_PER_FILING})) as partial_filings"
)


def load_bench(name):
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Readers:
    """Client threads asking the site, counting requests, failures and invariant violations."""

    def __init__(self, base):
        self.base = base
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.requests = 0
        self.failures = []
        self.violations = []
        self.max_seen = 0

    def urls(self, worker):
        query = urllib.parse.urlencode({"sql": CONSISTENCY_SQL, "_shape": "array"})
        canned = [f"{self.base}/recalls/{name}.json" for name in CANNED]
        yield from ([f"{self.base}/recalls.json?{query}", canned[(worker + i) % len(canned)]] for i in range(10**9))

    def read(self, worker):
        for consistency_url, canned_url in self.urls(worker):
            if self.stop.is_set():
                return
            for url in (consistency_url, canned_url):
                try:
                    answer = get_json(url)
                except Exception as error:  # noqa: BLE001 - every failure is counted and reported
                    answer, failure = None, f"{url}: {error}"
                else:
                    failure = None if not (isinstance(answer, dict) and answer.get("ok") is False) else str(answer)
                with self.lock:
                    self.requests += 1
                    if failure:
                        self.failures.append(failure)
                    elif url == consistency_url:
                        self.check(answer[0])

    def check(self, row):
        self.max_seen = max(self.max_seen, row["stored"])
        if row["stored"] % BATCH_ROWS or row["partial_filings"]:
            self.violations.append(row)

    def run(self):
        threads = [threading.Thread(target=self.read, args=(worker,)) for worker in range(CLIENTS)]
        for thread in threads:
            thread.start()
        return threads


def test_readers_see_no_error_and_no_half_batch_while_a_large_ingest_runs(tmp_path, capsys):
    tsv = tmp_path / "RCPT_CD.TSV"
    load_bench("bench_calaccess_ingest").generate(tsv, ROWS)
    database = tmp_path / "recalls.db"
    open_database(str(database)).conn.close()  # the tables exist before the site opens the file
    with serve(database) as base:
        readers = Readers(base)
        threads = readers.run()
        try:
            time.sleep(1)  # readers first: the ingest starts under load
            started = time.monotonic()
            ingest = subprocess.run(
                [*SCRAPY, "crawl", "filings_calaccess", "-a", f"url={tsv.as_uri()}", "-a", f"batch_rows={BATCH_ROWS}",
                 "-s", f"DATABASE={database}", "-s", "ARCHIVE_ENABLED=0", "-s", "LOG_LEVEL=WARNING"],
                cwd=REPO, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            ingest_seconds = time.monotonic() - started
            time.sleep(1)  # and a last look at the finished tables
        finally:
            readers.stop.set()
            for thread in threads:
                thread.join(timeout=30)
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    report = {
        "requests": readers.requests,
        "failed": len(readers.failures),
        "violations": len(readers.violations),
        "ingest_seconds": round(ingest_seconds, 1),
        "largest_count_seen": readers.max_seen,
    }
    with capsys.disabled():  # the report shows in `make test`'s output
        print(f"\nreaders while writing: {json.dumps(report)}")
    assert readers.failures == [], readers.failures[:5]
    assert readers.violations == [], readers.violations[:5]
    assert readers.max_seen == ROWS  # the readers saw the whole ingest land
    assert readers.requests > 100
