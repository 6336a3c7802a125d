"""The bulk writer: a child process that writes the rows of ColumnBatches (a bulk export's
column reader) into the database, while the crawl reads the next ones.

Why a process of its own:
- It binds whole Arrow columns in C, with the ADBC SQLite driver (`adbc_driver_sqlite`): no Python
  tuple is made per row (in the crawl process that was the largest part of a bulk load).
- That driver carries its own SQLite library. Two SQLite libraries in one process undo each
  other's POSIX file locks (https://sqlite.org/howtocorrupt.html, 2.2.1), so it runs in another
  process, where locking between the two is SQLite's usual one.
- It uses the machine's second core: it writes batch N while the crawl reads batch N + 1.

The crawl process (`BulkWriter`) sends, for each write, the upsert to run and the rows as an Arrow
IPC stream; the child loads them into a temporary table and runs the upsert, which reads them from
there (`STAGED_ROWS`): the same `INSERT ... ON CONFLICT` as the in-process path, so the same rows
win. Rows none of whose keys is stored yet (a first load) are appended to their table at once, in
a savepoint: a key already there undoes them and sends them through the upsert. All the writes
between two commits are one transaction (readers never see half a batch); the child answers each
commit with its number once it is durable, or with the error that stopped it (a full disk, a
read-only file). The store marks a fetch complete only once the commit holding its
rows has been answered.

Frames on the child's stdin: a 4-byte big-endian length, then JSON ({"op": "write", "sql": ...}
followed by one frame holding the IPC stream; {"op": "execute", "sql": ...}, a statement without
rows; {"op": "commit", "seq": N}; {"op": "close"}). After the load, the same process builds the
indexes the load went without: its SQLite (3.53, the driver's) sorts them faster than Python's.
Answers on its stdout: one JSON line per commit ({"seq": N} or {"seq": N, "error": "..."}), and its
peak memory when it closes ({"peak_kb": K, "private_peak_kb": P}: the crawl keeps them in its stats,
`recallwatch/bulk_writer`).
"""

import fcntl
import json
import queue
import re
import resource
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading

from recallwatch.core.sorting import SORT_THREADS
from recallwatch.runtime.memory import give_freed_memory_back

STAGED_ROWS = "temp.bulk_rows"
LENGTH = struct.Struct(">I")
PIPE_BYTES = 1 << 20
OUTBOX_FRAMES = 2  # a write (its command and its rows), or a commit and a write's command
# The child's side: two writes ahead (each a command and its rows). With one, the crawl still
# waited on a full outbox for about a second of a 1,000,000-row load; with two, the whole
# CAL-ACCESS crawl took 10.29 s instead of 10.96 (means of 4 alternated runs), memory the same.
READ_AHEAD_FRAMES = 4
# SQLite's own words for the errors a write can end with (what sqlite3 would raise), and what the
# ADBC driver writes before them
SQLITE_ERRORS = (
    "database is locked",
    "attempt to write a readonly database",
    "disk I/O error",
    "database disk image is malformed",
    "database or disk is full",
    "file is not a database",
    "unable to open database file",
)
ADBC_PREFIX = re.compile(r"^[A-Z_]+: (?:\[SQLite\] )?(?:Failed to [^:]*: )?")


class BulkWriterError(sqlite3.OperationalError):
    """The child could not write (its SQLite error, in SQLite's words): the store handles it as any
    other database error (the run stops and fails with the cause)."""


