"""The public database: every table created on first run, WAL, indexes, idempotent re-runs."""

import sqlite_utils

from recallwatch.core.schema import INDEXES, create_indexes, drop_indexes_while_empty, open_database, table_specs
from tests.crawl import crawl, crawled

DESIGN_TABLES = {
    "targets", "campaigns", "committees", "filings", "filing_summaries", "contributions", "donors",
    "announcements", "petition_counts", "invalid_reasons", "articles", "article_mentions",
    "crawl_runs", "fetches", "rejects",
}  # fmt: skip


def test_every_design_table_exists_on_a_new_database_even_when_empty(tmp_path):
    db = open_database(tmp_path / "new.db")
    assert DESIGN_TABLES <= set(db.table_names())
    assert db["contributions"].count == 0
    assert db.journal_mode == "wal"


def test_design_key_columns_are_present(tmp_path):
    db = open_database(tmp_path / "new.db")
    contribution_columns = {
        "id", "filing_id", "committee_id", "schedule", "donor_id", "contributor_name", "entity_code", "city",
        "state", "zip", "employer", "occupation", "amount", "date", "current",
    }  # fmt: skip
    assert contribution_columns <= set(db["contributions"].columns_dict)
    assert {"id", "url", "fetched_at", "status", "sha256", "warc_file", "warc_offset"} <= set(
        db["fetches"].columns_dict
    )
    assert {"run_id", "spider", "url", "reason", "item"} <= set(db["rejects"].columns_dict)
    assert db["invalid_reasons"].pks == ["petition_count_id", "reason"]


def test_indexes_for_the_sites_joins_and_filters_exist(tmp_path):
    db = open_database(tmp_path / "new.db")
    for table, columns in INDEXES:
        assert columns in [index.columns for index in db[table].indexes], (table, columns)


def test_only_an_empty_table_is_loaded_without_its_secondary_indexes_but_the_filing_id_one(tmp_path):
    db = open_database(tmp_path / "new.db")
    wanted = [columns for table, columns in INDEXES if table == "contributions"]

    def indexed():
        return [columns for columns in wanted if columns in [index.columns for index in db["contributions"].indexes]]

    assert drop_indexes_while_empty(db, "contributions")
    # kept: rows come filing by filing, so it grows at its end
    assert indexed() == [["filing_id"]] and db["contributions"].pks == ["id"]
    create_indexes(db, "contributions")
    assert indexed() == wanted
    db["contributions"].insert({"id": "c1", "filing_id": "f1"})
    assert not drop_indexes_while_empty(db, "contributions")
    assert indexed() == wanted


def test_a_bulk_load_into_a_new_database_ends_with_every_index(tmp_path):
    result = crawled("filings_calaccess", tmp_path)
    assert result.db["contributions"].count
    for table, columns in INDEXES:
        assert columns in [index.columns for index in result.db[table].indexes], (table, columns)


def test_opening_an_existing_database_adds_new_columns_without_losing_rows(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    old["announcements"].insert({"id": "a1", "title": "kept"}, pk="id")
    db = open_database(path)
    assert db["announcements"].get("a1")["title"] == "kept"
    assert set(table_specs()["announcements"]["columns"]) <= set(db["announcements"].columns_dict)


def test_watchlist_targets_and_campaigns_are_loaded_on_every_run(tmp_path):
    result = crawl("registrar_lavote", tmp_path)
    targets = {row["id"]: row for row in result.db["targets"].rows}
    assert targets["george-gascon"]["name"] == "George Gascón"
    campaigns = {row["id"]: row for row in result.db["campaigns"].rows}
    assert campaigns["gascon-recall-2022"]["signatures_required"] == 566857
    assert campaigns["boudin-recall-2021-second"]["started"] == "2021-04-28"
    assert {"gascon-recall-2021", "boudin-recall-2021-first", "boudin-recall-election-2022",
            "krasner-impeachment-2022", "foxx-recall-bills-2022"} <= set(campaigns)  # fmt: skip


def test_running_the_same_crawl_twice_changes_no_row_count(tmp_path):
    first = crawl("registrar_lavote", tmp_path)
    counts = {t: first.db[t].count for t in first.db.table_names() if t != "crawl_runs"}
    second = crawl("registrar_lavote", tmp_path)
    assert second.returncode == 0, second.output
    assert {t: second.db[t].count for t in counts} == counts
    assert counts["announcements"] == 5
    runs = list(second.db.query("select status, items from crawl_runs order by started"))
    assert [r["status"] for r in runs] == ["ok", "ok"]
    assert runs[0]["items"] == sum(counts[t] for t in ("announcements", "petition_counts", "invalid_reasons"))
    assert runs[1]["items"] == 0  # nothing changed: nothing parsed again


def test_a_database_indexed_by_sqlite_utils_gets_no_index_twice(tmp_path):
    """Earlier releases built INDEXES with sqlite-utils' create_index: the same names now."""
    db = open_database(tmp_path / "old.db")
    for table in {table for table, _ in INDEXES}:
        for index in db[table].indexes:
            if index.origin == "c":
                db.execute(f"DROP INDEX [{index.name}]")
    for table, columns in INDEXES:
        db[table].create_index(columns)
    before = sorted(name for (name,) in db.execute("select name from sqlite_master where type = 'index'"))
    create_indexes(db)
    assert sorted(name for (name,) in db.execute("select name from sqlite_master where type = 'index'")) == before
