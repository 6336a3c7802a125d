"""News pages read in worker processes beside the crawl (NEWS_EXTRACT_WORKERS): the same rows as
read in the crawl's own process, a worker that dies costs only the page that killed it, and no more
pages than the cap are ever in flight. No timing is asserted."""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from recallwatch.runtime.reader_pool import Crashed, ReaderPool
from tests.crawl import FIXTURES, REPO, crawl, file_url, scrapy

NEWS = FIXTURES / "news"
COPIES = 3
CAP = 3
MAINTENANCE = "<html><head><title>Site under maintenance</title></head><body><p>Back soon.</p></body></html>"
# Columns that say when or in which run, and where in the run's WARC file (the order of the downloads)
RUN_COLUMNS = {"run_id", "first_run_id", "rejected_at", "fetched_at", "last_seen", "superseded_at", "started",
               "finished", "duration_s", "stats", "warc_file", "warc_offset", "warc_record_id"}  # fmt: skip


def news_pages(folder):
    """COPIES x every article page of the fixtures (the same story under several addresses: duplicates,
    an AMP copy, an edited story), and a maintenance page; their url_list."""
    folder.mkdir()
    names = sorted(path.name for path in NEWS.glob("*.html"))
    for copy in range(COPIES):
        for name in names:
            shutil.copy(NEWS / name, folder / f"{copy}-{name}")
    (folder / "maintenance.html").write_text(MAINTENANCE, encoding="utf-8")
    url_list = folder / "urls.txt"
    url_list.write_text("".join(f"{file_url(path)}\n" for path in sorted(folder.glob("*.html"))), encoding="utf-8")
    return url_list, len(names) * COPIES + 1


def table_rows(db):
    """Every table's rows without the columns that change from run to run, sorted."""
    tables = {}
    for table in db.table_names():
        if "_fts" in table:
            continue
        run_columns = RUN_COLUMNS | ({"id"} if table == "crawl_runs" else set())  # its id is the run id
        columns = [column for column in db[table].columns_dict if column not in run_columns]
        quoted = ", ".join(f"[{column}]" for column in columns)
        rows = db.execute(f"select {quoted} from [{table}]").fetchall()  # noqa: S608 (table names from the db)
        tables[table] = sorted((dict(zip(columns, row, strict=True)) for row in rows), key=repr)
    return tables


def stat(output, name):
    """A stat's value from the crawl's closing stats dump ("'news/extract/in_flight_max': 3,")."""
    line = next(line for line in output.splitlines() if f"'{name}':" in line)
    return int(line.split(":")[1].strip(" ,}"))


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("news_workers")
    url_list, pages = news_pages(tmp_path / "pages")
    results = {}
    for workers in (2, 0):
        folder = tmp_path / f"workers-{workers}"
        folder.mkdir()
        # One download at a time: the pages come in the list's order both ways (with more, local files
        # too come in whichever order they are read, as pages do from the network). The workers still
        # read several at once (up to CAP) and finish in any order: what is compared is that the rows
        # do not depend on that order.
        settings = {
            "NEWS_EXTRACT_WORKERS": str(workers),
            "NEWS_EXTRACT_MAX_IN_FLIGHT": str(CAP),
            "CONCURRENT_REQUESTS": "1",
        }
        results[workers] = crawl("news", folder, f"url_list={url_list}", settings=settings)
    return results, pages


def test_the_rows_are_the_same_with_workers_and_without(both_ways):
    results, pages = both_ways
    for result in results.values():
        assert result.returncode == 0, result.output
        assert result.last_run("news")["responses"] == pages
    with_workers, in_process = (table_rows(results[w].db) for w in (2, 0))
    assert with_workers.keys() == in_process.keys()
    for table in with_workers:
        assert with_workers[table] == in_process[table], table
    # what the rows hold, so that two empty crawls do not pass: every fixture page is an article but
    # the truncated one and the AMP copy and the edit of stories read under another address
    assert len(with_workers["articles"]) >= 8
    assert len(with_workers["article_versions"]) >= 1
    assert [r["reason"] for r in with_workers["rejects"]] == [
        "not an article: the page says 'under maintenance' (a maintenance or error page)"
    ]


def test_pages_in_flight_never_exceed_the_cap(both_ways):
    results, _ = both_ways
    output = results[2].output
    assert stat(output, "news/extract/workers") == 2
    assert stat(output, "news/extract/max_in_flight") == CAP
    assert 1 <= stat(output, "news/extract/in_flight_max") <= CAP
    assert stat(results[0].output, "news/extract/in_flight_max") <= CAP


# A worker killed on one page (as the kernel's out-of-memory killer or a crash in C code would):
# the crawl runs with the page reader replaced by one that kills its own process on that page.
KILLING_READER = """
import os, signal, sys
import recallwatch.parsers.news_reading as reading
read = reading.extract_article
def killing(html, url, **kwargs):
    if "KILL-THE-WORKER" in html and os.getpid() != CRAWL:
        os.kill(os.getpid(), signal.SIGKILL)
    return read(html, url, **kwargs)
CRAWL = os.getpid()
reading.extract_article = killing
from scrapy.cmdline import execute
sys.argv[0] = "scrapy"
execute()
"""


