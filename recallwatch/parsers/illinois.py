"""Illinois State Board of Elections (ISBE) bulk files (https://elections.il.gov/campaigndisclosuredatafiles/)
read into rows: from the bytes of each file to RecordBatches of committees, filings, D-2 totals,
contributions, contributions made and independent expenditures, and a `Rejected` for each row that
cannot be stored. Pure: the spider opens the files.

The files, in the order they are read (a committee and its filings before the money that points
at them):
- Candidates.txt, CmteCandidateLinks.txt: a committee's candidate (name and office), which ties it
  to an election of the watchlist (`link`, the watchlist's rules);
- Committees.txt -> committees (TypeOfCommittee as committee_type);
- FiledDocs.txt -> filings. DocName gives form_type (FORM_CODES: "Quarterly" -> "D2Q", "A-1" ->
  "A1"...). No column ties an amendment to the report it amends: a report is (committee,
  form, RptPdBegDate, RptPdEndDate), its versions are ordered by the time they were received
  (RcvdDateTime, stored as received_at in UTC; the totals rules number them) and a version ISBE
  marks Archived is superseded. A document with no period (an A-1, a B-1, a D-1) is its own report;
- D2Totals.txt -> filing_summaries: one line per money column of the D-2 ("IndivContribI", ...),
  form_type "D2";
- Receipts.txt -> contributions, schedule = the D-2 part (1A individual, 2A transfer in, 3A loan,
  4A other receipt, 5A in-kind; another code is kept as filed), or "A1" on an A-1 report;
- Expenditures.txt: part 6B (transfers out to other committees) -> contributions_made (form
  "6B"); part 9B -> independent_expenditures, tied to an election by the candidate and office it
  names. Other expenditures (7B loans made, 8B spending) are not stored.

Format: tab-separated, one header row, no quoting, latin-1, LF or CRLF line ends; the columns
are read by their header names. A row with another number of fields than the header (a record
split by a newline inside a name, an address with stray tabs) is rejected with its line.
Dates are "YYYY-MM-DD HH:MM:SS"; every value is read by recallwatch/parsers/values.py.

`IsbeReader(keep_ids=...)` (a scheduled run) keeps only the committees the watchlist ties to an
election, or lists by id, and the independent expenditures it ties to one; without it every row
is kept (a file given by hand).
"""

import io
import re
from collections import Counter

from recallwatch.core.batch import RecordBatch
from recallwatch.core.ids import stable_id
from recallwatch.core.items import (
    Committee,
    Contribution,
    ContributionMade,
    Filing,
    FilingSummary,
    IndependentExpenditure,
    Rejected,
)
from recallwatch.core.watchlist import CampaignLink
from recallwatch.parsers.values import (
    contributor_name,
    date_value,
    filed_date,
    money,
    read_or_none,
    stored_without,
    to_utc_iso,
    true_false,
)

SOURCE = "illinois"
ISBE_TIME_ZONE = "America/Chicago"  # RcvdDateTime is local time in Springfield or Chicago
# Files in the order they are read
FILES = ("Candidates", "CmteCandidateLinks", "Committees", "FiledDocs", "D2Totals", "Receipts", "Expenditures")
MONEY_FILES = ("D2Totals", "Receipts", "Expenditures")
FILE_NAME = re.compile(r"(?:^|/)(" + "|".join(FILES) + r")\.txt$", re.IGNORECASE)
ITEM_TYPES = {
    "Committees": "committees",
    "FiledDocs": "filings",
    "D2Totals": "filing_summaries",
    "Receipts": "contributions",
    "Expenditures": "contributions_made",
}
# FiledDocs.DocName -> form_type. Other names become their letters and digits, upper case.
FORM_CODES = {
    "QUARTERLY": "D2Q",
    "SEMIANNUAL": "D2S",  # the D-2 semiannual report (before 2009)
    "PRE-ELECTION": "D2P",
    "ANNUAL": "D2A",
    "FINAL": "D2F",
    "A-1": "A1",  # large contributions, reported within days
    "B-1": "B1",  # independent expenditures
    "D-1": "D1",
    "STATEMENT OF ORGANIZATION": "D1",
    "LETTER/CORRESPONDENCE": "LTR",
    "NONPARTICIPATION": "NP",
}
LATE_FORMS = ("A1",)
SUMMARY_FORM = "D2"
# D2Totals columns stored as summary lines (what the dictionary lists between FiledDocID and Archived)
SUMMARY_LINES = (
    "BegFundsAvail", "IndivContribI", "IndivContribNI", "XferInI", "XferInNI", "LoanRcvI", "LoanRcvNI",
    "OtherRctI", "OtherRctNI", "TotalReceipts", "InKindI", "InKindNI", "TotalInKind", "XferOutI", "XferOutNI",
    "LoanMadeI", "LoanMadeNI", "ExpendI", "ExpendNI", "IndependentExpI", "IndependentExpNI", "TotalExpend",
    "DebtsI", "DebtsNI", "TotalDebts", "TotalInvest", "EndFundsAvail",
)  # fmt: skip

