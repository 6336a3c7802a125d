"""The bulk writer (recallwatch/runtime/bulk_writer.py): the child process that writes the rows of
ColumnBatches. It stores what sqlite3 would (the same types, the last row of an id filed twice),
says SQLite's own words when it cannot write, and a crawl killed in the middle of a bulk load
leaves whole transactions, no complete fetch and no writer process behind; the next run completes
the load.
"""

import contextlib
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pytest

from pipelines.store import upsert_statement
from recallwatch.core.items import Contribution
from recallwatch.core.schema import INDEXES, drop_indexes_while_empty, index_statements, open_database
from recallwatch.runtime.bulk_writer import (
    BulkWriter,
    BulkWriterError,
    PrivatePeak,
    private_kb,
    read_ahead,
    sqlite_types,
)
from tests.crawl import REPO, crawled, file_url
from tests.test_readers_while_writing import load_bench

ROWS = 100_000  # receipts of the killed load, 20 per filing


def contributions(ids, amounts, memo=None):
    columns = {"id": pa.array(ids), "amount": pa.array(amounts, pa.float64())}
    if memo is not None:
        columns["memo"] = pa.array(memo)
    return pa.table(columns)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "recalls.db"
    open_database(path).conn.close()
    return path


def write(path, *tables, fetch_id="f1"):
    writer = BulkWriter(path)
    try:
        for table in tables:
            statement = upsert_statement(Contribution, tuple(table.column_names), staged=True, fetch_id=fetch_id)
            writer.write(statement, sqlite_types(table))
        seq = writer.commit()
        writer.wait(seq)
        assert writer.done(seq)
    finally:
        writer.close()
    return writer


def test_rows_are_stored_as_sqlite3_would_store_them_and_the_last_of_an_id_wins(database):
    first = contributions(["a", "b"], [10.0, 20.5], memo=pa.array([True, None]))
    again = contributions(["b", "c"], [21.0, None], memo=pa.array([False, True]).dictionary_encode())
    writer = write(database, first, again)
    rows = sqlite3.connect(database).execute(
        "select id, amount, typeof(amount), memo, typeof(memo), fetch_id from contributions order by id"
    )
    assert rows.fetchall() == [
        ("a", 10.0, "real", 1, "integer", "f1"),
        ("b", 21.0, "real", 0, "integer", "f1"),  # the later row of b
        ("c", None, "null", 1, "integer", "f1"),
    ]
    assert writer.rows == 4 and writer.sent == 1
    assert writer.peak_mb > 0


def test_an_id_twice_in_one_batch_keeps_its_later_row_and_nothing_of_a_refused_append(database):
    write(database, contributions(["a", "b", "a"], [1.0, 2.0, 3.0]))  # the append meets "a" again
    rows = sqlite3.connect(database).execute("select id, amount from contributions order by id").fetchall()
    assert rows == [("a", 3.0), ("b", 2.0)]


def test_an_upsert_sets_only_the_columns_a_batch_carries(database):
    write(database, contributions(["a"], [10.0], memo=pa.array([1])))
    write(database, contributions(["a"], [12.0]), fetch_id="f2'; drop table contributions; --")
    row = sqlite3.connect(database).execute("select amount, memo, fetch_id from contributions").fetchone()
    assert row == (12.0, 1, "f2'; drop table contributions; --")
    write(database, contributions(["b"], [1.0]), fetch_id=None)
    row = sqlite3.connect(database).execute("select fetch_id from contributions where id = 'b'").fetchone()
    assert row == (None,)


