"""What an outside attack and a careless operator found (issue 13), each reproduced."""

import json
import os

from recallwatch.core import totals
from recallwatch.core.schema import open_database
from recallwatch.runtime.lock import CrawlLock, lock_path_for
from tests.crawl import FIXTURES, crawl, file_url


def test_the_same_database_through_a_symlink_takes_the_same_lock(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link.db").symlink_to(real / "recalls.db")
    (tmp_path / "linked-folder").symlink_to(real, target_is_directory=True)
    lock = CrawlLock(lock_path_for(real / "recalls.db")).acquire("scrapy crawlall (the running one)")
    try:
        for database in (tmp_path / "link.db", tmp_path / "linked-folder" / "recalls.db"):
            result = crawl("registrar_lavote", tmp_path, settings={"DATABASE": str(database)})
            assert result.returncode == 75, result.output[-2000:]
            assert f"another crawl is running on this database (pid {os.getpid()}" in result.output
        assert not (real / "recalls.db").exists()  # the second crawl wrote nothing
    finally:
        lock.release()


def test_a_local_file_larger_than_the_size_limit_is_rejected_not_read(tmp_path):
    page = tmp_path / "huge.html"
    page.write_text("<html><head><title>Recall news</title></head><body>" + "<p>Gascon recall.</p>" * 60_000)
    data = tmp_path / "huge.json"
    data.write_text("[" + ",".join(['{"filer_nid": "1", "transaction_amount_1": "5.00"}'] * 40_000) + "]")
    limit = {"DOWNLOAD_MAXSIZE": "1000000"}
    for spider, document in (("news", page), ("filings_datasf", data)):
        result = crawl(spider, tmp_path, f"url={file_url(document)}", settings=limit)
        assert result.returncode == 0, result.output[-2000:]
        size = document.stat().st_size
        reasons = [row["reason"] for row in result.db.query("select reason from rejects where spider = ?", [spider])]
        assert reasons == [
            "download failed: response larger than the size limit (DOWNLOAD_MAXSIZE): "
            f"the file is {size} bytes, larger than download max size (1000000)"
        ]
        assert result.last_run(spider)["status"] != "ok"
    assert not result.db["articles"].exists() or result.db["articles"].count == 0


def test_a_negative_line_5_shows_the_loans_that_made_it_so(tmp_path):
    """A Berkeley candidate's Form 460: $4,350 itemized, a $4,755 loan repaid, line 5 = -405."""
    db = open_database(tmp_path / "recalls.db")
    db["committees"].insert({"id": "c1", "name": "Candidate 2022", "source": "s", "source_id": "1"})
    db["filings"].insert(
        {"id": "f1", "committee_id": "c1", "source": "s", "report_id": "r1", "form_type": "F460", "amendment": 0}
    )
    db["filing_summaries"].insert_all(
        [
            {"filing_id": "f1", "form_type": "F460", "line": "1", "amount_period": 4350.0},
            {"filing_id": "f1", "form_type": "F460", "line": "2", "amount_period": -4755.0},
            {"filing_id": "f1", "form_type": "F460", "line": "5", "amount_period": -405.0},
        ]
    )
    db["contributions"].insert(
        {"id": "k1", "filing_id": "f1", "committee_id": "c1", "source": "s", "schedule": "A", "amount": 4350.0}
    )
    totals.apply_totals_rules(db, "s")
    row = next(db.query("select * from committee_totals where committee_id = 'c1'"))
    assert (row["total_raised"], row["loans_in_summary"], row["itemized_total"]) == (-405.0, -4755.0, 4350.0)


def test_a_document_given_as_a_local_file_publishes_no_local_path(tmp_path):
    folder = tmp_path / "operator's files"
    folder.mkdir()
    page = folder / "gascon-recall.html"
    page.write_bytes((FIXTURES / "site" / "hostile_article.html").read_bytes())
    broken = folder / "broken.json"
    broken.write_text('{"error": true, "message": "not a dataset"}')
    assert crawl("news", tmp_path, f"url={file_url(page)}").returncode == 0
    result = crawl("filings_datasf", tmp_path, f"url={file_url(broken)}")
    fetched = {row["url"] for row in result.db.query("select url from fetches")}
    assert fetched == {"file:gascon-recall.html", "file:broken.json"}
    assert {row["url"] for row in result.db.query("select url from rejects")} == {"file:broken.json"}
    for table in result.db.table_names():
        for row in result.db[table].rows:
            assert str(tmp_path) not in json.dumps(row, default=str), table
