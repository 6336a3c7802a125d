"""The offline snapshot: recordings replay by URL, adding one is one command."""

import subprocess
import sys

import yaml

from recallwatch.runtime.snapshot import Snapshot, file_name_for
from tests.crawl import REPO, crawl, scrapy


def test_every_configured_spider_has_recordings_in_the_snapshot():
    spiders = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert spiders
    for spider in spiders:
        index = REPO / "snapshot" / spider / "recordings.yml"
        assert index.exists(), f"no snapshot recordings for {spider}"
        for entry in yaml.safe_load(index.read_text()):
            assert (index.parent / entry["file"]).exists(), entry


def test_lookup_ignores_query_order_and_fragments(tmp_path):
    snapshot = Snapshot(tmp_path)
    snapshot.add("news", "https://news.example/search?q=recall&hl=en", b"<rss/>", 200, {"Content-Type": "text/xml"})
    assert snapshot.lookup("https://news.example/search?hl=en&q=recall#top")["file"].endswith(".xml")
    assert snapshot.lookup("https://news.example/search?q=other") is None


def test_recording_the_same_url_again_replaces_it(tmp_path):
    snapshot = Snapshot(tmp_path)
    snapshot.add("news", "https://news.example/a", b"one", 200, {"Content-Type": "text/html"})
    snapshot.add("news", "https://news.example/a", b"two", 200, {"Content-Type": "text/html"})
    entries = snapshot.read_index("news")
    assert len(entries) == 1
    assert (tmp_path / "news" / entries[0]["file"]).read_bytes() == b"two"


def test_file_names_keep_known_extensions_and_tell_queries_apart():
    assert file_name_for("https://x.gov/efile_SFO_2021.zip", "application/zip") == "x.gov_efile_SFO_2021.zip"
    first = file_name_for("https://x.gov/resource.json?$offset=0", "application/json")
    second = file_name_for("https://x.gov/resource.json?$offset=1000", "application/json")
    assert first != second


def test_scrapy_record_adds_a_recording_that_a_crawl_then_replays(tmp_path):
    release = REPO / "tests" / "fixtures" / "foundation" / "good-release.html"
    url = "https://www.lavote.gov/home/records/news-releases/2022/added-by-hand"
    snapshot_dir = tmp_path / "snapshot"
    recorded = scrapy(
        "record", tmp_path, "registrar_lavote", url, str(release), settings={"SNAPSHOT_DIR": snapshot_dir}
    )
    assert recorded.returncode == 0, recorded.output
    entry = Snapshot(snapshot_dir).lookup(url)
    assert entry["headers"]["Content-Type"] == "text/html; charset=utf-8"

    result = crawl("registrar_lavote", tmp_path, f"url={url}", settings={"SNAPSHOT_DIR": snapshot_dir})
    assert [row["title"] for row in result.db["announcements"].rows] == ["Raw Count of Signatures Submitted"]
    assert result.db["fetches"].count == 1


def test_replay_never_touches_the_network_for_an_unrecorded_url(tmp_path):
    result = crawl(
        "registrar_lavote", tmp_path, "url=https://www.lavote.gov/not-recorded", settings={"SNAPSHOT_DIR": tmp_path}
    )
    assert [row["reason"] for row in result.db["rejects"].rows] == [
        "HTTP 404 (no recording in the snapshot for this URL)"
    ]
    assert result.db["fetches"].count == 0
