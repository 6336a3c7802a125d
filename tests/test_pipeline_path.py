"""One path through the pipelines: a single item becomes a RecordBatch of one as it enters, every
stage (in ITEM_PIPELINES order) handles only batches, and the store upserts only the columns a
row carries. The stages are driven in-process over a real database; the last tests crawl."""

import shutil

import pytest
import sqlite_utils
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

import settings as project
from pipelines.donors import donor_identity, resolve_unassigned_donors
from recallwatch.core.batch import RecordBatch, as_batch
from recallwatch.core.items import Announcement, Committee, Contribution, FilerCommittee
from recallwatch.runtime.provenance import DocumentDone
from tests.crawl import FIXTURES, crawl, file_url

STAGES = [path for path, _ in sorted(project.ITEM_PIPELINES.items(), key=lambda entry: entry[1])]


class Pipelines:
    """Every stage of ITEM_PIPELINES, built from one crawler, over a database in tmp_path."""

    def __init__(self, tmp_path, **settings):
        self.crawler = get_crawler(
            settings_dict={
                "DATABASE": str(tmp_path / "recalls.db"),
                "WATCHLIST": project.WATCHLIST,
                "STORE_BATCH_SIZE": 500,
                **settings,
            }
        )
        self.stages = [build_from_crawler(load_object(path), self.crawler) for path in STAGES]
        self.store = self.stages[-1]
        self.db = self.store.run.db

    def send(self, item):
        """The item through every stage; None when a stage drops it."""
        for stage in self.stages:
            try:
                item = stage.process_item(item)
            except DropItem:
                return None
        return item


@pytest.fixture
def pipelines(tmp_path):
    return Pipelines(tmp_path)


def committee(**fields):
    return Committee(**{"id": "c1", "name": "Friends of Nobody", "source": "test", "source_id": "1", **fields})


def test_the_stages_run_in_the_order_of_item_pipelines():
    names = [path.rsplit(".", 1)[1] for path in STAGES]
    assert names == [
        "FieldCoveragePipeline",
        "NormalizePipeline",
        "ValidatePipeline",
        "LinkPipeline",
        "DonorPipeline",
        "StorePipeline",
    ]


def test_a_single_item_becomes_a_batch_of_one_with_only_the_fields_it_has():
    item = committee(committee_type=None, fetch_id="f1")
    batch = as_batch(item)
    assert isinstance(batch, RecordBatch) and batch.item_class is Committee
    assert set(batch.fields) == {"committee_type", "id", "name", "source", "source_id"}  # not campaign_id...
    assert dict(zip(batch.fields, batch.rows[0], strict=True)) == {
        "committee_type": None,
        "id": "c1",
        "name": "Friends of Nobody",
        "source": "test",
        "source_id": "1",
    }
    assert batch.fetch_id == "f1"
    assert as_batch(batch) is batch
    done = DocumentDone("f1", 0)
    assert as_batch(done) is done


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_alone_takes_an_item_and_gives_a_batch(tmp_path, stage):
    crawler = Pipelines(tmp_path).crawler
    output = build_from_crawler(load_object(stage), crawler).process_item(committee())
    assert isinstance(output, RecordBatch) and len(output) == 1
    done = DocumentDone("f1", 0)
    assert build_from_crawler(load_object(stage), crawler).process_item(done) is done


def test_every_stage_gives_a_batch_and_the_store_writes_it(pipelines):
    output = pipelines.send(committee(name="  Friends of Nobody  "))
    assert isinstance(output, RecordBatch) and output.rows[0][output.fields.index("name")] == "Friends of Nobody"
    assert pipelines.db["committees"].count == 0  # waiting for the batch to fill or the time to pass
    pipelines.store.flush()
    assert pipelines.db["committees"].get("c1")["name"] == "Friends of Nobody"
    assert pipelines.crawler.stats.get_value("field_coverage/committees/name/filled") == 1
    assert pipelines.crawler.stats.get_value("field_coverage/committees/fppc_id/empty") == 1


def test_an_item_that_lacks_a_field_does_not_blank_what_an_earlier_item_stored(pipelines):
    pipelines.send(committee(committee_type="Recipient", fppc_id="1440000"))
    pipelines.store.flush()
    pipelines.send(committee(name="Friends of Nobody, Renamed"))
    pipelines.store.flush()
    stored = pipelines.db["committees"].get("c1")
    assert (stored["name"], stored["committee_type"], stored["fppc_id"]) == (
        "Friends of Nobody, Renamed",
        "Recipient",
        "1440000",
    )


