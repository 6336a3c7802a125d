"""CAL-ACCESS bulk export tables (dbwebexport.zip, CalAccess/DATA/*.TSV) read into rows: from the
bytes of each table to RecordBatches of committees, filings, summary lines and contributions, and
a `Rejected` for each row that cannot be stored. Pure: the spider opens the tables.

- FILERNAME_CD: filers -> committees (the name with the latest effective date);
- FILER_FILINGS_CD and CVR_CAMPAIGN_DISCLOSURE_CD: filings (FILING_ID is the report, AMEND_ID or
  FILING_SEQUENCE its amendment; the cover page gives the form, the period and the filer);
- SMRY_CD: summary-page lines -> filing_summaries (Form 460 line 5 = total contributions);
- RCPT_CD: receipts (Schedules A, C, I, 496 part 3...) -> contributions;
- S497_CD: late contributions received (497 part 1) -> contributions.

Everything is streamed, row by row: RCPT_CD alone has about ten million rows. The receipts tables
can be read column by column instead (calaccess_columns.py, through `table_readers`), with the same
rules and the same rows and rejects. The format's quirks:
records end with CRLF (a bare LF can sit inside a value), no quoting, NUL and \\x1a bytes, bytes
that are not UTF-8 (read as Windows-1252), lowercase codes, "2/3/2000 12:00:00 AM" dates, and rows
with the wrong number of fields, rejected with the reason and the raw row while the rest is stored.

Every value is read by recallwatch/parsers/values.py. A receipt's committee is the filer of its
filing: the totals rules fill it in from the filings at the end of the run, and they set
`counted` too.

Committees, so that no filing's money is outside `committee_totals`: every filer that a kept
filing names gets a committees row.
- A filer named by FILERNAME_CD or a cover page (FILER_NAML) is a `Committee` with its latest name
  in this run; it is upserted, so it replaces whatever was stored for that id before.
- A filer that no name row of this run names (about half the filings of a real export sample) is
  a `FilerCommittee` named "filer <id>", stored only when no committees row has that id: it never
  replaces a name an earlier run stored, and a later run's name replaces it.
"""

import re

from recallwatch.core import totals
from recallwatch.core.batch import RecordBatch
from recallwatch.core.ids import stable_id
from recallwatch.core.items import Committee, Contribution, FilerCommittee, Filing, FilingSummary, Rejected
from recallwatch.parsers.values import (
    amendment_number,
    contributor_name,
    date_value,
    filed_date,
    money,
    read_or_none,
    stored_without,
)

SOURCE = "calaccess"
# Tables in the order they are read: committees and filings before the money that points at them.
TABLES = ("FILERNAME_CD", "FILER_FILINGS_CD", "CVR_CAMPAIGN_DISCLOSURE_CD", "SMRY_CD", "RCPT_CD", "S497_CD")
MONEY_TABLES = ("SMRY_CD", "RCPT_CD", "S497_CD")
TABLE_ITEM_TYPES = {
    "FILERNAME_CD": "committees",
    "FILER_FILINGS_CD": "filings",
    "CVR_CAMPAIGN_DISCLOSURE_CD": "filings",
    "SMRY_CD": "filing_summaries",
    "RCPT_CD": "contributions",
    "S497_CD": "contributions",
}
CAMPAIGN_FORM = re.compile(r"^F4\d\d$")  # Form 4xx: campaign statements (460, 497, 496, 450...)
NOT_COMMITTEES = {"LOBBYIST", "CLIENT", "EMPLOYER", "FIRM", "TREASURER/RESPONSIBLE OFFICER", "PREPAID ACCOUNT"}

COMMITTEE_FIELDS = ("id", "name", "source", "source_id", "fppc_id", "committee_type", "campaign_id", "position")
FILING_FIELDS = (
    "id", "committee_id", "source", "report_id", "form_type", "period_start", "period_end", "filed", "amendment",
    "source_url", "source_filing_id", "filer_id",
)  # fmt: skip
SUMMARY_FIELDS = ("filing_id", "form_type", "line", "amount_period", "amount_ytd")
CONTRIBUTION_FIELDS = (
    "id", "filing_id", "source", "tran_id", "schedule", "contributor_name", "contributor_first", "contributor_last",
    "entity_code", "entity_code_raw", "city", "state", "zip", "employer", "occupation", "amount", "cumulative_ytd",
    "date", "memo", "tran_type",
)  # fmt: skip
# The columns of the receipts tables (contribution_builder's arguments; calaccess_columns.py reads
# the same ones)
RECEIPT_LAYOUTS = {
    "RCPT_CD": {
        "table": "RCPT", "names": ("CTRIB_NAML", "CTRIB_NAMF", "CTRIB_NAMT", "CTRIB_NAMS"),
        "place": ("CTRIB_CITY", "CTRIB_ST", "CTRIB_ZIP4"), "work": ("CTRIB_EMP", "CTRIB_OCC"),
        "dates": "RCPT_DATE", "amounts": ("AMOUNT", "CUM_YTD"),
    },
    "S497_CD": {
        "table": "S497", "names": ("ENTY_NAML", "ENTY_NAMF", "ENTY_NAMT", "ENTY_NAMS"),
        "place": ("ENTY_CITY", "ENTY_ST", "ENTY_ZIP4"), "work": ("CTRIB_EMP", "CTRIB_OCC"),
        "dates": "CTRIB_DATE", "amounts": ("AMOUNT", None), "part_one_only": True,
    },
}  # fmt: skip


class RowProblem(ValueError):
    """A row that cannot be stored; the message is the reject reason."""


def committee_id(filer_id):
    return stable_id(SOURCE, filer_id)


def filing_id(filing, amendment):
    """A readable natural key ('calaccess:2105012:1'): ids in file order keep the primary-key
    index appending instead of inserting at random places (a hash id made bulk loads 3x slower)."""
    return f"{SOURCE}:{filing}:{amendment}"


def report_id(filing):
    return f"{SOURCE}:{filing}"


# -- records


def decode(record):
    """A record's text: NUL and \\x1a bytes dropped, UTF-8 where it is, else Windows-1252."""
    record = record.translate(None, b"\x00\x1a")
    try:
        return record.decode("utf-8")
    except UnicodeDecodeError:
        return record.decode("cp1252", errors="replace")


def record_blocks(stream, chunk_size=1 << 20):
    """(separator, block) of a CAL-ACCESS table: each block holds the whole records of one read,
    joined by the separator. Records end with CRLF; a file written with bare LF line ends is read
    by LF."""
    separator = None
    pending = b""
    while chunk := stream.read(chunk_size):
        pending += chunk
        if separator is None:
            separator = b"\r\n" if b"\r\n" in pending or b"\n" not in pending else b"\n"
        cut = pending.rfind(separator)
        if cut >= 0:
            yield separator, pending[:cut]
            pending = pending[cut + len(separator) :]
    if pending.strip(b"\x00\x1a \r\n"):
        yield separator, pending


def records(stream, chunk_size=1 << 20):
    """(line number, record bytes) of a CAL-ACCESS table."""
    number = 0
    for separator, block in record_blocks(stream, chunk_size):
        for line in block.split(separator):
            number += 1
            yield number, line


def text_records(stream):
    """(line number, `decode(record)`) of a CAL-ACCESS table. A block of records with no byte to
    drop that is UTF-8 as a whole is decoded in one call (the usual case, and much faster)."""
    number = 0
    for separator, block in record_blocks(stream):
        lines = None
        if b"\x00" not in block and b"\x1a" not in block:
            try:
                lines = block.decode("utf-8").split(separator.decode())
            except UnicodeDecodeError:
                pass
        for line in lines or map(decode, block.split(separator)):
            number += 1
            yield number, line


def table_rows(table, stream):
    """The header (its names), then (line number, values) of each data row, or (line number,
    Rejected) for a row whose field count is not the header's."""
    lines = text_records(stream)
    _, header_text = next(lines, (0, ""))
    header = header_text.split("\t")
    width = len(header)
    yield header
    for number, text in lines:
        values = split_record(table, number, text, width)
        if values is not None:
            yield number, values


def split_record(table, number, text, width):
    """The values of a data row; a Rejected for a row whose field count is not the header's, None
    for a blank one."""
    values = text.split("\t")
    if len(values) == width:
        return values
    if text.strip():
        return rejected(table, f"{table} line {number}: {len(values)} fields, the header has {width}", text)
    return None


def rejected(table, reason, raw):
    return Rejected(reason, {"table": table, "raw": raw}, TABLE_ITEM_TYPES.get(table))


def blank_to_none(value):
    value = value.strip()
    return value or None


def no_campaign(name, on_date):
    return None, None


