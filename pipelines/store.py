"""Storage: upserts on each table's natural key, so running the same crawl twice changes no row
count. The rows of single items wait until a table has STORE_BATCH_SIZE of them, or until
STORE_FLUSH_SECONDS have passed since the oldest one arrived (a timer checks even when no new row
comes, so a slow crawl shows its rows within seconds); a batch the spider made (a bulk export's
thousands of rows) is written as it comes, and ColumnBatches (rows held column by column) once
STORE_BULK_ROWS of their rows wait, their tuples made from whole columns as they are written.
Everything waiting is written in one transaction: the rows, the donors they name
(pipelines/donors.py) and the fetches whose last rows they are (marked `complete`). Readers never
see half of a batch, and a killed run leaves no fetch complete whose rows are missing. A table
whose first rows come in a spider's batch is loaded without its secondary indexes while it is
empty; they are built after the load, in one pass each.

An upsert sets only the columns a row carries: rows are written in the order they came, each
run of rows with the same fields by one prepared `INSERT ... ON CONFLICT (key) DO UPDATE SET`
of those columns, so an item that lacks a field never blanks what an earlier one stored.

The last rows are written by the end of the run (recallwatch/runtime/end_of_run.py), which calls
`close` before the totals rules read the tables, and `create_deferred_indexes`.
"""

import gc
import logging
import os
import sqlite3
import time
from collections import Counter
from itertools import repeat

from twisted.internet import task

from pipelines.donors import DonorBook
from recallwatch.core.batch import ColumnBatch, RecordBatch, as_batch
from recallwatch.core.schema import create_indexes, drop_indexes_while_empty, index_statements
from recallwatch.runtime.bulk_writer import STAGED_ROWS, BulkWriter, sqlite_types
from recallwatch.runtime.provenance import DocumentDone
from recallwatch.runtime.run import Run

logger = logging.getLogger(__name__)


def index_statements_of(tables):
    return [statement for table in tables for statement in index_statements(table)]


def upsert_statement(item_class, fields, staged=False, fetch_id=None):
    """The upsert of rows carrying `fields` (and their fetch_id, last), given as parameters, or,
    `staged`, read from the bulk writer's STAGED_ROWS with `fetch_id` as their fetch_id. An
    `insert_only` item (a stand-in row, such as a committee known only by its filer id) never
    replaces a stored row."""
    columns = [*fields, "fetch_id"]
    updates = ", ".join(f"[{column}] = excluded.[{column}]" for column in columns if column not in item_class.key)
    conflict = "DO NOTHING" if item_class.insert_only else f"DO UPDATE SET {updates}"
    if staged:  # `WHERE true`: SQLite's rule for an upsert reading a SELECT
        selected = ", ".join(f"[{field}]" for field in fields)
        rows = f"SELECT {selected}, {sql_literal(fetch_id)} FROM {STAGED_ROWS} WHERE true"
    else:
        rows = f"VALUES ({', '.join('?' for _ in columns)})"
    return (
        f"INSERT INTO [{item_class.table}] ({', '.join(f'[{column}]' for column in columns)}) {rows} "
        f"ON CONFLICT ({', '.join(item_class.key)}) {conflict}"
    )


def sql_literal(text):
    return "NULL" if text is None else "'" + str(text).replace("'", "''") + "'"


def column_rows(batch, slice_rows=5000):
    """The rows of a ColumnBatch as lists of tuples (its fields, then its fetch_id), `slice_rows`
    at a time (memory stays flat however many rows wait). Made without the cyclic garbage
    collector: it would scan the heap again and again while a million new tuples are made (a third
    of the time), and tuples of text and numbers make no cycle."""
    for part in batch.data.to_batches(max_chunksize=slice_rows):
        enabled = gc.isenabled()
        gc.disable()
        try:
            columns = [column.to_pylist() for column in part.columns]
            rows = list(zip(*columns, repeat(batch.fetch_id, part.num_rows), strict=True))
        finally:
            if enabled:
                gc.enable()
        yield rows