COMMITTEE_FIELDS = ("id", "name", "source", "source_id", "committee_type", "campaign_id", "position", "side",
                    "linked_by")  # fmt: skip
FILING_FIELDS = (
    "id", "committee_id", "source", "report_id", "form_type", "period_start", "period_end", "filed", "amendment",
    "source_url", "source_filing_id", "filer_id", "archived", "received_at",
)  # fmt: skip
SUMMARY_FIELDS = ("filing_id", "form_type", "line", "amount_period")
CONTRIBUTION_FIELDS = (
    "id", "filing_id", "committee_id", "source", "tran_id", "schedule", "contributor_name", "contributor_first",
    "contributor_last", "city", "state", "zip", "employer", "occupation", "amount", "cumulative_ytd", "date",
    "entity_code",
)  # fmt: skip
# The Receipts.txt columns read (illinois_columns.py reads the same ones)
RECEIPT_COLUMNS = (
    "ID", "CommitteeID", "FiledDocID", "ETransID", "LastOnlyName", "FirstName", "RcvDate", "Amount", "LoanAmount",
    "Occupation", "Employer", "City", "State", "Zip", "D2Part", "AggregateAmount",
)  # fmt: skip
MADE_FIELDS = ("id", "filing_id", "giver_committee_id", "source", "tran_id", "form", "recipient_name", "amount",
               "date", "description")  # fmt: skip
IE_FIELDS = (
    "id", "filing_id", "committee_id", "source", "tran_id", "form", "campaign_id", "position", "side", "linked_by",
    "target_name", "amount", "date", "description", "payee", "current",
)  # fmt: skip


class RowProblem(ValueError):
    """A row that cannot be stored; the message is the reject reason."""


def file_table(path):
    """'Receipts' for '.../Receipts.txt' (any case), else None."""
    match = FILE_NAME.search(str(path).replace("\\", "/"))
    if not match:
        return None
    return next(name for name in FILES if name.lower() == match.group(1).lower())


def committee_id(source_committee_id):
    return stable_id(SOURCE, source_committee_id)


def filing_id(filed_doc_id):
    return f"{SOURCE}:{filed_doc_id}"


def form_code(doc_name):
    name = (doc_name or "").strip().upper()
    return FORM_CODES.get(name) or re.sub(r"[^A-Z0-9]", "", name) or "UNKNOWN"


def report_id(committee, form_type, start, end, filed_doc_id):
    """The report a version belongs to; a document without a period is its own report."""
    if not start and not end:
        return f"{SOURCE}:{committee}:{form_type}:doc{filed_doc_id}"
    return f"{SOURCE}:{committee}:{form_type}:{start or ''}:{end or ''}"


def support_oppose(supporting, opposing):
    if true_false(supporting, "Supporting"):
        return "support"
    if true_false(opposing, "Opposing"):
        return "oppose"
    return None


# -- records


