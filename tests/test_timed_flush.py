"""Rows of a slow crawl are written within seconds (STORE_FLUSH_SECONDS), not only when a batch of
STORE_BATCH_SIZE fills up: real `scrapy crawl news -a url_list=...` processes against article
pages served over HTTP on 127.0.0.1, one request a second."""

import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from tests.crawl import REPO, crawl
from tests.local_server import local_server

PAGES = 40
WORDS = (
    "council budget court ballot county office petition signature voters registrar review count "
    "campaign donors committee filing deadline hearing judge appeal district attorney policy crime "
    "prosecutor reform jail bail charge community meeting statement spokesperson election result"
).split()
HANGING = "/hang.html"  # answered only after HANG_SECONDS


def page_html(number):
    """An article page of its own: a title, a date, and text no other page shares."""
    rng = random.Random(number)
    paragraphs = "\n".join(f"<p>{' '.join(rng.choice(WORDS) for _ in range(40)).capitalize()}.</p>" for _ in range(6))
    title = f"Story {number}: George Gascón recall update {rng.randint(1000, 9999)}"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2022-03-{1 + number % 28:02d}T10:00:00+00:00">
</head><body><main><article><h1>{title}</h1>
<p>Los Angeles County District Attorney George Gascón faced a new recall update, number {number}.</p>
{paragraphs}
</article></main></body></html>""".encode()


@contextmanager
def article_server(hang_seconds=60):
    """The article pages on 127.0.0.1; HANGING is answered only after hang_seconds (or at the end)."""
    stop = threading.Event()

    def respond(path, headers):
        if path == HANGING:
            stop.wait(hang_seconds)
            return 200, page_html(999)
        if path.startswith("/story/"):
            return 200, page_html(int(path.split("/")[2].split(".")[0]))
        return 404, b"not found"

    with local_server(respond, content_type="text/html; charset=utf-8") as (base, _requests):
        try:
            yield base
        finally:
            stop.set()


def url_list(tmp_path, urls):
    path = tmp_path / "urls.txt"
    path.write_text("\n".join(urls) + "\n")
    return path


def start_crawl(tmp_path, urls, settings):
    argv = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url_list={url_list(tmp_path, urls)}"]
    all_settings = {
        "DATABASE": tmp_path / "recalls.db",
        "ARCHIVE_DIR": tmp_path / "archive",
        "AUTOTHROTTLE_ENABLED": "0",
        "LOG_LEVEL": "INFO",
        **settings,
    }
    for name, value in all_settings.items():
        argv += ["-s", f"{name}={value}"]
    return subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def count(db_path, sql):
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # no database or table yet
        return 0


def wait_until(condition, timeout, process):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            pytest.fail(f"the crawl ended early: {process.stderr.read()[-3000:]}")
        time.sleep(0.1)
    return False


def kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait()


FETCHED_STORIES = "select count(*) from fetches where url like '%/story/%'"


def test_rows_are_written_by_the_timer_while_no_new_item_comes(tmp_path):
    """One page, then a page that takes a minute to answer: no item arrives after the first
    page's, so only the timer can write its rows (default STORE_FLUSH_SECONDS: 5)."""
    with article_server() as base:
        process = start_crawl(tmp_path, [f"{base}/story/1.html", f"{base}{HANGING}"], {"DOWNLOAD_DELAY": "0"})
        try:
            db = tmp_path / "recalls.db"
            assert wait_until(lambda: count(db, FETCHED_STORIES) == 1, 60, process), "the page was not fetched"
            fetched = time.monotonic()
            assert wait_until(lambda: count(db, "select count(*) from articles") == 1, 5 + 10, process)
            waited = time.monotonic() - fetched
            assert process.poll() is None  # still waiting for the hanging page
            assert count(db, "select count(*) from fetches where complete = 1 and url like '%/story/1.html'") == 1
            assert count(db, "select count(*) from article_mentions") > 0
        finally:
            kill(process)
    assert waited < 5 + 10


def data_tables(db_path):
    """Every data table's rows (sorted), without the times of the run."""
    times = {"fetched_at", "last_seen", "warc_file", "warc_offset", "warc_record_id", "etag", "last_modified"}
    with sqlite3.connect(db_path) as db:
        tables = {}
        for table in ("articles", "article_urls", "article_mentions", "article_versions", "fetches"):
            cursor = db.execute(f"select * from [{table}]")
            names = [column[0] for column in cursor.description]
            tables[table] = sorted(
                json.dumps({k: v for k, v in zip(names, row, strict=True) if k not in times}, sort_keys=True)
                for row in cursor
            )
    return tables


def test_a_slow_crawl_killed_after_10_seconds_has_stored_rows_and_a_rerun_ends_as_an_uninterrupted_run(tmp_path):
    killed_folder, reference_folder = tmp_path / "killed", tmp_path / "reference"
    killed_folder.mkdir()
    reference_folder.mkdir()
    with article_server() as base:
        urls = [f"{base}/story/{number}.html" for number in range(PAGES)]
        slow = {"DOWNLOAD_DELAY": "1", "CONCURRENT_REQUESTS": "1"}
        process = start_crawl(killed_folder, urls, slow)
        db = killed_folder / "recalls.db"
        try:
            assert wait_until(lambda: count(db, FETCHED_STORIES) >= 1, 60, process), "nothing was fetched"
            time.sleep(10)
            assert process.poll() is None
        finally:
            kill(process)
        stored = count(db, "select count(*) from articles")
        fetched = count(db, FETCHED_STORIES)
        # Rows are there, written by time: far fewer than STORE_BATCH_SIZE (500) of them
        assert 0 < stored < PAGES, (stored, fetched)
        # No document counts as complete without its rows (rows may be stored before their fetch is
        # marked complete: the rerun parses that document again)
        complete_without_rows = (
            "select count(*) from fetches f where f.complete = 1 and f.url like '%/story/%' "
            "and not exists (select 1 from articles a where a.fetch_id = f.id)"
        )
        assert count(db, complete_without_rows) == 0
        assert count(db, "select count(*) from fetches where complete = 1 and url like '%/story/%'") > 0
        with sqlite3.connect(db) as connection:
            assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"

        rerun = crawl("news", killed_folder, f"url_list={killed_folder / 'urls.txt'}", replay=False)
        assert rerun.returncode == 0, rerun.output[-3000:]
        assert rerun.last_run("news")["status"] == "ok"
        url_list(reference_folder, urls)
        reference = crawl("news", reference_folder, f"url_list={reference_folder / 'urls.txt'}", replay=False)
        assert reference.returncode == 0, reference.output[-3000:]

    assert count(db, "select count(*) from articles") == PAGES
    assert data_tables(db) == data_tables(reference_folder / "recalls.db")
    statuses = [row["status"] for row in rerun.db.query("select status from crawl_runs order by started")]
    assert statuses == ["failed", "ok"]  # the killed run, marked by the next one
