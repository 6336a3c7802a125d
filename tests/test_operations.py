"""Runs an operator can leave alone: incremental, locked, killable, resumable, deployable."""

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlite_utils

from recallwatch.runtime.lock import CrawlLock, lock_path_for
from tests.crawl import REPO, crawl, scrapy
from tests.synthetic import LISTING_URL, build_registrar_snapshot, release_url

FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0"}


def table_rows(db, table, drop=("fetch_id",)):
    return sorted(tuple(v for k, v in row.items() if k not in drop) for row in db[table].rows)


# Incremental


def test_a_second_run_over_an_unchanged_source_stores_nothing_new_and_is_ok(tmp_path):
    snapshot = build_registrar_snapshot(tmp_path / "snapshot", releases=30)
    settings = {"SNAPSHOT_DIR": snapshot.root}
    crawl("registrar_lavote", tmp_path, settings=settings)
    second = crawl("registrar_lavote", tmp_path, settings=settings)
    run = second.last_run("registrar_lavote")
    assert (run["status"], run["items"]) == ("ok", 0)
    assert run["status_reason"] == "nothing new (1 documents unchanged, 30 stored ones not fetched again)"
    assert run["requests"] == 2  # robots.txt and the listing
    assert second.db["announcements"].count == 30


def test_a_changed_release_is_parsed_again_and_its_new_text_stored(tmp_path):
    build_registrar_snapshot(tmp_path / "before", releases=10)
    crawl("registrar_lavote", tmp_path, settings={"SNAPSHOT_DIR": tmp_path / "before"})
    build_registrar_snapshot(tmp_path / "after", releases=11, changed={3})
    second = crawl("registrar_lavote", tmp_path, settings={"SNAPSHOT_DIR": tmp_path / "after"})
    assert second.last_run("registrar_lavote")["items"] == 2  # release 3 edited, release 10 new
    edited = next(second.db.query("select body from announcements where url = ?", [release_url(3)]))
    assert "revision 1" in edited["body"]


def test_when_the_listing_changes_known_releases_are_asked_conditionally_and_answer_not_modified(tmp_path):
    build_registrar_snapshot(tmp_path / "before", releases=5, etags=True)
    crawl("registrar_lavote", tmp_path, settings={"SNAPSHOT_DIR": tmp_path / "before"})
    build_registrar_snapshot(tmp_path / "after", releases=6, etags=True)
    second = crawl("registrar_lavote", tmp_path, settings={"SNAPSHOT_DIR": tmp_path / "after"})
    run = second.last_run("registrar_lavote")
    assert '"recallwatch/not_modified": 5' in run["stats"]
    assert (run["status"], run["items"]) == ("ok", 1)
    assert second.db["fetches"].count == 8  # two listings, six releases: a 304 is not a new document


def test_incremental_off_parses_everything_again(tmp_path):
    snapshot = build_registrar_snapshot(tmp_path / "snapshot", releases=5)
    crawl("registrar_lavote", tmp_path, settings={"SNAPSHOT_DIR": snapshot.root})
    again = crawl("registrar_lavote", tmp_path, settings={"SNAPSHOT_DIR": snapshot.root, "INCREMENTAL": "0"})
    assert again.last_run("registrar_lavote")["items"] == 5


# No overlapping runs


def test_a_run_that_finds_the_lock_held_exits_with_a_clear_message(tmp_path):
    lock = CrawlLock(lock_path_for(tmp_path / "recalls.db")).acquire("scrapy crawlall (the running one)")
    try:
        result = crawl("registrar_lavote", tmp_path)
        assert result.returncode == 75
        assert f"another crawl is running on this database (pid {os.getpid()}" in result.output
        assert not result.db["crawl_runs"].exists()
        assert scrapy("crawlall", tmp_path).returncode == 75
    finally:
        lock.release()


def test_a_stale_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock_file = tmp_path / "recalls.db.lock"
    lock_file.write_text(f'{{"pid": {dead.stdout.strip()}, "command": "scrapy crawlall", "started": "yesterday"}}')
    result = crawl("registrar_lavote", tmp_path)
    assert result.returncode == 0
    assert f"Taking over a stale crawl lock left by pid {dead.stdout.strip()}" in result.output
    assert result.last_run("registrar_lavote")["status"] == "ok"


# Killed and interrupted runs