def rejected(table, reason, raw):
    return Rejected(reason, {"file": f"{table}.txt", "raw": raw}, ITEM_TYPES.get(table))


def file_header(line):
    """The column names of a header line (trimmed)."""
    return [name.strip() for name in line.rstrip("\r\n").split("\t")]


def line_values(table, number, line, width):
    """The values of a data line (its line end dropped); a Rejected for a line whose field count is
    not the header's, None for a blank one."""
    values = line.rstrip("\r\n").split("\t")
    if len(values) == width:
        return values
    if line.strip():
        return rejected(table, f"{table}.txt line {number}: {len(values)} fields, the header has {width}",
                        line.rstrip("\r\n"))  # fmt: skip
    return None


def file_rows(table, stream):
    """The header (its names, trimmed), then (line number, values) of each data row, or (line
    number, Rejected) for a row whose field count is not the header's. Read line by line."""
    lines = io.TextIOWrapper(stream, encoding="latin-1", newline="\n")
    header = file_header(lines.readline())
    yield header
    width = len(header)
    for number, line in enumerate(lines, start=2):
        values = line_values(table, number, line, width)
        if values is not None:
            yield number, values


def columns(table, header, names):
    """The positions of the named columns; a file without them is not the ISBE file it claims."""
    missing = [name for name in names if name not in header]
    if missing:
        found = ", ".join(header[:5]) or "nothing"
        raise ValueError(f"not an ISBE {table}.txt file: no column {', '.join(missing)} (the header has {found})")
    return [header.index(name) for name in names]


def aggregate_amount(raw, raw_amount, amount):
    """AggregateAmount: usually written as the row's Amount (read once), 0 on old paper rows."""
    if raw == raw_amount:
        return amount
    return money(raw, "cumulative_ytd") if raw.strip() else None


def giver_code(part, first_name):
    """The CAL entity code of a receipt's giver: ISBE has none, but a transfer in (2A) comes from a
    committee, and a giver with no first name is an organization ("a business name sits entirely in
    LastOnlyName"); anyone else is a person."""
    if part.strip().upper() == "2A":
        return "COM"
    return "IND" if first_name else "OTH"


def blank_to_none(value):
    value = value.strip()
    return value or None