def test_a_database_reached_through_a_symlink_is_written_in_its_real_place(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link.db").symlink_to(tmp_path / "real" / "recalls.db")
    receipts = tmp_path / "RCPT_CD.TSV"
    load_bench("bench_calaccess_ingest").generate(receipts, 4000)
    settings = {"DATABASE": str(tmp_path / "link.db"), "ARCHIVE_ENABLED": "0"}
    crawled("filings_calaccess", tmp_path, f"url={file_url(receipts)}", settings=settings)
    real = sqlite3.connect(tmp_path / "real" / "recalls.db")
    assert real.execute("pragma integrity_check").fetchone()[0] == "ok"
    stats = json.loads(real.execute("select stats from crawl_runs").fetchone()[0])
    stored = real.execute("select count(*) from contributions").fetchone()[0]
    assert stats["recallwatch/bulk_writer"]["rows"] == stored == 4000
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith("link.db-")]  # no -wal beside it


def test_a_file_that_is_not_a_database_is_said_in_sqlites_words(tmp_path):
    path = tmp_path / "recalls.db"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BulkWriterError) as raised:
        write(path, contributions(["a"], [1.0]))
    assert str(raised.value) == "file is not a database"
    assert isinstance(raised.value, sqlite3.DatabaseError)  # the store fails the run with it


def test_a_writer_that_died_is_an_error_not_a_hang(database):
    writer = BulkWriter(database)
    writer.process.send_signal(signal.SIGKILL)
    writer.process.wait()
    table = contributions(["a"], [1.0])
    with pytest.raises(BulkWriterError) as raised:
        for _ in range(3):  # the first write may still fit in the pipe
            writer.write(upsert_statement(Contribution, ("id", "amount"), staged=True, fetch_id="f1"), table)
            writer.wait(writer.commit())
    assert "bulk writer stopped" in str(raised.value)
    with pytest.raises(BulkWriterError):
        writer.close()