@pytest.mark.parametrize("full_first", [True, False])
def test_items_of_one_table_with_different_fields_in_one_flush_are_written_in_the_order_they_came(
    pipelines, full_first
):
    full = committee(name="Full", committee_type="Recipient", fppc_id="1440000")
    partial = committee(name="Partial", agency="SFO")
    for item in (full, partial) if full_first else (partial, full):
        pipelines.send(item)
    pipelines.send(Committee(id="c2", name="Another", source="test", source_id="2", agency="LACO"))
    pipelines.store.flush()
    stored = pipelines.db["committees"].get("c1")
    assert stored["name"] == ("Partial" if full_first else "Full")  # the later item wins...
    assert (stored["committee_type"], stored["fppc_id"], stored["agency"]) == ("Recipient", "1440000", "SFO")
    assert pipelines.db["committees"].get("c2")["agency"] == "LACO"  # ...and blanks nothing


def test_an_insert_only_row_never_replaces_a_stored_one_and_is_replaced_by_a_real_one(pipelines):
    filer = {"id": "c1", "name": "filer 1", "source": "test", "source_id": "1"}
    pipelines.send(FilerCommittee(**filer))
    pipelines.store.flush()
    assert pipelines.db["committees"].get("c1")["name"] == "filer 1"
    pipelines.send(committee(committee_type="Recipient"))
    pipelines.send(FilerCommittee(**filer))  # after the named one, in the same flush
    pipelines.store.flush()
    stored = pipelines.db["committees"].get("c1")
    assert (stored["name"], stored["committee_type"]) == ("Friends of Nobody", "Recipient")


def announcement(number, published="2022-03-01"):
    return {
        "id": f"a{number}",
        "agency": "lavote",
        "url": f"https://example.org/{number}",
        "title": f"Release {number}",
        "published": published,
        "body": "Text",
    }


def test_invalid_items_and_rows_are_rejected_one_by_one_with_the_same_reasons(pipelines):
    bad = announcement(1, published="03/01/2022")
    assert pipelines.send(Announcement(**bad)) is None
    fields = tuple(announcement(0))
    rows = [tuple(announcement(n, "03/01/2022" if n == 3 else "2022-03-01").values()) for n in (2, 3, 4)]
    output = pipelines.send(RecordBatch(Announcement, fields, rows, fetch_id="f9"))
    assert [row[0] for row in output.rows] == ["a2", "a4"]
    reasons = [row["reason"] for row in pipelines.db.query("select reason from rejects order by item")]
    assert reasons == ["published: '03/01/2022' is not an ISO date (YYYY-MM-DD)"] * 2
    missing = dict(announcement(5))
    del missing["published"]
    with pytest.raises(DropItem, match="invalid announcements: 'published' is missing"):
        build_from_crawler(load_object(STAGES[2]), pipelines.crawler).process_item(Announcement(**missing))
    pipelines.store.flush()
    assert [row["id"] for row in pipelines.db.query("select id from announcements order by id")] == ["a2", "a4"]
    assert {row["fetch_id"] for row in pipelines.db.query("select fetch_id from announcements")} == {"f9"}


def test_a_fetch_is_marked_complete_in_the_transaction_that_stores_its_items(pipelines):
    pipelines.db["fetches"].insert({"id": "f1", "url": "https://example.org/1", "complete": None})
    pipelines.send(Announcement(**announcement(1), fetch_id="f1"))
    pipelines.send(DocumentDone("f1", 0))
    assert pipelines.db["fetches"].get("f1")["complete"] is None
    assert pipelines.db["announcements"].count == 0
    pipelines.store.flush()
    assert pipelines.db["fetches"].get("f1")["complete"] == 1
    assert pipelines.db["announcements"].get("a1")["fetch_id"] == "f1"


CONTRIBUTION = {
    "id": "r1",
    "filing_id": "f1",
    "source": "test",
    "schedule": "A",
    "contributor_name": "SMITH, JOHN A.",
    "contributor_last": "SMITH",
    "contributor_first": "JOHN A.",
    "entity_code": "IND",
    "zip": "94110-1234",
    "employer": "ACME INC",
    "amount": 100.0,
}


