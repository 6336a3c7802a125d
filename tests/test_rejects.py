"""Bad input gets a clear reason in `rejects`, loses nothing good, and the run says `partial`."""

import io
import json
import zipfile

import pytest

from pipelines.validate import problems
from recallwatch.core.items import Announcement
from recallwatch.runtime.snapshot import Snapshot
from tests.crawl import FIXTURES, crawl, file_url

LISTING = FIXTURES / "foundation" / "listing.html"
GOOD_RELEASE = FIXTURES / "foundation" / "good-release.html"


@pytest.fixture(scope="module")
def broken_crawl(tmp_path_factory):
    return crawl(
        "registrar_lavote",
        tmp_path_factory.mktemp("broken"),
        f"listing_url={file_url(LISTING)}",
        r"release_path=\.html$",
    )


def reasons_by_url(db):
    return {row["url"].rsplit("/", 1)[-1].removeprefix("file:"): row for row in db["rejects"].rows}


def test_an_item_missing_a_required_field_is_rejected_with_the_reason_and_the_item(broken_crawl):
    reject = reasons_by_url(broken_crawl.db)["release-without-date.html"]
    assert reject["reason"] == "published is missing"
    assert reject["item_type"] == "announcements"
    assert json.loads(reject["item"])["title"] == "Notice"
    assert reject["fetch_id"]


def test_a_document_that_cannot_be_fetched_is_rejected_with_the_error(broken_crawl):
    reject = reasons_by_url(broken_crawl.db)["missing-release.html"]
    assert reject["reason"].startswith("download failed: FileNotFoundError")


def test_the_good_rows_are_stored_and_the_run_is_partial(broken_crawl):
    assert [row["title"] for row in broken_crawl.db["announcements"].rows] == ["Raw Count of Signatures Submitted"]
    run = broken_crawl.last_run("registrar_lavote")
    stored = broken_crawl.db["announcements"].count + broken_crawl.db["petition_counts"].count
    assert (run["status"], run["items"], run["rejects"]) == ("partial", stored, 2)
    assert {row["run_id"] for row in broken_crawl.db["rejects"].rows} == {run["id"]}
    assert broken_crawl.returncode == 0


def test_error_responses_and_unparseable_pages_are_rejected_and_the_crawl_goes_on(tmp_path):
    listing_url = "https://www.lavote.gov/home/records/news-releases"
    snapshot = Snapshot(tmp_path / "snapshot")
    links = "".join(
        f'<li><a href="{listing_url}/2022/{name}">{name}</a></li>' for name in ("ok", "error", "binary", "absent")
    )
    listing = f'<html><body><main><ul class="news-list">{links}</ul></main></body></html>'
    snapshot.add("registrar_lavote", listing_url, listing.encode(), 200, {"Content-Type": "text/html"})
    snapshot.add(
        "registrar_lavote", f"{listing_url}/2022/ok", GOOD_RELEASE.read_bytes(), 200, {"Content-Type": "text/html"}
    )
    snapshot.add("registrar_lavote", f"{listing_url}/2022/error", b"Server Error", 500, {"Content-Type": "text/html"})
    zip_body = io.BytesIO()
    with zipfile.ZipFile(zip_body, "w") as archive:
        archive.writestr("export.bin", bytes(range(256)) * 8)
    snapshot.add(
        "registrar_lavote", f"{listing_url}/2022/binary", zip_body.getvalue(), 200, {"Content-Type": "application/zip"}
    )

    result = crawl(
        "registrar_lavote", tmp_path, f"listing_url={listing_url}",
        settings={"SNAPSHOT_DIR": str(tmp_path / "snapshot"), "RETRY_TIMES": "1"},
    )  # fmt: skip
    reasons = {row["url"].rsplit("/", 1)[-1]: row["reason"] for row in result.db["rejects"].rows}
    assert reasons["error"] == "HTTP 500"
    assert reasons["absent"] == "HTTP 404 (no recording in the snapshot for this URL)"
    assert reasons["binary"].startswith("could not parse: AttributeError")
    assert [row["title"] for row in result.db["announcements"].rows] == ["Raw Count of Signatures Submitted"]
    assert result.last_run("registrar_lavote")["status"] == "partial"


def test_validation_reasons_name_every_problem():
    item = Announcement(id="x", agency="RR/CC", url="lavote.gov/x", title="T", published="08/15/2022", body="b")
    assert problems(item) == [
        "url: 'lavote.gov/x' is not an http(s) or file URL",
        "published: '08/15/2022' is not an ISO date (YYYY-MM-DD)",
    ]


def test_a_wrong_type_is_reported_with_the_value():
    item = Announcement(id="x", agency="RR/CC", url="https://a.b/x", title=3, published="2022-08-15", body="b")
    assert problems(item) == ["title: 3 is not of type 'string'"]
