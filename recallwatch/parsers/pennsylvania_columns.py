"""The Pennsylvania contrib file read column by column: the bulk path of
recallwatch/parsers/pennsylvania.py (`FilingSetReader`, through its `file_readers`), with the same
rules, rows and rejects, for both layouts (the header of 2022 on, the legacy columns before).

The file is read in blocks of whole lines. A run of lines that are printable ASCII (a CRLF or LF
at their end) is parsed by pyarrow's CSV reader (quoted text, doubled quotes: pyarrow and the csv
module read such lines alike) and its contributions are built with column operations: the readers
of recallwatch/parsers/value_columns.py, which read what values.py reads the same way and flag the
rest. A row a column rule flags (an amount written "$1,250.00" or "NaN", an unreadable date, no
contributor, no Section, no FILERID) is built by the per-row builder, which reads it or rejects it
with its usual reason. A line with any other byte (cp437 or UTF-8 accents, a tab, a bare CR) is
read by the csv module, by the file's decoding rule, as the per-row path reads it: one record,
which may go on over the next lines (a line break inside quotes); so is a run pyarrow does not
read as one record a line (a blank line, the wrong number of fields, a quote left open).

A row's up to three gifts (CONTDATEn/CONTAMTn) come out in the order of the per-row path, and the
row keys are the same: the digest of the row's values and its occurrence among identical rows of
its filing, counted in file order with the flagged rows built in their places. The filing of each
distinct key (FILERID, EYEAR, CYCLE, CampaignFinanceID) is the reader's own `row_filing` (stand-in
filings, the filers a scheduled run keeps, its counters), asked in the order of the file.

What comes out: ColumnBatches (recallwatch/core/batch.py) of `batch_rows` rows (the rows of lines
read one by one among them, in their places), the stand-in filings before the rows that point at
them, and the Rejecteds.
"""

import csv
import hashlib
import io
from collections import deque
from operator import methodcaller

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from recallwatch.core import totals
from recallwatch.core.batch import ColumnBatch, RecordBatch
from recallwatch.core.items import Contribution, Rejected
from recallwatch.parsers import pa_layout
from recallwatch.parsers.calaccess_columns import batches_of
from recallwatch.parsers.pennsylvania import (
    CONTRIB_COLUMNS,
    CONTRIB_SLOTS,
    CONTRIBUTION_FIELDS,
    EMPTY_SLOT,
    PEEK_BYTES,
    SOURCE,
    BadValue,
    RowProblem,
    built_rows,
    committee_id,
    contrib_schedule,
    decode,
    file_rows,
    first_row,
    peekable,
    record_rows,
    row_digest,
)
from recallwatch.parsers.value_columns import money_column, one_line_column, read_distinct, trimmed, zip_column
from recallwatch.parsers.values import date_value

BLOCK_BYTES = 1 << 19  # about 2,700 contrib rows a block (1 MB blocks: 10 MB more at the peak, no faster)
PRINTABLE = bytes(range(0x20, 0x7F))
FOREIGN_MARKS = bytes(0 if byte in PRINTABLE + b"\r\n" else 1 for byte in range(256))
KEY_SEPARATOR = "\x1f"  # not printable: joins the key columns of a row without ambiguity
AMOUNT_TYPES = {"amount": pa.float64(), "memo": pa.int64()}
CONTRIBUTION_SCHEMA = pa.schema([(name, AMOUNT_TYPES.get(name, pa.string())) for name in CONTRIBUTION_FIELDS])
GIFTS_A_ROW = len(CONTRIB_SLOTS)
HEXDIGEST = methodcaller("hexdigest")
DIGEST_CHARACTERS = 16  # of a row key's digest (FilingSetReader.row_id)
UNCOUNTED = "#"  # in place of a key's occurrence, counted later (`row_ids`)


def clean_line(line):
    """True for a line of printable ASCII, its CRLF or LF apart (read alike by pyarrow and csv)."""
    body = line[:-2] if line.endswith(b"\r\n") else line[:-1] if line.endswith(b"\n") else line
    return bool(body) and not body.translate(None, PRINTABLE)