class ExportReader:
    """Turns the rows of each table into committees, filings, summary lines and contributions.

    keep_filer(filer_id, name, on_date) decides which filers a scheduled run keeps (None: all; a
    filer no name row names is asked with name None); link(name, on_date) gives (campaign_id,
    position)."""

    def __init__(self, source_url, keep_filer=None, link=None):
        self.source_url = source_url
        self.keep_filer = keep_filer
        self.link = link or no_campaign
        self.committees = {}  # filer id -> (date, name, committee type), until its batch is out
        self.named_filers = set()  # every filer a name row of this run named
        self.filing_filers = set()  # filers of the filings kept, not yet in a committee batch
        self.kept_filers = set()
        self.names_checked = set()
        self.kept_filings = set()  # FILING_IDs of kept filers (when filtering)
        self.skipped = 0
        self.problems = []  # what the last row is stored without (read() yields them as rejects)
        self._entity_codes = {}
        self._amendments = {}
        # table -> read(table, stream, batch_rows) for the tables read another way (the column
        # readers of calaccess_columns.py); the others are read by `read`, row by row
        self.table_readers = {}

    # -- committees
    def note_committee(self, filer_id, on_date, name, committee_type):
        if not filer_id or not name:
            return
        self.named_filers.add(filer_id)
        known = self.committees.get(filer_id)
        if known is None or (on_date or "") >= (known[0] or ""):
            self.committees[filer_id] = (on_date, name, committee_type or (known[2] if known else None))
        self.check_filer(filer_id, name, on_date)

    def check_filer(self, filer_id, name, on_date):
        if self.keep_filer is not None and (filer_id, name) not in self.names_checked:
            self.names_checked.add((filer_id, name))
            if self.keep_filer(filer_id, name, on_date):
                self.kept_filers.add(filer_id)

    def keeps_filer(self, filer_id):
        if self.keep_filer is None:
            return True
        if filer_id not in self.named_filers:
            self.check_filer(filer_id, None, None)  # a scheduled run may list it by id
        return filer_id in self.kept_filers

    def keeps_filing(self, filing):
        return self.keep_filer is None or filing in self.kept_filings

    def committee_row(self, filer_id, name, committee_type, campaign_id, position):
        fppc_id = filer_id if filer_id.isdigit() else None
        return (committee_id(filer_id), name, SOURCE, filer_id, fppc_id, committee_type, campaign_id, position)

    def committee_batches(self):
        """The committees noted since the last call: those the name rows name, each with its latest
        name, linked to a campaign on the date of its latest filing; then the filers of kept
        filings that no name row of the run names (see the module's doc)."""
        named = []
        for filer_id, (on_date, name, committee_type) in self.committees.items():
            if self.keeps_filer(filer_id):
                named.append(self.committee_row(filer_id, name, committee_type, *self.link(name, on_date)))
        self.committees.clear()
        if named:
            yield RecordBatch(Committee, COMMITTEE_FIELDS, named)
        unnamed = [
            self.committee_row(filer_id, f"filer {filer_id}", None, None, None)
            for filer_id in sorted(self.filing_filers - self.named_filers)
        ]
        self.filing_filers.clear()
        if unnamed:
            yield RecordBatch(FilerCommittee, COMMITTEE_FIELDS, unnamed)

    def filer_name_builder(self, header):
        at = header.index
        filer, kind, effective, last, first = (
            at(name) for name in ("FILER_ID", "FILER_TYPE", "EFFECT_DT", "NAML", "NAMF")
        )

        def build(values):
            filer_type = values[kind].strip().upper()
            if filer_type in NOT_COMMITTEES:
                return None
            filer_id = values[filer].strip()
            unread = []
            effective_date = read_or_none(date_value, values[effective], "effective_date", unread)
            self.note_committee(filer_id, effective_date, contributor_name(values[last], values[first]),
                                filer_type.title())  # fmt: skip
            if unread and self.keeps_filer(filer_id):
                self.problems.append(f"{unread[0]}; the committee's name is kept without it")
            return None

        return build

    # -- filings
    def filing_row(self, filer_id, filing, amendment, form_type, dates, unread):
        """The row of a kept filing, or None. `dates` are the period start, end and filed date; a
        date that could not be read is None, its BadValue in `unread`: the reject says so, but the
        filing is stored (its contributions must not be orphaned)."""
        if not self.keeps_filer(filer_id):
            return None
        number = amendment_number(amendment)  # unreadable: the filing is rejected
        if self.keep_filer is not None:
            self.kept_filings.add(filing)
        if filer_id:
            self.filing_filers.add(filer_id)
        start, end, filed = dates
        self.problems.extend(stored_without(None, problem) for problem in unread)
        return (
            filing_id(filing, number), committee_id(filer_id), SOURCE, report_id(filing), form_type,
            start, end, filed, number, self.source_url, filing, filer_id,
        )  # fmt: skip

    def filer_filing_builder(self, header):
        at = header.index
        filer, filing, sequence, form, filed, start, end = (
            at(name) for name in ("FILER_ID", "FILING_ID", "FILING_SEQUENCE", "FORM_ID", "FILING_DATE",
                                  "RPT_START", "RPT_END")
        )  # fmt: skip

        def build(values):
            form_type = values[form].strip().upper()
            if not CAMPAIGN_FORM.match(form_type):
                return None
            unread = []
            dates = (
                read_or_none(date_value, values[start], "period_start", unread),
                read_or_none(date_value, values[end], "period_end", unread),
                read_or_none(filed_date, values[filed], "filed", unread),
            )
            filer_id, filing_number = values[filer].strip(), values[filing].strip()
            return self.filing_row(filer_id, filing_number, values[sequence], form_type, dates, unread)

        return build

    def cover_builder(self, header):
        at = header.index
        filing, amend, form, filer, last, first, filed, start, end, kind = (
            at(name) for name in ("FILING_ID", "AMEND_ID", "FORM_TYPE", "FILER_ID", "FILER_NAML", "FILER_NAMF",
                                  "RPT_DATE", "FROM_DATE", "THRU_DATE", "CMTTE_TYPE")
        )  # fmt: skip

        def build(values):
            filer_id = values[filer].strip()
            unread = []
            dates = (
                read_or_none(date_value, values[start], "period_start", unread),
                read_or_none(date_value, values[end], "period_end", unread),
                read_or_none(filed_date, values[filed], "filed", unread),
            )
            name = contributor_name(values[last], values[first])
            self.note_committee(filer_id, dates[1] or dates[2], name, blank_to_none(values[kind]))
            form_type = values[form].strip().upper()
            return self.filing_row(filer_id, values[filing].strip(), values[amend], form_type, dates, unread)

        return build

    # -- money
    def amendment(self, raw):
        """amendment_number(raw), cached: a handful of distinct values in ten million rows."""
        number = self._amendments.get(raw)
        if number is None:
            number = self._amendments[raw] = amendment_number(raw)
        return number

    def summary_builder(self, header):
        at = header.index
        filing, amend, line, form, amount_a, amount_b = (
            at(name) for name in ("FILING_ID", "AMEND_ID", "LINE_ITEM", "FORM_TYPE", "AMOUNT_A", "AMOUNT_B")
        )

        def build(values):
            if not self.keeps_filing(values[filing].strip()):
                return None
            return (
                filing_id(values[filing].strip(), self.amendment(values[amend])),
                values[form].strip().upper(),
                values[line].strip(),
                money(values[amount_a], "amount_period"),
                money(values[amount_b], "amount_ytd"),
            )

        return build

    def entity_code(self, raw):
        """(normalised code, raw code when it differs), cached: a handful of distinct values."""
        if raw not in self._entity_codes:
            code = totals.normalize_entity_code(raw)
            stripped = raw.strip()
            self._entity_codes[raw] = (code, stripped if stripped and stripped.upper() != code else None)
        return self._entity_codes[raw]

    def contribution_builder(self, header, table, names, place, work, dates, amounts, part_one_only=False):
        """Receipts (RCPT_CD) and late contributions (S497_CD) share one shape under different
        column names."""
        at = header.index
        filing, amend, line, form, tran, entity, memo_code = (
            at(name) for name in ("FILING_ID", "AMEND_ID", "LINE_ITEM", "FORM_TYPE", "TRAN_ID", "ENTITY_CD",
                                  "MEMO_CODE")
        )  # fmt: skip
        last, first, title, suffix = (at(name) for name in names)
        city, state, zip_code = (at(name) for name in place)
        employer, occupation = (at(name) for name in work)
        day = at(dates)
        amount, cumulative = (at(name) if name else None for name in amounts)
        tran_type = at("TRAN_TYPE") if "TRAN_TYPE" in header else None
        schedules = {}
        # Bound once: build() runs ten million times
        filtering, kept_filings = self.keep_filer is not None, self.kept_filings
        entity_codes, amendments = self._entity_codes, self._amendments

        def build(values):
            filing_number = values[filing].strip()
            if filtering and filing_number not in kept_filings:
                return None
            form_type = values[form].strip().upper()
            if form_type not in schedules:
                schedules[form_type] = totals.schedule_code(form_type)
            schedule = schedules[form_type]
            if schedule is None or (part_one_only and schedule != "497"):
                self.skipped += 1  # 497 part 2: contributions made, not received
                return None
            amendment = amendments.get(values[amend])
            if amendment is None:
                amendment = self.amendment(values[amend])
            this_filing = filing_id(filing_number, amendment)
            last_name, first_name, name_suffix = values[last].strip(), values[first].strip(), values[suffix].strip()
            # contributor_name() inlined: this runs ten million times
            name = f"{last_name}, {first_name}" if last_name and first_name else (last_name or first_name)
            if not name:
                raise RowProblem("no contributor name")
            if name_suffix:
                name = f"{name} {name_suffix}"
            given = money(values[amount])
            if given is None:
                raise RowProblem("no amount")
            ytd = None
            if cumulative is not None and values[cumulative]:
                ytd = money(values[cumulative], "cumulative_ytd")
            code, raw_code = entity_codes.get(values[entity]) or self.entity_code(values[entity])
            return (
                f"{this_filing}:{table}:{values[line].strip()}:{form_type}",
                this_filing,
                SOURCE,
                values[tran].strip() or None,
                schedule,
                name,
                first_name or None,
                last_name or None,
                code,
                raw_code,
                values[city].strip() or None,
                values[state].strip().upper() or None,
                values[zip_code].strip() or None,
                values[employer].strip() or None,
                values[occupation].strip() or None,
                given,
                ytd,
                date_value(values[day]),
                1 if values[memo_code].strip().upper() == "X" else 0,
                values[tran_type].strip() or None if tran_type is not None else None,
            )

        return build

    def builder(self, table, header):
        """(item class, fields, build(values) -> row tuple or None) of a table."""
        if table == "FILERNAME_CD":
            return Committee, COMMITTEE_FIELDS, self.filer_name_builder(header)
        if table == "FILER_FILINGS_CD":
            return Filing, FILING_FIELDS, self.filer_filing_builder(header)
        if table == "CVR_CAMPAIGN_DISCLOSURE_CD":
            return Filing, FILING_FIELDS, self.cover_builder(header)
        if table == "SMRY_CD":
            return FilingSummary, SUMMARY_FIELDS, self.summary_builder(header)
        if table in RECEIPT_LAYOUTS:
            return Contribution, CONTRIBUTION_FIELDS, self.contribution_builder(header, **RECEIPT_LAYOUTS[table])
        raise ValueError(f"no reader for {table}")

    def read(self, table, stream, batch_rows=5000):
        """RecordBatches of one table, and a Rejected for each row that cannot be stored (or is
        stored without a value). Committees are noted on the way: see `committee_batches`."""
        rows = table_rows(table, stream)
        header = [name.strip().upper() for name in next(rows)]
        item_class, fields, build = self.builder(table, header)
        batch = []
        for number, values in rows:
            if isinstance(values, Rejected):
                yield values
                continue
            row, row_rejects = self.build_row(table, build, number, values)
            yield from row_rejects
            if row is not None:
                batch.append(row)
                if len(batch) >= batch_rows:
                    yield RecordBatch(item_class, fields, batch)
                    batch = []
        if batch:
            yield RecordBatch(item_class, fields, batch)

    def build_row(self, table, build, number, values):
        """(the row build(values) makes or None, the row's rejects)."""
        problems = self.problems
        try:
            row = build(values)
        except ValueError as problem:  # RowProblem, BadValue
            problems.clear()
            return None, [rejected(table, f"{table} line {number}: {problem}", "\t".join(values))]
        if not problems:
            return row, ()
        found = [rejected(table, f"{table} line {number}: {reason}", "\t".join(values)) for reason in problems]
        problems.clear()
        return row, found

    def read_export(self, present, open_table, batch_rows=5000):
        """Every table of an export that is `present` (names), in the order of TABLES:
        RecordBatches and Rejecteds. open_table(name) is a context manager of the table's binary
        stream. The committees come out before the first money table, and at the end."""
        for table in TABLES:
            if table in MONEY_TABLES:
                yield from self.committee_batches()
            if table in present:
                with open_table(table) as stream:
                    yield from self.table_readers.get(table, self.read)(table, stream, batch_rows)
        yield from self.committee_batches()
