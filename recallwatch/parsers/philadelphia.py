"""The City of Philadelphia's campaign-finance data read into rows: committees, filings,
contributions received, money given to other committees (ContributionMade) and independent
expenditures, and a `Rejected` for each row that cannot be stored. Pure: the spider opens the
documents. See ../shared/samples/FIELDS-wave2.md §3.

Two formats:

- Carto tables (the current system, 2019+): `campfin_transactions` (entity_* columns; the
  OpenDataPhilly per-year CSV), `campfin_contributions` (donor_*) and `campfin_expenditures`
  (payee_*), as a Carto SQL JSON answer (`{"rows": [...], "fields": ...}`) or a CSV export
  (`format=csv`, streamed). Columns are read by name, never by position (the CSV's order was not
  seen). Timestamps are UTC (`2026-03-30T04:00:00Z` is local midnight): every date is the date in
  Philadelphia. Amounts are int4 in one table and numeric in another: `money` reads both.
- Legacy per-filing e-filing files (2006 to about 2018): `<Filer>/<YYYYMMDD>/` folders holding the
  Pennsylvania five-file set without a header (recallwatch/parsers/pa_layout.py).

Filings and amendments:
- A report is (filer, election year, cycle) in both formats: `report_id`
  "philadelphia:<filer>:<year>:<cycle>". Legacy: an amended report is a complete new folder with
  AMMEND="Y"; the versions are numbered by their folder's date (an amendment whose original is
  not in the document is numbered from 1). Carto: each filing has its own `report_id`; the
  samples show only report_filing_status "Filed", so whether the City keeps superseded versions
  is unknown. A filing re-filed for the same filer, year and cycle is read as an amendment: its
  amendment number is 1 when its status names an amendment, else 0, and the latest certified
  date decides between versions (the City's guidance for the legacy data: keep the latest per
  filer and cycle). 24-hour reports are their own reports (several per cycle).
- form_type: "CFR" for the periodic campaign finance reports, "24H" for 24-hour (late
  contribution) reports, "IE" for independent expenditure reports.

Schedules of the contributions table (which count: recallwatch/core/rules_philadelphia.py):
IA, IB, IC, ID (Schedule I monetary), IIF, IIG (Schedule II in-kind) in legacy files; "I"
(monetary) and "II" (in-kind) in Carto, which does not give the size class; "LATE" for
contributions on a 24-hour report; "I-E" for other receipts (receipt.txt, Schedule I part E);
"IV" for debts and loans (debt.txt, Schedule IV).

Money paid out: an expenditure whose payee is a committee (payee type, or a committee's name:
"Friends of ...", "... for State Representative", "... PAC"; or described as a contribution) is a
ContributionMade (form "EXP"); one marked as an independent expenditure is an
IndependentExpenditure, tied to a campaign when its description names a candidate of the
watchlist. Other spending is not stored.
"""

import csv
import io
import re
from collections import defaultdict

from recallwatch.core.batch import RecordBatch
from recallwatch.core.ids import fold, stable_id
from recallwatch.core.items import (
    Committee,
    Contribution,
    ContributionMade,
    Filing,
    IndependentExpenditure,
    Rejected,
)
from recallwatch.core.watchlist import CampaignLink
from recallwatch.parsers import pa_layout
from recallwatch.parsers.calaccess import decode
from recallwatch.parsers.values import (
    cell_text,
    date_value,
    filed_date,
    money,
    read_or_none,
    stored_without,
    text,
)