def clean_block(block):
    """(the number of lines, whether any holds a byte other than printable ASCII) of a block whose
    every CR ends a line (a CR inside a line ends a record for pyarrow and for the csv module alike:
    `parse_lines` finds it by the count of records, as it finds a blank line); None for another."""
    ends = block.translate(None, PRINTABLE)  # the line ends, and any other byte
    foreign = bool(ends.translate(None, b"\r\n"))
    if foreign and block.count(b"\r") != block.count(b"\r\n"):
        return None
    return ends.count(b"\n") + (not block.endswith(b"\n")), foreign


class Lines:
    """The lines of a file (bytes, with their LF): in blocks of whole lines, or one at a time."""

    def __init__(self, stream, block_bytes=BLOCK_BYTES):
        self.stream, self.block_bytes = stream, block_bytes
        self.rest, self.ended = b"", False

    def _more(self):
        data = b"" if self.ended else self.stream.read(self.block_bytes)
        self.ended = not data
        return data

    def block(self):
        """The next lines, about block_bytes of them (b'' at the end)."""
        while True:
            data = self.rest + self._more()
            if self.ended:
                self.rest = b""
                return data
            end = data.rfind(b"\n") + 1
            if end:
                self.rest = data[end:]
                return data[:end]
            self.rest = data

    def line(self):
        """The next line (b'' at the end)."""
        while True:
            end = self.rest.find(b"\n") + 1
            if end or self.ended:
                line, self.rest = (self.rest[:end], self.rest[end:]) if end else (self.rest, b"")
                return line
            self.rest += self._more()


class LineCursor:
    """The lines of a block from a position on, then the file's next lines: the text lines the csv
    module reads (split as io.TextIOWrapper(newline="") splits them: at a bare CR too)."""

    def __init__(self, lines, more, decode_line):
        self.lines, self.more, self.decode_line = lines, more, decode_line
        self.at = 0
        self.parts = deque()  # text lines of the last line taken not yet read

    def texts(self):
        while True:
            if not self.parts:
                if self.at < len(self.lines):
                    raw = self.lines[self.at]
                else:
                    raw = self.more()
                    if not raw:
                        return
                self.at += 1
                self.parts.extend(io.StringIO(self.decode_line(raw), newline=""))
                if not self.parts:
                    continue
            yield self.parts.popleft()

    def read_to(self, stop):
        """done() of the records read up to line `stop` of the block."""
        return lambda: self.at >= stop and not self.parts


class Job:
    """The reading of one file: its name, columns, per-row builder, and the lines read so far."""

    def __init__(self, reader, kind, name, columns, header_layout, lines):
        self.kind, self.name, self.columns, self.lines = kind, name, columns, lines
        self.header_layout = header_layout
        self.build = reader.builder(kind, columns)[2]
        self.build_uncounted = reader.builder(kind, columns, uncounted_row_id)[2]  # for the flagged rows
        self.at = reader.columns_at(columns, *CONTRIB_COLUMNS)
        self.width = len(columns)
        self.columnar = len(set(columns)) == len(columns)  # else every line is read by the csv module
        self.line = 1 if header_layout else 0  # the lines read (the csv module's count)

    def decode(self, data):
        return decode(data, self.kind, self.header_layout)


def parse_lines(data, columns, lines):
    """(every column as text, the indices of the lines refused) of `lines` lines of printable
    ASCII: each line is one record of pyarrow's, and the lines with the wrong number of fields are
    refused (read by the csv module); None when pyarrow reads a record over more than one line (a
    quote left open) or a blank line (no record for the csv module), which the csv module reads
    its own way."""
    table, refused = read_csv(data, columns), []
    if table is None:  # a line with the wrong number of fields: which ones
        table = read_csv(data, columns, lambda row: refused.append(row.number - 1) or "skip")
    if table is None or table.num_rows + len(refused) != lines or any(index < 0 for index in refused):
        return None
    if table.num_rows and refused[-1:] != [lines - 1]:
        last = [values.cast(pa.binary())[-1].as_py() for values in table.slice(table.num_rows - 1).columns]
        if any(b"\n" in value or b"\r" in value for value in last):
            return None  # a quote left open on the last line: the csv module would read on
    part = pa.RecordBatch.from_arrays([values.combine_chunks() for values in table.columns], names=list(columns))
    if part.num_rows and pc.any(pc.equal(part.column(0), "")).as_py() and has_blank_line(data):
        return None
    return part, refused


