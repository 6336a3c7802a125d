"""CAL-ACCESS, the California Secretary of State's bulk export (dbwebexport.zip, about 1 GB; its
CalAccess/DATA/*.TSV tables). Read here:

- FILERNAME_CD: filers -> committees (the name with the latest effective date);
- FILER_FILINGS_CD and CVR_CAMPAIGN_DISCLOSURE_CD: filings (FILING_ID is the report, AMEND_ID or
  FILING_SEQUENCE its amendment; the cover page gives the form, the period and the filer);
- SMRY_CD: summary-page lines -> filing_summaries (Form 460 line 5 = total contributions);
- RCPT_CD: receipts (Schedules A, C, I, 496 part 3...) -> contributions;
- S497_CD: late contributions received (497 part 1) -> contributions.

Everything is streamed, row by row, from the zip member or the file: RCPT_CD alone has about ten
million rows. The format's quirks: records end with CRLF (a bare LF can sit inside a value), no
quoting, NUL and \\x1a bytes, bytes that are not UTF-8 (read as Windows-1252), lowercase codes,
"2/3/2000 12:00:00 AM" dates, and rows with the wrong number of fields, which are rejected with
the reason and the raw row while the rest is stored.

Rows travel in RecordBatch objects (recallwatch/batch.py), not one item each. A receipt's
committee is the filer of its filing: the totals rules (recallwatch/totals.py) fill it in from the
filings at the end of the run. `-a url=` takes the zip, a folder of the extracted tables or one
TSV (http(s) or file://; a local export is read from disk, and its fetch records a manifest of
its files with their sha256 instead of a copy of a gigabyte).
"""

import hashlib
import io
import json
import os
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy.http import Response

from crawlers.filings_base import FilingsSpider
from recallwatch.core import totals
from recallwatch.core.batch import RecordBatch
from recallwatch.core.ids import stable_id
from recallwatch.core.items import Committee, Contribution, Filing, FilingSummary
from recallwatch.parsers.archives import ArchiveLimits, open_zip
from recallwatch.parsers.values import contributor_name, date_value, money

SOURCE = "calaccess"
EXPORT_URL = "https://campaignfinance.cdn.sos.ca.gov/dbwebexport.zip"
# Tables in the order they are read: committees and filings before the money that points at them.
TABLES = ("FILERNAME_CD", "FILER_FILINGS_CD", "CVR_CAMPAIGN_DISCLOSURE_CD", "SMRY_CD", "RCPT_CD", "S497_CD")
TABLE_FILE = re.compile(r"(?:^|/)([A-Z0-9_]+)\.TSV$", re.IGNORECASE)
CAMPAIGN_FORM = re.compile(r"^F4\d\d$")  # Form 4xx: campaign statements (460, 497, 496, 450...)
NOT_COMMITTEES = {"LOBBYIST", "CLIENT", "EMPLOYER", "FIRM", "TREASURER/RESPONSIBLE OFFICER", "PREPAID ACCOUNT"}
LOCAL_EXPORT = "local_export_path"

COMMITTEE_FIELDS = ("id", "name", "source", "source_id", "fppc_id", "committee_type", "campaign_id", "position")
FILING_FIELDS = (
    "id", "committee_id", "source", "report_id", "form_type", "period_start", "period_end", "filed", "amendment",
    "source_url", "source_filing_id", "filer_id",
)  # fmt: skip
SUMMARY_FIELDS = ("filing_id", "form_type", "line", "amount_period", "amount_ytd")
CONTRIBUTION_FIELDS = (
    "id", "filing_id", "source", "tran_id", "schedule", "contributor_name", "contributor_first", "contributor_last",
    "entity_code", "entity_code_raw", "city", "state", "zip", "employer", "occupation", "amount", "cumulative_ytd",
    "date", "memo", "tran_type", "counted", "not_counted_reason",
)  # fmt: skip


class RowProblem(Exception):
    """A row that cannot be stored; the message is the reject reason."""


def committee_id(filer_id):
    return stable_id(SOURCE, filer_id)


def filing_id(filing, amendment):
    """A readable natural key ('calaccess:2105012:1'): ids in file order keep the primary-key
    index appending instead of inserting at random places (a hash id made bulk loads 3x slower)."""
    return f"{SOURCE}:{filing}:{amendment}"


def report_id(filing):
    return f"{SOURCE}:{filing}"


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
    """(line number, values) of each data row, or (line number, RowProblem) for a row whose
    field count is not the header's."""
    lines = text_records(stream)
    _, header_text = next(lines, (0, ""))
    header = header_text.split("\t")
    width = len(header)
    yield header
    for number, text in lines:
        values = text.split("\t")
        if len(values) == width:
            yield number, values
        elif text.strip():
            reason = f"{table} line {number}: {len(values)} fields, the header has {width}"
            yield number, RowProblem(reason, text)


def blank_to_none(value):
    value = value.strip()
    return value or None


def no_campaign(name, on_date):
    return None, None


class ExportReader:
    """Turns the rows of each table into committees, filings, summary lines and contributions.

    keep_filer(filer_id, name, on_date) decides which filers a scheduled run keeps (None: all);
    link(name, on_date) gives (campaign_id, position)."""

    def __init__(self, source_url, keep_filer=None, link=None):
        self.source_url = source_url
        self.keep_filer = keep_filer
        self.link = link or no_campaign
        self.committees = {}  # filer id -> (date, name, committee type)
        self.kept_filers = set()
        self.names_checked = set()
        self.kept_filings = set()  # FILING_IDs of kept filers (when filtering)
        self.skipped = 0
        self._entity_codes = {}
        self._counted = {}

    # -- committees
    def note_committee(self, filer_id, on_date, name, committee_type):
        if not filer_id or not name:
            return
        known = self.committees.get(filer_id)
        if known is None or (on_date or "") >= (known[0] or ""):
            self.committees[filer_id] = (on_date, name, committee_type or (known[2] if known else None))
        if self.keep_filer is not None and (filer_id, name) not in self.names_checked:
            self.names_checked.add((filer_id, name))
            if self.keep_filer(filer_id, name, on_date):
                self.kept_filers.add(filer_id)

    def keeps_filer(self, filer_id):
        return self.keep_filer is None or filer_id in self.kept_filers

    def keeps_filing(self, filing):
        return self.keep_filer is None or filing in self.kept_filings

    def committee_batch(self):
        """The committees noted in the filer names and cover pages, each with its latest name,
        linked to a campaign on the date of its latest filing; None when there are none."""
        rows = []
        for filer_id, (on_date, name, committee_type) in self.committees.items():
            if self.keeps_filer(filer_id):
                campaign_id, position = self.link(name, on_date)
                fppc_id = filer_id if filer_id.isdigit() else None
                rows.append((committee_id(filer_id), name, SOURCE, filer_id, fppc_id, committee_type, campaign_id,
                             position))  # fmt: skip
        self.committees.clear()
        return RecordBatch(Committee, COMMITTEE_FIELDS, rows) if rows else None

    def filer_name_builder(self, header):
        at = header.index
        filer, kind, effective, last, first = (
            at(name) for name in ("FILER_ID", "FILER_TYPE", "EFFECT_DT", "NAML", "NAMF")
        )

        def build(values):
            filer_type = values[kind].strip().upper()
            if filer_type in NOT_COMMITTEES:
                return None
            name = contributor_name(values[last], values[first])
            self.note_committee(values[filer].strip(), date_value(values[effective]), name, filer_type.title())
            return None

        return build

    # -- filings
    def filing_row(self, filer_id, filing, amendment, form_type, start, end, filed):
        if not self.keeps_filer(filer_id):
            return None
        if self.keep_filer is not None:
            self.kept_filings.add(filing)
        if not amendment.isdigit():
            raise RowProblem(f"amendment number {amendment!r} is not a number")
        return (
            filing_id(filing, int(amendment)), committee_id(filer_id), SOURCE, report_id(filing), form_type,
            start, end, filed, int(amendment), self.source_url, filing, filer_id,
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
            return self.filing_row(
                values[filer].strip(), values[filing].strip(), values[sequence].strip(), form_type,
                date_value(values[start]), date_value(values[end]), date_value(values[filed]),
            )  # fmt: skip

        return build

    def cover_builder(self, header):
        at = header.index
        filing, amend, form, filer, last, first, filed, start, end, kind = (
            at(name) for name in ("FILING_ID", "AMEND_ID", "FORM_TYPE", "FILER_ID", "FILER_NAML", "FILER_NAMF",
                                  "RPT_DATE", "FROM_DATE", "THRU_DATE", "CMTTE_TYPE")
        )  # fmt: skip

        def build(values):
            filer_id = values[filer].strip()
            period_end, reported = date_value(values[end]), date_value(values[filed])
            name = contributor_name(values[last], values[first])
            self.note_committee(filer_id, period_end or reported, name, blank_to_none(values[kind]))
            return self.filing_row(
                filer_id, values[filing].strip(), values[amend].strip(), values[form].strip().upper(),
                date_value(values[start]), period_end, reported,
            )  # fmt: skip

        return build

    # -- money
    def summary_builder(self, header):
        at = header.index
        filing, amend, line, form, amount_a, amount_b = (
            at(name) for name in ("FILING_ID", "AMEND_ID", "LINE_ITEM", "FORM_TYPE", "AMOUNT_A", "AMOUNT_B")
        )

        def build(values):
            if not self.keeps_filing(values[filing].strip()):
                return None
            return (
                filing_id(values[filing].strip(), int(values[amend].strip() or 0)),
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

    def counted(self, schedule, memo):
        if (schedule, memo) not in self._counted:
            self._counted[(schedule, memo)] = totals.counted_and_reason(schedule, memo)
        return self._counted[(schedule, memo)]

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
        entity_codes, counted_rows = self._entity_codes, self._counted

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
            amendment = values[amend].strip()
            this_filing = filing_id(filing_number, int(amendment) if amendment.isdigit() else amendment)
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
            memo = 1 if values[memo_code].strip().upper() == "X" else 0
            code, raw_code = entity_codes.get(values[entity]) or self.entity_code(values[entity])
            counted, reason = counted_rows.get((schedule, memo)) or self.counted(schedule, memo)
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
                memo,
                values[tran_type].strip() or None if tran_type is not None else None,
                counted,
                reason,
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
        if table == "RCPT_CD":
            build = self.contribution_builder(
                header, "RCPT", ("CTRIB_NAML", "CTRIB_NAMF", "CTRIB_NAMT", "CTRIB_NAMS"),
                ("CTRIB_CITY", "CTRIB_ST", "CTRIB_ZIP4"), ("CTRIB_EMP", "CTRIB_OCC"), "RCPT_DATE",
                ("AMOUNT", "CUM_YTD"),
            )  # fmt: skip
            return Contribution, CONTRIBUTION_FIELDS, build
        if table == "S497_CD":
            build = self.contribution_builder(
                header, "S497", ("ENTY_NAML", "ENTY_NAMF", "ENTY_NAMT", "ENTY_NAMS"),
                ("ENTY_CITY", "ENTY_ST", "ENTY_ZIP4"), ("CTRIB_EMP", "CTRIB_OCC"), "CTRIB_DATE",
                ("AMOUNT", None), part_one_only=True,
            )  # fmt: skip
            return Contribution, CONTRIBUTION_FIELDS, build
        raise ValueError(f"no reader for {table}")

    def read(self, table, stream, batch_rows=5000):
        """RecordBatches (and, for a bad row, a RowProblem with its line and raw text) of one
        table. Committees are noted on the way: see `committee_batch`."""
        rows = table_rows(table, stream)
        header = [name.strip().upper() for name in next(rows)]
        item_class, fields, build = self.builder(table, header)
        batch = []
        for number, values in rows:
            if isinstance(values, RowProblem):
                yield values
                continue
            try:
                row = build(values)
            except (RowProblem, ValueError) as problem:
                yield RowProblem(f"{table} line {number}: {problem.args[0]}", "\t".join(values))
                continue
            if row is not None:
                batch.append(row)
                if len(batch) >= batch_rows:
                    yield RecordBatch(item_class, fields, batch)
                    batch = []
        if batch:
            yield RecordBatch(item_class, fields, batch)


# -- where the tables are


def table_name(path):
    match = TABLE_FILE.search(str(path).replace("\\", "/"))
    return match.group(1).upper() if match else None


class ExportFiles:
    """The tables of an export, each opened as a binary stream: a zip (path or bytes), a folder
    of extracted tables, or one table file."""

    def __init__(self, location=None, body=None, url=None, limits=None):
        self.location, self.body, self.url = location, body, url
        self.limits = limits or ArchiveLimits()

    def _zip(self):
        source = self.location if self.location else io.BytesIO(self.body)
        return open_zip(source, self.limits)

    def is_zip(self):
        if self.location:
            return os.path.isfile(self.location) and zipfile.is_zipfile(self.location)
        return self.body[:4] == b"PK\x03\x04"

    def tables(self):
        """{TABLE_NAME: opener} of the tables this spider reads."""
        found = {}
        if self.is_zip():
            with self._zip() as archive:
                for member in archive.namelist():
                    if table_name(member) in TABLES:
                        found[table_name(member)] = ("zip", member)
        elif self.location and os.path.isdir(self.location):
            for path in sorted(Path(self.location).rglob("*")):
                if path.is_file() and table_name(path.name) in TABLES:
                    found.setdefault(table_name(path.name), ("file", path))
        else:
            name = table_name(self.location or urlsplit(self.url or "").path)
            if name in TABLES:
                found[name] = ("file", self.location)
        return found

    @contextmanager
    def open(self, where):
        kind, name = where
        if kind == "zip":
            with self._zip() as archive, archive.open(name) as stream:
                yield stream
        elif self.location:
            with open(name, "rb") as stream:
                yield stream
        else:
            yield io.BytesIO(self.body)


def manifest(path):
    """What a local export is: its files with their size and sha256 (hashed in chunks)."""
    root = Path(path)
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and table_name(p.name))
    entries = []
    for file in files:
        digest = hashlib.sha256()
        with open(file, "rb") as stream:
            for chunk in iter(lambda stream=stream: stream.read(1 << 20), b""):
                digest.update(chunk)
        name = file.name if root.is_file() else str(file.relative_to(root))
        entries.append({"file": name, "size": file.stat().st_size, "sha256": digest.hexdigest()})
    return {"path": str(root), "files": entries}


class LocalExportMiddleware:
    """Downloader middleware of this spider: a file:// export is not read into memory (the
    receipts table alone is gigabytes); the response is a JSON manifest of its files, and the
    spider streams the tables from disk."""

    def process_request(self, request):
        if not request.url.startswith("file://"):
            return None
        path = unquote(urlsplit(request.url).path)
        if not os.path.exists(path):
            return None  # the file handler reports the missing file
        body = json.dumps(manifest(path), indent=1).encode()
        request.meta[LOCAL_EXPORT] = path
        return Response(
            request.url, body=body, headers={"Content-Type": "application/json"}, request=request, flags=["local"]
        )


class FilingsCalaccessSpider(FilingsSpider):
    name = "filings_calaccess"
    source = SOURCE
    allowed_domains = ["campaignfinance.cdn.sos.ca.gov", "sos.ca.gov"]
    custom_settings = {
        # A batch holds thousands of rows: one at a time through the pipelines keeps memory flat
        # (Scrapy would otherwise take up to 100 batches from the callback before storing one)
        "CONCURRENT_ITEMS": 1,
        # The real export is about 1 GB, and slow to serve
        "DOWNLOAD_MAXSIZE": 4 * 1024**3,
        "DOWNLOAD_WARNSIZE": 2 * 1024**3,
        "DOWNLOAD_TIMEOUT": 3600,
    }

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        # Added to the project's downloader middlewares (custom_settings would replace them all)
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares["crawlers.filings_calaccess.LocalExportMiddleware"] = 970
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")

    def __init__(self, *args, batch_rows=5000, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch_rows = int(batch_rows)

    def configured_requests(self):
        for export in self.watchlist.calaccess_exports:
            yield scrapy.Request(
                export["url"],
                callback=self.parse_export,
                cb_kwargs={"committee_ids": [str(i) for i in export.get("committee_ids", [])]},
            )

    def callback_for_url(self, url):
        return self.parse_export

    def watchlist_filter(self, committee_ids):
        """A scheduled run keeps the filers the watchlist's patterns find, or lists by id."""
        wanted = set(committee_ids)

        def keep(filer_id, name, on_date):
            return filer_id in wanted or self.watchlist.committee_campaign(name, on_date)[0] is not None

        return keep

    def link(self, name, on_date):
        return self.watchlist.committee_campaign(name, on_date)

    def parse_export(self, response, committee_ids=None):
        local = response.meta.get(LOCAL_EXPORT)
        limits = ArchiveLimits.from_settings(self.settings)
        if local:
            files = ExportFiles(location=local, limits=limits)
        else:
            files = ExportFiles(body=response.body, url=response.url, limits=limits)
        keep = None if self.url else self.watchlist_filter(committee_ids or [])
        reader = ExportReader(response.url, keep_filer=keep, link=self.link)
        tables = files.tables()
        if not tables:
            raise ValueError(f"no CAL-ACCESS table in the document (expected one of {', '.join(TABLES)})")
        fetch_id = response.meta.get("fetch_id")
        for table in TABLES:
            if table in MONEY_TABLES and reader.committees:
                yield self.stamped(reader.committee_batch(), fetch_id)
            if table not in tables:
                continue
            with files.open(tables[table]) as stream:
                for output in reader.read(table, stream, self.batch_rows):
                    if isinstance(output, RowProblem):
                        reason, raw = output.args
                        self.reject(reason, response=response, record={"table": table, "raw": raw},
                                    item_type=TABLE_ITEM_TYPES[table])  # fmt: skip
                    else:
                        yield self.stamped(output, fetch_id)
        if reader.committees:
            yield self.stamped(reader.committee_batch(), fetch_id)
        self.crawler.stats.set_value("recallwatch/calaccess_497_part_2_skipped", reader.skipped)

    @staticmethod
    def stamped(batch, fetch_id):
        """The provenance middleware stamps items, not batches: the batch carries its fetch."""
        batch.fetch_id = fetch_id
        return batch


MONEY_TABLES = ("SMRY_CD", "RCPT_CD", "S497_CD")
TABLE_ITEM_TYPES = {
    "FILERNAME_CD": "committees",
    "FILER_FILINGS_CD": "filings",
    "CVR_CAMPAIGN_DISCLOSURE_CD": "filings",
    "SMRY_CD": "filing_summaries",
    "RCPT_CD": "contributions",
    "S497_CD": "contributions",
}