SOURCE = "philadelphia"
SPIDER = "filings_philadelphia"
ZONE = "America/New_York"
PARTY_PREFIXES = ("entity_", "donor_", "payee_")  # campfin_transactions, _contributions, _expenditures
# campfin_transactions as documented (FIELDS-wave2.md §3.1: the City's `vw_transactions` view,
# Carto's columns, `skipfields=cartodb_id`); the live CSV's order was not seen, so the reader goes
# by name. Used to write the snapshot and test CSVs.
TRANSACTION_COLUMNS = tuple(
    """
    the_geom the_geom_webmercator objectid transaction_id transaction_date transaction_type transaction_amount
    transaction_description description_type filer_name filer_type filer_local_flag filer_local_flag_desc
    pa_pac_registry_name pa_pac_registry_type likely_unaffiliated entity_name entity_type entity_type_detail
    entity_local_flag entity_local_flag_desc report_year report_election_date election_type filer_id filer_city
    filer_state filer_zip filer_actv_cand_flag filer_actv_city_cand_flag filer_actv_city_cand_desg_flag
    filer_candidate_name candidate_office office_level multiple_offices_flag candidate_party
    candidate_district_num candidate_district_name candidate_incumbency candidate_election_outcome
    candidate_endorsement entity_id entity_name_std entity_filer_id entity_city entity_state entity_zip
    entity_zip4 entity_residency_flag entity_naics entity_occupation entity_employer_name
    entity_employer_address_1 entity_employer_address_2 entity_employer_city entity_employer_state
    entity_employer_zip entity_employer_zip4 report_cycle_code report_cycle_name report_cycle_start_date
    report_cycle_end_date report_cycle_due_date report_doc_type report_doc_type_detail report_type
    report_certified_date report_filed_by report_filing_office report_filing_status termination_report
    est_trans_count transaction_supertype label_total filing_form_id report_id report_url entity_source_address
    entity_std_address filer_type_review_status entity_type_review_status report_cycle_label
    """.split()
)

COMMITTEE_FIELDS = ("id", "name", "source", "source_id", "committee_type", "campaign_id", "position", "side",
                    "linked_by")  # fmt: skip
FILING_FIELDS = (
    "id", "committee_id", "source", "report_id", "form_type", "period_start", "period_end", "filed", "amendment",
    "source_url", "source_filing_id", "filer_id",
)  # fmt: skip
CONTRIBUTION_FIELDS = (
    "id", "filing_id", "committee_id", "source", "tran_id", "schedule", "contributor_name", "entity_code", "city",
    "state", "zip", "employer", "occupation", "amount", "date", "memo",
)  # fmt: skip
MADE_FIELDS = ("id", "filing_id", "giver_committee_id", "source", "tran_id", "form", "recipient_name",
               "recipient_source_id", "campaign_id", "position", "amount", "date", "description", "memo")  # fmt: skip
IE_FIELDS = (
    "id", "filing_id", "committee_id", "source", "tran_id", "form", "campaign_id", "position", "side", "linked_by",
    "target_name", "amount", "date", "description", "payee", "memo",
)  # fmt: skip
ITEM_TYPES = {"contribution": "contributions", "expense": "contributions_made", "ie": "independent_expenditures"}

# A payee that is a political committee: by its type, or by how committees are named
COMMITTEE_TYPE = re.compile(r"\b(pac|committee|candidate|party|political)\b", re.IGNORECASE)
COMMITTEE_NAME = re.compile(
    r"\b(friends of|citizens for|committee|cmte|comm\.|pac|political action|elect|ward \d+|democratic|republican"
    r"|party|for (state|city|council|mayor|da|district|judge|senate|senator|congress|governor|philadelphia|rep"
    r"|representative|controller|sheriff|commissioner|attorney|pa|pennsylvania|commonwealth|supreme|superior))\b",
    re.IGNORECASE,
)
GIFT_DESCRIPTION = re.compile(r"\bcontribution\b", re.IGNORECASE)  # "2012 Primary Contribution"
INDEPENDENT_EXPENDITURE = re.compile(r"independent\s+expenditure", re.IGNORECASE)
OPPOSES = re.compile(r"\b(oppos\w*|against|defeat\w*|attack\w*|no on|stop)\b", re.IGNORECASE)
LATE_REPORT = re.compile(r"24[- ]?hour|late contribution", re.IGNORECASE)
AMENDED = re.compile(r"amend", re.IGNORECASE)


class RowProblem(ValueError):
    """A row that cannot be stored; the message is the reject reason."""


def committee_id(filer_id):
    return stable_id(SOURCE, filer_id)


def report_key(filer_id, year, cycle):
    return f"{SOURCE}:{filer_id}:{year}:{cycle}"


def entity_code(kind):
    """Carto donor_type / entity_type -> IND, COM, OTH (None when not specified)."""
    kind = (kind or "").strip().lower()
    if not kind or kind == "not specified":
        return None
    if kind == "individual":
        return "IND"
    return "COM" if COMMITTEE_TYPE.search(kind) else "OTH"