def writer_processes(database):
    """The command lines of the bulk writers of `database` still running."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:  # gone meanwhile
            continue
        if b"recallwatch.runtime.bulk_writer" in args and str(database).encode() in args:
            found.append(args)
    return found


def test_a_crawl_killed_in_a_bulk_load_keeps_whole_batches_and_the_next_run_completes_it(tmp_path):
    bench = load_bench("bench_calaccess_ingest")
    receipts = tmp_path / "RCPT_CD.TSV"
    bench.generate(receipts, ROWS)
    database = tmp_path / "recalls.db"
    argv = [sys.executable, "-m", "scrapy", "crawl", "filings_calaccess", "-a", f"url={file_url(receipts)}",
            "-a", "batch_rows=2000", "-s", f"DATABASE={database}", "-s", "ARCHIVE_ENABLED=0",
            "-s", "STORE_BULK_ROWS=2000", "-s", "LOG_LEVEL=WARNING"]  # fmt: skip
    process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    stored = 0
    while stored < 10_000 and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()[-2000:]
        time.sleep(0.05)
        try:
            stored = sqlite3.connect(database).execute("select count(*) from contributions").fetchone()[0]
        except sqlite3.OperationalError:  # not created yet
            pass
    assert writer_processes(database), "the load is not going through the bulk writer"
    process.send_signal(signal.SIGKILL)
    process.wait()

    for _ in range(100):  # the writer reads the end of its input and goes, its transaction rolled back
        if not writer_processes(database):
            break
        time.sleep(0.1)
    assert not writer_processes(database)
    db = sqlite3.connect(database)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    stored = db.execute("select count(*) from contributions").fetchone()[0]
    assert 10_000 <= stored < ROWS and stored % 2000 == 0  # whole transactions only
    assert db.execute("select count(*) from fetches where complete = 1").fetchone()[0] == 0
    db.close()

    rerun = crawled("filings_calaccess", tmp_path, f"url={file_url(receipts)}", settings={"ARCHIVE_ENABLED": "0"})
    assert rerun.db["contributions"].count == ROWS
    assert rerun.db.execute("select count(*) from fetches where complete = 1").fetchone()[0] == 1
    statuses = [row["status"] for row in rerun.db.query("select status from crawl_runs order by started")]
    assert statuses == ["failed", "ok"]  # the killed run, marked when the next one started
    writer = json.loads(rerun.last_run("filings_calaccess")["stats"])["recallwatch/bulk_writer"]
    assert writer["rows"] == ROWS


def test_the_indexes_a_load_went_without_are_built_by_the_writer_under_their_usual_names(database):
    db = open_database(database)
    assert drop_indexes_while_empty(db, "contributions")
    db.conn.close()
    writer = BulkWriter(database)
    try:
        writer.write(upsert_statement(Contribution, ("id", "amount"), staged=True, fetch_id="f1"),
                     sqlite_types(contributions(["a", "b"], [1.0, 2.0])), "contributions", "f1")  # fmt: skip
        for statement in index_statements("contributions"):
            writer.execute(statement)
        writer.wait(writer.commit())
        # a statement SQLite refuses: its words come back, and nothing of that transaction is kept
        writer.execute('CREATE INDEX "idx_again" ON "contributions" ("donor_id")')
        writer.execute('CREATE INDEX "idx_contributions_date" ON "contributions" ("date")')
        with pytest.raises(BulkWriterError, match="index idx_contributions_date already exists"):
            writer.wait(writer.commit())
    finally:
        with contextlib.suppress(BulkWriterError):  # (it says the error again)
            writer.close()
    assert writer.process.returncode == 0  # it ended when told to, after its error too
    db = open_database(database)  # the schema's own indexes: none is added twice under another name
    indexes = db["contributions"].indexes
    assert sorted(index.columns for index in indexes if index.origin == "c") == sorted(
        columns for table, columns in INDEXES if table == "contributions"
    )
    assert "idx_again" not in [index.name for index in indexes]
    assert db.execute("select count(*) from contributions").fetchone()[0] == 2


def test_rows_that_cannot_be_sent_fail_the_writer_at_once_and_it_ends(database):
    writer = BulkWriter(database)
    not_a_table = SimpleNamespace(num_rows=1)
    writer.write(upsert_statement(Contribution, ("id",), staged=True, fetch_id="f1"), not_a_table)
    started = time.monotonic()
    with pytest.raises(BulkWriterError, match="could not send rows to the bulk writer"):
        writer.wait(writer.commit())
    with contextlib.suppress(BulkWriterError):
        writer.close()
    assert time.monotonic() - started < 30  # not the 60 s of a child that is never told to end
    assert writer.process.returncode is not None
    assert sqlite3.connect(database).execute("select count(*) from contributions").fetchone()[0] == 0


class Trickle:
    """A raw stream that gives at most `step` bytes a read, as a pipe does when its writer is slower."""

    def __init__(self, data, step):
        self.data, self.step, self.at = data, step, 0

    def readinto(self, view):
        got = self.data[self.at : self.at + min(self.step, len(view))]
        view[: len(got)] = got
        self.at += len(got)
        return len(got)


def frames_of(*payloads):
    return b"".join(len(payload).to_bytes(4, "big") + payload for payload in payloads)


def test_frames_read_ahead_come_whole_and_in_order_however_the_pipe_cuts_them():
    payloads = [b'{"op": "write"}', bytes(range(256)) * 40, b"", b'{"op": "close"}']
    next_frame = read_ahead(Trickle(frames_of(*payloads), step=7))
    assert [bytes(next_frame()) for _ in payloads] == payloads
    assert next_frame() is None


def test_a_stream_that_ends_inside_a_frame_ends_the_frames_there():
    cut = frames_of(b"whole", b"cut short")[:-3]
    next_frame = read_ahead(Trickle(cut, step=4))
    assert bytes(next_frame()) == b"whole"
    assert next_frame() is None  # not the partial frame


def test_the_private_peak_catches_memory_held_between_two_reads_of_it():
    peak = PrivatePeak(every=0.01)
    before = private_kb()
    held = bytearray(64 * 1024 * 1024)  # touched: 64 MB of this process's own
    time.sleep(0.3)
    del held
    most = peak.stop()
    assert most - before >= 60 * 1024
    assert private_kb() < most  # given back, and still counted
