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

import pytest
import sqlite_utils

from tests.crawl import crawl
from tests.fault_server import FAULTS, FaultServer

SPIDERS = [
    "registrar_lavote",
    "registrar_sfelections",
    "news",
    "filings_datasf",
    "filings_netfile",
    "filings_netfile_export",
    "filings_calaccess",
]
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
    "filings_netfile": r"/transaction/filer",
    "filings_netfile_export": r"efile_",
    "filings_calaccess": r"dbwebexport",
}
VOLATILE = re.compile(r"fetch|seen|run|_at$|archive|retrieved|crawled|updated")
RETRIED = {"http_503_then_ok", "http_500_then_ok", "http_429_then_ok"}
# The reason a fault the crawler cannot ride out is recorded with (None: the spider's own words).
REASONS = {
    "http_500": r"^HTTP 500$",
    "slow": r"^download failed: .*took longer than 2\.0 seconds",
    "reset": r"^download failed: .*(ConnectionLost|Connection was closed|connection.*lost)",
    "truncated": r"^download failed: .*(DataLoss|data loss)",
    "bad_gzip": r"^could not decompress the response: .*(Error -3|decompress|gzip)",
    "redirect_loop": r"^redirect failed: .*max redirections reached",
    "html_instead": None,
    "empty": None,
}
SPIDER_REASONS = {
    ("registrar", "html_instead"): r"^not a release: the page says 'under maintenance'",
    ("registrar", "empty"): r"^not a release: the page is empty",
    ("news", "html_instead"): r"^not an article: ",
    ("news", "empty"): r"^not an article: the page is empty",
    ("filings", "html_instead"): r"^could not parse: ",
    ("filings", "empty"): r"^could not parse: .*(empty|JSON|zip|Expecting value)",
}


def expected_reason(spider, fault):
    reason = REASONS[fault]
    return reason or SPIDER_REASONS[(spider.split("_")[0], fault)]


def document_rows(db):
    """{document URL: sorted list of (table, row without run-specific columns)}."""
    rows = {}
    for table in RECORD_TABLES:
        if not db[table].exists():
            continue
        for row in db.query(
            f"select [{table}].*, fetches.url as _document from [{table}] join fetches on fetch_id = fetches.id"
        ):
            url = row.pop("_document")
            kept = {k: v for k, v in row.items() if not VOLATILE.search(k)}
            rows.setdefault(url, []).append((table, json.dumps(kept, sort_keys=True, default=str)))
    return {url: sorted(found) for url, found in rows.items()}


def run_crawl(spider, tmp_path, plan=None):
    with FaultServer() as server:
        server.plan = plan or {}
        result = crawl(spider, tmp_path, replay=False, settings=server.crawl_settings(), timeout=240)
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
        spider: (
            document_rows(baselines[spider].db),
            [(plan, result, document_rows(result.db)) for s, plan, result in outcomes if s == spider],
        )
        for spider in SPIDERS
    }


@pytest.mark.parametrize("spider", SPIDERS)
def test_every_fault_is_retried_or_recorded_and_nothing_good_is_lost(fault_results, spider):
    clean_rows, outcomes = fault_results[spider]
    assert clean_rows, f"the clean crawl of {spider} stored nothing"
    seen_faults = set()
    for plan, result, rows in outcomes:
        run = result.last_run(spider)
        rejects = {}
        for row in result.db.query("select url, reason from rejects"):
            rejects.setdefault(row["url"], []).append(row["reason"])
        stats = json.loads(run["stats"])
        for url, fault in plan.items():
            seen_faults.add(fault)
            case = f"{spider} {fault} on {url}"
            if FAULTS[fault] == "recovers":
                assert rows.get(url) == clean_rows[url], case
                assert url not in rejects, (case, rejects.get(url))
            else:
                assert url not in rows, case
                reasons = rejects.get(url, [])
                assert any(re.search(expected_reason(spider, fault), r) for r in reasons), (case, reasons)
        for url, expected in clean_rows.items():
            if url not in plan:
                assert rows.get(url) == expected, f"{spider}: rows of untouched {url} differ ({plan})"
        rejected_here = [url for url, fault in plan.items() if FAULTS[fault] == "rejected"]
        assert run["status"] == ("partial" if rejected_here and rows else "failed" if rejected_here else "ok"), (
            plan,
            run["status"],
            run["status_reason"],
        )
        assert run["rejects"] == sum(len(v) for v in rejects.values())
        if RETRIED & set(plan.values()):
            assert stats.get("retry/count", 0) >= 2 * len(RETRIED & set(plan.values()))
    targets = sorted(url for url in clean_rows if re.search(FAULT_TARGETS[spider], url))
    assert seen_faults == set(faults_for(spider, targets))


def test_rows_are_never_duplicated_under_faults(fault_results):
    for spider, (_, outcomes) in fault_results.items():
        for _, result, rows in outcomes:
            for table in RECORD_TABLES:
                if result.db[table].exists():
                    pks = result.db[table].pks
                    key = ", ".join(f"[{k}]" for k in pks)
                    duplicated = list(
                        result.db.query(f"select {key}, count(*) as n from [{table}] group by {key} having n > 1")
                    )
                    assert not duplicated, (spider, table, duplicated)