def is_committee(name, kind=None, description=None):
    """Whether a payee is a political committee: its type says so, its name reads like one, or
    the payment is described as a contribution ("2011 Contribution" to "Hammel Leadership Fund")."""
    return bool(
        (kind and COMMITTEE_TYPE.search(kind))
        or (name and COMMITTEE_NAME.search(name))
        or (description and GIFT_DESCRIPTION.search(description))
    )


class Batches:
    """Rows gathered per item class into RecordBatches of `size` rows."""

    def __init__(self, size=5000):
        self.size = size
        self.pending = {}  # item class -> (fields, rows)
        self.seen = set()

    def add(self, item_class, fields, row):
        rows = self.pending.setdefault(item_class, (fields, []))[1]
        rows.append(row)
        return [self.take(item_class)] if len(rows) >= self.size else []

    def note_once(self, item_class, fields, row):
        """Add a row whose id (row[0]) was not added before, kept until `drain` (filings: few)."""
        if (item_class, row[0]) not in self.seen:
            self.seen.add((item_class, row[0]))
            self.pending.setdefault(item_class, (fields, []))[1].append(row)

    def take(self, item_class):
        fields, rows = self.pending.pop(item_class)
        return RecordBatch(item_class, fields, rows)

    def drain(self):
        return [self.take(item_class) for item_class in list(self.pending)]


class Reader:
    """What both formats share: the watchlist's links, committees (each with the name and the
    link of the latest filing read), and the money paid out."""

    def __init__(self, source_url, watchlist=None, batch_rows=5000):
        self.source_url = source_url
        self.watchlist = watchlist
        self.batches = Batches(batch_rows)
        self.committees = {}  # filer id -> (sort key, committee row)
        self.skipped_expenses = 0  # spending that is neither money to a committee nor an IE

    def link(self, *args, **kwargs):
        if self.watchlist is None:
            return CampaignLink()
        return self.watchlist.link(SPIDER, *args, **kwargs)

    def note_committee(self, filer_id, name, sort_key, committee_type, link):
        known = self.committees.get(filer_id)
        if known is None or sort_key >= known[0]:
            row = (committee_id(filer_id), name, SOURCE, filer_id, committee_type, link.campaign_id, link.position,
                   link.side, link.linked_by)  # fmt: skip
            self.committees[filer_id] = (sort_key, row)

    def committee_batches(self):
        rows = [row for _, row in self.committees.values()]
        self.committees.clear()
        return [RecordBatch(Committee, COMMITTEE_FIELDS, rows)] if rows else []

    def ie_target(self, description, on_date):
        """(target name, CampaignLink) of an independent expenditure from its description: the
        prosecutor or a listed opponent it names, supported unless it says it opposes."""
        if not description or self.watchlist is None:
            return None, CampaignLink()
        code = "O" if OPPOSES.search(description) else "S"
        link = self.link(None, None, on_date, candidate=description, support_oppose=code, ie=True)
        if not link.campaign_id:
            return None, link
        return self.named_candidate(link.campaign_id, description), link

    def named_candidate(self, campaign_id, description):
        campaign = self.watchlist.campaign(campaign_id)
        target = self.watchlist.target(campaign["target_id"])
        if campaign["target_id"] in self.watchlist.targets_mentioned(description):
            return target["name"]
        words = set(re.findall(r"\w+", fold(description)))
        for opponent in campaign.get("opponents", []):
            if set(re.findall(r"\w+", fold(opponent))) <= words:
                return opponent
        return None

    def money_out(self, kind, ids, payee, amount, day, description, recipient_id=None):
        """(item class, fields, row) of an expenditure that is stored, kind "ie" or "made".
        ids: (row id, filing id, committee id, transaction id)."""
        row_id, filing, committee, tran = ids
        if kind == "ie":
            target, link = self.ie_target(description, day)
            return IndependentExpenditure, IE_FIELDS, (
                row_id, filing, committee, SOURCE, tran, "IE", link.campaign_id, link.position, link.side,
                link.linked_by, target, amount, day, description, payee, 0,
            )  # fmt: skip
        link = self.link(recipient_id, payee, day)
        return ContributionMade, MADE_FIELDS, (
            row_id, filing, committee, SOURCE, tran, "EXP", payee, recipient_id, link.campaign_id, link.position,
            amount, day, description, 0,
        )  # fmt: skip


