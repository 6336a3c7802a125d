"""CAL-ACCESS receipts (RCPT_CD) and late contributions (S497_CD part 1) read column by column:
the bulk path of recallwatch/parsers/calaccess.py, with the same rules, rows and rejects.

A table is read in blocks of whole records (`record_blocks`). A block whose records are all
printable ASCII with the header's number of fields is parsed by pyarrow's CSV reader (tab
separated, no quoting) and its contributions are built with column operations: the readers of
recallwatch/parsers/value_columns.py, which read what values.py reads the same way and flag the
rest. A row a column rule flags (an amount written "$1,250.00" or "NaN", an unreadable date or
amendment number, no name) goes to the per-row builder of `ExportReader`, which reads it or rejects
it with its usual reason; so does a record with any other byte (accents, NUL, a bare LF) or the
wrong number of fields. Rows keep the order of the file, so an id filed twice keeps its last row as
in the per-row path.

What comes out: a ColumnBatch (recallwatch/core/batch.py) per block, a RecordBatch for a run of
records read row by row, and the Rejecteds. The reader's filter (a scheduled run's filers), caches
and counters (`skipped`) are the ExportReader's own.
"""

import io
from itertools import chain, groupby

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv

from recallwatch.core import totals
from recallwatch.core.batch import ColumnBatch, RecordBatch
from recallwatch.core.items import Contribution, Rejected
from recallwatch.parsers.calaccess import (
    CONTRIBUTION_FIELDS,
    RECEIPT_LAYOUTS,
    SOURCE,
    decode,
    record_blocks,
    split_record,
)
from recallwatch.parsers.value_columns import blank_to_null, money_column, name_column, read_distinct, trimmed
from recallwatch.parsers.values import date_value

# The system allocator gives the blocks' memory back as each is done (pyarrow's default pool keeps
# it: about 40 MB more at the peak of a load)
pa.set_memory_pool(pa.system_memory_pool())

# S497_CD is read row by row: its part 2 rows are contributions made, another table
COLUMN_TABLES = ("RCPT_CD",)
BLOCK_BYTES = 1 << 20  # about 5,500 receipts a batch (larger blocks: more memory, no faster)
PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t"
NUMBER_TYPES = {"amount": pa.float64(), "cumulative_ytd": pa.float64(), "memo": pa.int64()}
CONTRIBUTION_SCHEMA = pa.schema([(name, NUMBER_TYPES.get(name, pa.string())) for name in CONTRIBUTION_FIELDS])


def clean_block(block, separator):
    """True when every record of the block is printable ASCII and tabs, and none is empty."""
    stray = block.translate(None, PRINTABLE).replace(separator, b"")
    doubled = separator * 2 in block or block.startswith(separator) or block.endswith(separator)
    return not stray and not doubled and bool(block)


def clean_line(line, width):
    return not line.translate(None, PRINTABLE) and line.count(b"\t") == width - 1


def parse_block(data, header, wanted):
    """The `wanted` columns (as text) of records joined by CRLF or LF, or None when a record does
    not have the header's number of fields."""
    refused = []
    try:
        table = csv.read_csv(
            io.BytesIO(data),
            # One thread: the pipelines wait for the block anyway, and each of pyarrow's threads keeps
            # memory of its own
            read_options=csv.ReadOptions(column_names=header, use_threads=False),
            parse_options=csv.ParseOptions(
                delimiter="\t", quote_char=False, escape_char=False, ignore_empty_lines=False,
                invalid_row_handler=lambda row: refused.append(row) or "skip",
            ),
            convert_options=csv.ConvertOptions(
                include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string()), strings_can_be_null=False
            ),
        )  # fmt: skip
    except pa.ArrowInvalid:  # anything pyarrow cannot parse: the records are read one by one
        return None
    return None if refused else table.combine_chunks()


def batches_of(tables, batch_rows, last=False):
    """ColumnBatches of `batch_rows` rows taken from the front of `tables` (pyarrow Tables of
    contributions, in file order; what is left stays in the list), and the rest too when `last`."""
    rows = sum(table.num_rows for table in tables)
    if not tables or (rows < (batch_rows or rows) and not last):
        return
    joined = pa.concat_tables(tables)
    tables.clear()
    start = 0
    while batch_rows and rows - start >= batch_rows:
        yield ColumnBatch(Contribution, joined.slice(start, batch_rows))
        start += batch_rows
    if start < rows:
        if last:
            yield ColumnBatch(Contribution, joined.slice(start))
        else:
            tables.append(joined.slice(start))


def built_rows(reader, job, numbered_lines, values_of):
    """(generator of the rejects; returns the (line number, row) built) Lines a column path leaves
    to its reader's per-row builder: `values_of(number, line)` gives the line's values (None for a
    line that is no record, a Rejected for one that cannot be split), then `reader.build_row`."""
    rows = []
    for number, line in numbered_lines:
        values = values_of(number, line)
        if isinstance(values, Rejected):
            yield values
        elif values is not None:
            row, rejects = reader.build_row(job.table, job.build, number, values)
            yield from rejects
            if row is not None:
                rows.append((number, row))
    return rows


class ReceiptColumns:
    """`read(table, stream, batch_rows)` of RCPT_CD and S497_CD for an ExportReader (set in its
    `table_readers`)."""

    def __init__(self, reader):
        self.reader = reader
        self.schedules = {}
        self._kept = None

    def readers(self):
        return dict.fromkeys(COLUMN_TABLES, self.read)

    def kept_filings(self):
        """The reader's kept FILING_IDs as a pyarrow array (made again only when the set grew: the
        filings are read before the money)."""
        if self._kept is None or len(self._kept) != len(self.reader.kept_filings):
            self._kept = pa.array(list(self.reader.kept_filings), pa.string())
        return self._kept

    def schedule(self, form_type):
        if form_type not in self.schedules:
            self.schedules[form_type] = totals.schedule_code(form_type)
        return self.schedules[form_type]

    def read(self, table, stream, batch_rows=None):
        """The table's batches: ColumnBatches of `batch_rows` rows (the last one shorter), as the
        per-row path sends RecordBatches, so that a batch, stored in one transaction, is the same
        unit on both paths; a RecordBatch of rows read one by one, and rejects, in file order."""
        pending = []  # ColumnBatches read but not yet sent
        for read in self.read_blocks(table, stream):
            if isinstance(read, ColumnBatch) and batch_rows:
                pending.append(read.data)
                yield from batches_of(pending, batch_rows)
                continue
            if isinstance(read, RecordBatch | ColumnBatch):
                yield from batches_of(pending, batch_rows, last=True)
            yield read
        yield from batches_of(pending, batch_rows, last=True)

    def read_blocks(self, table, stream):
        blocks = record_blocks(stream, BLOCK_BYTES)
        separator, first_block = next(blocks, (None, b""))
        head, _, first_block = first_block.partition(separator or b"\r\n")
        header = [name.strip().upper() for name in decode(head).split("\t")]
        job = Job(table, header, self.reader.builder(table, header)[2])
        number = 2  # the header is line 1
        for block in chain([first_block], (rest for _, rest in blocks)):
            if block:
                records = block.count(separator) + 1
                yield from self.read_block(job, separator, block, number, records)
                number += records

    def read_block(self, job, separator, block, first_number, records):
        if job.columnar and clean_block(block, separator):
            part = parse_block(block, job.header, job.wanted)
            if part is not None and part.num_rows == records:
                yield from self.read_part(job, part, first_number, lambda: block.split(separator))
                return
        yield from self.read_lines(job, block.split(separator), first_number)

    def read_lines(self, job, lines, first_number):
        """Records one by one: runs of clean ones column-wise, the others by the per-row builder."""
        width = len(job.header)
        for clean, group in groupby(enumerate(lines), key=lambda pair: job.columnar and clean_line(pair[1], width)):
            group = list(group)
            number = first_number + group[0][0]
            if clean:
                part_lines = [line for _, line in group]
                part = parse_block(b"\n".join(part_lines), job.header, job.wanted)
                if part is not None and part.num_rows == len(part_lines):
                    yield from self.read_part(job, part, number, lambda part_lines=part_lines: part_lines)
                    continue
            built = yield from self.read_rows(job, [(first_number + index, line) for index, line in group])
            if built:
                yield RecordBatch(Contribution, CONTRIBUTION_FIELDS, [row for _, row in built])

    def read_rows(self, job, numbered_lines):
        """(generator; returns the (line number, row) built) The per-row path: `split_record`, then
        the builder."""
        width = len(job.header)
        return (yield from built_rows(
            self.reader, job, numbered_lines, lambda number, line: split_record(job.table, number, decode(line), width)
        ))  # fmt: skip

    def read_part(self, job, part, first_number, lines):
        """The contributions of a block parsed by pyarrow: column rules for every row, the per-row
        builder for the rows they flag, in the order of the file."""
        layout, reader = job.layout, self.reader
        filing = trimmed(part.column("FILING_ID"))
        form = pc.ascii_upper(trimmed(part.column("FORM_TYPE")))
        schedule, _ = read_distinct(form, self.schedule, pa.string())
        if layout.get("part_one_only"):  # 497 part 2: contributions made, not received
            wanted = pc.equal(pc.fill_null(schedule, ""), "497")
        else:
            wanted = pc.is_valid(schedule)
        if reader.keep_filer is not None:
            kept = pc.is_in(filing, value_set=self.kept_filings())
            reader.skipped += pc.sum(pc.and_(kept, pc.invert(wanted))).as_py() or 0
            wanted = pc.and_(kept, wanted)
        else:
            reader.skipped += part.num_rows - (pc.sum(wanted).as_py() or 0)
        positions = pc.indices_nonzero(wanted)
        part, filing, form, schedule = (values.filter(wanted) for values in (part, filing, form, schedule))
        columns, flagged = self.contribution_columns(job, part, filing, form, schedule)
        table = pa.Table.from_arrays(columns, schema=CONTRIBUTION_SCHEMA)
        if pc.any(flagged).as_py():
            table, positions = yield from self.with_flagged_rows(job, table, positions, flagged, first_number, lines)
        if table.num_rows:
            yield ColumnBatch(Contribution, with_counted(table))

    def contribution_columns(self, job, part, filing, form, schedule):
        """(the CONTRIBUTION_FIELDS columns, flagged): what contribution_builder makes of each row,
        and the rows the column rules leave to it."""
        layout, reader = job.layout, self.reader
        at = part.column
        last, first, _, suffix = (trimmed(at(name)) for name in layout["names"])
        city, state, zip_code = (trimmed(at(name)) for name in layout["place"])
        employer, occupation = (trimmed(at(name)) for name in layout["work"])
        amount_name, cumulative_name = layout["amounts"]
        amendment, amendment_refused = read_distinct(at("AMEND_ID"), reader.amendment, pa.int64())
        name = name_column(last, first, suffix)
        amount, amount_flagged = money_column(at(amount_name))
        if cumulative_name:
            cumulative, cumulative_flagged = money_column(at(cumulative_name))
        else:
            cumulative, cumulative_flagged = pa.nulls(part.num_rows, pa.float64()), pa.repeat(False, part.num_rows)
        day, day_refused = read_distinct(at(layout["dates"]), date_value, pa.string())
        code, _ = read_distinct(at("ENTITY_CD"), lambda raw: reader.entity_code(raw)[0], pa.string())
        raw_code, _ = read_distinct(at("ENTITY_CD"), lambda raw: reader.entity_code(raw)[1], pa.string())
        this_filing = pc.binary_join_element_wise(SOURCE, filing, pc.cast(amendment, pa.string()), ":")
        memo = pc.if_else(pc.equal(pc.ascii_upper(trimmed(at("MEMO_CODE"))), "X"), 1, 0)
        if "TRAN_TYPE" in job.header:
            tran_type = blank_to_null(trimmed(at("TRAN_TYPE")))
        else:
            tran_type = pa.nulls(part.num_rows, pa.string())
        columns = {
            "id": pc.binary_join_element_wise(this_filing, layout["table"], trimmed(at("LINE_ITEM")), form, ":"),
            "filing_id": this_filing,
            "source": pa.repeat(pa.scalar(SOURCE), part.num_rows),
            "tran_id": blank_to_null(trimmed(at("TRAN_ID"))),
            "schedule": schedule,
            "contributor_name": name,
            "contributor_first": blank_to_null(first),
            "contributor_last": blank_to_null(last),
            "entity_code": code,
            "entity_code_raw": raw_code,
            "city": blank_to_null(city),
            "state": blank_to_null(pc.ascii_upper(state)),
            "zip": blank_to_null(zip_code),
            "employer": blank_to_null(employer),
            "occupation": blank_to_null(occupation),
            "amount": amount,
            "cumulative_ytd": cumulative,
            "date": day,
            "memo": pc.cast(memo, pa.int64()),
            "tran_type": tran_type,
        }
        flagged = pc.or_(amendment_refused, pc.equal(name, ""))
        for more in (pc.is_null(amount), cumulative_flagged, day_refused):
            flagged = pc.or_(flagged, more)
        return [columns[name] for name in CONTRIBUTION_FIELDS], flagged

    def with_flagged_rows(self, job, table, positions, flagged, first_number, lines):
        """(generator; returns the table and positions) The rows the columns flagged, read by the
        per-row builder (their rejects yielded), put back in their places."""
        keep = pc.invert(flagged)
        flagged_positions = positions.filter(flagged).to_pylist()
        records = lines()
        built = yield from self.read_rows(
            job, [(first_number + position, records[position]) for position in flagged_positions]
        )
        table, positions = table.filter(keep), positions.filter(keep)
        if not built:
            return table, positions
        values = zip(*(row for _, row in built), strict=True)
        rows = pa.Table.from_arrays(
            [pa.array(column, field.type) for column, field in zip(values, CONTRIBUTION_SCHEMA, strict=True)],
            schema=CONTRIBUTION_SCHEMA,
        )
        built_positions = pa.array([number - first_number for number, _ in built], positions.type)
        positions = pa.chunked_array([positions, built_positions])
        order = pc.sort_indices(positions)
        return pa.concat_tables([table, rows]).take(order), positions.take(order)


def counted_of(key):
    """(counted, not_counted_reason) of a 'schedule|memo' key."""
    schedule, memo = key.split("|")
    return totals.counted_and_reason(schedule, int(memo), totals.rules_for(SOURCE))


def with_counted(table):
    """The table with `counted` and `not_counted_reason` as the totals rule sets them from each
    row's schedule and memo (totals.counted_and_reason, once per distinct pair): the end of the run
    then rewrites only the rows whose rule needs other tables (late reports a Form 460 lists again),
    not every row."""
    key = pc.binary_join_element_wise(table.column("schedule"), pc.cast(table.column("memo"), pa.string()), "|")
    counted, _ = read_distinct(key, lambda pair: counted_of(pair)[0], pa.int64())
    reason, _ = read_distinct(key, lambda pair: counted_of(pair)[1], pa.string())
    return table.append_column("counted", counted).append_column("not_counted_reason", reason)


class Job:
    """What the reading of one table needs: its header, the columns read, the per-row builder."""

    def __init__(self, table, header, build):
        self.table, self.header, self.build = table, header, build
        self.layout = RECEIPT_LAYOUTS[table]
        names = [
            "FILING_ID", "AMEND_ID", "LINE_ITEM", "FORM_TYPE", "TRAN_ID", "ENTITY_CD", "MEMO_CODE",
            *self.layout["names"], *self.layout["place"], *self.layout["work"], self.layout["dates"],
            *(name for name in self.layout["amounts"] if name),
        ]  # fmt: skip
        if "TRAN_TYPE" in header:
            names.append("TRAN_TYPE")
        self.wanted = list(dict.fromkeys(names))
        self.columnar = len(set(header)) == len(header)  # else every record is read row by row