def read_csv(data, columns, invalid_row_handler=None):
    """pyarrow's Table of the lines (every column as text), or None when it cannot read them (a
    line with the wrong number of fields, without an `invalid_row_handler`)."""
    try:
        return arrow_csv.read_csv(
            io.BytesIO(data),
            # One thread: the pipelines wait for the block anyway, and each thread keeps memory of its own
            read_options=arrow_csv.ReadOptions(column_names=list(columns), use_threads=False),
            parse_options=arrow_csv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=invalid_row_handler
            ),
            convert_options=arrow_csv.ConvertOptions(  # printable ASCII: no UTF-8 to check
                column_types=dict.fromkeys(columns, pa.string()), strings_can_be_null=False, check_utf8=False
            ),
        )  # fmt: skip
    except pa.ArrowInvalid:
        return None


def has_blank_line(data):
    """True when the lines hold an empty one (pyarrow reads it as a row of empty fields)."""
    return data.startswith((b"\n", b"\r\n")) or b"\n\n" in data or b"\n\r\n" in data


class ContribColumns:
    """`read(kind, stream, name, batch_rows)` of contrib files for a FilingSetReader (set in its
    `file_readers`)."""

    KINDS = ("contrib",)

    def __init__(self, reader):
        self.reader = reader
        self.schedules = {}
        self.block_bytes = BLOCK_BYTES

    def readers(self):
        return dict.fromkeys(self.KINDS, self.read)

    def read(self, kind, stream, name=None, batch_rows=5000):
        """The file's batches: ColumnBatches of `batch_rows` rows (the last one shorter), as the
        per-row path sends RecordBatches; a RecordBatch of rows read one by one, stand-in filings
        and rejects, in file order."""
        name = name or f"{kind}.txt"
        pending = []  # pyarrow Tables of contributions read but not yet sent
        for read in self.read_blocks(kind, stream, name, batch_rows):
            if isinstance(read, ColumnBatch):
                pending.append(read.data)
                yield from self.reader.stand_in_batch()
                yield from batches_of(pending, batch_rows)
                continue
            if isinstance(read, RecordBatch):
                yield from self.reader.stand_in_batch()
                yield from batches_of(pending, batch_rows, last=True)
            yield read
        yield from self.reader.stand_in_batch()
        yield from batches_of(pending, batch_rows, last=True)

    def read_blocks(self, kind, stream, name, batch_rows):
        stream = peekable(stream)
        head = stream.peek(PEEK_BYTES)
        header_layout = bool(head) and pa_layout.has_header(kind, first_row(head))
        columns = pa_layout.columns_of(kind)
        if header_layout:
            header = head.split(b"\n", 1)[0] + b"\n"
            if not clean_line(header) or header.count(b'"') % 2:  # a header the csv module may read on from
                yield from self.reader.read_details(kind, file_rows(kind, stream, name), name, batch_rows)
                return
            columns = pa_layout.columns_of(kind, next(csv.reader([header.decode("ascii")])))
        lines = Lines(stream, self.block_bytes)
        if header_layout:
            lines.line()
        job = Job(self.reader, kind, name, columns, header_layout, lines)
        while block := lines.block():
            shape = clean_block(block) if job.columnar else None
            parsed = parse_lines(block, job.columns, shape[0]) if shape else None
            if parsed is not None and not parsed[1]:
                yield from self.read_part(job, parsed[0], foreign_lines(block) if shape[1] else None)
                continue
            cursor = LineCursor(split_lines(block), lines.line, job.decode)
            if parsed is not None:
                yield from self.read_parsed(job, cursor, *parsed)
            yield from self.read_lines(job, cursor)

    def read_lines(self, job, cursor):
        """The rest of a block's lines: runs of clean ones column-wise, the others by the csv module."""
        lines = cursor.lines
        while cursor.at < len(lines):
            start = stop = cursor.at
            while job.columnar and stop < len(lines) and clean_line(lines[stop]):
                stop += 1
            parsed = parse_lines(b"".join(lines[start:stop]), job.columns, stop - start) if stop > start else None
            if parsed is not None:
                yield from self.read_parsed(job, cursor, *parsed)
            else:
                yield from self.read_rows(job, cursor, max(stop, start + 1))

    def read_parsed(self, job, cursor, part, refused):
        """The records of lines pyarrow parsed, from the cursor's line on: column-wise, but the
        lines it refused, read by the csv module in their places, and the rows of lines with other
        bytes than printable ASCII, read by the csv module where they are (`read_part`)."""
        start, row, line, lines = cursor.at, 0, 0, part.num_rows + len(refused)
        for index in [*refused, lines]:
            if index > line:
                raw = cursor.lines[start + line : start + index]
                foreign = {at: text for at, text in enumerate(raw) if not clean_line(text)}
                yield from self.read_part(job, part.slice(row, index - line), foreign)
                row += index - line
            if index < lines:
                cursor.at = start + index
                yield from self.read_rows(job, cursor, cursor.at + 1)
            line = index + 1
        cursor.at = max(cursor.at, start + lines)

    def read_rows(self, job, cursor, stop):
        """The per-row path, from the cursor's line to line `stop` of the block (or on, to the end
        of a record): the csv module's records, then the builder."""
        reader = csv.reader(cursor.texts())
        rows = []
        for number, values in record_rows(reader, job.kind, job.name, job.width, job.line, cursor.read_to(stop)):
            if not isinstance(values, Rejected):
                values = built_rows(job.build, job.kind, job.name, number, values)
            if isinstance(values, Rejected):
                yield values
            else:
                rows.extend(values)
        job.line += reader.line_num
        if rows:  # with the rows around them: a few lines read by the csv module make no batch of their own
            yield ColumnBatch(Contribution, self.with_rules(rows_table(rows)))

    def schedule(self, key):
        """(schedule, entity code) of a 'Section<sep>CYCLE' key as filed (`contrib_schedule`)."""
        if key not in self.schedules:
            try:
                self.schedules[key] = contrib_schedule(*key.split(KEY_SEPARATOR))
            except RowProblem as problem:  # the row's reject is the per-row builder's
                raise BadValue("Section", str(problem), key) from problem
        return self.schedules[key]

    def places(self, job, part):
        """(filing ids, committee ids, refused) of the rows of a part: the reader's `row_filing`
        of each distinct key, in the order of the file; null for the rows of filers a scheduled
        run does not keep, and refused where there is no FILERID."""
        reader, at = self.reader, job.at
        present = [at[name] for name in KEY_COLUMNS if at[name] is not None]
        keys = pc.dictionary_encode(pc.binary_join_element_wise(*(part.column(index) for index in present),
                                                                KEY_SEPARATOR))  # fmt: skip
        filings, committees, refused, others = [], [], [], 0
        for key in keys.dictionary.to_pylist():
            values = [""] * job.width
            for index, value in zip(present, key.split(KEY_SEPARATOR), strict=True):
                values[index] = value
            try:
                place = reader.row_filing(values, at)
            except RowProblem:
                place = None
                refused.append(True)
            else:
                refused.append(False)
                others += place is None
            filings.append(place and place[0])
            committees.append(place and committee_id(place[1]))
        filing = pc.take(pa.array(filings, pa.string()), keys.indices)
        refused = pc.take(pa.array(refused, pa.bool_()), keys.indices)
        skipped = pc.sum(pc.and_(pc.is_null(filing), pc.invert(refused))).as_py() or 0
        reader.stats["rows_of_other_filers"] += skipped - others  # row_filing counted each key once
        return filing, pc.take(pa.array(committees, pa.string()), keys.indices), refused

    def read_part(self, job, part, foreign=None):
        """The contributions of lines parsed by pyarrow: column rules for every row, the per-row
        builder for the rows they flag, in the order of the file. `foreign`: {row: its line} of the
        lines with bytes other than printable ASCII, which the csv module reads (by the file's
        decoding rule) and the per-row builder builds; the columns see them blank."""
        first_number = job.line + 1
        job.line += part.num_rows
        if foreign:
            blank = pa.array([row in foreign for row in range(part.num_rows)], pa.bool_())
            part = pa.RecordBatch.from_arrays(
                [pc.if_else(blank, "", values) for values in part.columns], names=part.schema.names
            )
        column = lambda name: part.column(job.at[name])  # noqa: E731
        filing, committee, place_refused = self.places(job, part)
        placed = pc.is_valid(filing)
        section_cycle = pc.binary_join_element_wise(column("SECTION"), column("CYCLE"), KEY_SEPARATOR)
        schedule, schedule_refused = read_distinct(section_cycle, lambda key: self.schedule(key)[0], pa.string())
        entity, _ = read_distinct(section_cycle, lambda key: self.schedule(key)[1], pa.string())
        name = one_line_column(column("CONTRIBUTOR"))
        problems = pc.or_(schedule_refused, pc.is_null(name))
        gifts = []  # (slot, amount, date, given) of each slot
        for slot in CONTRIB_SLOTS:
            raw_date, raw_amount = column(f"CONTDATE{slot}"), column(f"CONTAMT{slot}")
            given = pa.repeat(True, part.num_rows)
            if slot > 1:  # an empty later slot is no gift
                given = pc.invert(pc.and_(blank_slot(raw_date), blank_slot(raw_amount)))
                if not pc.any(given).as_py():  # no row gives more (the usual case): nothing to read
                    gifts.append((slot, None, None, given))
                    continue
            amount, _ = money_column(raw_amount)
            day, day_refused = read_distinct(raw_date, date_value, pa.string())
            problems = pc.or_(problems, pc.and_(given, pc.or_(pc.is_null(amount), day_refused)))
            gifts.append((slot, amount, day, given))
        flagged = pc.or_(place_refused, pc.and_(placed, problems))
        built = pc.and_(placed, pc.invert(flagged))
        for _, _, _, given in gifts[1:]:
            self.reader.stats["empty_slots"] += pc.sum(pc.and_(built, pc.invert(given))).as_py() or 0
        ids, by_rows = yield from self.row_ids(job, part, pc.if_else(built, filing, pa.scalar(None, pa.string())),
                                               flagged, first_number, foreign or {})  # fmt: skip
        base = {
            "filing_id": filing, "committee_id": committee, "source": pa.repeat(pa.scalar(SOURCE), part.num_rows),
            "schedule": schedule, "contributor_name": name, "entity_code": entity,
            "city": one_line_column(column("CITY")), "state": one_line_column(column("STATE")),
            "zip": zip_column(column("ZIPCODE")), "employer": one_line_column(column("ENAME")),
            "occupation": one_line_column(column("OCCUPATION")), "memo": pa.repeat(0, part.num_rows),
        }  # fmt: skip
        base = {field: values.filter(built) for field, values in base.items()}
        positions = pc.indices_nonzero(built)
        tables, orders = [], []
        for slot, amount, day, given in gifts:
            given = given.filter(built)
            if slot > 1 and not pc.any(given).as_py():
                continue
            columns = {**base, "id": pc.binary_join_element_wise(ids, f"{slot}", ":"), "amount": amount.filter(built),
                       "date": day.filter(built)}  # fmt: skip
            table = pa.Table.from_arrays([columns[field] for field in CONTRIBUTION_FIELDS], schema=CONTRIBUTION_SCHEMA)
            tables.append(table.filter(given))
            orders.append(pc.add(pc.multiply(positions, GIFTS_A_ROW), slot - 1).filter(given))
        if by_rows:
            tables.append(rows_table([row for _, row in by_rows]))
            orders.append(pa.array([order for order, _ in by_rows], pa.uint64()))
        if len(tables) > 1:
            order = pc.sort_indices(pa.chunked_array([order.cast(pa.uint64()) for order in orders]))
            table = pa.concat_tables(tables).take(order)
        else:
            table = tables[0]
        if table.num_rows:
            yield ColumnBatch(Contribution, self.with_rules(table))

    def with_rules(self, table):
        """The table with `current` (1 for the latest version of its report, 0 for an earlier one;
        null for a stand-in filing) and `counted`, `not_counted_reason` as the totals rules set
        them (recallwatch/core/totals.py, rules_pennsylvania.py), once per distinct filing and
        schedule: the end of the run then rewrites only the rows a rule changes (a report amended
        by a later run), not every row. The rules still decide: they overwrite any other value."""
        rules = totals.rules_for(SOURCE)
        schedule = table.column("schedule")
        current, _ = read_distinct(table.column("filing_id"), self.reader.current_of.get, pa.int64())
        counted, _ = read_distinct(schedule, lambda code: totals.counted_and_reason(code, 0, rules)[0], pa.int64())
        reason, _ = read_distinct(schedule, lambda code: totals.counted_and_reason(code, 0, rules)[1], pa.string())
        return (
            table.append_column("current", current)
            .append_column("counted", counted)
            .append_column("not_counted_reason", reason)
        )

    def row_ids(self, job, part, filing, flagged, first_number, foreign):
        """(generator of the flagged rows' rejects; returns the keys of the built rows and the
        (order, row) of the flagged rows the per-row builder built) The row keys of `row_id` (the
        digest of the row's values, its occurrence among identical rows of its filing's run of
        rows), counted in file order, the flagged rows' among them."""
        joined = pc.binary_join_element_wise(*part.columns, KEY_SEPARATOR).cast(pa.binary())
        built = pc.is_valid(filing)
        built_filings, digests = filing.drop_null(), digests_of(joined.filter(built))
        flagged_positions = pc.indices_nonzero(flagged).to_pylist()
        flagged_values = dict(zip(flagged_positions, rows_at(part, flagged_positions), strict=True))
        by_rows = []  # (position, rows) of the flagged rows built, their keys not counted yet
        for position in flagged_positions:
            rows = yield from self.flagged_row(job, position, first_number, flagged_values, foreign)
            if rows:
                by_rows.append((position, rows))
        if not by_rows:
            return self.occurrence_ids(built_filings, digests), []
        # every built row in file order: (position, filing, digest), the flagged rows' from their keys
        positions = pa.concat_arrays([pc.indices_nonzero(built), pa.array([at for at, _ in by_rows], pa.uint64())])
        order = pc.sort_indices(positions)
        keys = self.occurrence_ids(
            pa.concat_arrays([built_filings, pa.array([rows[0][1] for _, rows in by_rows], pa.string())]).take(order),
            pa.concat_arrays([digests, pa.array([rows[0][0].split(":")[-3] for _, rows in by_rows])]).take(order),
        )
        keys = keys.take(pc.sort_indices(order))  # back in the order of `positions`
        flagged_keys = keys.slice(len(built_filings)).to_pylist()
        counted = [
            (position * GIFTS_A_ROW + index, (f"{key}:{row[0].rsplit(':', 1)[1]}", *row[1:]))
            for (position, rows), key in zip(by_rows, flagged_keys, strict=True)
            for index, row in enumerate(rows)
        ]
        return keys.slice(0, len(built_filings)), counted

    def flagged_row(self, job, position, first_number, flagged_values, foreign):
        """(generator of its reject; returns the rows it makes, their keys' occurrences not counted:
        `uncounted_row_id`) A flagged row, read by the per-row path: its values as pyarrow read
        them, or as the csv module reads its line."""
        values = flagged_values[position]
        number = first_number + position
        if position in foreign:  # its values as the csv module reads them
            text = io.StringIO(job.decode(foreign[position]), newline="")
            number, values = next(record_rows(csv.reader(text), job.kind, job.name, job.width, number - 1), (0, None))
            if values is None:  # no record (a line pyarrow reads as fields the csv module skips)
                return []
        if not isinstance(values, Rejected):
            values = built_rows(job.build_uncounted, job.kind, job.name, number, values)
        if isinstance(values, Rejected):
            yield values
            return []
        return values

    def occurrence_ids(self, filing, digests):
        """The row keys of built rows (`filing`: each one's, `digests`: of its values, in file
        order): the digest and the count of identical rows before it in its run of its filing's
        rows; the first run may go on from the reader's count, and the reader's count is the last
        run's after them."""
        rows = len(filing)
        if not rows:
            return pa.array([], pa.string())
        changed = pc.not_equal(filing.slice(1), filing.slice(0, rows - 1))
        distinct = pc.dictionary_encode(digests)
        if len(distinct.dictionary) == rows:  # no two rows alike (the usual case)
            seen = pa.repeat(0, rows).cast(pa.int64())
        else:  # the count of each (run, digest) pair, keyed by an integer
            run = pa.concat_arrays([pa.array([0], pa.int64()), pc.cumulative_sum(pc.cast(changed, pa.int64()))])
            key = pc.add(pc.multiply(run, len(distinct.dictionary)), pc.cast(distinct.indices, pa.int64()))
            seen = occurrences_before(key)
        starts = pc.indices_nonzero(changed).to_pylist()
        first_end, last_start = (starts[0] + 1, starts[-1] + 1) if starts else (rows, 0)
        reader = self.reader
        counts = {}
        if filing[0].as_py() == reader._occurrences_of and reader._occurrences:
            counts = reader._occurrences  # the first run goes on from the reader's count
            before = [counts.get(digest, 0) for digest in digests.slice(0, first_end).to_pylist()]
            seen = pc.add(seen, pa.concat_arrays([pa.array(before, pa.int64()), pa.repeat(0, rows - first_end)]))
            if first_end < rows:
                counts = {}
        last = zip(digests.slice(last_start).to_pylist(), pc.add(seen.slice(last_start), 1).to_pylist(), strict=True)
        counts.update(last)  # a digest's last row has its highest count
        reader._occurrences, reader._occurrences_of = counts, filing[rows - 1].as_py()
        return pc.binary_join_element_wise(filing, "C", digests, pc.cast(seen, pa.string()), ":")


