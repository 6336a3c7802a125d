"""Every spider against sources that misbehave (tests/fault_server.py).

For each spider, a clean crawl through the fault server gives the rows each document yields; then
crawls in which some of those documents answer with a fault (several documents per crawl, one fault
each). Each case asserts that the run finished and how it ended, that a fault the crawler can ride
out (an error then recovery, a wrong Content-Type, invalid UTF-8) stored the document's rows
exactly as the clean crawl did, that a fault it cannot ended in `rejects` with the reason and
stored nothing from that document, and that every other document's rows are all there, once.
"""

import json
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise

import pytest
import sqlite_utils
from scrapy.utils.misc import walk_modules_iter
from scrapy.utils.spider import iter_spider_classes

from tests.crawl import crawl
from tests.fault_server import FAULTS, FaultServer


def project_spiders():
    """Every spider of crawlers/: a new one joins the suite (and needs its FAULT_TARGETS line)."""
    return sorted({spider.name for module in walk_modules_iter("crawlers") for spider in iter_spider_classes(module)})


SPIDERS = project_spiders()
RECORD_TABLES = [
    "announcements",
    "petition_counts",
    "invalid_reasons",
    "articles",
    "article_versions",
    "article_urls",
    "committees",
    "filings",
    "filing_summaries",
    "contributions",
]
# The documents faulted: those no other document's rows depend on (a feed or a filer list that
# fails takes the documents it lists with it, as it should; a story read under two addresses is
# one row).
FAULT_TARGETS = {
    "registrar_lavote": r"/news-releases/\d{4}/",
    "registrar_sfelections": r"/article/",
    "news": r"laist\.com/news|latimes\.com/california/story/2021|theappeal|boltsmag|inquirer\.com/news|sfexaminer",
    "filings_datasf": r"/(pitq-e56w|9ggq-m8hp)\.json",
    "filings_netfile": r"FilerId=770003|FilerId=770001.*CurrentPageIndex=1",  # not page 0 of a two-page list
    "filings_netfile_export": r"efile_",
    "filings_calaccess": r"dbwebexport",
    "filings_philadelphia": r"phl\.carto\.com/api/v2/sql",
    "filings_pennsylvania": r"campaign-finance-data/\d{4}\.zip",
    "filings_illinois": r"/(Receipts|D2Totals|Expenditures)\.txt",  # the files no other file's rows need
}
# Columns that differ between two clean crawls: provenance and times, and which listing led to an
# article first (its feed, its sitemap or a Google News redirect: whichever was read first; the
# duplicate request is filtered, so the other listings' addresses of a story may not be recorded)
VOLATILE = re.compile(r"fetch|seen|run|_at$|archive|retrieved|crawled|updated|discovered_via|listed_in")
RETRIED = {"http_503_then_ok", "http_500_then_ok", "http_429_then_ok"}
RETRYABLE = {"http_500", "slow", "reset", "truncated"}
# The reason a fault the crawler cannot ride out is recorded with (None: the spider's own words).
REASONS = {
    "http_500": r"^HTTP 500$",
    "slow": r"^download failed: .*took longer than 4\.0 seconds",
    "reset": r"^download failed: .*Connection(Lost|Done): Connection",
    "truncated": r"^download failed: ResponseDataLossError: the response was cut short",
    # Scrapy's gunzip keeps what it could decompress before the garbage: a zip may arrive cut
    # short instead, and be rejected as not a zip (the 2021 Pennsylvania export does)
    "bad_gzip": r"^(could not decompress the response: .*(Error -3|decompress|gzip)"
    r"|could not parse: BadZipFile: File is not a zip file)",
    "redirect_loop": r"^redirect failed: .*max redirections reached",
    "html_instead": None,
    "empty": None,
}
# What a JSON API answer or an export zip that is something else (a page, nothing) is recorded as
FILINGS_UNREADABLE = (
    r"^could not parse: (JSONDecodeError: Expecting value|BadZipFile: File is not a zip file"
    r"|ValueError: no CAL-ACCESS table in the document|ValueError: not a Carto campfin table"
    r"|ValueError: no Pennsylvania campaign finance file|ValueError: not an ISBE \w+\.txt file)"
)
SPIDER_REASONS = {
    ("registrar", "html_instead"): r"^not a release: the page says 'under maintenance'",
    ("registrar", "empty"): r"^not a release: the page is empty",
    ("news", "html_instead"): r"^not an article: the page says 'under maintenance'",
    ("news", "empty"): r"^no article title or text found in the page",
    ("filings", "html_instead"): FILINGS_UNREADABLE,
    ("filings", "empty"): FILINGS_UNREADABLE,
}


def test_every_spider_is_in_the_fault_suite():
    assert set(FAULT_TARGETS) == set(SPIDERS)
    assert len(SPIDERS) >= 7


def expected_reason(spider, fault):
    reason = REASONS[fault]
    return reason or SPIDER_REASONS[(spider.split("_")[0], fault)]


def document_rows(db):
    """{document URL: set of (table, row without run-specific columns)}: the rows each document
    was the last to write (a row two documents yield, such as a committee, is the later one's)."""
    rows = {}
    for table in RECORD_TABLES:
        if not db[table].exists():
            continue
        query = f"select [{table}].*, fetches.url as _document from [{table}] join fetches on fetch_id = fetches.id"
        for row in db.query(query):
            url = row.pop("_document")
            if table == "article_urls" and row["via"] != "canonical":
                continue  # which listing or redirect reached a story first (see VOLATILE)
            kept = {k: v for k, v in row.items() if not VOLATILE.search(k)}
            rows.setdefault(url, set()).add((table, json.dumps(kept, sort_keys=True, default=str)))
    return rows


def table_counts(db):
    return {table: db[table].count for table in RECORD_TABLES if db[table].exists()}


def run_crawl(spider, tmp_path, plan=None):
    with FaultServer() as server:
        server.plan = plan or {}
        result = crawl(spider, tmp_path, replay=False, settings=server.crawl_settings(), timeout=240)
        result.hits = {url: server.hits_of(url) for url in plan or {}}
        result.times = {url: server.times_of(url) for url in plan or {}}
    assert result.returncode == 0, result.output[-3000:]
    # read from the test's thread, not the one that ran the crawl
    result.db = sqlite_utils.Database(sqlite3.connect(tmp_path / "recalls.db", check_same_thread=False))
    return result


def fault_rounds(documents, faults):
    """Crawls of several faults each: the i-th fault on the i-th document, as many per crawl as
    there are documents."""
    rounds = []
    for start in range(0, len(faults), len(documents)):
        rounds.append(dict(zip(documents, faults[start : start + len(documents)], strict=False)))
    return rounds


def faults_for(spider, documents):
    """Every fault, but for a source of one or two documents the crawls are many: one fault of each
    kind of behaviour there."""
    if len(documents) >= 3:
        return list(FAULTS)
    return ["http_503_then_ok", "http_500", "slow", "reset", "truncated", "bad_gzip", "html_instead"]


@pytest.fixture(scope="module")
def fault_results(tmp_path_factory):
    """{spider: (clean rows per document, [(plan, result, rows per document)])}, crawled in parallel."""

    def clean(spider_and_path):
        spider, path = spider_and_path
        return spider, run_crawl(spider, path)

    def faulty(job):
        spider, plan, path = job
        return spider, plan, run_crawl(spider, path, plan)

    # temporary folders are made here: mktemp is not thread-safe
    with ThreadPoolExecutor(max_workers=4) as pool:
        cleans = [(spider, tmp_path_factory.mktemp(f"{spider}-clean")) for spider in SPIDERS]
        baselines = dict(pool.map(clean, cleans))
        jobs = []
        for spider, result in baselines.items():
            documents = sorted(url for url in document_rows(result.db) if re.search(FAULT_TARGETS[spider], url))
            for plan in fault_rounds(documents, faults_for(spider, documents)):
                jobs.append((spider, plan, tmp_path_factory.mktemp(f"{spider}-faults")))
        outcomes = list(pool.map(faulty, jobs))
    return {
        spider: (baselines[spider], [(plan, result) for s, plan, result in outcomes if s == spider])
        for spider in SPIDERS
    }


