"""Every stored row points at its fetch; the fetch has the body's sha256; the WARC copy reads back."""

import hashlib

from warcio.archiveiterator import ArchiveIterator

from recallwatch.runtime.snapshot import Snapshot
from tests.crawl import REPO, crawl

FULL_COUNT_URL = (
    "https://www.lavote.gov/home/records/news-releases/2022/recall-petition-district-attorney-full-count-results"
)


def stored_fetch(db, url):
    announcement = next(db.query("select * from announcements where url = ?", [url]))
    return db["fetches"].get(announcement["fetch_id"])


def test_a_stored_rows_fetch_has_the_sha256_of_the_document(tmp_path):
    result = crawl("registrar_lavote", tmp_path)
    fetch = stored_fetch(result.db, FULL_COUNT_URL)
    recorded_body = open(Snapshot(REPO / "snapshot").lookup(FULL_COUNT_URL)["path"], "rb").read()
    assert fetch["sha256"] == hashlib.sha256(recorded_body).hexdigest()
    assert fetch["status"] == 200
    assert fetch["origin"] == "snapshot"


def test_the_warc_record_of_a_fetch_reads_back_to_the_same_body(tmp_path):
    result = crawl("registrar_lavote", tmp_path)
    fetch = stored_fetch(result.db, FULL_COUNT_URL)
    assert "/" not in fetch["warc_file"]  # a name within ARCHIVE_DIR, no local path published
    with open(tmp_path / "archive" / fetch["warc_file"], "rb") as warc:
        warc.seek(fetch["warc_offset"])
        record = next(iter(ArchiveIterator(warc)))
        body = record.content_stream().read()
    assert record.rec_type == "response"
    assert record.rec_headers.get_header("WARC-Target-URI") == FULL_COUNT_URL
    assert record.rec_headers.get_header("WARC-Record-ID") == fetch["warc_record_id"]
    assert record.http_headers.get_statuscode() == "200"
    assert hashlib.sha256(body).hexdigest() == fetch["sha256"]


def test_an_unchanged_document_fetched_again_keeps_one_fetch_row_and_one_archive_record(tmp_path):
    crawl("registrar_lavote", tmp_path)
    second = crawl("registrar_lavote", tmp_path)
    fetches = list(second.db.query("select * from fetches where url = ?", [FULL_COUNT_URL]))
    assert len(fetches) == 1
    assert fetches[0]["last_seen"] >= fetches[0]["fetched_at"]


def test_archiving_can_be_turned_off(tmp_path):
    result = crawl("registrar_lavote", tmp_path, settings={"ARCHIVE_ENABLED": "0"})
    fetch = stored_fetch(result.db, FULL_COUNT_URL)
    assert fetch["warc_file"] is None
    assert fetch["sha256"]
    assert not (tmp_path / "archive").exists()
