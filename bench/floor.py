"""The floor of an ingest bench: the least time any crawl that stores a file's contributions can
take on this machine, measured in the same run as the `.import` baseline. It is the sum of:

1. start-up and shutdown: the whole crawl of the same export with its header lines only (Scrapy,
   the pipelines, the end of the run on no rows);
2. insert: SQLite inserting the rows the crawl stored into an empty contributions table, with its
   primary key kept as rows come (as the crawl's table has it), copied by the sqlite3 CLI from the
   crawl's own database in the crawl's order (`INSERT ... SELECT`): no parsing, no Python between;
   less the time SQLite takes to read them there (a scan to each row's last column, timed alone);
3. indexes: SQLite building the table's other indexes after the insert, sorting on every core
   (`PRAGMA threads`, as the bulk writer does); the site's queries need them.

Left out, so the floor is below what a crawl needs: reading and checking the file, donors, the
totals rules, the donor classes. Inserts and index builds cannot overlap: SQLite has one writer,
and indexes kept as rows come are slower still (1,000,000 CAL-ACCESS rows copied so: 22 s, against
6.5 s for the insert and then the indexes). A target under the floor cannot be met on this machine
by a crawl that stores these rows and builds these indexes.
"""

import shutil
import sqlite3
import subprocess
import time

from recallwatch.core.sorting import SORT_THREADS


def header_only(source, target):
    """A copy of an export (a file, or a folder of files) with each file's first line only."""
    if source.is_dir():
        target.mkdir()
        for path in source.iterdir():
            header_only(path, target / path.name)
        return target
    with open(source, "rb") as file:
        target.write_bytes(file.readline())
    return target


def timed_sqlite(database, *statements):
    started = time.perf_counter()
    subprocess.run(["sqlite3", str(database), *statements], check=True, capture_output=True)
    return time.perf_counter() - started


def sqlite_work(crawled_database, database):
    """(insert seconds, index seconds) of SQLite storing the crawl's contributions again in
    `database` (a new file), by the sqlite3 CLI."""
    schema = sqlite3.connect(crawled_database)
    table = schema.execute("select sql from sqlite_master where type = 'table' and name = 'contributions'").fetchone()
    indexes = [sql for (sql,) in schema.execute(
        "select sql from sqlite_master where type = 'index' and tbl_name = 'contributions' and sql is not null"
    )]  # fmt: skip
    schema.close()
    last_column = schema_columns(crawled_database)[-1]
    read = min(timed_sqlite(crawled_database, f"SELECT count([{last_column}]) FROM contributions") for _ in range(3))
    timed_sqlite(database, "PRAGMA journal_mode = WAL", table[0])
    copy = timed_sqlite(
        database,
        "PRAGMA synchronous = NORMAL",
        f"ATTACH '{crawled_database}' AS crawled",
        "INSERT INTO contributions SELECT * FROM crawled.contributions ORDER BY rowid",
    )
    build = timed_sqlite(database, "PRAGMA synchronous = NORMAL", f"PRAGMA threads = {SORT_THREADS}", *indexes)
    return max(copy - read, 0.0), build


def schema_columns(database):
    connection = sqlite3.connect(database)
    try:
        return [row[1] for row in connection.execute("PRAGMA table_info(contributions)")]
    finally:
        connection.close()


def measure_floor(crawl, export, folder, **crawl_options):
    """{"start-up": s, "insert": s, "indexes": s}: `crawl(export, folder, **crawl_options)` is the
    bench's own crawl (its first value the elapsed seconds), run on the header-only copy."""
    work = folder / "floor"
    work.mkdir()
    empty = header_only(export, work / export.name)
    (work / "crawl").mkdir()
    startup = crawl(empty, work / "crawl", **crawl_options)[0]
    insert, build = sqlite_work(crawl_database(folder), work / "sqlite.db")
    shutil.rmtree(work)
    return {"start-up": startup, "insert": insert, "indexes": build}


def crawl_database(folder):
    """The database of the bench's column-path crawl."""
    return folder / "columns" / "recalls.db"


def floor_line(parts, baseline, target):
    """The floor, its parts, and its ratio without the start-up: what the floor of a larger file
    comes near (the start-up stays the same, the rest grows with the rows, the sorts a little faster)."""
    total = sum(parts.values())
    verdict = "under the floor: out of reach here" if total > target * baseline else "above the floor"
    detail = ", ".join(f"{name} {seconds:.2f}" for name, seconds in parts.items())
    rows_only = (parts["insert"] + parts["indexes"]) / baseline
    return (
        f"{total:7.2f} s = {total / baseline:5.2f}x .import  ({detail}; without the start-up {rows_only:.2f}x; "
        f"the {target}x target is {verdict})"
    )