# -- Carto tables


def carto_json_rows(data):
    """(where, row) of a Carto SQL JSON answer: where = "row N" (from 1)."""
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ValueError("not a Carto SQL answer: no rows list")
    for number, row in enumerate(rows, 1):
        yield f"row {number}", row if isinstance(row, dict) else Rejected(f"row {number}: not an object", str(row))


def carto_csv_rows(stream):
    """(where, row) of a Carto CSV export, streamed from a binary stream: where = "line N" (the
    header is line 1). A row whose field count is not the header's is a Rejected."""
    reader = csv.reader(io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline=""))
    header = next(reader, None)
    if not header:
        raise ValueError("not a Carto campfin table: no header row")
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    if not {"filer_id", "transaction_amount"} <= set(names) or not any(f"{p}name" in names for p in PARTY_PREFIXES):
        raise ValueError("not a Carto campfin table: no filer_id, transaction_amount or *_name column")
    width = len(names)
    for values in reader:
        if len(values) == width:
            yield f"line {reader.line_num}", dict(zip(names, values, strict=True))
        elif any(value.strip() for value in values):
            reason = f"line {reader.line_num}: {len(values)} fields, the header has {width}"
            yield f"line {reader.line_num}", Rejected(reason, ",".join(values), "contributions")


def carto_form(row):
    """CFR, 24H or IE: the kind of report a row was filed on, from the report's own fields (the
    same on every row of the report)."""
    words = " ".join(str(row.get(name) or "") for name in ("report_type", "report_cycle_name"))
    if INDEPENDENT_EXPENDITURE.search(words):
        return "IE"
    return "24H" if LATE_REPORT.search(words) else "CFR"


def carto_kind(row):
    """(kind, schedule) of a transaction: ("contribution", schedule), ("expense", None), ("ie",
    None), or (None, None) for a type this reader does not know."""
    kind = str(row.get("transaction_type") or "").lower()
    doc = str(row.get("report_doc_type_detail") or row.get("report_doc_type") or "").lower()
    supertype = str(row.get("transaction_supertype") or "").lower()
    marks = " ".join(str(row.get(name) or "") for name in ("transaction_type", "report_doc_type",
                                                           "report_doc_type_detail", "description_type"))  # fmt: skip
    if INDEPENDENT_EXPENDITURE.search(marks):
        return "ie", None
    if "in-kind" in kind or "in kind" in kind or "schedule ii " in doc or "schedule ii-" in doc:
        return "contribution", "II"
    if "other receipt" in kind or "part e" in doc:
        return "contribution", "I-E"
    if "loan" in kind or "debt" in kind or "schedule iv" in doc:
        return "contribution", "IV"
    if "expenditure" in kind or supertype == "expenditures" or "schedule iii" in doc:
        return "expense", None
    if "contribution" in kind or supertype == "contributions" or re.search(r"schedule i\b", doc):
        return "contribution", "I"
    return None, None


