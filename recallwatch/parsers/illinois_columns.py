"""ISBE Receipts.txt read column by column: the bulk path of recallwatch/parsers/illinois.py
(`IsbeReader.read_receipt`), with the same rules, rows and rejects.

The file is read in blocks of whole lines. A block whose lines are all printable ASCII with the
header's number of fields (LF or CRLF line ends) is parsed by pyarrow's CSV reader (tab separated,
no quoting) and its contributions are built with column operations: the readers of
recallwatch/parsers/value_columns.py, which read what values.py reads the same way and flag the
rest. A row a column rule flags (an amount written "$1,250.00" or "NA", an unreadable date, no
name, no amount) goes to the per-row builder of `IsbeReader`, which reads it or rejects it with
its usual reason; so does a line with any other byte (accents, a stray CR), a blank line and a
line with the wrong number of fields (a record split by a newline). Rows keep the order of the
file, so an ID filed twice keeps its last row as in the per-row path.

What comes out: ColumnBatches (recallwatch/core/batch.py) of `batch_rows` rows, a RecordBatch
for a run of lines read one by one, and the Rejecteds. The filter of a scheduled run (the
committees kept), the A-1 reports and the committee ids are the IsbeReader's own.
"""

from itertools import chain, count, groupby
from operator import itemgetter

import pyarrow as pa
import pyarrow.compute as pc

from recallwatch.core.batch import ColumnBatch, RecordBatch
from recallwatch.core.items import Contribution, Rejected
from recallwatch.parsers.calaccess_columns import batches_of, clean_block, clean_line, parse_block
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
BLOCK_BYTES = 1 << 20  # about 7,000 receipts a block
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
    """The lines with their CR line ends dropped (pyarrow reads CRLF as one line end anyway: this
    is for the checks, which then see any other CR)."""
    return data.replace(b"\r\n", b"\n").removesuffix(b"\r") if b"\r" in data else data