def start_crawl(tmp_path, snapshot_dir, *extra):
    settings = {
        "DATABASE": tmp_path / "recalls.db", "ARCHIVE_DIR": tmp_path / "archive", "SNAPSHOT_DIR": snapshot_dir,
        "SNAPSHOT_REPLAY": "1", "STORE_BATCH_SIZE": "20", "CONCURRENT_REQUESTS": "4", "DOWNLOAD_DELAY": "0.01",
        "AUTOTHROTTLE_ENABLED": "0", "LOG_LEVEL": "INFO",
    }  # fmt: skip
    argv = [sys.executable, "-m", "scrapy", "crawl", "registrar_lavote", *extra]
    for name, value in settings.items():
        argv += ["-s", f"{name}={value}"]
    return subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_for_rows(db_path, table, at_least, process, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the crawl ended before it could be interrupted: {process.stderr.read()[-2000:]}")
        try:
            if sqlite_utils.Database(db_path)[table].count >= at_least:
                return
        except Exception:  # the database may not exist yet
            pass
        time.sleep(0.05)
    pytest.fail("no rows appeared")


@pytest.fixture(scope="module")
def big_snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big-snapshot")
    build_registrar_snapshot(folder, releases=400)
    return folder


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, big_snapshot):
    tmp_path = tmp_path_factory.mktemp("uninterrupted")
    return crawl("registrar_lavote", tmp_path, settings={"SNAPSHOT_DIR": big_snapshot}).db


def test_a_killed_run_leaves_the_database_consistent_and_the_next_run_completes_the_work(
    tmp_path, big_snapshot, uninterrupted
):
    process = start_crawl(tmp_path, big_snapshot)
    wait_for_rows(tmp_path / "recalls.db", "announcements", 60, process)
    process.send_signal(signal.SIGKILL)
    process.wait()

    db = sqlite_utils.Database(tmp_path / "recalls.db")
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    stored = db["announcements"].count
    assert 60 <= stored < 400 and stored % 20 == 0  # whole batches only
    assert next(db.query("select status from crawl_runs"))["status"] == "running"

    rerun = crawl("registrar_lavote", tmp_path, settings={"SNAPSHOT_DIR": big_snapshot})
    assert rerun.last_run("registrar_lavote")["status"] == "ok"
    assert table_rows(rerun.db, "announcements") == table_rows(uninterrupted, "announcements")
    statuses = [(r["status"], r["status_reason"]) for r in rerun.db.query("select * from crawl_runs order by started")]
    assert statuses[0] == ("failed", "killed before it finished")


def test_an_interrupted_run_with_a_job_directory_resumes_where_it_stopped(tmp_path, big_snapshot, uninterrupted):
    jobdir = f"JOBDIR={tmp_path / 'job'}"
    process = start_crawl(tmp_path, big_snapshot, "-s", jobdir)
    wait_for_rows(tmp_path / "recalls.db", "announcements", 40, process)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=120) == 0
    first = sqlite_utils.Database(tmp_path / "recalls.db")
    assert next(first.query("select finish_reason from crawl_runs"))["finish_reason"] == "shutdown"
    assert first["announcements"].count < 400

    resumed = crawl("registrar_lavote", tmp_path, settings={"SNAPSHOT_DIR": big_snapshot, "JOBDIR": tmp_path / "job"})
    assert resumed.last_run("registrar_lavote")["finish_reason"] == "finished"
    assert table_rows(resumed.db, "announcements") == table_rows(uninterrupted, "announcements")
    # The resumed run did not fetch the listing again: it continued the saved queue.
    assert resumed.last_run("registrar_lavote")["requests"] < 400


def test_the_listing_url_of_the_synthetic_snapshot_is_the_spiders_configured_one():
    from crawlers.registrar_lavote import RegistrarLavoteSpider

    assert RegistrarLavoteSpider.listing_url == LISTING_URL


def test_rows_added_to_the_last_page_of_an_api_are_stored_by_the_next_incremental_run(tmp_path):
    from tests.local_server import local_server
    from tests.test_filings_datasf import rows, soda_server

    transactions = rows("transactions.json")[:14]  # pages of 4: the last page holds 2 rows
    filers = rows("filers.json")
    with local_server(soda_server(transactions, filers, [])) as (base, _):
        arguments = (f"base_url={base}/resource", "page_size=4")
        first = crawl("filings_datasf", tmp_path, *arguments, replay=False)
        assert first.db["contributions"].count == 14
        transactions.extend(rows("transactions.json")[14:])  # the source grows: page 4 fills up
        second = crawl("filings_datasf", tmp_path, *arguments, replay=False)
    assert second.last_run("filings_datasf")["status"] == "ok"
    assert second.db["contributions"].count == 16
