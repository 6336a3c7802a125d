"""CAL-ACCESS bulk export tables (dbwebexport.zip, CalAccess/DATA/*.TSV) read into rows: from the
bytes of each table to RecordBatches of committees, filings, summary lines and contributions, and
a `Rejected` for each row that cannot be stored. Pure: the spider opens the tables.

- FILERNAME_CD: filers -> committees (the name with the latest effective date);
- FILER_FILINGS_CD and CVR_CAMPAIGN_DISCLOSURE_CD: filings (FILING_ID is the report, AMEND_ID or
  FILING_SEQUENCE its amendment; the cover page gives the form, the period and the filer);
- SMRY_CD: summary-page lines -> filing_summaries (Form 460 line 5 = total contributions);
- RCPT_CD: receipts (Schedules A, C, I, 496 part 3...) -> contributions;
- S497_CD: late contributions received (497 part 1) -> contributions; late contributions made
  (497 part 2) -> contributions_made;
- EXPN_CD: contributions made to other committees (Form 461 part 5, Schedule D) ->
  contributions_made; independent expenditures of Form 465 part 3 -> independent_expenditures;
- S496_CD: Form 496 line items (late independent expenditures) -> independent_expenditures;
- CVR2_CAMPAIGN_DISCLOSURE_CD: the measures and candidates a cover page lists (read for the
  campaign links only).

Campaign links come from the filings' own fields before the committee's name: the cover page's
(or its CVR2 rows') BAL_NAME / BAL_NUM, CAND_NAML / CAND_NAMF, OFFIC_DSCR and SUP_OPP_CD (but those
of a Form 496 / 465, which name what an expenditure was for, not the committee), through
`link(filer_id, name, on_date, measure=, candidate=, office=, support_oppose=, ie=)` (the spider
passes `Watchlist.link`). An independent expenditure of a Form 496 takes its target from the
496's cover page (S496_CD rows name none); a Form 465 part 3 row from its own fields, else its
cover's. Money-out rows name no filer: the totals rules fill in the giver (or spender) from the
filing at the end of the run, as they do for receipts.

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
from recallwatch.core.items import (
    Committee,
    Contribution,
    ContributionMade,
    FilerCommittee,
    Filing,
    FilingSummary,
    IndependentExpenditure,
    Rejected,
)
from recallwatch.core.watchlist import CampaignLink
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
TABLES = (
    "FILERNAME_CD", "FILER_FILINGS_CD", "CVR2_CAMPAIGN_DISCLOSURE_CD", "CVR_CAMPAIGN_DISCLOSURE_CD", "SMRY_CD",
    "RCPT_CD", "S497_CD", "EXPN_CD", "S496_CD",
)  # fmt: skip
MONEY_TABLES = ("SMRY_CD", "RCPT_CD", "S497_CD", "EXPN_CD", "S496_CD")
TABLE_ITEM_TYPES = {
    "FILERNAME_CD": "committees",
    "FILER_FILINGS_CD": "filings",
    "CVR2_CAMPAIGN_DISCLOSURE_CD": "committees",
    "CVR_CAMPAIGN_DISCLOSURE_CD": "filings",
    "SMRY_CD": "filing_summaries",
    "RCPT_CD": "contributions",
    "S497_CD": "contributions",
    "EXPN_CD": "contributions_made",
    "S496_CD": "independent_expenditures",
}
# EXPN_CD forms: money given to another committee, and independent expenditures
CONTRIBUTIONS_MADE_FORMS = ("F461P5", "D")
LATE_CONTRIBUTIONS_MADE = "F497P2"
EXPENDITURE_IE_FORMS = ("F465P3",)
INDEPENDENT_EXPENDITURE = "IE"  # the route of a Schedule D row whose EXPN_CODE is IND
GIVER_FORMS = (*CONTRIBUTIONS_MADE_FORMS, LATE_CONTRIBUTIONS_MADE)
# where each money-out table keeps the recipient's name and the date: (last, first, date)
GIVER_TABLES = {
    "EXPN_CD": ("PAYEE_NAML", "PAYEE_NAMF", "EXPN_DATE"),
    "S497_CD": ("ENTY_NAML", "ENTY_NAMF", "CTRIB_DATE"),
}
# The forms whose cover page names an independent expenditure's candidate or measure
IE_COVER_FORMS = ("F496", "F465")
# OFFICE_CD codes (LOOKUP_CODES_CD and the older letter codes) of the offices the watchlist follows
LINK_CACHE_SIZE = 100_000
NO_LINK = CampaignLink()
OFFICE_CODES = {"DAT": "District Attorney", "30026": "District Attorney", "ATG": "Attorney General"}
CAMPAIGN_FORM = re.compile(r"^F4\d\d$")  # Form 4xx: campaign statements (460, 497, 496, 450...)
NOT_COMMITTEES = {"LOBBYIST", "CLIENT", "EMPLOYER", "FIRM", "TREASURER/RESPONSIBLE OFFICER", "PREPAID ACCOUNT"}

COMMITTEE_FIELDS = (
    "id", "name", "source", "source_id", "fppc_id", "committee_type", "campaign_id", "position", "side", "linked_by",
)  # fmt: skip
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
CONTRIBUTION_MADE_FIELDS = (
    "id", "filing_id", "source", "tran_id", "form", "recipient_name", "recipient_source_id", "campaign_id",
    "position", "amount", "date", "description", "memo",
)  # fmt: skip
IE_FIELDS = (
    "id", "filing_id", "committee_id", "source", "tran_id", "form", "campaign_id", "position", "side", "linked_by",
    "target_name", "amount", "date", "description", "payee", "memo",
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


def no_campaign(filer_id, name, on_date, **named):
    return CampaignLink()


def optional_index(header, name):
    return header.index(name) if name in header else None


def cell(values, index):
    return values[index].strip() if index is not None else ""


class CampaignFields:
    """Where a table keeps the fields that name a campaign (measure, candidate, office, support or
    oppose), read into `link`'s keyword arguments: None when the row names no measure and no
    candidate."""

    def __init__(self, header, candidate=("CAND_NAML", "CAND_NAMF")):
        self.measure = [optional_index(header, name) for name in ("BAL_NAME", "BAL_NUM")]
        self.candidate = [optional_index(header, name) for name in reversed(candidate)]  # first, last
        self.office_code = optional_index(header, "OFFICE_CD")
        self.office = optional_index(header, "OFFIC_DSCR")
        self.position = optional_index(header, "SUP_OPP_CD")

    def read(self, values):
        measure = " ".join(filter(None, (cell(values, index) for index in self.measure)))
        candidate = " ".join(filter(None, (cell(values, index) for index in self.candidate)))
        if not measure and not candidate:
            return None
        code = cell(values, self.office_code).upper()
        return {
            "measure": measure or None,
            "candidate": candidate or None,
            "office": cell(values, self.office) or OFFICE_CODES.get(code),
            "support_oppose": cell(values, self.position) or None,
        }


def target_name(named):
    """The candidate or measure an expenditure is for or against, as filed."""
    return (named["candidate"] or named["measure"]) if named else None


class ExportReader:
    """Turns the rows of each table into committees, filings, summary lines and contributions.

    keep_filer(filer_id, name, on_date) decides which filers a scheduled run keeps (None: all; a
    filer no name row names is asked with name None); link(filer_id, name, on_date, measure=,
    candidate=, office=, support_oppose=, ie=) gives a CampaignLink (Watchlist.link's rules). A
    filer whose cover page links it to a campaign is kept too."""

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
        self.named_campaigns = {}  # filer id -> (date, campaign fields of its latest cover naming one)
        self.cover_parts = {}  # FILING_ID -> campaign fields of its CVR2 rows (read before the covers)
        self.ie_covers = {}  # FILING_ID of a 496 / 465 -> (amendment, filer id, campaign fields, date)
        self._links = {}
        self.giver_filings = set()  # FILING_IDs a scheduled run keeps for their contributions made
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

    def committee_row(self, filer_id, name, committee_type, link=NO_LINK):
        fppc_id = filer_id if filer_id.isdigit() else None
        return (
            committee_id(filer_id), name, SOURCE, filer_id, fppc_id, committee_type,
            link.campaign_id, link.position, link.side, link.linked_by,
        )  # fmt: skip

    def campaign_link(self, filer_id, name, on_date, named=None, ie=False):
        """link(...) of a name and the campaign fields a filing gives it (cached: a full export
        names the same few measures and candidates again and again). A date only narrows the
        campaigns a name or field can tie to, so what ties to none without a date is looked up
        once, not once per date."""
        fields = tuple(sorted(named.items())) if named else None
        if on_date is not None:
            undated = self.cached_link((filer_id, name, None, fields, ie), named)
            if undated.campaign_id is None:
                return undated
        return self.cached_link((filer_id, name, on_date, fields, ie), named)

    def cached_link(self, key, named):
        filer_id, name, on_date, _fields, ie = key
        found = self._links.get(key)
        if found is None:
            if len(self._links) >= LINK_CACHE_SIZE:
                self._links.clear()
            found = self._links[key] = self.link(filer_id, name, on_date, **(named or {}), ie=ie)
        return found

    def note_campaign_fields(self, filer_id, on_date, named, spends=False):
        """The campaign fields of a filer's latest cover page that names a measure or candidate; a
        scheduled run keeps a filer they link to a campaign. The cover page of an independent
        expenditure report (`spends`) names what the money was spent on, not what the committee
        is for (a general-purpose PAC files them): its expenditures are linked, not the committee."""
        if not spends:
            known = self.named_campaigns.get(filer_id)
            if known is None or (on_date or "") >= (known[0] or ""):
                self.named_campaigns[filer_id] = (on_date, named)
        if self.keep_filer is not None and filer_id not in self.kept_filers:
            if self.campaign_link(filer_id, None, on_date, named, ie=spends).campaign_id:
                self.kept_filers.add(filer_id)

    def committee_batches(self):
        """The committees noted since the last call: those the name rows name, each with its latest
        name, linked to a campaign on the date of its latest filing; then the filers of kept
        filings that no name row of the run names (see the module's doc)."""
        named = []
        for filer_id, (on_date, name, committee_type) in self.committees.items():
            if self.keeps_filer(filer_id) or filer_id in self.filing_filers:  # a giver's filing is kept
                fields_date, fields = self.named_campaigns.get(filer_id, (None, None))
                link = self.campaign_link(filer_id, name, fields_date or on_date, fields)
                named.append(self.committee_row(filer_id, name, committee_type, link))
        self.committees.clear()
        if named:
            yield RecordBatch(Committee, COMMITTEE_FIELDS, named)
        unnamed = [
            self.committee_row(filer_id, f"filer {filer_id}", None, self.unnamed_link(filer_id))
            for filer_id in sorted(self.filing_filers - self.named_filers)
        ]
        self.filing_filers.clear()
        if unnamed:
            yield RecordBatch(FilerCommittee, COMMITTEE_FIELDS, unnamed)

    def unnamed_link(self, filer_id):
        on_date, fields = self.named_campaigns.get(filer_id, (None, None))
        return self.campaign_link(filer_id, None, on_date, fields) if fields else CampaignLink()

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
        if not self.keeps_filer(filer_id) and filing not in self.giver_filings:
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
        campaign_fields = CampaignFields(header)

        def build(values):
            filer_id = values[filer].strip()
            unread = []
            dates = (
                read_or_none(date_value, values[start], "period_start", unread),
                read_or_none(date_value, values[end], "period_end", unread),
                read_or_none(filed_date, values[filed], "filed", unread),
            )
            name = contributor_name(values[last], values[first])
            on_date = dates[1] or dates[2]
            form_type, filing_number = values[form].strip().upper(), values[filing].strip()
            named = campaign_fields.read(values) or self.cover_parts.get(filing_number)
            if named and filer_id:
                self.note_campaign_fields(filer_id, on_date, named, spends=form_type in IE_COVER_FORMS)
            self.note_committee(filer_id, on_date, name, blank_to_none(values[kind]))
            row = self.filing_row(filer_id, filing_number, values[amend], form_type, dates, unread)
            if row is not None and form_type in IE_COVER_FORMS:
                self.note_ie_cover(filing_number, row[8], filer_id, named, on_date)
            return row

        return build

    def note_ie_cover(self, filing_number, amendment, filer_id, named, on_date):
        """What the latest version of a 496 / 465 cover says of its expenditures' target."""
        known = self.ie_covers.get(filing_number)
        if known is None or amendment >= known[0]:
            self.ie_covers[filing_number] = (amendment, filer_id, named, on_date)

    def cover_part_builder(self, header):
        """CVR2 rows: the measures (BNM) and candidates (CTL, CAO) a cover page lists, kept by
        FILING_ID for the cover page read next. Stores nothing itself."""
        at = header.index
        filing, entity = at("FILING_ID"), at("ENTITY_CD")
        campaign_fields = CampaignFields(header, candidate=("ENTY_NAML", "ENTY_NAMF"))

        def build(values):
            if values[entity].strip().upper() in ("BNM", "CTL", "CAO"):
                named = campaign_fields.read(values)
                if named:
                    self.cover_parts.setdefault(values[filing].strip(), named)
            return None

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
                self.skipped += 1  # not money received
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

    # -- money paid: contributions made and independent expenditures
    def money_out_columns(self, header, amount, day, description):
        at = header.index
        return (
            at("FILING_ID"), at("AMEND_ID"), at("LINE_ITEM"), at("FORM_TYPE"), at("TRAN_ID"), at(amount), at(day),
            optional_index(header, description), optional_index(header, "MEMO_CODE"),
        )  # fmt: skip

    def contribution_made_builder(self, header, table, names):
        """Rows a giver reports paying to another committee (Form 461 part 5, Schedule D, Form 497
        part 2): the recipient as filed (name, CMTE_ID = its FPPC id) and the campaign the row's
        own fields name; the giver is the filing's filer (filled in at the end of the run)."""
        filing, amend, line, form, tran, amount, day, description, memo_code = self.money_out_columns(
            header, "AMOUNT", "EXPN_DATE" if "EXPN_DATE" in header else "CTRIB_DATE", "EXPN_DSCR"
        )
        last, first, title, suffix = (header.index(name) for name in names)
        recipient_id = header.index("CMTE_ID")
        campaign_fields = CampaignFields(header)

        def build(values):
            filing_number = values[filing].strip()
            if not self.keeps_filing(filing_number):
                return None
            form_type = values[form].strip().upper()
            this_filing = filing_id(filing_number, self.amendment(values[amend]))
            recipient_source_id = values[recipient_id].strip() or None
            name = contributor_name(values[last], values[first], values[title], values[suffix])
            name = name or (f"committee {recipient_source_id}" if recipient_source_id else None)
            if not name:
                raise RowProblem("no recipient name and no CMTE_ID")
            given = money(values[amount])
            if given is None:
                raise RowProblem("no amount")
            on_date = date_value(values[day])
            link = self.campaign_link(None, name, on_date, campaign_fields.read(values))
            return (
                f"{this_filing}:{table}:{values[line].strip()}:{form_type}", this_filing, SOURCE,
                values[tran].strip() or None, form_type, name, recipient_source_id, link.campaign_id, link.position,
                given, on_date, cell(values, description) or None, 1 if cell(values, memo_code).upper() == "X" else 0,
            )  # fmt: skip

        return build

    def expenditure_ie_builder(self, header, table, payee_names=None):
        """Independent expenditures: S496_CD rows (their target is on the 496's cover page) and
        Form 465 part 3 rows of EXPN_CD (their own fields, else the 465's cover page)."""
        filing, amend, line, form, tran, amount, day, description, memo_code = self.money_out_columns(
            header, "AMOUNT", "EXP_DATE" if "EXP_DATE" in header else "EXPN_DATE", "EXPN_DSCR"
        )
        payee = [header.index(name) for name in payee_names] if payee_names else None
        campaign_fields = CampaignFields(header)

        def build(values):
            filing_number = values[filing].strip()
            if not self.keeps_filing(filing_number):
                return None
            form_type = values[form].strip().upper()
            amendment = self.amendment(values[amend])
            this_filing = filing_id(filing_number, amendment)
            given = money(values[amount])
            if given is None:
                raise RowProblem("no amount")
            on_date = date_value(values[day])
            _, filer_id, cover_named, cover_date = self.ie_covers.get(filing_number, (None, None, None, None))
            named = campaign_fields.read(values) or cover_named
            link = self.campaign_link(None, None, on_date or cover_date, named, ie=True) if named else CampaignLink()
            payee_name = contributor_name(*(values[index] for index in payee)) if payee else None
            return (
                f"{this_filing}:{table}:{values[line].strip()}:{form_type}", this_filing,
                committee_id(filer_id) if filer_id else None, SOURCE, values[tran].strip() or None, form_type,
                link.campaign_id, link.position, link.side, link.linked_by, target_name(named), given, on_date,
                cell(values, description) or None, payee_name, 1 if cell(values, memo_code).upper() == "X" else 0,
            )  # fmt: skip

        return build

    def split_builder(self, header, routes, route_of=None):
        """A table whose rows go to several tables by FORM_TYPE: routes = {form: (item class, fields,
        build)}; build(values) -> (item class, row) or None. Other forms are counted in `skipped`.
        route_of(form, values) may name another route for some rows of a form."""
        form = header.index("FORM_TYPE")
        kinds = {item_class: fields for item_class, fields, _ in routes.values()}

        def build(values):
            form_type = values[form].strip().upper()
            route = routes.get(route_of(form_type, values) if route_of else form_type)
            if route is None:
                self.skipped += 1
                return None
            row = route[2](values)
            return None if row is None else (route[0], row)

        return kinds, None, build

    def builder(self, table, header):
        """(item class, fields, build(values) -> row tuple or None) of a table; for a table whose
        rows go to several tables, ({item class: fields}, None, build(values) -> (item class, row))."""
        if table == "FILERNAME_CD":
            return Committee, COMMITTEE_FIELDS, self.filer_name_builder(header)
        if table == "FILER_FILINGS_CD":
            return Filing, FILING_FIELDS, self.filer_filing_builder(header)
        if table == "CVR_CAMPAIGN_DISCLOSURE_CD":
            return Filing, FILING_FIELDS, self.cover_builder(header)
        if table == "CVR2_CAMPAIGN_DISCLOSURE_CD":
            return Committee, COMMITTEE_FIELDS, self.cover_part_builder(header)
        if table == "SMRY_CD":
            return FilingSummary, SUMMARY_FIELDS, self.summary_builder(header)
        if table == "RCPT_CD":
            return Contribution, CONTRIBUTION_FIELDS, self.contribution_builder(header, **RECEIPT_LAYOUTS[table])
        entity = RECEIPT_LAYOUTS["S497_CD"]["names"]
        if table == "S497_CD":
            received = self.contribution_builder(header, **RECEIPT_LAYOUTS[table])
            made = (ContributionMade, CONTRIBUTION_MADE_FIELDS, self.contribution_made_builder(header, "S497", entity))
            routes = {form: (Contribution, CONTRIBUTION_FIELDS, received) for form in ("F497P1", "F497", "S497")}
            return self.split_builder(header, {**routes, LATE_CONTRIBUTIONS_MADE: made})
        if table == "EXPN_CD":
            payee = ("PAYEE_NAML", "PAYEE_NAMF", "PAYEE_NAMT", "PAYEE_NAMS")
            made = (ContributionMade, CONTRIBUTION_MADE_FIELDS, self.contribution_made_builder(header, "EXPN", payee))
            spent = (IndependentExpenditure, IE_FIELDS, self.expenditure_ie_builder(header, "EXPN", payee))
            routes = {form: made for form in CONTRIBUTIONS_MADE_FORMS}
            code = header.index("EXPN_CODE")

            def route_of(form_type, values):
                # Schedule D lists independent expenditures too (EXPN_CODE IND), beside contributions
                if form_type == "D" and values[code].strip().upper() == "IND":
                    return INDEPENDENT_EXPENDITURE
                return form_type

            routes = {**routes, **dict.fromkeys(EXPENDITURE_IE_FORMS, spent), INDEPENDENT_EXPENDITURE: spent}
            return self.split_builder(header, routes, route_of)
        if table == "S496_CD":
            return IndependentExpenditure, IE_FIELDS, self.expenditure_ie_builder(header, "S496")
        raise ValueError(f"no reader for {table}")

    def read(self, table, stream, batch_rows=5000):
        """RecordBatches of one table, and a Rejected for each row that cannot be stored (or is
        stored without a value). Committees are noted on the way: see `committee_batches`."""
        rows = table_rows(table, stream)
        header = [name.strip().upper() for name in next(rows)]
        item_class, fields, build = self.builder(table, header)
        split = isinstance(item_class, dict)
        kinds = item_class if split else {item_class: fields}
        pending = {kind: [] for kind in kinds}
        batch = pending[item_class] if not split else None
        for number, values in rows:
            if isinstance(values, Rejected):
                yield values
                continue
            row, row_rejects = self.build_row(table, build, number, values)
            yield from row_rejects
            if row is None:
                continue
            if split:
                kind, row = row
                pending[kind].append(row)
                if len(pending[kind]) >= batch_rows:
                    yield RecordBatch(kind, kinds[kind], pending[kind])
                    pending[kind] = []
                continue
            batch.append(row)
            if len(batch) >= batch_rows:
                yield RecordBatch(item_class, fields, batch)
                batch = pending[item_class] = []
        for kind, rows_left in pending.items():
            if rows_left:
                yield RecordBatch(kind, kinds[kind], rows_left)

    def find_giver_filings(self, present, open_table):
        """A scheduled run keeps the filings whose contributions made go to a committee of a
        campaign (by the recipient's name, measure or candidate, or a kept filer's id as CMTE_ID),
        although their giver is not on the watchlist (a major donor's Form 461): a first look at
        EXPN_CD and S497_CD, before the filings are read."""
        for table, names in GIVER_TABLES.items():
            if table not in present:
                continue
            with open_table(table) as stream:
                rows = table_rows(table, stream)
                header = [name.strip().upper() for name in next(rows)]
                at = header.index
                filing, form, recipient_id, day = at("FILING_ID"), at("FORM_TYPE"), at("CMTE_ID"), at(names[2])
                code = optional_index(header, "EXPN_CODE")
                last, first = at(names[0]), at(names[1])
                campaign_fields = CampaignFields(header)
                for _number, values in rows:
                    if isinstance(values, Rejected):
                        continue
                    form_type = values[form].strip().upper()
                    if form_type not in GIVER_FORMS or cell(values, code).upper() == "IND":
                        continue
                    if values[recipient_id].strip() in self.kept_filers or self.names_a_campaign(
                        contributor_name(values[last], values[first]), values[day], campaign_fields.read(values)
                    ):
                        self.giver_filings.add(values[filing].strip())

    def names_a_campaign(self, name, raw_date, named):
        if self.campaign_link(None, name, None, named).campaign_id is None:
            return False  # no date can tie it: its date is not even read
        on_date = read_or_none(date_value, raw_date, "date", [])
        return self.campaign_link(None, name, on_date, named).campaign_id is not None

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
            if table == "FILER_FILINGS_CD" and self.keep_filer is not None:
                self.find_giver_filings(present, open_table)
            if table in MONEY_TABLES:
                yield from self.committee_batches()
            if table in present:
                with open_table(table) as stream:
                    yield from self.table_readers.get(table, self.read)(table, stream, batch_rows)
        yield from self.committee_batches()