class CartoReader(Reader):
    """Rows of a Carto table (JSON answer or CSV export) -> batches and Rejecteds."""

    def read(self, rows):
        prefix = None
        for where, row in rows:
            if isinstance(row, Rejected):
                yield row
                continue
            if prefix is None:
                prefix = next((p for p in PARTY_PREFIXES if f"{p}name" in row), None)
                if prefix is None or "filer_id" not in row or "transaction_amount" not in row:
                    raise ValueError("not a Carto campfin table: no filer_id, transaction_amount or *_name column")
            kind, schedule = carto_kind(row)
            try:
                yield from self.read_row(row, prefix, kind, schedule)
            except ValueError as problem:  # RowProblem, BadValue
                yield Rejected(f"{where}: {problem}", row, ITEM_TYPES.get(kind, "contributions"))
        yield from self.committee_batches()
        yield from self.batches.drain()

    def read_row(self, row, prefix, kind, schedule):
        filer = cell_text(row.get("filer_id"))
        if not filer:
            raise RowProblem("no filer_id")
        if kind is None:
            raise RowProblem(f"transaction_type {row.get('transaction_type')!r} is not one this reader knows")
        form = carto_form(row)
        filing, problems = self.filing(row, filer, form)
        for problem in problems:
            yield Rejected(problem, {"report_id": row.get("report_id"), "filer_id": filer}, "filings")
        party = {
            name: text(row.get(f"{prefix}{name}"))
            for name in ("name", "type", "city", "state", "zip", "occupation", "employer_name")
        }
        party["filer_id"] = cell_text(row.get(f"{prefix}filer_id"))
        description = text(row.get("transaction_description"))
        if kind == "expense" and not is_committee(party["name"], party["type"], description):
            self.skipped_expenses += 1  # spending that is not money given: not stored, not read
            return
        amount = money(row.get("transaction_amount"), "transaction_amount")
        if amount is None:
            raise RowProblem("no transaction_amount")
        day = date_value(row.get("transaction_date"), "transaction_date", local_tz=ZONE)
        tran = cell_text(row.get("transaction_id"))
        row_id = f"{SOURCE}:carto:{tran}" if tran else f"{filing}:{stable_id(*sorted(map(str, row.items())))}"
        if kind == "contribution":
            if not party["name"]:
                raise RowProblem(f"no {prefix}name")
            late = schedule in ("I", "II") and (form == "24H" or LATE_REPORT.search(str(row.get("report_doc_type"))))
            yield from self.batches.add(Contribution, CONTRIBUTION_FIELDS, (
                row_id, filing, committee_id(filer), SOURCE, tran, "LATE" if late else schedule, party["name"],
                entity_code(party["type"]), party["city"], party["state"], party["zip"], party["employer_name"],
                party["occupation"], amount, day, 0,
            ))  # fmt: skip
            return
        if kind == "expense" and not party["name"]:
            raise RowProblem(f"no {prefix}name")
        ids = (row_id, filing, committee_id(filer), tran)
        item_class, fields, out = self.money_out(
            "ie" if kind == "ie" else "made", ids, party["name"], amount, day, description, party["filer_id"]
        )
        yield from self.batches.add(item_class, fields, out)

    def filing(self, row, filer, form):
        """The filing id of a row; its filing (and committee) noted the first time it is seen.
        Returns (filing id, reject reasons of dates the filing is stored without)."""
        number = cell_text(row.get("report_id")) or cell_text(row.get("filing_form_id"))
        if not number:
            raise RowProblem("no report_id or filing_form_id")
        filing = f"{SOURCE}:carto:{number}"
        if (Filing, filing) in self.batches.seen:
            return filing, []
        unread = []
        start = read_or_none(self.zoned, row.get("report_cycle_start_date"), "report_cycle_start_date", unread)
        end = read_or_none(self.zoned, row.get("report_cycle_end_date"), "report_cycle_end_date", unread)
        filed = read_or_none(self.zoned_filed, row.get("report_certified_date"), "report_certified_date", unread)
        election = read_or_none(self.zoned, row.get("report_election_date"), "report_election_date", unread)
        year, cycle = cell_text(row.get("report_year")), cell_text(row.get("report_cycle_code"))
        report = f"{SOURCE}:carto:{number}" if form == "24H" or not (year and cycle) else report_key(filer, year, cycle)
        amendment = 1 if AMENDED.search(str(row.get("report_filing_status") or "")) else 0
        self.batches.note_once(Filing, FILING_FIELDS, (
            filing, committee_id(filer), SOURCE, report, form, start, end, filed, amendment, self.source_url,
            cell_text(row.get("filing_form_id")) or number, filer,
        ))  # fmt: skip
        name = text(row.get("filer_name")) or f"filer {filer}"
        on_date = election or end or filed
        link = self.link(filer, name, on_date, candidate=text(row.get("filer_candidate_name")),
                         office=text(row.get("candidate_office")))  # fmt: skip
        self.note_committee(filer, name, (filed or "", filing), text(row.get("filer_type")), link)
        where = f"report {number}"
        return filing, [stored_without(where, problem) for problem in unread]

    @staticmethod
    def zoned(raw, field):
        return date_value(raw, field, local_tz=ZONE)

    @staticmethod
    def zoned_filed(raw, field):
        return filed_date(raw, field, local_tz=ZONE)


# -- legacy per-filing e-filing folders


