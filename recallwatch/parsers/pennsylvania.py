"""Pennsylvania's five-file campaign-finance set (filer, contrib, expense, receipt, debt: the
Department of State's yearly export, and the same files per filing in Philadelphia's legacy
e-filing folders) read into rows: from the bytes of each file to RecordBatches of committees,
filings, summary lines, contributions and contributions made, and a `Rejected` for each row that
cannot be stored. Pure: the spider opens the files. Layout constants: pa_layout.py.

Reading a file (`file_rows`):
- comma-separated, text quoted, numbers not; CRLF or LF record ends; quoted fields may hold
  doubled quotes and bare line breaks (the csv module reads them); rows with the wrong number of
  fields are rejected (a trailing empty field, as legacy expense and debt rows end with, is not
  one);
- a header row (2022 and later) is read by name, case-insensitively; a file without one has the
  legacy columns (`pa_layout.has_header`, `columns_of`);
- encoding, per file, by one rule: a byte sequence that is UTF-8 is read as UTF-8 (ASCII, the
  2025 debt/filer/receipt files, and the UTF-8 quotes of some legacy files); any other byte is read
  in the file's legacy code page: cp437 for the contrib and expense files of the header layout
  (the 2025 export writes "Café" as 43 61 66 82: encoding_check_2025.tsv), latin-1 for the rest.

What each file becomes:
- filer: a Filing per row (a version of the report FILERID/EYEAR/CYCLE; amendments ordered by
  SubmittedDate then CampaignFinanceID, legacy: the AMMEND="Y" rows after the original, in file
  order), its BEGINNING/MONETARY/INKIND lines as FilingSummary rows, and a Committee per FILERID
  (its latest report's name, type and office), tied to a campaign by `link`;
- contrib: up to three Contributions per row (CONTDATEn/CONTAMTn; empty or "0" slots skipped),
  schedule = Section (IA..IIG);
- receipt: Contributions, schedule "E" (Schedule I part E, other receipts: not counted);
- debt: Contributions, schedule "DEBT" (Schedule IV: debts and loans owed, the candidate's loans
  among them; stored to be seen, not counted);
- expense: rows paid as a contribution (EXPDESC says "contribution" or "donation") are
  ContributionMade rows (form "EXP"); other expenses are not stored (counted in `stats`).

Legacy rows carry no filing id: they belong to the latest version of their report in the set
(earlier versions are stored as filings, without rows, so the amendment chain shows). Every value
is read by recallwatch/parsers/values.py. The contrib file may be read column by column instead
(recallwatch/parsers/pennsylvania_columns.py, set in `file_readers`), with the same rows and rejects.
"""

import codecs
import csv
import hashlib
import io
import re
from functools import lru_cache

from recallwatch.core.batch import RecordBatch
from recallwatch.core.ids import stable_id
from recallwatch.core.items import Committee, Contribution, ContributionMade, Filing, FilingSummary, Rejected
from recallwatch.core.watchlist import CampaignLink
from recallwatch.parsers import pa_layout
from recallwatch.parsers.values import BadValue, date_value, filed_date, money, one_line, read_or_none, zip_code

SOURCE = "pennsylvania"
# The order files of a set are read in: filings and committees before the rows that point at them
READ_ORDER = ("filer", "contrib", "receipt", "debt", "expense")
ITEM_TYPES = {
    "filer": "filings",
    "contrib": "contributions",
    "receipt": "contributions",
    "debt": "contributions",
    "expense": "contributions_made",
}
RECEIPT_SCHEDULE = "E"
DEBT_SCHEDULE = "DEBT"
MADE_FORM = "EXP"
SUMMARY_LINES = ("BEGINNING", "MONETARY", "INKIND")
TWENTY_FOUR_HOUR = "24H-"  # schedule prefix of a 24-hour report's contributions (rules_pennsylvania.py)
PAID_AS_CONTRIBUTION = re.compile(r"contrib|donation", re.IGNORECASE)
FALLBACK_ERRORS = {"cp437": "recallwatch-pa-cp437", "latin-1": "recallwatch-pa-latin-1"}
PEEK_BYTES = 1 << 16

COMMITTEE_FIELDS = (
    "id", "name", "source", "source_id", "committee_type", "campaign_id", "position", "side", "linked_by",
)  # fmt: skip
FILING_FIELDS = (
    "id", "committee_id", "source", "report_id", "form_type", "filed", "amendment", "source_url",
    "source_filing_id", "filer_id",
)  # fmt: skip
SUMMARY_FIELDS = ("filing_id", "form_type", "line", "amount_period")
CONTRIBUTION_FIELDS = (
    "id", "filing_id", "committee_id", "source", "schedule", "contributor_name", "entity_code", "city", "state",
    "zip", "employer", "occupation", "amount", "date", "memo",
)  # fmt: skip
MADE_FIELDS = (
    "id", "filing_id", "giver_committee_id", "source", "form", "recipient_name", "campaign_id", "position",
    "amount", "date", "description", "memo",
)  # fmt: skip


# The columns a contrib row is read from (besides the filing's key columns: FilingSetReader.columns_at)
CONTRIB_COLUMNS = (
    "SECTION", "CONTRIBUTOR", "CITY", "STATE", "ZIPCODE", "OCCUPATION", "ENAME", "CONTDATE1", "CONTAMT1",
    "CONTDATE2", "CONTAMT2", "CONTDATE3", "CONTAMT3",
)  # fmt: skip
CONTRIB_SLOTS = (1, 2, 3)  # CONTDATEn/CONTAMTn: up to three gifts a row


HEADER_ONLY = ("CAMPAIGNFINANCEID", "SUBMITTEDDATE")  # columns the legacy layout has not


class StandInFiling(Filing):
    """A filing known only from its rows (the set's filer file does not hold it, or a member file
    is read alone): stored only when no filings row has its id, so it never replaces the filing
    its filer row stored."""

    insert_only = True


class RowProblem(ValueError):
    """A row that cannot be stored; the message is the reject reason."""


# -- identifiers


@lru_cache(maxsize=65536)
def committee_id(filer_id):
    return stable_id(SOURCE, filer_id)


def report_id(filer_id, eyear, cycle):
    """The report across its versions: filer, election year, cycle."""
    return f"{SOURCE}:{filer_id}:{eyear}:{cycle}"


def form_type(cycle):
    """'PA-C7': the campaign finance report (DSEB-502) of cycle 7 (Annual); pa_layout.CYCLES names them."""
    return f"PA-C{(cycle or '').strip() or '?'}"


# -- reading a file


def _register_fallbacks():
    for codec, name in FALLBACK_ERRORS.items():

        def decode_in(error, codec=codec):
            return error.object[error.start : error.end].decode(codec), error.end

        codecs.register_error(name, decode_in)


_register_fallbacks()


def fallback_codec(kind, header_layout):
    """The code page of the bytes of a file that are not UTF-8 (see the module's doc)."""
    return "cp437" if header_layout and kind in ("contrib", "expense") else "latin-1"


def decode(data, kind, header_layout):
    """Bytes of a file as text by the file's rule (UTF-8 where it is, else its code page)."""
    return data.decode("utf-8", errors=FALLBACK_ERRORS[fallback_codec(kind, header_layout)])


def peekable(stream):
    return stream if hasattr(stream, "peek") else io.BufferedReader(stream)


def first_row(head):
    """The first row of a file from its first bytes (a header is ASCII)."""
    line = head.split(b"\n", 1)[0].decode("latin-1")
    return next(csv.reader([line]), [])


def file_rows(kind, stream, name=None):
    """The columns of a file (upper-cased names), then (line number, values) of each row, or
    (line number, Rejected) for a row that cannot be read as the layout's fields."""
    name = name or f"{kind}.txt"
    stream = peekable(stream)
    head = stream.peek(PEEK_BYTES)
    header_layout = bool(head) and pa_layout.has_header(kind, first_row(head))
    errors = FALLBACK_ERRORS[fallback_codec(kind, header_layout)]
    text = io.TextIOWrapper(stream, encoding="utf-8", errors=errors, newline="")
    reader = csv.reader(text)
    columns = pa_layout.columns_of(kind, next(reader, None) if header_layout else None)
    yield columns
    yield from record_rows(reader, kind, name, len(columns))