class IsbeReader:
    """Reads the files of one export (see the module's doc); `link(**fields)` ties a committee or
    an independent expenditure to an election (the watchlist's `link` of the spider)."""

    def __init__(self, source_url=None, link=None, keep_ids=None):
        self.source_url = source_url
        self.link = link or (lambda **fields: CampaignLink())
        self.filtering = keep_ids is not None
        self.listed = {str(i) for i in keep_ids or ()}
        self.candidates = {}  # candidate id -> (name, office)
        self.candidate_of = {}  # committee id -> candidate id
        self.committees = {}  # committee id -> (name, type), every committee of the file
        self.kept = set()  # committee ids whose rows are kept (all, when not filtering)
        self.pre_links = {}  # committee id -> its link on no date (the candidate's or name's)
        self.filing_links = {}  # committee id -> Counter of the links of its filings' dates
        self.last_filing = {}  # committee id -> the latest date of its filings
        self.emitted = set()  # committee ids whose rows were yielded
        self.spenders = set()  # committees of kept independent expenditures
        self.late_filings = set()  # FiledDocs ids of A-1 reports
        self.problems = []  # what the last row is stored without
        self.table_readers = {}  # file -> read(table, stream, batch_rows) replacing the per-row one
        self._ie_links = {}

    # -- candidates and committees
    def read_candidate(self, header):
        ident, last, first, office = columns("Candidates", header, ("ID", "LastName", "FirstName", "Office"))

        def build(values):
            name = " ".join(part for part in (values[first].strip(), values[last].strip()) if part)
            self.candidates[values[ident].strip()] = (name, blank_to_none(values[office]))

        return build

    def read_link(self, header):
        committee, candidate = columns("CmteCandidateLinks", header, ("CommitteeID", "CandidateID"))

        def build(values):
            self.candidate_of.setdefault(values[committee].strip(), values[candidate].strip())

        return build

    def candidate(self, committee):
        return self.candidates.get(self.candidate_of.get(committee), (None, None))

    def committee_link(self, committee, on_date=None):
        name, _ = self.committees.get(committee, (None, None))
        candidate, office = self.candidate(committee)
        return self.link(source_id=committee, name=name, candidate=candidate, office=office, on_date=on_date)

    def read_committee(self, header):
        ident, kind, name = columns("Committees", header, ("ID", "TypeOfCommittee", "Name"))

        def build(values):
            committee = values[ident].strip()
            self.committees[committee] = (values[name].strip() or f"committee {committee}", blank_to_none(values[kind]))
            pre = self.committee_link(committee)
            if pre.campaign_id:
                self.pre_links[committee] = pre
            if not self.filtering or pre.campaign_id or committee in self.listed:
                self.kept.add(committee)

        return build

    def keeps(self, committee):
        return not self.filtering or committee in self.kept

    def note_filing_date(self, committee, on_date):
        if not on_date:
            return
        if on_date > self.last_filing.get(committee, ""):
            self.last_filing[committee] = on_date
        if committee in self.pre_links:
            found = self.committee_link(committee, on_date)
            if found.campaign_id:
                self.filing_links.setdefault(committee, Counter())[found] += 1

    def chosen_link(self, committee):
        """The election a committee is tied to: the one whose dates hold most of its filings (the
        earliest of equals), else its link on the date of its latest filing."""
        counted = self.filing_links.get(committee)
        if counted:
            return counted.most_common(1)[0][0]
        return self.committee_link(committee, self.last_filing.get(committee))

    def committee_batches(self, wanted=None):
        """The rows of the kept committees (or `wanted`) not yielded yet."""
        ids = self.kept if wanted is None else wanted
        rows = []
        for committee in sorted(ids - self.emitted):
            name, kind = self.committees.get(committee, (f"committee {committee}", None))
            found = self.chosen_link(committee)
            rows.append((committee_id(committee), name, SOURCE, committee, kind, found.campaign_id, found.position,
                         found.side, found.linked_by))  # fmt: skip
            self.emitted.add(committee)
        if rows:
            yield RecordBatch(Committee, COMMITTEE_FIELDS, rows)

    # -- filings
    def read_filing(self, header):
        ident, committee_col, doc, start_col, end_col, received, archived_col = columns(
            "FiledDocs", header, ("ID", "CommitteeID", "DocName", "RptPdBegDate", "RptPdEndDate", "RcvdDateTime",
                                  "Archived"),
        )  # fmt: skip

        def build(values):
            committee = values[committee_col].strip()
            if not self.keeps(committee):
                return None
            doc_id = values[ident].strip()
            form_type = form_code(values[doc])
            unread = []
            start = read_or_none(date_value, values[start_col], "period_start", unread)
            end = read_or_none(date_value, values[end_col], "period_end", unread)
            filed = read_or_none(filed_date, values[received], "filed", unread)
            archived = read_or_none(true_false, values[archived_col], "archived", unread)
            self.problems.extend(stored_without(None, problem) for problem in unread)
            if form_type in LATE_FORMS:
                self.late_filings.add(doc_id)
            self.note_filing_date(committee, end or filed)
            return (
                filing_id(doc_id), committee_id(committee), SOURCE, report_id(committee, form_type, start, end, doc_id),
                form_type, start, end, filed, 0, self.source_url, doc_id, committee, 1 if archived else 0,
                to_utc_iso(values[received], ISBE_TIME_ZONE) if filed else None,
            )  # fmt: skip

        return build

    # -- money
    def read_summary(self, header):
        committee_col, doc = columns("D2Totals", header, ("CommitteeID", "FiledDocID"))
        lines = [(line, at) for line, at in zip(SUMMARY_LINES, columns("D2Totals", header, SUMMARY_LINES), strict=True)]

        def build(values):
            if not self.keeps(values[committee_col].strip()):
                return None
            filing = filing_id(values[doc].strip())
            return [(filing, SUMMARY_FORM, line, money(values[at], line)) for line, at in lines]

        return build

    def read_receipt(self, header):
        (ident, committee_col, doc, etrans, last, first, day, amount_col, loan, occupation, employer, city, state,
         zip_code, part, aggregate) = columns("Receipts", header, RECEIPT_COLUMNS)  # fmt: skip
        filtering, kept, late = self.filtering, self.kept, self.late_filings
        committee_ids = {}

        def build(values):
            committee = values[committee_col].strip()
            if filtering and committee not in kept:
                return None
            doc_id = values[doc].strip()
            last_name, first_name = values[last].strip(), values[first].strip()
            name = contributor_name(last_name, first_name)
            if not name:
                raise RowProblem("no contributor name")
            amount = money(values[amount_col]) if values[amount_col].strip() else money(values[loan])
            if amount is None:
                raise RowProblem("no amount")
            schedule = "A1" if doc_id in late else (values[part].strip().upper() or "(blank)")
            if committee not in committee_ids:
                committee_ids[committee] = committee_id(committee)
            return (
                f"{SOURCE}:R{values[ident].strip()}", filing_id(doc_id), committee_ids[committee], SOURCE,
                values[etrans].strip() or None, schedule, name, first_name or None, last_name or None,
                values[city].strip() or None, values[state].strip().upper() or None, values[zip_code].strip() or None,
                values[employer].strip() or None, values[occupation].strip() or None, amount,
                aggregate_amount(values[aggregate], values[amount_col], amount),
                date_value(values[day]), giver_code(values[part], first_name),
            )  # fmt: skip

        return build

    def ie_link(self, candidate, office, position, on_date):
        key = (candidate, office, position, on_date)
        if key not in self._ie_links:
            code = {"support": "S", "oppose": "O"}.get(position)
            self._ie_links[key] = self.link(candidate=candidate, office=office, support_oppose=code, ie=True,
                                            on_date=on_date)  # fmt: skip
        return self._ie_links[key]

    def read_expenditure(self, header):
        (ident, committee_col, doc, etrans, last, first, day_col, amount_col, part, purpose, candidate_col, office_col,
         supporting, opposing, archived_col) = columns(
            "Expenditures", header, ("ID", "CommitteeID", "FiledDocID", "ETransID", "LastOnlyName", "FirstName",
                                     "ExpendedDate", "Amount", "D2Part", "Purpose", "CandidateName", "Office",
                                     "Supporting", "Opposing", "Archived"),
        )  # fmt: skip

        def build(values):
            code = values[part].strip().upper()
            if code not in ("6B", "9B"):
                return None  # loans made and spending: not stored
            committee = values[committee_col].strip()
            if code == "6B" and not self.keeps(committee):
                return None
            name = contributor_name(values[last], values[first])
            amount = money(values[amount_col])
            if amount is None:
                raise RowProblem("no amount")
            day = date_value(values[day_col])
            row_id = f"{SOURCE}:E{values[ident].strip()}"
            tran_id = values[etrans].strip() or None
            description = blank_to_none(values[purpose])
            if code == "6B":
                if not name:
                    raise RowProblem("no recipient name")
                return ContributionMade, (row_id, filing_id(values[doc].strip()), committee_id(committee), SOURCE,
                                          tran_id, code, name, amount, day, description)  # fmt: skip
            target = blank_to_none(values[candidate_col])
            position = support_oppose(values[supporting], values[opposing])
            found = self.ie_link(target, blank_to_none(values[office_col]), position, day) if target else None
            found = found or CampaignLink()
            if self.filtering and not found.campaign_id and committee not in self.kept:
                return None
            self.spenders.add(committee)
            # The filing of a spender the run does not follow was not kept (FiledDocs comes first), so
            # the totals rules can't tell whether it is current: the row's own Archived flag says
            # whether an amendment superseded it. A kept filing's `current` replaces this.
            current = None if self.keeps(committee) else 0 if true_false(values[archived_col], "archived") else 1
            return IndependentExpenditure, (
                row_id, filing_id(values[doc].strip()), committee_id(committee), SOURCE, tran_id, code,
                found.campaign_id, found.position, found.side, found.linked_by, target, amount, day, description,
                name, current,
            )  # fmt: skip

        return build

    # -- files
    BUILDERS = {
        "Candidates": (None, None, "read_candidate"),
        "CmteCandidateLinks": (None, None, "read_link"),
        "Committees": (None, None, "read_committee"),
        "FiledDocs": (Filing, FILING_FIELDS, "read_filing"),
        "D2Totals": (FilingSummary, SUMMARY_FIELDS, "read_summary"),
        "Receipts": (Contribution, CONTRIBUTION_FIELDS, "read_receipt"),
        "Expenditures": (None, None, "read_expenditure"),
    }
    FIELDS_OF = {ContributionMade: MADE_FIELDS, IndependentExpenditure: IE_FIELDS}

    def builder(self, table, header):
        """(item class or None, fields or None, build(values)) of a file with this header."""
        item_class, fields, method = self.BUILDERS[table]
        return item_class, fields, getattr(self, method)(header)

    def build_row(self, table, build, number, values):
        """(what build(values) makes, or None; the row's rejects)."""
        problems = self.problems
        try:
            row = build(values)
        except ValueError as problem:  # RowProblem, BadValue
            problems.clear()
            return None, [rejected(table, f"{table}.txt line {number}: {problem}", "\t".join(values))]
        rejects = [rejected(table, f"{table}.txt line {number}: {reason}", "\t".join(values)) for reason in problems]
        problems.clear()
        return row, rejects

    def read(self, table, stream, batch_rows=5000):
        """RecordBatches of one file, and a Rejected for each row that cannot be stored (or is
        stored without a value). Committees come out before the first money file's rows. A file
        with a reader in `table_readers` (Receipts.txt read column by column: illinois_columns.py)
        is read by it, with the same rules."""
        if table in MONEY_FILES:
            yield from self.committee_batches()
        yield from self.table_readers.get(table, self.read_rows)(table, stream, batch_rows)
        if table == "FiledDocs":
            yield from self.committee_batches()  # linked on the dates of their filings
        if table == "Expenditures":
            yield from self.committee_batches(self.spenders)

    def read_rows(self, table, stream, batch_rows=5000):
        """The rows of one file read one by one: RecordBatches of `batch_rows` rows, and Rejecteds."""
        rows = file_rows(table, stream)
        item_class, fields, build = self.builder(table, next(rows))
        batches = {}
        for number, values in rows:
            if isinstance(values, Rejected):
                yield values
                continue
            row, rejects = self.build_row(table, build, number, values)
            yield from rejects
            if row is None:
                continue
            for kind, item_row in self.typed_rows(item_class, row):
                batch = batches.setdefault(kind, [])
                batch.extend(item_row)
                if len(batch) >= batch_rows:
                    yield RecordBatch(kind, fields or self.FIELDS_OF[kind], batch)
                    batches[kind] = []
        for kind, batch in batches.items():
            if batch:
                yield RecordBatch(kind, fields or self.FIELDS_OF[kind], batch)

    @staticmethod
    def typed_rows(item_class, row):
        """(item class, [rows]) of what a builder returned: a row, a list of rows, or (class, row)."""
        if item_class is None:
            kind, one = row
            return [(kind, [one])]
        return [(item_class, row if isinstance(row, list) else [row])]

    def read_export(self, present, open_table, batch_rows=5000):
        """Every file that is `present` (names), in the order of FILES: RecordBatches and
        Rejecteds. open_table(name) is a context manager of the file's binary stream."""
        for table in FILES:
            if table in present:
                with open_table(table) as stream:
                    yield from self.read(table, stream, batch_rows)
        yield from self.committee_batches()