def legacy_rows(data):
    """(line number, values) of a legacy e-filing file (no header; a 0-byte file has none)."""
    if not data:
        return
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    for values in reader:
        if any(value.strip() for value in values):
            yield reader.line_num, values


def legacy_values(kind, values):
    """A row's values by column name; the trailing comma of expense and debt rows (a 13th empty
    field) is dropped. A row of another width is a RowProblem."""
    columns = pa_layout.LEGACY_COLUMNS[kind]
    if len(values) == len(columns) + 1 and not values[-1].strip():
        values = values[:-1]
    if len(values) != len(columns):
        raise RowProblem(f"{len(values)} fields, the layout has {len(columns)}")
    return {name: value.strip() for name, value in zip(columns, values, strict=True)}


def folder_date(folder, unread):
    """'Blarney Pac/20111205' -> '2011-12-05': the date the set was submitted, or None (its
    BadValue in `unread`) when the folder is not named by a real date."""
    last = folder.rstrip("/").rsplit("/", 1)[-1]
    return read_or_none(filed_date, last, "submitted (the folder's date)", unread)


class LegacyReader(Reader):
    """Legacy filing sets -> batches and Rejecteds. sets: {folder: {kind: bytes}}, a folder being
    '<Filer>/<YYYYMMDD>' (its files named by pa_layout.file_kind)."""

    def read(self, sets):
        filings = []
        for folder, files in sorted(sets.items()):
            try:
                filings.append((folder, self.filer_of(folder, files.get("filer"))))
            except ValueError as problem:
                yield Rejected(f"{folder}/filer.txt: {problem}; the filing and its rows are rejected",
                               {"folder": folder}, "filings")  # fmt: skip
        for folder, filer, amendment in self.numbered(filings):
            yield from self.read_set(folder, sets[folder], filer, amendment)
        yield from self.committee_batches()
        yield from self.batches.drain()

    @staticmethod
    def filer_of(folder, data):
        rows = list(legacy_rows(data))
        if len(rows) != 1:
            raise RowProblem(f"{len(rows)} rows, a filing has one")
        filer = legacy_values("filer", rows[0][1])
        if filer["AMMEND"].upper() not in ("Y", "N", ""):
            raise RowProblem(f"AMMEND is not Y or N: {filer['AMMEND']!r}")
        if not filer["FILERID"] or not re.fullmatch(r"\d{4}", filer["EYEAR"]) or not filer["CYCLE"]:
            raise RowProblem(f"no filer id, election year or cycle: {rows[0][1][:3]!r}")
        filer["unread"] = []
        filer["submitted"] = folder_date(folder, filer["unread"])
        return filer

    @staticmethod
    def numbered(filings):
        """(folder, filer, amendment) of each filing: the versions of a report (filer, year,
        cycle) numbered by their folder's date; numbering starts at 1 when the earliest version in
        the document is itself an amendment (its original is not here)."""
        reports = defaultdict(list)
        for folder, filer in filings:
            reports[(filer["FILERID"], filer["EYEAR"], filer["CYCLE"])].append(
                (filer["submitted"] or "", folder, filer)
            )
        for versions in reports.values():
            versions.sort()
            offset = 1 if versions[0][2]["AMMEND"].upper() == "Y" else 0
            for rank, (_, folder, filer) in enumerate(versions):
                yield folder, filer, rank + offset

    def read_set(self, folder, files, filer, amendment):
        filer_id, year, cycle = filer["FILERID"], filer["EYEAR"], filer["CYCLE"]
        cycle_code = cycle.lstrip("0") or cycle
        form = "24H" if cycle_code in ("10", "11", "12") else "CFR"
        filing = f"{report_key(filer_id, year, cycle)}:{folder.rstrip('/').rsplit('/', 1)[-1]}"
        for problem in filer["unread"]:
            yield Rejected(stored_without(f"{folder}", problem), {"folder": folder}, "filings")
        self.batches.note_once(Filing, FILING_FIELDS, (
            filing, committee_id(filer_id), SOURCE, report_key(filer_id, year, cycle), form, None, None,
            filer["submitted"], amendment, self.source_url, folder, filer_id,
        ))  # fmt: skip
        name = filer["FILERNAME"] or f"filer {filer_id}"
        candidate = name if filer["FILERTYPE"] == "1" else None
        link = self.link(filer_id, name, filer["submitted"], candidate=candidate)
        committee_type = pa_layout.FILER_TYPES.get(filer["FILERTYPE"])
        self.note_committee(filer_id, name, (filer["submitted"] or "", folder), committee_type, link)
        ids = (filing, committee_id(filer_id))
        for kind in ("contrib", "receipt", "debt", "expense"):
            for line, values in legacy_rows(files.get(kind)):
                where = f"{folder}/{kind}.txt line {line}"
                try:
                    for item_class, fields, row in self.legacy_row(kind, values, ids, form, line):
                        yield from self.batches.add(item_class, fields, row)
                except ValueError as problem:
                    item_type = "contributions_made" if kind == "expense" else "contributions"
                    yield Rejected(f"{where}: {problem}", ",".join(values), item_type)

    def legacy_row(self, kind, values, ids, form, line):
        """(item class, fields, row) of each item a legacy row holds: a contrib row is up to three
        gifts (its date and amount pairs; empty or zero pairs skipped)."""
        row = legacy_values(kind, values)
        filing, committee = ids
        if kind == "contrib":
            return list(self.gifts(row, filing, committee, form, line))
        if kind in ("receipt", "debt"):
            prefix, schedule = ("REC", "I-E") if kind == "receipt" else ("DBT", "IV")
            amount = money(row[f"{prefix}AMT"], f"{prefix}AMT")
            if amount is None:
                raise RowProblem(f"no {prefix}AMT")
            return [(Contribution, CONTRIBUTION_FIELDS, (
                f"{filing}:{kind}:{line}", filing, committee, SOURCE, None, schedule, self.named(row[f"{prefix}NAME"]),
                None, row["CITY"] or None, row["STATE"] or None, row["ZIPCODE"] or None, None, None, amount,
                date_value(row[f"{prefix}DATE"], f"{prefix}DATE"), 0,
            ))]  # fmt: skip
        payee, description = row["EXPNAME"] or None, row["EXPDESC"] or None
        independent = bool(description and INDEPENDENT_EXPENDITURE.search(description))
        if not independent and not is_committee(payee, description=description):
            self.skipped_expenses += 1
            return []
        amount = money(row["EXPAMT"], "EXPAMT")
        if amount is None:
            raise RowProblem("no EXPAMT")
        day = date_value(row["EXPDATE"], "EXPDATE")
        ids = (f"{filing}:expense:{line}", filing, committee, None)
        return [self.money_out("ie" if independent else "made", ids, self.named(payee), amount, day, description)]

    def gifts(self, row, filing, committee, form, line):
        section = row["SECTION"].upper()
        schedule = "LATE" if form == "24H" else section
        name = self.named(row["CONTRIBUTOR"])
        code = "COM" if section in pa_layout.COMMITTEE_SECTIONS else None
        pairs = [(row[f"CONTDATE{n}"], row[f"CONTAMT{n}"], n) for n in (1, 2, 3)]
        read = [(date_value(day, f"CONTDATE{n}"), money(amount, f"CONTAMT{n}"), n) for day, amount, n in pairs]
        given = [(day, amount, n) for day, amount, n in read if amount]
        if not given:
            raise RowProblem("no contribution amount (CONTAMT1..3 are empty or zero)")
        for day, amount, n in given:
            yield Contribution, CONTRIBUTION_FIELDS, (
                f"{filing}:contrib:{line}:{n}", filing, committee, SOURCE, None, schedule, name, code,
                row["CITY"] or None, row["STATE"] or None, row["ZIPCODE"] or None, row["ENAME"] or None,
                row["OCCUPATION"] or None, amount, day, 0,
            )  # fmt: skip

    @staticmethod
    def named(name):
        name = " ".join((name or "").split())
        if not name:
            raise RowProblem("no name")
        return name


def legacy_sets(paths):
    """{folder: {kind: path}} of the e-filing files among `paths` (relative paths, '/'-separated):
    each file's folder is its filing."""
    sets = defaultdict(dict)
    for path in paths:
        folder, _, name = path.strip("/").rpartition("/")
        kind = pa_layout.file_kind(name)
        if folder and kind and name.lower().endswith(".txt"):
            sets[folder][kind] = path
    return {folder: files for folder, files in sets.items() if "filer" in files}