def occurrences_before(keys):
    """For each value of `keys`, how many times it comes before it (0, 0, 1 for 'a', 'b', 'a')."""
    order = pc.sort_indices(keys)  # stable: identical keys in file order
    ordered = keys.take(order)
    positions = pa.array(range(len(keys)), pa.int64())
    firsts = pc.if_else(first_of_runs(ordered), positions, pa.scalar(None, pa.int64()))
    rank = pc.subtract(positions, pc.fill_null_forward(firsts))
    return rank.take(pc.sort_indices(order))


def first_of_runs(values):
    """True where a value differs from the one before it (the first is one)."""
    if len(values) < 2:
        return pa.repeat(True, len(values))
    return pa.concat_arrays([pa.array([True]), pc.not_equal(values.slice(1), values.slice(0, len(values) - 1))])


KEY_COLUMNS = ("FILERID", "EYEAR", "CYCLE", "CAMPAIGNFINANCEID", "SUBMITTEDDATE")
EMPTY_SLOTS = pa.array(sorted(EMPTY_SLOT))


def blank_slot(raw):
    """`_blank(raw)` of pennsylvania.py: an empty CONTDATEn or CONTAMTn ('', '0', '0.00')."""
    return pc.is_in(trimmed(raw), value_set=EMPTY_SLOTS)