def test_the_donor_stage_gives_items_and_batch_rows_the_same_donor_and_the_store_writes_it(pipelines):
    item = pipelines.send(Contribution(**CONTRIBUTION))
    expected = donor_identity(CONTRIBUTION).id
    assert item.rows[0][item.fields.index("donor_id")] == expected
    assert pipelines.db["donors"].count == pipelines.db["contributions"].count == 0  # both wait
    other = {**CONTRIBUTION, "id": "r2", "contributor_name": "Smith, John", "contributor_first": "John"}
    batch = pipelines.send(RecordBatch(Contribution, tuple(other), [tuple(other.values())]))
    assert batch.rows[0][batch.fields.index("donor_id")] == expected
    # the spider's batch is written as it comes, with what waited, and the donor they name
    assert pipelines.db["contributions"].count == 2
    assert {row["donor_id"] for row in pipelines.db["contributions"].rows} == {expected}
    assert pipelines.db["donors"].get(expected)["name"] == "Smith, John"  # the most readable spelling


def test_the_rows_of_items_wait_for_a_full_batch(tmp_path):
    pipelines = Pipelines(tmp_path, STORE_BATCH_SIZE=3)
    for number in range(2):
        pipelines.send(Announcement(**announcement(number)))
    assert pipelines.db["announcements"].count == 0
    pipelines.send(Announcement(**announcement(2)))
    assert pipelines.db["announcements"].count == 3


def test_a_batch_the_spider_made_is_written_as_it_comes_without_indexes_while_the_table_was_empty(pipelines):
    fields = tuple(announcement(0))
    pipelines.send(RecordBatch(Announcement, fields, [tuple(announcement(n).values()) for n in range(2)]))
    assert pipelines.db["announcements"].count == 2

    def secondary_indexes():
        return [index.columns for index in pipelines.db["announcements"].indexes if index.origin == "c"]

    assert secondary_indexes() == []  # a first bulk load: built after it
    assert pipelines.store.create_deferred_indexes() == ["announcements"]
    assert secondary_indexes() == [["published"]]


# Real crawls


def test_a_bulk_crawl_gives_every_contribution_its_donor_in_the_pipeline(tmp_path):
    result = crawl("filings_calaccess", tmp_path, f"url={file_url(FIXTURES / 'filings_calaccess' / 'samples')}")
    assert result.returncode == 0, result.output[-3000:]
    db = result.db
    assert db["contributions"].count == 217
    assert db["contributions"].count_where("donor_id is null") == 0
    # The ids and names the end-of-run sweep would have given (it resolves nothing now)
    assigned = {row["id"]: row["donor_id"] for row in db["contributions"].rows}
    donors = sorted((row["id"], row["name"]) for row in db["donors"].rows)
    copy = tmp_path / "copy.db"
    shutil.copy(tmp_path / "recalls.db", copy)
    swept = sqlite_utils.Database(copy)
    swept.execute("update contributions set donor_id = null")
    swept.execute("delete from donors")
    swept.conn.commit()
    assert resolve_unassigned_donors(swept) == 217
    assert {row["id"]: row["donor_id"] for row in swept["contributions"].rows} == assigned
    assert sorted((row["id"], row["name"]) for row in swept["donors"].rows) == donors
    assert resolve_unassigned_donors(db) == 0


def data_tables(db, tables=("committees", "filings", "filing_summaries", "contributions", "donors")):
    return {table: sorted(tuple(row.values()) for row in db[table].rows) for table in tables}


def test_the_tables_do_not_depend_on_the_batch_size_or_the_flush_time(tmp_path):
    """An item spider's rows written at the end, one by one, and by time only."""
    tables = []
    for name, settings in {
        "defaults": {},
        "rows one by one": {"STORE_BATCH_SIZE": "1", "STORE_FLUSH_SECONDS": "0"},
        "written by time only": {"STORE_BATCH_SIZE": "100000", "STORE_FLUSH_SECONDS": "0.01"},
    }.items():
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        result = crawl("filings_netfile_export", folder, settings=settings)
        assert result.returncode == 0, result.output[-3000:]
        assert result.last_run("filings_netfile_export")["status"] == "ok"
        tables.append(data_tables(result.db))
    assert tables[0]["contributions"] and tables[0]["donors"]
    assert tables[0] == tables[1] == tables[2]