def check_document(case, fault, url, clean, stored, rejects):
    """One faulted document: its rows all stored (a fault ridden out), or none of them and a reject
    with the fault's reason."""
    if FAULTS[fault] == "recovers":
        assert clean[url] <= set().union(*stored.values()), case
        assert url not in rejects, (case, rejects.get(url))
    elif FAULTS[fault] == "stored":
        assert url in stored and url not in rejects, (case, rejects.get(url))
    else:
        assert url not in stored, case
        reasons = rejects.get(url, [])
        assert any(re.search(case.reason, r) for r in reasons), (case, reasons)


@dataclass
class Case:
    spider: str
    fault: str
    url: str

    @property
    def reason(self):
        return expected_reason(self.spider, self.fault)

    def __str__(self):
        return f"{self.spider}: {self.fault} on {self.url}"


@pytest.mark.parametrize("spider", SPIDERS)
def test_every_fault_is_retried_or_recorded_and_nothing_good_is_lost(fault_results, spider):
    clean_result, outcomes = fault_results[spider]
    clean = document_rows(clean_result.db)
    assert clean, f"the clean crawl of {spider} stored nothing"
    everything_clean = set().union(*clean.values())
    seen_faults = set()
    for plan, result in outcomes:
        stored = document_rows(result.db)
        rejects = {}
        for row in result.db.query("select url, reason from rejects"):
            rejects.setdefault(row["url"], []).append(row["reason"])
        for url, fault in plan.items():
            seen_faults.add(fault)
            check_document(Case(spider, fault, url), fault, url, clean, stored, rejects)
            if fault in RETRIED:
                assert result.hits[url] >= 3, (url, fault, result.hits[url])  # two errors, then the document
                if fault == "http_429_then_ok":  # each retry waited the `Retry-After: 1` it was given
                    gaps = [b - a for a, b in pairwise(result.times[url])]
                    assert min(gaps) >= 0.95, (url, gaps)
            elif fault in RETRYABLE:
                # RETRY_TIMES = 2, then given up (Twisted may also retry a dropped connection once)
                assert result.hits[url] >= 3, (url, fault, result.hits[url])
        # nothing good lost: every other document's rows, as in the clean crawl
        everything = set().union(*stored.values()) if stored else set()
        for url, rows in clean.items():
            if url not in plan:
                assert rows <= everything, f"{spider}: rows of untouched {url} missing ({plan})"
        # nothing bad stored: no row holds the error page; when every document recovered, the rows
        # are exactly the clean crawl's. (When one is missing, another document may write a shared
        # row differently: DataSF files a filing from its summary page when its transactions are
        # not there.)
        assert not [row for row in everything if "under maintenance" in row[1]], plan
        outcomes = {FAULTS[fault] for fault in plan.values()}
        if outcomes == {"recovers"}:
            assert everything == everything_clean, plan
        if "rejected" not in outcomes:
            assert table_counts(result.db) == table_counts(clean_result.db), plan
        run = result.last_run(spider)
        assert run["status"] == expected_status(plan, stored), (plan, run["status"], run["status_reason"])
        assert run["rejects"] == sum(len(v) for v in rejects.values())
    targets = sorted(url for url in clean if re.search(FAULT_TARGETS[spider], url))
    assert seen_faults == set(faults_for(spider, targets))


def expected_status(plan, stored):
    if not any(FAULTS[fault] == "rejected" for fault in plan.values()):
        return "ok"
    return "partial" if stored else "failed"


def test_rows_are_never_duplicated_under_faults(fault_results):
    for spider, (_, outcomes) in fault_results.items():
        for _, result in outcomes:
            for table in RECORD_TABLES:
                if result.db[table].exists():
                    pks = result.db[table].pks
                    key = ", ".join(f"[{k}]" for k in pks)
                    duplicated = list(
                        result.db.query(f"select {key}, count(*) as n from [{table}] group by {key} having n > 1")
                    )
                    assert not duplicated, (spider, table, duplicated)