def digests_of(joined):
    """`row_digest` of each row's values joined by the key separator (bytes)."""
    hexes = map(HEXDIGEST, map(hashlib.sha1, joined.to_pylist()))
    return pc.utf8_slice_codeunits(pa.array(hexes, pa.string(), size=len(joined)), 0, DIGEST_CHARACTERS)


def uncounted_row_id(filing, kind, values):
    """`FilingSetReader.row_id` without the occurrence (`UNCOUNTED`), which `row_ids` counts."""
    return f"{filing}:{kind}:{row_digest(values)}:{UNCOUNTED}"


def rows_table(rows):
    """Contribution row tuples (CONTRIBUTION_FIELDS) as a pyarrow Table."""
    columns = zip(*rows, strict=True)
    return pa.Table.from_arrays(
        [pa.array(values, field.type) for values, field in zip(columns, CONTRIBUTION_SCHEMA, strict=True)],
        schema=CONTRIBUTION_SCHEMA,
    )


def rows_at(part, positions):
    """The values of the rows of a part at `positions`, as lists."""
    if not positions:
        return []
    columns = [values.to_pylist() for values in part.take(pa.array(positions, pa.int64())).columns]
    return [list(values) for values in zip(*columns, strict=True)]


def foreign_lines(block):
    """{line index: line} of the lines of a block with a byte other than printable ASCII."""
    marks = block.translate(FOREIGN_MARKS)  # 1 where a byte is neither printable ASCII nor a line end
    lines, line, counted_to, at = {}, 0, 0, marks.find(1)
    while at >= 0:
        line += block.count(b"\n", counted_to, at)
        start, end = block.rfind(b"\n", 0, at) + 1, block.find(b"\n", at) + 1 or len(block)
        lines[line] = block[start:end]
        counted_to, at = end, marks.find(1, end)
        line += 1  # past the line's LF
    return lines


def split_lines(block):
    """The lines of a block, each with its LF (the last one without, at the end of a file that
    has none)."""
    lines = [line + b"\n" for line in block.split(b"\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines
