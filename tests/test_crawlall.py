"""`scrapy crawlall`: every spider, one summary table, non-zero exit when a source failed."""

import subprocess
import sys

import pytest

from tests.crawl import REPO, scrapy


@pytest.fixture(scope="module")
def spiders():
    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=REPO, capture_output=True, text=True)
    return listed.stdout.split()


def test_crawlall_twice_leaves_row_counts_unchanged_and_adds_a_run_per_spider(tmp_path, spiders):
    first = scrapy("crawlall", tmp_path)
    assert first.returncode == 0, first.output
    for spider in spiders:
        assert f"| {spider}" in first.output
    counts = {t: first.db[t].count for t in first.db.table_names() if t != "crawl_runs"}

    second = scrapy("crawlall", tmp_path)
    assert second.returncode == 0, second.output
    assert {t: second.db[t].count for t in counts} == counts
    runs_per_spider = {
        r["spider"]: r["n"] for r in second.db.query("select spider, count(*) n from crawl_runs group by 1")
    }
    assert runs_per_spider == {spider: 2 for spider in spiders}
    assert {r["status"] for r in second.db["crawl_runs"].rows} <= {"ok", "partial"}


def test_a_source_that_stored_items_before_and_now_stores_none_fails_the_run_and_the_exit_code(tmp_path, spiders):
    first = scrapy("crawlall", tmp_path)
    assert first.returncode == 0
    stored_before = first.last_run("registrar_lavote")["items"]
    assert stored_before > 0
    empty_snapshot = tmp_path / "empty-snapshot"
    empty_snapshot.mkdir()
    broken = scrapy("crawlall", tmp_path, settings={"SNAPSHOT_DIR": empty_snapshot})
    assert broken.returncode == 1
    assert "FAILED:" in broken.output
    last = next(broken.db.query("select * from crawl_runs where spider = 'registrar_lavote' order by started desc"))
    assert last["status"] == "failed"
    assert last["status_reason"] == f"stored 0 items where earlier runs stored up to {stored_before}"