class BulkWriter:
    """The crawl process's side: starts the child, sends it writes and commits, and waits for
    their answers. At most `max_in_flight` commits are unanswered at once (memory stays flat: a
    slow disk makes the crawl wait, not the batches pile up)."""

    def __init__(self, database_path, max_in_flight=2):
        self.max_in_flight = max_in_flight
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "recallwatch.runtime.bulk_writer", str(database_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
        )
        widen_pipe(self.process.stdin)
        # Frames wait here for the pipe, written by a thread of their own: the crawl reads its next
        # batch while the child takes in this one (sending from the crawl's thread made each side
        # wait for the other at every frame). A few frames at most: memory stays flat.
        self.outbox = queue.Queue(maxsize=OUTBOX_FRAMES)
        self.sender = threading.Thread(target=self._send_frames, name="bulk-writer-frames", daemon=True)
        self.sender.start()
        self.sent = 0  # the number of the last commit sent
        self.answered = 0  # the number of the last commit answered
        self.failure = None
        self.rows = 0  # rows sent
        self.peak_mb = None  # the child's peak memory, as it says when it closes
        self.private_peak_mb = None  # and the most of it that was its own (not shared libraries)
        self.answers = threading.Condition()
        self.listener = threading.Thread(target=self._listen, name="bulk-writer-answers", daemon=True)
        self.listener.start()

    def write(self, sql, data, table=None, fetch_id=None):
        """Send rows (a pyarrow Table) and the upsert that reads them from STAGED_ROWS; with `table`,
        the rows are first appended to it with `fetch_id` (see `write_rows`)."""
        self._raise_failure()
        self._send(json.dumps({"op": "write", "sql": sql, "table": table, "fetch_id": fetch_id}).encode())
        self._send(data)  # a pyarrow Table: the sender thread writes it as an IPC stream
        self.rows += data.num_rows

    def execute(self, sql):
        """Send a statement without rows (the indexes a first load went without, built after it by
        this process's SQLite, in the transaction of the writes sent so far)."""
        self._raise_failure()
        self._send(json.dumps({"op": "execute", "sql": sql}).encode())

    def commit(self):
        """End the transaction of the writes sent so far; returns its number (see `wait`)."""
        self._raise_failure()
        self.sent += 1
        self._send(json.dumps({"op": "commit", "seq": self.sent}).encode())
        self.wait(self.sent - self.max_in_flight)
        return self.sent

    def done(self, seq):
        """Whether commit `seq` is durable (without waiting)."""
        self._raise_failure()
        return self.answered >= seq

    def wait(self, seq=None):
        """Wait until commit `seq` (default: every commit sent) is durable; raises BulkWriterError
        if the child failed."""
        seq = self.sent if seq is None else seq
        with self.answers:
            while self.answered < seq and self.failure is None:
                self.answers.wait()
        self._raise_failure()

    def close(self):
        """Wait for every commit, then let the child end."""
        try:
            self.wait()
        finally:
            self._stop()

    def _stop(self):
        if self.process.poll() is None:  # (after an error too: the child skips what it is sent)
            try:
                self.outbox.put(json.dumps({"op": "close"}).encode(), timeout=60)
            except queue.Full:  # a child that takes nothing in: killed below
                pass
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.outbox.put(None)  # the sender's last frame (the child has ended: its writes fail fast)
        self.sender.join(timeout=5)
        self.listener.join(timeout=5)
        self.errors.close()

    def _send(self, payload):
        """Queue a frame for the pipe; waits while the outbox is full, and raises if the child
        has failed meanwhile."""
        while True:
            self._raise_failure()
            try:
                self.outbox.put(payload, timeout=0.5)
                return
            except queue.Full:
                continue

    def _send_frames(self):
        """The sender thread: writes the outbox's frames to the child's stdin, in order."""
        pipe = self.process.stdin
        broken = False
        while (payload := self.outbox.get()) is not None:
            if broken:
                continue  # the child has gone: frames are dropped, the crawl has the failure
            try:
                if not isinstance(payload, bytes):
                    payload = ipc_bytes(payload)  # here, not in the crawl's thread (pyarrow lets go of the GIL)
            except Exception as error:  # rows that cannot be sent: the child ends without them
                broken = True
                self._fail(f"could not send rows to the bulk writer: {type(error).__name__}: {error}")
                pipe.close()
                continue
            try:
                pipe.write(LENGTH.pack(len(payload)))
                pipe.write(payload)
                pipe.flush()
            except OSError:  # the child has gone: its answer or its stderr says why
                broken = True
                self.process.wait()
                self.listener.join(timeout=5)
                if self.failure is None:
                    self._fail(self._stderr_tail() or f"the bulk writer stopped (exit code {self.process.returncode})")
        try:
            pipe.close()
        except (OSError, ValueError):  # (closed already)
            pass

    def _listen(self):
        for line in self.process.stdout:
            answer = json.loads(line)
            if "peak_kb" in answer:
                self.peak_mb = round(answer["peak_kb"] / 1024, 1)
                self.private_peak_mb = round(answer["private_peak_kb"] / 1024, 1)
            elif "error" in answer:
                self._fail(answer["error"])
            else:
                with self.answers:
                    self.answered = answer["seq"]
                    self.answers.notify_all()
        # Its output closed: it ended. Unanswered commits are lost, and the crawl must know.
        self.process.wait()
        if self.answered < self.sent and self.failure is None:
            self._fail(self._stderr_tail() or f"the bulk writer stopped (exit code {self.process.returncode})")

    def _fail(self, message):
        with self.answers:
            self.failure = message
            self.answers.notify_all()

    def _raise_failure(self):
        if self.failure is not None:
            raise BulkWriterError(self.failure)

    def _stderr_tail(self):
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else None


def widen_pipe(pipe):
    """Let the pipe hold a megabyte (Linux's most for a process without privileges; 64 kB by
    default): a batch then crosses in a few writes, not in a hundred turns of the two processes."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):  # not Linux, or a lower limit: the default pipe works, slower
        pass


def ipc_bytes(data):
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, data.schema) as stream:
        stream.write_table(data)
    return sink.getvalue()


def sqlite_types(data):
    """The table with only the types the driver binds as sqlite3 would bind their Python values:
    dictionaries decoded, booleans as integers, all-null columns as text."""
    import pyarrow as pa

    columns = []
    for column in data.columns:
        kind = column.type
        if pa.types.is_dictionary(kind):
            column, kind = column.cast(kind.value_type), kind.value_type
        if pa.types.is_boolean(kind):
            column = column.cast(pa.int64())
        elif pa.types.is_null(kind) or pa.types.is_large_string(kind):
            column = column.cast(pa.string())
        columns.append(column)
    return pa.table(columns, names=data.column_names)


# The child process


def read_ahead(stream, frames=READ_AHEAD_FRAMES):
    """The stream's frames, read by a thread of their own up to `frames` ahead: the next rows
    cross the pipe while this process writes the last ones (read when needed, a frame came through
    the pipe a megabyte at a time, each side waiting on the other). Returns the function that gives
    the next frame (None at the end)."""
    inbox = queue.Queue(maxsize=frames)

    def read_frames():
        try:
            while (frame := read_frame(stream)) is not None:
                inbox.put(frame)
        finally:
            inbox.put(None)

    threading.Thread(target=read_frames, name="bulk-writer-inbox", daemon=True).start()
    return inbox.get


def read_frame(stream):
    """The next frame's payload, or None at the end of the stream (or in the middle of a frame)."""
    header = read_exactly(stream, LENGTH.size)
    if header is None:
        return None  # the crawl has gone (or closed us): what is not committed is rolled back
    (length,) = LENGTH.unpack(header)
    return read_exactly(stream, length)


def read_exactly(stream, size):
    """`size` bytes from a raw (unbuffered) stream, which may give fewer at a time; None at its end."""
    payload = bytearray(size)
    view = memoryview(payload)
    done = 0
    while done < size:
        got = stream.readinto(view[done:])
        if not got:
            return None
        done += got
    return payload


def sqlite_message(error):
    """SQLite's own words in an ADBC error ("IO: Failed to step query: database or disk is full"
    says "database or disk is full", as sqlite3 would)."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    for words in SQLITE_ERRORS:
        if words in message:
            return words
    return ADBC_PREFIX.sub("", message)


def status_kb(*fields):
    """Fields of /proc/self/status, in kB (None where the kernel has no such line)."""
    found = dict.fromkeys(fields)
    with open("/proc/self/status") as status:
        for line in status:
            name = line.split(":", 1)[0]
            if name in found:
                found[name] = int(line.split()[1])
    return [found[field] for field in fields]


def peak_kb():
    """This process's peak resident memory (VmHWM: since its exec; ru_maxrss would count the crawl
    process's memory at the fork)."""
    (peak,) = status_kb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def private_kb():
    """The memory only this process holds now (its own pages; the libraries it maps are shared with
    the crawl process, which has loaded the same pyarrow and Python)."""
    try:
        with open("/proc/self/smaps_rollup") as rollup:
            return sum(int(line.split()[1]) for line in rollup if line.startswith(("Private_Clean:", "Private_Dirty:")))
    except OSError:
        return None


class PrivatePeak:
    """The most memory of its own this process held, sampled every 50 ms by a thread (the kernel
    keeps only the peak of all of it, shared libraries included: VmHWM).

    A sample reads the anonymous memory's size (RssAnon: a counter the kernel keeps); only when it
    is the largest yet is the private memory itself read (smaps_rollup, which walks every page
    table: read every 50 ms, it took 0.4 s of CPU in a load of 1,000,000 rows). The rest of the
    private memory (the libraries' written pages) does not grow with the rows."""

    def __init__(self, every=0.05):
        self.most = private_kb() or 0
        (self.most_anonymous,) = status_kb("RssAnon")
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._sample, args=(every,), name="private-peak", daemon=True)
        self.thread.start()

    def _sample(self, every):
        while not self.stopped.wait(every):
            self._read()

    def _read(self):
        (anonymous,) = status_kb("RssAnon")
        if anonymous is None or self.most_anonymous is None or anonymous > self.most_anonymous:
            self.most_anonymous = anonymous
            self.most = max(self.most, private_kb() or 0)

    def stop(self):
        self.stopped.set()
        self.thread.join()
        return max(self.most, private_kb() or 0)


def answer(out, seq, error=None):
    out.write(json.dumps({"seq": seq} if error is None else {"seq": seq, "error": error}) + "\n")
    out.flush()


def serve(database_path, frames, out):
    import adbc_driver_manager
    import pyarrow as pa

    # The system allocator gives each batch's memory back once it is written (pyarrow's pool keeps it)
    pa.set_memory_pool(pa.system_memory_pool())
    cursor = AdbcSqlite(database_path)
    failure = None
    in_transaction = False
    private_peak = PrivatePeak()
    try:
        # Temporary storage stays on disk (SQLite's default): in memory, the sort of an index built
        # after a load held 115 MB more (1,000,000 receipts), and was no faster.
        settings = ("PRAGMA busy_timeout = 30000", "PRAGMA synchronous = NORMAL", f"PRAGMA threads = {SORT_THREADS}")
        for statement in settings:
            cursor.execute(statement)
        next_frame = read_ahead(frames)
        while (frame := next_frame()) is not None:
            command = json.loads(frame)
            if command["op"] == "close":
                out.write(json.dumps({"peak_kb": peak_kb(), "private_peak_kb": private_peak.stop()}) + "\n")
                out.flush()
                break
            try:
                if command["op"] in ("write", "execute"):
                    data = pa.ipc.open_stream(next_frame()).read_all() if command["op"] == "write" else None
                    if failure is not None:
                        continue
                    if not in_transaction:
                        cursor.execute("BEGIN IMMEDIATE")
                        in_transaction = True
                    if data is None:
                        cursor.execute(command["sql"])
                    else:
                        write_rows(cursor, command, data, adbc_driver_manager.Error)
                elif command["op"] == "commit":
                    if failure is None and in_transaction:
                        cursor.execute("COMMIT")
                        in_transaction = False
                    answer(out, command["seq"], failure)
            except adbc_driver_manager.Error as error:
                failure = sqlite_message(error)
                if in_transaction:
                    try:
                        cursor.execute("ROLLBACK")
                    except adbc_driver_manager.Error:
                        pass
                    in_transaction = False
                if command["op"] == "commit":
                    answer(out, command["seq"], failure)
    finally:
        cursor.close()


class AdbcSqlite:
    """The driver's low-level API, as much of a DB-API cursor as the child needs (`execute`,
    `adbc_ingest`). Its DB-API module loads pyarrow.dataset and with it Parquet, S3 and the like:
    9 MB more of this process's own memory."""

    def __init__(self, path):
        import adbc_driver_manager
        import adbc_driver_manager._lib  # (where the ingest modes but append are named)
        import adbc_driver_sqlite

        self.lib = adbc_driver_manager._lib
        self.database = adbc_driver_sqlite.connect(str(path))
        self.connection = adbc_driver_manager.AdbcConnection(self.database)  # autocommit, as ADBC starts

    def execute(self, sql):
        with self.lib.AdbcStatement(self.connection) as statement:
            statement.set_sql_query(sql)
            statement.execute_update()

    def adbc_ingest(self, table, data, mode, temporary=False):
        lib = self.lib
        modes = {"append": lib.INGEST_OPTION_MODE_APPEND, "replace": lib.INGEST_OPTION_MODE_REPLACE}
        with lib.AdbcStatement(self.connection) as statement:
            statement.set_options(**{lib.INGEST_OPTION_TARGET_TABLE: table, lib.INGEST_OPTION_MODE: modes[mode],
                                     "adbc.ingest.temporary": "true" if temporary else "false"})  # fmt: skip
            statement.bind_stream(data)  # through the Arrow C stream interface: no copy
            statement.execute_update()

    def close(self):
        self.connection.close()
        self.database.close()


def write_rows(cursor, command, data, conflict):
    """Append the rows to their table when none of their keys is stored yet (nor twice among them):
    a first load. Else, or when appending hits a key, the appended rows are undone and the rows go
    through STAGED_ROWS and the upsert, whose conflict clause decides (the later row wins)."""
    if command.get("table"):
        import pyarrow as pa

        appended = data.append_column("fetch_id", pa.array([command["fetch_id"]] * data.num_rows, pa.string()))
        cursor.execute("SAVEPOINT bulk_append")
        try:
            cursor.adbc_ingest(command["table"], appended, mode="append")
        except conflict as error:  # the driver says InternalError, in SQLite's words
            if "UNIQUE constraint failed" not in str(error):
                raise
            cursor.execute("ROLLBACK TO bulk_append")
        else:
            cursor.execute("RELEASE bulk_append")
            return
        cursor.execute("RELEASE bulk_append")
    cursor.adbc_ingest("bulk_rows", data, mode="replace", temporary=True)
    cursor.execute(command["sql"])


def main():
    # Ctrl-C stops the crawl, which then commits its last rows through this process: not this one
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    give_freed_memory_back()
    # Raw: the thread that reads the frames may still wait in a read when this process ends (a
    # buffered reader's lock held by a thread at exit aborts the interpreter)
    frames = sys.stdin.buffer.raw
    try:
        serve(sys.argv[1], frames, sys.stdout)
    except Exception as error:  # it could not even start: say why on the first answer's line
        answer(sys.stdout, 0, sqlite_message(error))
        raise


if __name__ == "__main__":
    main()
