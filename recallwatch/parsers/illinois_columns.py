"""ISBE Receipts.txt read column by column: the bulk path of recallwatch/parsers/illinois.py
(`IsbeReader.read_receipt`), with the same rules, rows and rejects.

The file is read in blocks of whole lines (about 1 MB). The lines of a block that are plain text
(printable ASCII or Latin-1 letters and signs: no control byte, no CR but a line end's, no
no-break space) with the header's number of fields are parsed by pyarrow's CSV reader (tab
separated, no quoting; Latin-1 made UTF-8 first) and their contributions are built with column
operations: the readers of recallwatch/parsers/value_columns.py, which read what values.py reads
the same way and flag the rest. A row a column rule flags (an amount written "$1,250.00" or "NA",
an unreadable date, no name, no amount, a D2Part or State that is not ASCII) goes to the per-row
builder of `IsbeReader`, which reads it or rejects it with its usual reason; so does every other
line of the block (a blank line, a line with the wrong number of fields: a record split by a
newline, a stray CR or control byte). The rows it reads are put back in their places: rows keep
the order of the file, so an ID filed twice keeps its last row as in the per-row path.

What comes out: ColumnBatches (recallwatch/core/batch.py) of `batch_rows` rows, with `counted`
set as the totals rules set it from the schedule (`with_counted`), and the Rejecteds. The filter
of a scheduled run (the committees kept), the A-1 reports and the committee ids are the
IsbeReader's own.
"""

from functools import lru_cache
from itertools import chain

import pyarrow as pa
import pyarrow.compute as pc

from recallwatch.core import totals
from recallwatch.core.batch import ColumnBatch
from recallwatch.core.items import Contribution
from recallwatch.parsers.calaccess_columns import batches_of, built_rows, parse_block
from recallwatch.parsers.illinois import (
    CONTRIBUTION_FIELDS,
    RECEIPT_COLUMNS,
    SOURCE,
    committee_id,
    file_header,
    line_values,
)
from recallwatch.parsers.value_columns import blank_to_null, money_column, name_column, read_distinct, trimmed
from recallwatch.parsers.values import date_value

COLUMN_TABLES = ("Receipts",)  # the other files are small: read row by row
BLOCK_BYTES = 1 << 19  # about 3,800 receipts a block (larger blocks: more memory, no faster)
# The bytes of a line the columns read: where str.strip() of its Latin-1 text trims spaces only
PLAIN_TEXT = b"\t" + bytes(range(0x20, 0x7F)) + bytes(range(0xA1, 0x100))
CONTRIBUTION_SCHEMA = pa.schema(
    [(name, pa.float64() if name in ("amount", "cumulative_ytd") else pa.string()) for name in CONTRIBUTION_FIELDS]
)


def line_blocks(stream, block_bytes):
    """Blocks of whole lines (joined by LF, the last line end left out) of a file, as the per-row
    path reads it: a line ends with LF, a CR before it is part of its line end."""
    pending = b""
    while chunk := stream.read(block_bytes):
        pending += chunk
        cut = pending.rfind(b"\n")
        if cut >= 0:
            yield pending[:cut]
            pending = pending[cut + 1 :]
    if pending:
        yield pending


def without_cr(data):
    """Lines without the CRs of their line ends (so that the checks see any other CR)."""
    return data.replace(b"\r\n", b"\n").removesuffix(b"\r") if b"\r" in data else data


def plain_block(data):
    """True when every line of `data` (without CRs) is plain text, and none is blank."""
    doubled = b"\n\n" in data or data.startswith(b"\n") or data.endswith(b"\n")
    return bool(data) and not doubled and not data.translate(None, PLAIN_TEXT + b"\n")


def plain_line(line, width):
    return not line.translate(None, PLAIN_TEXT) and line.count(b"\t") == width - 1


def parse_lines(data, job):
    """The wanted columns of lines of plain text (without CRs), or None (see parse_block)."""
    if not data.isascii():
        data = data.decode("latin-1").encode("utf-8")
    return parse_block(data, job.header, job.wanted)


def one_array(values):
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


class ReceiptColumns:
    """`read(table, stream, batch_rows)` of Receipts.txt for an IsbeReader (set in its
    `table_readers`)."""

    def __init__(self, reader, block_bytes=BLOCK_BYTES):
        self.reader, self.block_bytes = reader, block_bytes
        self.counts = {"by_columns": 0, "by_builder": 0}  # receipts read (not rejected), by whom

    def readers(self):
        return dict.fromkeys(COLUMN_TABLES, self.read)

    def read(self, table, stream, batch_rows=5000):
        """The file's contributions in ColumnBatches of `batch_rows` rows (the last one shorter), as
        the per-row path sends RecordBatches, so that a batch is the same unit on both paths; and
        the rejects."""
        pending = []  # tables of contributions read but not yet sent
        for read in self.read_blocks(table, stream):
            if isinstance(read, ColumnBatch):
                pending.append(read.data)
                yield from batches_of(pending, batch_rows)
            else:
                yield read
        yield from batches_of(pending, batch_rows, last=True)

    def read_blocks(self, table, stream):
        blocks = line_blocks(stream, self.block_bytes)
        head, separator, first_block = next(blocks, b"").partition(b"\n")
        job = Job(self.reader, table, file_header(head.decode("latin-1")))
        number = 2  # the header is line 1
        for block in chain([first_block] if separator else [], blocks):
            line_count = block.count(b"\n") + 1
            yield from self.read_block(job, block, number, line_count)
            number += line_count

    def read_block(self, job, block, first_number, line_count):
        """A ColumnBatch of the block's contributions, and rejects."""
        if job.columnar:
            data = without_cr(block)
            if plain_block(data):
                part = parse_lines(data, job)
                if part is not None and part.num_rows == line_count:
                    positions = pa.array(range(part.num_rows), pa.int64())
                    yield from self.read_part(job, part, positions, [], first_number, lambda: block.split(b"\n"))
                    return
        lines = block.split(b"\n")
        width = len(job.header)
        plain = [at for at, line in enumerate(lines) if job.columnar and plain_line(line.removesuffix(b"\r"), width)]
        part = parse_lines(b"\n".join(lines[at].removesuffix(b"\r") for at in plain), job) if plain else None
        if part is None or part.num_rows != len(plain):
            part, plain = None, []
        others = sorted(set(range(len(lines))).difference(plain))
        yield from self.read_part(job, part, pa.array(plain, pa.int64()), others, first_number, lambda: lines)

    def read_part(self, job, part, positions, others, first_number, lines):
        """The contributions of a block: of the lines parsed by pyarrow (`part`, at `positions` in
        the block) by column rules, of the `others` and of the rows the rules flag by the per-row
        builder (its rejects yielded), in the order of the file."""
        table, to_build = None, others
        if part is not None:
            committee = trimmed(part.column("CommitteeID"))
            if job.kept is not None:
                wanted = one_array(pc.is_in(committee, value_set=job.kept))
                part, committee, positions = part.filter(wanted), committee.filter(wanted), positions.filter(wanted)
            columns, flagged = self.contribution_columns(job, part, committee)
            table = pa.Table.from_arrays(columns, schema=CONTRIBUTION_SCHEMA)
            flagged = one_array(flagged)
            if pc.any(flagged).as_py():
                to_build = sorted([*others, *positions.filter(flagged).to_pylist()])
                keep = pc.invert(flagged)
                table, positions = table.filter(keep), positions.filter(keep)
            self.counts["by_columns"] += table.num_rows
        if to_build:
            records = lines()
            built = yield from self.read_rows(job, [(first_number + at, records[at]) for at in to_build])
            if built:
                table = self.with_rows(table, positions, [(number - first_number, row) for number, row in built])
                self.counts["by_builder"] += len(built)
        if table is not None and table.num_rows:
            yield ColumnBatch(Contribution, with_counted(table))

    def read_rows(self, job, numbered_lines):
        """(generator; returns the (line number, row) built) The per-row path: `line_values`, then
        the builder."""
        width = len(job.header)
        return (yield from built_rows(
            self.reader, job, numbered_lines,
            lambda number, line: line_values(job.table, number, line.decode("latin-1"), width),
        ))  # fmt: skip

    @staticmethod
    def with_rows(table, positions, placed_rows):
        """The table (or None) with rows built one by one put in their places ((position, row))."""
        values = zip(*(row for _, row in placed_rows), strict=True)
        rows = pa.Table.from_arrays(
            [pa.array(column, field.type) for column, field in zip(values, CONTRIBUTION_SCHEMA, strict=True)],
            schema=CONTRIBUTION_SCHEMA,
        )
        if table is None or not table.num_rows:
            return rows
        placed = pa.array([position for position, _ in placed_rows], pa.int64())
        order = pc.sort_indices(pa.chunked_array([positions, placed]))
        return pa.concat_tables([table, rows]).take(order)

    def contribution_columns(self, job, part, committee):
        """(the CONTRIBUTION_FIELDS columns, flagged): what read_receipt makes of each row, and
        the rows the column rules leave to it."""
        at = part.column
        rows = part.num_rows
        doc = trimmed(at("FiledDocID"))
        last, first = trimmed(at("LastOnlyName")), trimmed(at("FirstName"))
        name = name_column(last, first)
        raw_amount, raw_aggregate = at("Amount"), at("AggregateAmount")
        # The Amount, or the LoanAmount where the Amount is blank
        given = pc.if_else(pc.equal(trimmed(raw_amount), ""), at("LoanAmount"), raw_amount)
        amount, _ = money_column(given)  # a blank or flagged amount is null: the row goes to the builder
        aggregate, aggregate_flagged = money_column(raw_aggregate)
        same = pc.equal(raw_aggregate, raw_amount)  # written as the Amount: read once (aggregate_amount)
        day, day_refused = read_distinct(at("RcvDate"), date_value, pa.string())
        part_code, state = trimmed(at("D2Part")), trimmed(at("State"))
        code = pc.ascii_upper(part_code)
        schedule = pc.if_else(pc.equal(code, ""), pa.scalar("(blank)"), code)
        if job.late is not None:
            schedule = pc.if_else(pc.is_in(doc, value_set=job.late), pa.scalar("A1"), schedule)
        giver = pc.if_else(pc.equal(code, "2A"), pa.scalar("COM"),
                           pc.if_else(pc.not_equal(first, ""), pa.scalar("IND"), pa.scalar("OTH")))  # fmt: skip
        committee_ids, _ = read_distinct(committee, job.committee_id, pa.string())
        columns = {
            "id": pc.binary_join_element_wise(f"{SOURCE}:R", trimmed(at("ID")), ""),
            "filing_id": pc.binary_join_element_wise(SOURCE, doc, ":"),
            "committee_id": committee_ids,
            "source": pa.repeat(pa.scalar(SOURCE), rows),
            "tran_id": blank_to_null(trimmed(at("ETransID"))),
            "schedule": schedule,
            "contributor_name": name,
            "contributor_first": blank_to_null(first),
            "contributor_last": blank_to_null(last),
            "city": blank_to_null(trimmed(at("City"))),
            "state": blank_to_null(pc.ascii_upper(state)),
            "zip": blank_to_null(trimmed(at("Zip"))),
            "employer": blank_to_null(trimmed(at("Employer"))),
            "occupation": blank_to_null(trimmed(at("Occupation"))),
            "amount": amount,
            "cumulative_ytd": pc.if_else(same, amount, aggregate),
            "date": day,
            "entity_code": giver,
        }
        flagged = pc.or_(pc.equal(name, ""), pc.is_null(amount))
        # str.upper() of a Latin-1 letter is not ascii_upper's: such codes are left to the builder
        not_ascii = pc.invert(pc.and_(pc.string_is_ascii(part_code), pc.string_is_ascii(state)))
        for more in (pc.and_(pc.invert(same), aggregate_flagged), day_refused, not_ascii):
            flagged = pc.or_(flagged, more)
        return [columns[name] for name in CONTRIBUTION_FIELDS], flagged


def counted_of(schedule):
    """(counted, not_counted_reason) of a receipt filed under `schedule` (ISBE files no memo rows)."""
    return totals.counted_and_reason(schedule, 0, totals.rules_for(SOURCE))


def with_counted(table):
    """The table with `counted` and `not_counted_reason` as the totals rule sets them from each
    row's schedule (once per distinct schedule): the end of the run then rewrites only the rows
    whose rule needs other tables (A-1 receipts a D-2 lists again), not every row."""
    counted, _ = read_distinct(table.column("schedule"), lambda schedule: counted_of(schedule)[0], pa.int64())
    reason, _ = read_distinct(table.column("schedule"), lambda schedule: counted_of(schedule)[1], pa.string())
    return table.append_column("counted", counted).append_column("not_counted_reason", reason)


class Job:
    """What the reading of one file needs: its header, the columns read, the per-row builder, and
    the reader's filter and A-1 reports as arrays."""

    def __init__(self, reader, table, header):
        self.table, self.header = table, header
        _, _, self.build = reader.builder(table, header)  # checks the columns are there
        self.wanted = list(RECEIPT_COLUMNS)
        self.columnar = len(set(header)) == len(header)  # else every line is read row by row
        self.kept = pa.array(sorted(reader.kept), pa.string()) if reader.filtering else None
        self.late = pa.array(sorted(reader.late_filings), pa.string()) if reader.late_filings else None
        self.committee_id = lru_cache(maxsize=None)(committee_id)