def record_rows(reader, kind, name, width, lines_before=0, done=None):
    """(line number, values) of each record a csv reader reads, or (line number, Rejected) for one
    that cannot be read as the layout's `width` fields; the reader's line numbers count from
    `lines_before`. Reads until the reader ends, or until done() says so before a record."""
    while done is None or not done():
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:
            number = lines_before + reader.line_num
            yield number, rejected(kind, f"{name} line {number}: {problem}", None)
            continue
        number = lines_before + reader.line_num
        if len(values) > width and not any(value.strip() for value in values[width:]):
            values = values[:width]  # legacy expense and debt rows end with a comma
        if len(values) == width:
            yield number, values
        elif any(value.strip() for value in values):
            reason = f"{name} line {number}: {len(values)} fields, the layout has {width}"
            yield number, rejected(kind, reason, ",".join(values))


def built_rows(build, kind, name, number, values):
    """The row tuples `build` makes of a record, or the Rejected of a record it cannot store."""
    try:
        return build(values)
    except ValueError as problem:  # RowProblem, BadValue
        return rejected(kind, f"{name} line {number}: {problem}", ",".join(values))


def rejected(kind, reason, raw):
    return Rejected(reason, {"file": kind, "raw": raw}, ITEM_TYPES.get(kind))


EMPTY_SLOT = frozenset(("", "0", "0.0", "0.00"))


def _blank(raw):
    return raw in EMPTY_SLOT or raw.strip() in EMPTY_SLOT


def contrib_schedule(section, cycle):
    """(schedule, entity code) of a contrib row: its Section ('IC'), prefixed '24H-' on a 24-hour
    report; 'COM' when the section is the one for political committees."""
    section = section.strip().upper()
    if not section:
        raise RowProblem("no Section")
    entity = "COM" if section in pa_layout.COMMITTEE_SECTIONS else None
    if cycle.strip() in pa_layout.TWENTY_FOUR_HOUR_CYCLES:
        section = f"{TWENTY_FOUR_HOUR}{section}"  # listed again on the post-election report
    return section, entity


def _field(columns, *names):
    """The index of the first of `names` the file has (None when it has none)."""
    for name in names:
        if name in columns:
            return columns.index(name)
    return None


def no_link(filer_id, name, on_date, candidate=None, office=None):
    return CampaignLink()


class FilingSetReader:
    """Turns the files of a set into rows.

    link(filer_id, name, on_date, candidate=, office=) -> CampaignLink ties a committee (and the
    recipient of a contribution made) to a campaign; keep_filer(filer_id, link) decides which filers
    a scheduled run keeps (None: all). `version` names a legacy per-filing set (Philadelphia's
    <filer>/<YYYYMMDD>/ folders): its filings are `...:<version>`, filed on that date when it is
    one."""

    def __init__(self, source_url, link=None, keep_filer=None, version=None):
        self.source_url = source_url
        self.link = link or no_link
        self.keep_filer = keep_filer
        self.version = version
        self.filings = {}  # filing id -> (filer id, election day), of the kept filers
        self.latest = {}  # report id -> filing id of its latest version (legacy rows attach there)
        self.current_of = {}  # filing id of the filer file -> 1 for its report's latest version, else 0
        self.kept_filers = set()
        self.filers_read = False
        self.stats = {"rows_of_other_filers": 0, "expenses_not_contributions": 0, "empty_slots": 0,
                      "stand_in_filings": 0}  # fmt: skip
        self.stand_ins = []  # rows of StandInFiling not yet yielded
        self._places = {}  # the key columns of a detail row as filed -> row_filing's answer
        self._occurrences = {}
        self._occurrences_of = None
        # kind -> read(kind, stream, name, batch_rows) of the files read otherwise than row by row
        self.file_readers = {}

    # -- filer
    def read_filers(self, rows, name="filer.txt", batch_rows=5000):
        """Filings, their summary lines and the committees of a filer file: all of it is read
        before anything is yielded (amendment order needs every version; 9,140 rows in 2025)."""
        columns = next(rows)
        at = {column: _field(columns, column) for column in pa_layout.LEGACY_COLUMNS["filer"]}
        finance_id, submitted_at = _field(columns, "CAMPAIGNFINANCEID"), _field(columns, "SUBMITTEDDATE")
        versions = {}  # report id -> [(sort key, row dict)]
        for number, values in rows:
            if isinstance(values, Rejected):
                yield values
                continue
            try:
                row = self.filer_row(values, at, finance_id, submitted_at, f"{name} line {number}")
            except ValueError as problem:
                yield rejected("filer", f"{name} line {number}: {problem}", ",".join(values))
                continue
            for problem in row.pop("problems"):
                yield rejected("filer", problem, ",".join(values))
            key = (row["filed"] or "", _number_order(row["finance_id"])) if finance_id is not None else (
                row["amended"], number)  # fmt: skip
            versions.setdefault(row["report_id"], []).append((key, row))
        self.filers_read = True
        yield from self.filer_batches(versions, batch_rows)

    def filer_row(self, values, at, finance_id, submitted_at, where):
        filer_id = values[at["FILERID"]].strip()
        if not filer_id:
            raise RowProblem("no FILERID")
        eyear, cycle = values[at["EYEAR"]].strip(), values[at["CYCLE"]].strip()
        unread, problems = [], []
        filed = None
        if submitted_at is not None:
            filed = read_or_none(filed_date, values[submitted_at], "SUBMITTEDDATE", unread)
        elif self.version:
            filed = read_or_none(filed_date, self.version, "version date", unread)
        summary = {}
        for line in SUMMARY_LINES:
            try:
                summary[line] = money(values[at[line]], line)
            except BadValue as problem:
                problems.append(f"{where}: {problem}; the summary line is not stored")
        problems.extend(f"{where}: {problem}; the filing is stored without it" for problem in unread)
        return {
            "filer_id": filer_id,
            "eyear": eyear,
            "cycle": cycle,
            "report_id": report_id(filer_id, eyear, cycle),
            "finance_id": values[finance_id].strip() if finance_id is not None else None,
            "filed": filed,
            "amended": values[at["AMMEND"]].strip().upper() == "Y",
            "filer_type": values[at["FILERTYPE"]].strip(),
            "name": one_line(values[at["FILERNAME"]]) or f"filer {filer_id}",
            "office": values[at["OFFICE"]].strip().upper(),
            "summary": summary,
            "problems": problems,
        }

    def committee_link(self, filer_id, reports):
        """(row, link) of a filer: its latest report's name, type and office, tied to the campaign
        of the latest election one of its reports is about that the watchlist knows (an annual
        report, dated December 31, is about no election: the year's general election is)."""
        latest = reports[0]
        link = CampaignLink()
        for day in dict.fromkeys(row["day"] for row in reports):
            candidate = latest["name"] if latest["filer_type"] == "1" else None
            office = pa_layout.office_words(latest["office"])
            link = self.link(filer_id, latest["name"], day, candidate=candidate, office=office)
            if link.campaign_id:
                break
        return latest, link

    def filing_id(self, row, amendment):
        if row["finance_id"]:
            return f"{row['report_id']}:{row['finance_id']}"
        return f"{row['report_id']}:{self.version or f'v{amendment}'}"

    def filer_batches(self, versions, batch_rows):
        reports_of = {}  # filer id -> [(order key, row)] of its reports' versions
        filings, summaries = [], []
        for report, ordered in versions.items():
            ordered.sort(key=lambda version: version[0])
            for amendment, (_, row) in enumerate(ordered):
                day = pa_layout.election_day(row["eyear"], row["cycle"]) or row["filed"]
                order = (day or "", row["eyear"], _number_order(row["cycle"]), amendment)
                reports_of.setdefault(row["filer_id"], []).append((order, row))
                row["amendment"] = amendment if not self.version else int(row["amended"])
                row["filing"], row["day"] = self.filing_id(row, row["amendment"]), day
            self.latest[report] = ordered[-1][1]["filing"]
        committee_rows = []
        for filer_id, reports in reports_of.items():
            reports.sort(key=lambda report: report[0], reverse=True)
            row, link = self.committee_link(filer_id, [row for _, row in reports])
            if self.keep_filer is not None and not self.keep_filer(filer_id, link):
                continue
            self.kept_filers.add(filer_id)
            committee_rows.append((
                committee_id(filer_id), row["name"], SOURCE, filer_id,
                pa_layout.FILER_TYPES.get(row["filer_type"], row["filer_type"] or None),
                link.campaign_id, link.position, link.side, link.linked_by,
            ))  # fmt: skip
        for ordered in versions.values():
            for _, row in ordered:
                if row["filer_id"] not in self.kept_filers:
                    self.stats["rows_of_other_filers"] += 1
                    continue
                self.filings[row["filing"]] = (row["filer_id"], row["day"])
                self.current_of[row["filing"]] = int(self.latest[row["report_id"]] == row["filing"])
                form = form_type(row["cycle"])
                filings.append((
                    row["filing"], committee_id(row["filer_id"]), SOURCE, row["report_id"], form, row["filed"],
                    row["amendment"], self.source_url, row["finance_id"], row["filer_id"],
                ))  # fmt: skip
                for line, amount in row["summary"].items():
                    summaries.append((row["filing"], form, line, amount))
        for item_class, fields, all_rows in (
            (Committee, COMMITTEE_FIELDS, committee_rows),
            (Filing, FILING_FIELDS, filings),
            (FilingSummary, SUMMARY_FIELDS, summaries),
        ):
            for start in range(0, len(all_rows), batch_rows):
                yield RecordBatch(item_class, fields, all_rows[start : start + batch_rows])

    # -- the rows of a filing
    def row_filing(self, values, at):
        """(filing id, filer id, election day) of a detail row, or None when a scheduled run does
        not keep its filer. A filing the set's filer file does not hold (or a member file read
        alone) gets a stand-in filing from the row's own columns."""
        finance_at = at["CAMPAIGNFINANCEID"]
        key = (values[at["FILERID"]], values[at["EYEAR"]], values[at["CYCLE"]],
               values[finance_at] if finance_at is not None else None)  # fmt: skip
        known = self._places.get(key)
        if known is not None:
            return known
        place = self.find_filing(values, at)
        if place is not None:
            self._places[key] = place
        return place

    def find_filing(self, values, at):
        filer_id = values[at["FILERID"]].strip()
        if not filer_id:
            raise RowProblem("no FILERID")
        eyear, cycle = values[at["EYEAR"]].strip(), values[at["CYCLE"]].strip()
        report = report_id(filer_id, eyear, cycle)
        finance_id = values[at["CAMPAIGNFINANCEID"]].strip() if at["CAMPAIGNFINANCEID"] is not None else None
        if finance_id:
            filing = f"{report}:{finance_id}"
        else:
            filing = self.latest.get(report, f"{report}:{self.version or 'v0'}")
        known = self.filings.get(filing)
        if known is not None:
            return (filing, *known)
        if self.keep_filer is not None and not (
            filer_id in self.kept_filers or (not self.filers_read and self.keep_filer(filer_id, CampaignLink()))
        ):
            self.stats["rows_of_other_filers"] += 1
            return None
        day = pa_layout.election_day(eyear, cycle)
        self.filings[filing] = (filer_id, day)
        filed = None
        if at["SUBMITTEDDATE"] is not None:
            filed = read_or_none(filed_date, values[at["SUBMITTEDDATE"]], "SUBMITTEDDATE", [])
        self.stand_ins.append((
            filing, committee_id(filer_id), SOURCE, report, form_type(cycle), filed, 0, self.source_url,
            finance_id or None, filer_id,
        ))  # fmt: skip
        self.stats["stand_in_filings"] += 1
        return filing, filer_id, day

    def row_id(self, filing, kind, values):
        """A key of the row's content (and its occurrence among identical rows of its filing):
        stable when the export is regenerated in another order. (Identical rows are counted per
        run of consecutive rows of one filing: the export lists a filing's rows together.)"""
        if filing != self._occurrences_of:
            self._occurrences, self._occurrences_of = {}, filing
        digest = row_digest(values)
        seen = self._occurrences.get(digest, 0)
        self._occurrences[digest] = seen + 1
        return f"{filing}:{kind}:{digest}:{seen}"

    def contrib_builder(self, columns, row_id=None):
        """build(values) of a contrib row; `row_id(filing, kind, values)` makes its key (by default
        `self.row_id`; pennsylvania_columns.py counts the occurrences itself)."""
        at = self.columns_at(columns, *CONTRIB_COLUMNS)
        # Bound once: build() runs for every row (over a million a year)
        section_at, cycle_at, name_at = at["SECTION"], at["CYCLE"], at["CONTRIBUTOR"]
        city_at, state_at, zip_at, employer_at, occupation_at = (
            at[name] for name in ("CITY", "STATE", "ZIPCODE", "ENAME", "OCCUPATION")
        )
        slots = [(slot, at[f"CONTDATE{slot}"], at[f"CONTAMT{slot}"], f"CONTDATE{slot}", f"CONTAMT{slot}")
                 for slot in CONTRIB_SLOTS]  # fmt: skip
        schedules = {}  # (Section, CYCLE) as filed -> (schedule, entity code)
        stats, row_filing, row_id = self.stats, self.row_filing, row_id or self.row_id

        def build(values):
            place = row_filing(values, at)
            if place is None:
                return []
            filing, filer_id, _ = place
            schedule = schedules.get((values[section_at], values[cycle_at]))
            if schedule is None:
                schedule = schedules[values[section_at], values[cycle_at]] = contrib_schedule(
                    values[section_at], values[cycle_at]
                )
            name = one_line(values[name_at])
            if not name:
                raise RowProblem("no CONTRIBUTOR")
            gifts = []
            for slot, date_at, amount_at, date_field, amount_field in slots:
                raw_date, raw_amount = values[date_at], values[amount_at]
                if slot > 1 and _blank(raw_date) and _blank(raw_amount):
                    stats["empty_slots"] += 1
                    continue
                amount = money(raw_amount, amount_field)
                if amount is None:
                    raise RowProblem(f"no {amount_field}")
                gifts.append((slot, amount, date_value(raw_date, date_field)))
            row = row_id(filing, "C", values)
            base = (
                filing, committee_id(filer_id), SOURCE, *schedule[:1], name, schedule[1],
                one_line(values[city_at]), one_line(values[state_at]), zip_code(values[zip_at]),
                one_line(values[employer_at]), one_line(values[occupation_at]),
            )  # fmt: skip
            return [(f"{row}:{slot}", *base, amount, day, 0) for slot, amount, day in gifts]

        return build

    def other_money_builder(self, columns, kind, schedule, name_column, date_column, amount_column):
        """Receipt and debt rows: one Contribution each, under a schedule that does not count."""
        at = self.columns_at(columns, name_column, "CITY", "STATE", "ZIPCODE", date_column, amount_column)

        def build(values):
            place = self.row_filing(values, at)
            if place is None:
                return []
            filing, filer_id, _ = place
            name = one_line(values[at[name_column]])
            if not name:
                raise RowProblem(f"no {name_column}")
            amount = money(values[at[amount_column]], amount_column)
            if amount is None:
                raise RowProblem(f"no {amount_column}")
            day = date_value(values[at[date_column]], date_column)
            return [(
                self.row_id(filing, kind[0].upper(), values), filing, committee_id(filer_id), SOURCE, schedule, name,
                None, one_line(values[at["CITY"]]), one_line(values[at["STATE"]]), zip_code(values[at["ZIPCODE"]]),
                None, None, amount, day, 0,
            )]  # fmt: skip

        return build

    def expense_builder(self, columns):
        at = self.columns_at(columns, "EXPNAME", "EXPDATE", "EXPAMT", "EXPDESC")

        def build(values):
            description = one_line(values[at["EXPDESC"]])
            if not description or not PAID_AS_CONTRIBUTION.search(description):
                self.stats["expenses_not_contributions"] += 1
                return []
            place = self.row_filing(values, at)
            if place is None:
                return []
            filing, filer_id, day = place
            recipient = one_line(values[at["EXPNAME"]])
            if not recipient:
                raise RowProblem("no EXPNAME")
            amount = money(values[at["EXPAMT"]], "EXPAMT")
            if amount is None:
                raise RowProblem("no EXPAMT")
            paid = date_value(values[at["EXPDATE"]], "EXPDATE")
            link = self.link(None, recipient, day or paid, candidate=recipient)
            return [(
                self.row_id(filing, "X", values), filing, committee_id(filer_id), SOURCE, MADE_FORM, recipient,
                link.campaign_id, link.position, amount, paid, description, 0,
            )]  # fmt: skip

        return build

    @staticmethod
    def columns_at(columns, *names):
        """{name: index} of the columns a builder reads, the filing's key columns included; a
        missing column is a ValueError (the file is not of this kind)."""
        at = {
            "FILERID": _field(columns, "FILERID"),
            "EYEAR": _field(columns, "EYEAR"),
            "CYCLE": _field(columns, "CYCLE"),
            "CAMPAIGNFINANCEID": _field(columns, "CAMPAIGNFINANCEID"),
            "SUBMITTEDDATE": _field(columns, "SUBMITTEDDATE"),
        }
        for name in names:
            at[name] = _field(columns, name)
        missing = [name for name, index in at.items() if index is None and name not in HEADER_ONLY]
        if missing:
            raise ValueError(f"the file has no {', '.join(missing)} column")
        return at

    def builder(self, kind, columns, row_id=None):
        """(item class, fields, build(values) -> list of row tuples) of a detail file."""
        if kind == "contrib":
            return Contribution, CONTRIBUTION_FIELDS, self.contrib_builder(columns, row_id)
        if kind == "receipt":
            build = self.other_money_builder(columns, kind, RECEIPT_SCHEDULE, "RECNAME", "RECDATE", "RECAMT")
            return Contribution, CONTRIBUTION_FIELDS, build
        if kind == "debt":
            build = self.other_money_builder(columns, kind, DEBT_SCHEDULE, "DBTNAME", "DBTDATE", "DBTAMT")
            return Contribution, CONTRIBUTION_FIELDS, build
        if kind == "expense":
            return ContributionMade, MADE_FIELDS, self.expense_builder(columns)
        raise ValueError(f"no reader for {kind} files")

    def read_details(self, kind, rows, name=None, batch_rows=5000):
        """RecordBatches of one detail file's rows (`file_rows`), and a Rejected for each row
        that cannot be stored."""
        name = name or f"{kind}.txt"
        item_class, fields, build = self.builder(kind, next(rows))
        batch = []
        for number, values in rows:
            if isinstance(values, Rejected):
                yield values
                continue
            built = built_rows(build, kind, name, number, values)
            if isinstance(built, Rejected):
                yield built
                continue
            batch.extend(built)
            if len(batch) >= batch_rows:
                yield from self.stand_in_batch()
                yield RecordBatch(item_class, fields, batch)
                batch = []
        yield from self.stand_in_batch()
        if batch:
            yield RecordBatch(item_class, fields, batch)

    def stand_in_batch(self):
        if self.stand_ins:
            yield RecordBatch(StandInFiling, FILING_FIELDS, self.stand_ins)
            self.stand_ins = []

    def read_file(self, kind, stream, name=None, batch_rows=5000):
        if kind in self.file_readers:  # a column reader (pennsylvania_columns.py)
            yield from self.file_readers[kind](kind, stream, name, batch_rows)
            return
        rows = file_rows(kind, stream, name)
        if kind == "filer":
            yield from self.read_filers(rows, name or "filer.txt", batch_rows)
        else:
            yield from self.read_details(kind, rows, name, batch_rows)

    def read_set(self, present, open_file, batch_rows=5000):
        """Every file of a set: `present` is {kind: [file names]}, open_file(name) a context
        manager of its binary stream. Files are read in READ_ORDER."""
        for kind in READ_ORDER:
            for name in present.get(kind, ()):
                with open_file(name) as stream:
                    yield from self.read_file(kind, stream, name.replace("\\", "/").rsplit("/", 1)[-1], batch_rows)


def row_digest(values):
    """The digest of a row's values in its key (`FilingSetReader.row_id`)."""
    return hashlib.sha1("\x1f".join(values).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _number_order(value):
    """Numbers in numeric order, before any text ('9' < '10' < 'A1')."""
    written = (value or "").strip()
    return (0, int(written), "") if written.isdigit() else (1, 0, written)