class ReceiptColumns:
    """`read(table, stream, batch_rows)` of Receipts.txt for an IsbeReader (set in its
    `table_readers`)."""

    def __init__(self, reader, block_bytes=BLOCK_BYTES):
        self.reader, self.block_bytes = reader, block_bytes

    def readers(self):
        return dict.fromkeys(COLUMN_TABLES, self.read)

    def read(self, table, stream, batch_rows=5000):
        """The file's batches: ColumnBatches of `batch_rows` rows (the last one shorter), as the
        per-row path sends RecordBatches, so that a batch is the same unit on both paths; a
        RecordBatch of rows read one by one, and rejects, in file order."""
        pending = []  # tables of contributions read but not yet sent
        for read in self.read_blocks(table, stream):
            if isinstance(read, ColumnBatch):
                pending.append(read.data)
                yield from batches_of(pending, batch_rows)
                continue
            if isinstance(read, RecordBatch):
                yield from batches_of(pending, batch_rows, last=True)
            yield read
        yield from batches_of(pending, batch_rows, last=True)

    def read_blocks(self, table, stream):
        blocks = line_blocks(stream, self.block_bytes)
        head, separator, first_block = next(blocks, b"").partition(b"\n")
        job = Job(self.reader, table, file_header(head.decode("latin-1")))
        number = 2  # the header is line 1
        for block in chain([first_block] if separator else [], blocks):
            lines = block.count(b"\n") + 1
            yield from self.read_block(job, block, number, lines)
            number += lines

    def read_block(self, job, block, first_number, lines):
        if job.columnar:
            data = without_cr(block)
            if clean_block(data, b"\n"):
                part = parse_block(data, job.header, job.wanted)
                if part is not None and part.num_rows == lines:
                    yield from self.read_part(job, part, first_number, lambda: block.split(b"\n"))
                    return
        yield from self.read_lines(job, block.split(b"\n"), first_number)

    def read_lines(self, job, lines, first_number):
        """Lines one by one: runs of clean ones column-wise, the others by the per-row builder."""
        width = len(job.header)
        clean = (job.columnar and clean_line(without_cr(line), width) for line in lines)
        for is_clean, group in groupby(zip(count(first_number), lines, clean), key=itemgetter(2)):
            numbered = [(number, line) for number, line, _ in group]
            if is_clean:
                run = [line for _, line in numbered]
                part = parse_block(without_cr(b"\n".join(run)), job.header, job.wanted)
                if part is not None and part.num_rows == len(run):
                    yield from self.read_part(job, part, numbered[0][0], lambda run=run: run)
                    continue
            built = yield from self.read_rows(job, numbered)
            if built:
                yield RecordBatch(Contribution, CONTRIBUTION_FIELDS, [row for _, row in built])

    def read_rows(self, job, numbered_lines):
        """(generator; returns the (line number, row) built) The per-row path: `line_values`, then
        the builder."""
        rows, width = [], len(job.header)
        for number, line in numbered_lines:
            values = line_values(job.table, number, line.decode("latin-1"), width)
            if isinstance(values, Rejected):
                yield values
            elif values is not None:
                row, rejects = self.reader.build_row(job.table, job.build, number, values)
                yield from rejects
                if row is not None:
                    rows.append((number, row))
        return rows

    def read_part(self, job, part, first_number, lines):
        """The contributions of lines parsed by pyarrow: column rules for every row, the per-row
        builder for the rows they flag, in the order of the file."""
        committee = trimmed(part.column("CommitteeID"))
        if job.kept is not None:
            wanted = pc.is_in(committee, value_set=job.kept)
            positions = pc.indices_nonzero(wanted)
            part, committee = part.filter(wanted), committee.filter(wanted)
        else:
            positions = pa.array(range(part.num_rows), pa.uint64())
        columns, flagged = self.contribution_columns(job, part, committee)
        table = pa.Table.from_arrays(columns, schema=CONTRIBUTION_SCHEMA)
        if pc.any(flagged).as_py():
            table = yield from self.with_flagged_rows(job, table, positions, flagged, first_number, lines)
        if table.num_rows:
            yield ColumnBatch(Contribution, table)

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
        code = pc.ascii_upper(trimmed(at("D2Part")))
        schedule = pc.if_else(pc.equal(code, ""), pa.scalar("(blank)"), code)
        if job.late is not None:
            schedule = pc.if_else(pc.is_in(doc, value_set=job.late), pa.scalar("A1"), schedule)
        giver = pc.if_else(pc.equal(code, "2A"), pa.scalar("COM"),
                           pc.if_else(pc.not_equal(first, ""), pa.scalar("IND"), pa.scalar("OTH")))  # fmt: skip
        committee_ids, _ = read_distinct(committee, committee_id, pa.string())
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
            "state": blank_to_null(pc.ascii_upper(trimmed(at("State")))),
            "zip": blank_to_null(trimmed(at("Zip"))),
            "employer": blank_to_null(trimmed(at("Employer"))),
            "occupation": blank_to_null(trimmed(at("Occupation"))),
            "amount": amount,
            "cumulative_ytd": pc.if_else(same, amount, aggregate),
            "date": day,
            "entity_code": giver,
        }
        flagged = pc.or_(pc.equal(name, ""), pc.is_null(amount))
        for more in (pc.and_(pc.invert(same), aggregate_flagged), day_refused):
            flagged = pc.or_(flagged, more)
        return [columns[name] for name in CONTRIBUTION_FIELDS], flagged

    def with_flagged_rows(self, job, table, positions, flagged, first_number, lines):
        """(generator; returns the table) The rows the columns flagged, read by the per-row
        builder (their rejects yielded), put back in their places."""
        keep = pc.invert(flagged)
        flagged_positions = positions.filter(flagged).to_pylist()
        records = lines()
        built = yield from self.read_rows(
            job, [(first_number + position, records[position]) for position in flagged_positions]
        )
        table, positions = table.filter(keep), positions.filter(keep)
        if not built:
            return table
        values = zip(*(row for _, row in built), strict=True)
        rows = pa.Table.from_arrays(
            [pa.array(column, field.type) for column, field in zip(values, CONTRIBUTION_SCHEMA, strict=True)],
            schema=CONTRIBUTION_SCHEMA,
        )
        built_positions = pa.array([number - first_number for number, _ in built], positions.type)
        order = pc.sort_indices(pa.chunked_array([positions, built_positions]))
        return pa.concat_tables([table, rows]).take(order)


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