def test_a_worker_killed_on_a_page_rejects_that_page_and_the_crawl_finishes(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    names = ["appeal.html", "bolts.html", "examiner.html", "inquirer.html", "kqed.html", "laist.html"]
    for name in names:
        shutil.copy(NEWS / name, pages / name)
    deadly = pages / "deadly.html"
    deadly.write_text((NEWS / "bolts.html").read_text().replace("</body>", "<!-- KILL-THE-WORKER --></body>"))
    url_list = tmp_path / "urls.txt"
    url_list.write_text("".join(f"{file_url(pages / name)}\n" for name in [*names[:3], "deadly.html", *names[3:]]))
    settings = {"NEWS_EXTRACT_WORKERS": "2", "NEWS_EXTRACT_MAX_IN_FLIGHT": "4"}
    result = scrapy("crawl", tmp_path, "news", "-a", f"url_list={url_list}", settings=settings,
                    python=["-c", KILLING_READER])  # fmt: skip
    assert result.returncode == 0, result.output
    assert "'finish_reason': 'finished'" in result.output
    rejects = list(result.db.query("select url, reason from rejects"))
    assert [r["url"] for r in rejects] == ["file:deadly.html"]  # stored without the machine's folders
    assert rejects[0]["reason"].startswith("the page reader's worker process died reading this page")
    # the six others are stored (the deadly page is a copy of bolts.html: it would have been a duplicate)
    fetched = {r["url"] for r in result.db.query("select f.url from articles a join fetches f on f.id = a.fetch_id")}
    assert fetched == {f"file:{name}" for name in names}
    assert stat(result.output, "news/extract/crashed_pages") == 1
    assert stat(result.output, "news/extract/worker_deaths") >= 1


# --- the pool alone ---


class Stats(dict):
    def set_value(self, key, value):
        self[key] = value

    def inc_value(self, key):
        self[key] = self.get(key, 0) + 1

    def max_value(self, key, value):
        self[key] = max(self.get(key, value), value)


def slow_echo(state, value, delay):
    time.sleep(delay)
    return state, value, os.getpid()


def die(state, value, delay):
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("workers", [2, 0])
def test_results_come_back_in_turn_whatever_order_the_workers_finish_in(workers):
    stats = Stats()
    pool = ReaderPool(workers, state="run state", max_in_flight=CAP, stats=stats, stats_prefix="p")
    handed_back = []

    async def read(value):
        # the first pages are the slowest: the workers finish them last
        async with pool.reading(slow_echo, value, 0.05 * (6 - value)) as result:
            handed_back.append(result[:2])

    async def main():
        await asyncio.gather(*(read(value) for value in range(6)))

    try:
        asyncio.run(main())
    finally:
        pool.close()
    assert handed_back == [("run state", value) for value in range(6)]
    assert 1 <= stats["p/in_flight_max"] <= CAP


def test_a_page_that_kills_its_worker_is_crashed_and_the_others_are_read():
    stats = Stats()
    pool = ReaderPool(2, state=None, max_in_flight=4, stats=stats, stats_prefix="p")

    async def read(function, value):
        async with pool.reading(function, value, 0.01) as result:
            return result

    async def main():
        return await asyncio.gather(*(read(die if value == 2 else slow_echo, value) for value in range(5)))

    try:
        results = asyncio.run(main())
    finally:
        pool.close()
    assert isinstance(results[2], Crashed)
    assert [r[1] for i, r in enumerate(results) if i != 2] == [0, 1, 3, 4]
    assert stats["p/crashed_pages"] == 1


POOL_THEN_WAIT = """
import asyncio, sys, time
from recallwatch.runtime.reader_pool import ReaderPool
from tests.test_news_workers import slow_echo
pool = ReaderPool(2, state=None)
async def main():
    async with pool.reading(slow_echo, 0, 0) as result:
        print(result[2], flush=True)  # a worker's pid
    time.sleep(600)
asyncio.run(main())
"""


def alive(pid):
    """Running (a zombie waiting to be reaped is dead)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_no_worker_outlives_a_crawl_killed_with_sigkill():
    """It would go on holding the files it inherited: the crawl lock kept the next crawl out."""
    crawl_process = subprocess.Popen(
        [sys.executable, "-c", POOL_THEN_WAIT], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        worker = int(crawl_process.stdout.readline())
        assert alive(worker)
    finally:
        crawl_process.kill()
        crawl_process.wait()
    deadline = time.monotonic() + 30  # a bound on the wait, not a timing assertion
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(worker)


def test_a_worker_ends_on_sigterm_and_ignores_the_crawls_ctrl_c():
    """Workers are forked from the crawl: they must not keep Scrapy's signal handlers."""
    pool = ReaderPool(1, state=None)

    async def handlers():
        async with pool.reading(signal_handlers, 0, 0) as result:
            return result

    try:
        assert asyncio.run(handlers()) == (signal.SIG_IGN, signal.SIG_DFL)
    finally:
        pool.close()


def signal_handlers(state, value, delay):
    return signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)


def test_a_page_that_takes_too_long_is_crashed_and_the_others_are_read():
    stats = Stats()
    # a generous limit, so that a loaded machine does not make the quick pages late
    pool = ReaderPool(2, state=None, max_in_flight=4, stats=stats, stats_prefix="p", timeout=5)

    async def read(value):
        async with pool.reading(slow_echo, value, 600 if value == 1 else 0.01) as result:
            return result

    async def main():
        return await asyncio.gather(*(read(value) for value in range(4)))

    try:
        results = asyncio.run(main())
    finally:
        pool.close()
    assert results[1] == Crashed("the page reader took longer than 5 s on this page (NEWS_EXTRACT_TIMEOUT), twice")
    assert [r[1] for i, r in enumerate(results) if i != 1] == [0, 2, 3]
    assert stats["p/timeouts"] == 1