class StorePipeline:
    def __init__(self, crawler):
        self.run = Run.of(crawler)
        self.run.store = self  # the end of the run flushes it first
        self.donors = DonorBook.of(self.run)
        self.batch_size = crawler.settings.getint("STORE_BATCH_SIZE")
        self.flush_seconds = crawler.settings.getfloat("STORE_FLUSH_SECONDS", 5.0)
        # Spider-made ColumnBatches wait until they hold this many rows: one transaction each
        self.bulk_rows = crawler.settings.getint("STORE_BULK_ROWS", 20_000)
        self.pending_bulk_rows = 0
        # [item class, fields, rows (values + fetch_id) or a ColumnBatch], in the order they came
        self.pending = []
        self.pending_per_table = Counter()
        self.completed_fetches = []  # DocumentDone markers of the pending rows' documents
        self.oldest = None  # time.monotonic() when the oldest pending row or marker came
        self.statements = {}
        self.written_tables = set()
        self.bulk_tables = set()  # tables of the spider-made batches waiting
        self.unindexed_tables = []  # tables a first bulk load filled without their secondary indexes
        self.timer = None
        # ColumnBatches go to the bulk writer process (recallwatch/runtime/bulk_writer.py), started
        # at the first of them; BULK_WRITER=0 writes them here, as tuples
        self.use_bulk_writer = crawler.settings.getbool("BULK_WRITER")
        self.database_path = crawler.settings.get("DATABASE")
        self.bulk_writer = None
        self.awaiting_commit = []  # (bulk writer commit number, the DocumentDone markers it completes)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        if self.flush_seconds > 0:
            self.timer = task.LoopingCall(self.flush_if_due)
            self.timer.start(min(1.0, self.flush_seconds / 4), now=False)

    def process_item(self, item):
        batch = as_batch(item)
        if self.run.database_error:
            return batch  # nothing more can be written; the crawl is stopping
        if isinstance(batch, DocumentDone):
            self.completed_fetches.append(batch)
        elif isinstance(batch, RecordBatch | ColumnBatch):
            self.add(batch)
        else:
            return batch
        if self.oldest is None:
            self.oldest = time.monotonic()
        if isinstance(batch, ColumnBatch):
            due = self.pending_bulk_rows >= self.bulk_rows
        else:
            due = isinstance(batch, RecordBatch) and (
                not batch.from_item or self.pending_per_table[batch.table] >= self.batch_size
            )
        if due:
            self.flush()
        else:
            self.flush_if_due()
        return batch

    def add(self, batch):
        if isinstance(batch, ColumnBatch):  # its rows are made as it is written
            self.pending.append([batch.item_class, batch.fields, batch])
            self.pending_bulk_rows += len(batch)
        else:
            fetch_id = (batch.fetch_id,)
            rows = [row + fetch_id for row in batch.rows]
            last = self.pending[-1] if self.pending else None
            if last and last[0] is batch.item_class and last[1] == batch.fields and isinstance(last[2], list):
                last[2].extend(rows)
            else:
                self.pending.append([batch.item_class, batch.fields, rows])
        self.pending_per_table[batch.table] += len(batch)
        if not batch.from_item:
            self.bulk_tables.add(batch.table)
        self.run.items_stored += len(batch)

    def flush_if_due(self):
        """Write what is waiting when the oldest of it has waited STORE_FLUSH_SECONDS."""
        if self.oldest is None or self.flush_seconds <= 0 or time.monotonic() - self.oldest < self.flush_seconds:
            return
        try:
            self.flush()
        except Exception:
            # The timer calls this too: log and try again on the next tick (the rows stay pending)
            logger.exception("Could not write %s waiting rows", sum(self.pending_per_table.values()))

    def flush(self):
        """Write every waiting row, the donors they name and the completed fetches, in one transaction.
        When the database cannot be written (disk full, read-only), the run stops and fails with
        the cause; the waiting rows are dropped, and their fetches stay incomplete, so the next run
        reads those documents again."""
        if not self.pending and not self.completed_fetches:
            self.oldest = None
            return
        try:
            self.write_pending()
        except sqlite3.DatabaseError as error:
            self.run.database_failed(error)  # nothing more is written in this run
        self.pending.clear()
        self.pending_bulk_rows = 0
        self.pending_per_table.clear()
        self.bulk_tables.clear()
        self.completed_fetches.clear()
        self.oldest = None

    def write_pending(self):
        if self.use_bulk_writer and all(isinstance(rows, ColumnBatch) for _, _, rows in self.pending) and self.pending:
            self.write_through_bulk_writer()
            return
        if self.bulk_writer is not None:
            self.bulk_writer.wait()  # its rows first: rows written here come later in the export
        db = self.run.db
        with db.atomic():
            self.drop_indexes_of_new_tables()
            for item_class, fields, rows in self.pending:
                statement = self.statement(item_class, fields)
                if isinstance(rows, ColumnBatch):
                    for part in column_rows(rows):
                        db.conn.executemany(statement, part)
                else:
                    db.conn.executemany(statement, rows)
            self.donors.write()
            # In the same transaction as their items: a fetch is complete only if its items are stored.
            self.mark_complete(self.completed_fetches + self.fetches_committed())
        self.donors.committed()

    def write_through_bulk_writer(self):
        """The waiting ColumnBatches, written by the bulk writer in one transaction of its own; the
        donors they name are written here first. Their fetches are marked complete once the bulk
        writer says their rows are committed (a later flush, or `close`)."""
        db = self.run.db
        with db.atomic():
            self.drop_indexes_of_new_tables()
            self.donors.write()
            self.mark_complete(self.fetches_committed())
        self.donors.committed()
        if self.bulk_writer is None:
            # By its real path: the writer's SQLite names the -wal and -shm files after it
            self.bulk_writer = BulkWriter(os.path.realpath(self.database_path))
        for item_class, fields, batch in self.pending:
            statement = upsert_statement(item_class, fields, staged=True, fetch_id=batch.fetch_id)
            self.bulk_writer.write(statement, sqlite_types(batch.data), item_class.table, batch.fetch_id)
        self.awaiting_commit.append((self.bulk_writer.commit(), list(self.completed_fetches)))

    def statement(self, item_class, fields):
        key = (item_class, fields)
        if key not in self.statements:
            self.statements[key] = upsert_statement(item_class, fields)
        return self.statements[key]

    def drop_indexes_of_new_tables(self):
        db = self.run.db
        for table in self.pending_per_table:
            if table not in self.written_tables:
                self.written_tables.add(table)
                if table in self.bulk_tables and drop_indexes_while_empty(db, table):
                    self.unindexed_tables.append(table)

    def fetches_committed(self):
        """The DocumentDone markers whose rows the bulk writer has committed (forgotten here: the
        caller marks them complete)."""
        if self.bulk_writer is None:
            return []
        done = [entry for entry in self.awaiting_commit if self.bulk_writer.done(entry[0])]
        self.awaiting_commit = [entry for entry in self.awaiting_commit if entry not in done]
        return [marker for _, markers in done for marker in markers]

    def mark_complete(self, markers):
        self.run.db.conn.executemany(
            "UPDATE fetches SET complete = 1, links = ? WHERE id = ?",
            [(done["links"], done["fetch_id"]) for done in markers],
        )

    def close(self):
        """Stop the timer and write the last rows (the end of the run's first step)."""
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.flush()
        if self.bulk_writer is not None:
            try:
                self.bulk_writer.wait()
                with self.run.db.atomic():
                    self.mark_complete(self.fetches_committed())
            except sqlite3.DatabaseError as error:
                self.run.database_failed(error)
            if not self.unindexed_tables:
                self.close_bulk_writer()

    def close_bulk_writer(self):
        """Let the bulk writer end (it stays after the load to build the deferred indexes) and
        keep what it did in the run's stats."""
        writer, self.bulk_writer = self.bulk_writer, None
        if writer is None:
            return
        try:
            writer.close()
        finally:
            kept = {"rows": writer.rows, "commits": writer.sent, "peak_mb": writer.peak_mb,
                    "private_peak_mb": writer.private_peak_mb}  # fmt: skip
            self.run.crawler.stats.set_value("recallwatch/bulk_writer", kept)

    def create_deferred_indexes(self, but=(), wait=True):
        """Build the indexes a first bulk load went without, but those of the tables in `but`
        (the end of the run builds those later): by the bulk writer when the load had one, in one
        transaction; without `wait`, it returns as soon as they are sent (wait_for_deferred_indexes
        waits). Returns the tables indexed."""
        tables = [table for table in self.unindexed_tables if table not in but]
        self.unindexed_tables = [table for table in self.unindexed_tables if table in but]
        try:
            if self.bulk_writer is not None and tables:
                for statement in index_statements_of(tables):
                    self.bulk_writer.execute(statement)
                self.bulk_writer.commit()
            else:
                for table in tables:
                    create_indexes(self.run.db, table)
        finally:
            if wait:
                self.wait_for_deferred_indexes()
        return tables

    def wait_for_deferred_indexes(self):
        """Wait until the bulk writer has built what it was sent; then, once no table waits for its
        indexes, let it end."""
        if self.bulk_writer is None:
            return
        try:
            self.bulk_writer.wait()
        finally:
            if not self.unindexed_tables:
                self.close_bulk_writer()
