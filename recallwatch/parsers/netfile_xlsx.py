"""NetFile's yearly "efile" export of an agency's campaign filings: efile_{AID}_{YYYY}.zip holding
one .xlsx (or the bare .xlsx), one sheet per schedule of the CAL format.

Read with python-calamine, every cell as text except amounts; dates are Excel serial numbers
(converted whether or not the cell is styled as a date). From each workbook:
- committees: one per filer (Filer_ID; "Pending" filers told apart by name), with the name of
  its latest report;
- filings: one per filer + form + period (Form 460) or report id (497, 496), each amendment
  (Report_Num 000, 001, 002...) its own row;
- contributions: every row of the money-received sheets (A, C, I, F496P3, 497 part 1);
- independent_expenditures: every row of the 496 sheet (Form 496 line items) and the Schedule D
  lines coded IND, tied to a campaign by their own Bal_Name / Bal_Num, Cand_NamL / Cand_NamF,
  Offic_Dscr and Sup_Opp_Cd (Watchlist.link with ie=True);
- contributions_made: the F461P5 sheet, the other Schedule D lines and the 497 sheet's part 2
  (the recipient as filed: Payee_* / Enty_* names, Cmte_ID);
- filing_summaries: every line of the Summary sheet (Form 460 line 5 = total contributions).

A value that cannot be read (recallwatch/parsers/values.py) is a `Rejected` naming the sheet and
row: the row is not stored; a filing is stored without a date it cannot read (its contributions
are not orphaned); a row whose amendment number cannot be read is rejected with its filing.
What counts in totals is decided at the end of the run by recallwatch/core/totals.py.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from recallwatch.core import totals
from recallwatch.core.ids import fold, stable_id
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
from recallwatch.parsers.archives import ArchiveLimits, check_archive, open_zip
from recallwatch.parsers.values import (
    BadValue,
    amendment_number,
    cell_date,
    cell_text,
    contributor_name,
    filed_date,
    is_memo,
    money,
    read_or_none,
    stored_without,
)

SOURCE = "netfile_export"
NO_LINK = CampaignLink()
EXPORT_NAME = re.compile(r"efile_([A-Za-z0-9]+)_(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class MoneySheet:
    """Where a money-received sheet keeps each value (the 497 sheet spells them its own way)."""

    schedule: str  # the schedule contributions are stored under
    form_type: str  # the form the schedule is part of
    name: tuple = ("Tran_NamL", "Tran_NamF", "Tran_NamT", "Tran_NamS")
    city: str = "Tran_City"
    state: str = "Tran_State"
    zip: str = "Tran_Zip4"
    employer: str = "Tran_Emp"
    occupation: str = "Tran_Occ"
    date: str = "Tran_Date"
    amount: str = "Tran_Amt1"
    cumulative: str | None = "Tran_Amt2"


LATE_497 = MoneySheet(
    schedule="497",
    form_type="F497",
    name=("Enty_NamL", "Enty_NamF", "Enty_NamT", "Enty_NamS"),
    city="Enty_City",
    state="Enty_ST",
    zip="Enty_Zip4",
    employer="Ctrib_Emp",
    occupation="Ctrib_Occ",
    date="Ctrib_Date",
    amount="Amount",
    cumulative=None,
)
MONEY_SHEETS = {
    "A-Contributions": MoneySheet("A", "F460"),
    "C-Contributions": MoneySheet("C", "F460"),
    "I-Contributions": MoneySheet("I", "F460"),
    "F496P3-Contributions": MoneySheet("F496P3", "F496"),
    "497": LATE_497,
}
SUMMARY_SHEET = "Summary"
IE_SHEET = "496"
PAYEE = ("Payee_NamL", "Payee_NamF", "Payee_NamT", "Payee_NamS")


@dataclass(frozen=True)
class MoneyOutSheet:
    """A sheet of money paid out: contributions made (Form 461 part 5, Schedule D, 497 part 2) or
    independent expenditures (496; Schedule D lines coded IND)."""

    code: str  # the sheet's code in row ids
    form_type: str  # the form of the filing its rows belong to
    name: tuple | None  # the recipient's name columns
    date: str


MONEY_OUT_SHEETS = {
    "F461P5-Expenditure": MoneyOutSheet("F461P5", "F461", PAYEE, "Expn_Date"),
    "D-Expenditure": MoneyOutSheet("D", "F460", PAYEE, "Expn_Date"),
    "497": MoneyOutSheet("F497P2", "F497", LATE_497.name, "Ctrib_Date"),
    IE_SHEET: MoneyOutSheet("496", "F496", None, "Exp_Date"),
}
READ_SHEETS = (*MONEY_SHEETS, SUMMARY_SHEET, *(name for name in MONEY_OUT_SHEETS if name not in MONEY_SHEETS))
SPIDER = "filings_netfile_export"  # whose `known_committees` the watchlist's curated links use


def export_name_parts(url):
    """('LACO', '2022') from .../efile_LACO_2022.zip; (None, None) when the name says nothing."""
    match = EXPORT_NAME.search(url or "")
    return (match.group(1).upper(), match.group(2)) if match else (None, None)


def open_workbook(body, limits=None):
    """The workbook in an export: the .xlsx inside a .zip, or a bare .xlsx (itself a zip); both
    checked against the archive limits. An export with no workbook, or whose workbook holds none
    of the sheets read, is a ValueError: the document is rejected, not read as "no filings"."""
    limits = limits or ArchiveLimits()
    archive = open_zip(io.BytesIO(body), limits)
    names = archive.namelist()
    if "[Content_Types].xml" not in names:
        workbooks = [name for name in names if name.lower().endswith((".xlsx", ".xlsm"))]
        if not workbooks:
            raise ValueError(f"no .xlsx in the export (it holds {', '.join(names[:5]) or 'nothing'})")
        body = archive.read(workbooks[0])
        check_archive(zipfile.ZipFile(io.BytesIO(body)), limits)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(body))
    if not workbook.sheet_names:
        raise ValueError("the export holds no workbook sheets (no xl/workbook.xml, or a workbook without sheets)")
    if not set(READ_SHEETS) & set(workbook.sheet_names):
        raise ValueError(
            f"the export holds none of the sheets read ({', '.join(READ_SHEETS)}); "
            f"its sheets: {', '.join(workbook.sheet_names[:5])}"
        )
    return workbook


def sheet_rows(workbook, sheet_name):
    """(row number as the spreadsheet shows it, {header: cell}) of each data row of a sheet;
    nothing when the workbook has no such sheet."""
    if sheet_name not in workbook.sheet_names:
        return
    sheet = workbook.get_sheet_by_name(sheet_name)
    rows = sheet.iter_rows()
    header = [str(cell).strip() for cell in next(rows, [])]
    first_row = sheet.start[0] + 2  # the header is on the used range's first row (numbered from 1)
    for number, cells in enumerate(rows, start=first_row):
        if any(cell not in ("", None) for cell in cells):
            yield number, dict(zip(header, cells, strict=False))


def raw_record(row):
    """A row as a reject keeps it: its non-blank cells, as text."""
    return {key: cell_text(value) for key, value in row.items() if value not in ("", None)}


def filer_key(row):
    """Who filed: the Filer_ID, or for a committee still 'Pending' its id, its folded name."""
    filer_id = cell_text(row.get("Filer_ID")) or ""
    if filer_id.isdigit():
        return filer_id
    return f"{filer_id or 'no id'}: {fold(cell_text(row.get('Filer_NamL')) or '')}"


class Export:
    """One workbook's worth of reading: ids are scoped by source and agency."""

    def __init__(self, agency, source_url):
        self.agency = agency or "unknown"
        self.source_url = source_url

    def committee_id(self, row):
        return stable_id(SOURCE, self.agency, filer_key(row))

    def filing(self, row, form_type):
        """(the Filing a row belongs to, the BadValues of the dates it is stored without). A Form
        460 report is the filer's statement for a period; a 497 or 496 is identified by its report
        id (or its date). An amendment number that cannot be read raises its BadValue."""
        unread = []
        period_start = read_or_none(cell_date, row.get("From_Date"), "period_start", unread)
        period_end = read_or_none(cell_date, row.get("Thru_Date"), "period_end", unread)
        filed = read_or_none(filed_date, row.get("Rpt_Date"), "filed", unread)
        amendment = amendment_number(row.get("Report_Num"))
        report_number = cell_text(row.get("Rpt_ID_Num"))
        if form_type == "F460" or (period_start and period_end):
            report_id = stable_id(SOURCE, self.agency, filer_key(row), form_type, period_start, period_end)
        else:
            report_id = stable_id(SOURCE, self.agency, filer_key(row), form_type, report_number or filed)
        filing = Filing(
            id=stable_id(report_id, amendment),
            committee_id=self.committee_id(row),
            source=SOURCE,
            report_id=report_id,
            form_type=form_type,
            period_start=period_start,
            period_end=period_end,
            filed=filed,
            amendment=amendment,
            source_url=self.source_url,
            source_filing_id=report_number,
            filer_id=cell_text(row.get("Filer_ID")),
        )
        return filing, unread

    def contribution(self, row, sheet, filing):
        """The Contribution of a money-received row; a BadValue when a value cannot be read."""
        last, first, title, suffix = (cell_text(row.get(column)) for column in sheet.name)
        raw_entity = cell_text(row.get("Entity_Cd"))
        entity_code = totals.normalize_entity_code(raw_entity)
        tran_id = cell_text(row.get("Tran_ID"))
        return Contribution(
            id=stable_id(filing["id"], sheet.schedule, tran_id or sorted(map(str, row.items()))),
            filing_id=filing["id"],
            committee_id=filing["committee_id"],
            source=SOURCE,
            tran_id=tran_id,
            schedule=sheet.schedule,
            contributor_name=contributor_name(last, first, title, suffix),
            contributor_first=first,
            contributor_last=last,
            entity_code=entity_code,
            entity_code_raw=raw_entity if raw_entity and raw_entity.upper() != entity_code else None,
            city=cell_text(row.get(sheet.city)),
            state=cell_text(row.get(sheet.state)),
            zip=cell_text(row.get(sheet.zip)),
            employer=cell_text(row.get(sheet.employer)),
            occupation=cell_text(row.get(sheet.occupation)),
            amount=money(row.get(sheet.amount), "amount"),
            cumulative_ytd=money(row.get(sheet.cumulative), "cumulative_ytd") if sheet.cumulative else None,
            date=cell_date(row.get(sheet.date), "date"),
            memo=is_memo(row.get("Memo_Code")),
            tran_type=cell_text(row.get("Tran_Type")),
        )

    def summary_line(self, row, filing):
        """The FilingSummary of a Summary sheet row; a BadValue when an amount cannot be read."""
        return FilingSummary(
            filing_id=filing["id"],
            form_type=cell_text(row.get("Form_Type")) or filing["form_type"],
            line=cell_text(row.get("Line_Item")),
            amount_period=money(row.get("Amount_A"), "amount_period"),
            amount_ytd=money(row.get("Amount_B"), "amount_ytd"),
        )


def campaign_fields(row):
    """The measure, candidate, office and support/oppose code a row names, as Watchlist.link's
    keyword arguments; None when it names no measure and no candidate."""
    measure = " ".join(filter(None, (cell_text(row.get(column)) for column in ("Bal_Name", "Bal_Num"))))
    candidate = " ".join(filter(None, (cell_text(row.get(column)) for column in ("Cand_NamF", "Cand_NamL"))))
    if not measure and not candidate:
        return None
    return {
        "measure": measure or None,
        "candidate": candidate or None,
        "office": cell_text(row.get("Offic_Dscr")),
        "support_oppose": cell_text(row.get("Sup_Opp_Cd")),
    }


def money_out_kind(sheet, row):
    """What a row of a money-out sheet is: "spent" (an independent expenditure), "made" (a
    contribution made), or None (the 497 sheet's part 1: money received, read with the
    contributions)."""
    if sheet.code == "496":
        return "spent"
    if sheet.code == "D" and (cell_text(row.get("Expn_Code")) or "").upper() == "IND":
        return "spent"
    if sheet.code == "F497P2" and (cell_text(row.get("Form_Type")) or "").upper() != "F497P2":
        return None
    return "made"


def link_of(watchlist, name, row, sheet, ie=False):
    """Watchlist.link of a money-out row's own fields (and the recipient's name)."""
    named = campaign_fields(row)
    if watchlist is None or not (named or name):
        return NO_LINK, named
    on_date = read_or_none(cell_date, row.get(sheet.date), "date", [])
    return watchlist.link(SPIDER, None, name, on_date, **(named or {}), ie=ie), named


def contribution_made(row, sheet, filing, watchlist):
    """The ContributionMade of a row; a BadValue when a value cannot be read or it names no
    recipient."""
    recipient_id = cell_text(row.get("Cmte_ID"))
    name = contributor_name(*(cell_text(row.get(column)) for column in sheet.name))
    name = name or (f"committee {recipient_id}" if recipient_id else None)
    if not name:
        raise BadValue("recipient_name", "is missing (no Payee or Enty name, no Cmte_ID)", "")
    link, _named = link_of(watchlist, name, row, sheet)
    tran_id = cell_text(row.get("Tran_ID"))
    return ContributionMade(
        id=stable_id(filing["id"], sheet.code, tran_id or sorted(map(str, row.items()))),
        filing_id=filing["id"],
        giver_committee_id=filing["committee_id"],
        source=SOURCE,
        tran_id=tran_id,
        form=sheet.code,
        recipient_name=name,
        recipient_source_id=recipient_id,
        campaign_id=link.campaign_id,
        position=link.position,
        amount=money(row.get("Amount"), "amount"),
        date=cell_date(row.get(sheet.date), "date"),
        description=cell_text(row.get("Expn_Dscr")),
        memo=is_memo(row.get("Memo_Code")),
    )


def independent_expenditure(row, sheet, filing, watchlist):
    """The IndependentExpenditure of a 496 row or a Schedule D line coded IND; a BadValue when a
    value cannot be read."""
    link, named = link_of(watchlist, None, row, sheet, ie=True)
    tran_id = cell_text(row.get("Tran_ID"))
    payee = contributor_name(*(cell_text(row.get(column)) for column in sheet.name)) if sheet.name else None
    return IndependentExpenditure(
        id=stable_id(filing["id"], sheet.code, tran_id or sorted(map(str, row.items()))),
        filing_id=filing["id"],
        committee_id=filing["committee_id"],
        source=SOURCE,
        tran_id=tran_id,
        form="F496" if sheet.code == "496" else sheet.code,
        campaign_id=link.campaign_id,
        position=link.position,
        side=link.side,
        linked_by=link.linked_by,
        target_name=(named["candidate"] or named["measure"]) if named else None,
        amount=money(row.get("Amount"), "amount"),
        date=cell_date(row.get(sheet.date), "date"),
        description=cell_text(row.get("Expn_Dscr")),
        payee=payee,
        memo=is_memo(row.get("Memo_Code")),
    )


MONEY_OUT_ITEMS = {
    "made": (contribution_made, "contributions_made"),
    "spent": (independent_expenditure, "independent_expenditures"),
}


def campaign_spenders(workbook, export, watchlist):
    """The committees whose 496 rows name a campaign of the watchlist (a scheduled run keeps them)."""
    spenders = set()
    for _number, row in sheet_rows(workbook, IE_SHEET):
        if export.committee_id(row) not in spenders and link_of(watchlist, None, row, MONEY_OUT_SHEETS[IE_SHEET],
                                                                ie=True)[0].campaign_id:  # fmt: skip
            spenders.add(export.committee_id(row))
    return spenders


def summary_form(row):
    """The form a Summary sheet line belongs to: its Form_Type when that names a form (F460,
    F450...), else (a schedule's own summary line: A, B1, E...) the Form 460."""
    form_type = (cell_text(row.get("Form_Type")) or "").upper()
    return form_type if re.fullmatch(r"F\d{3}", form_type) else "F460"


def is_money_received(sheet, row):
    """False for the 497 sheet's part 2: contributions the committee made, not money received."""
    return sheet is not LATE_497 or totals.schedule_code(cell_text(row.get("Form_Type"))) == "497"


def committees_in(workbook, export):
    """Every filer of the workbook, with the name and type of its latest report, and the last day
    its reports cover (a 460's period end, else the report date): which campaign a committee
    belongs to is decided on that day. A date that cannot be read takes no part (the filing that
    holds it is rejected or stored without it)."""
    latest = {}
    types = {}  # the type of the latest report that states one (the Summary sheet has no such column)
    for sheet_name in READ_SHEETS:
        for _number, row in sheet_rows(workbook, sheet_name):
            committee_id = export.committee_id(row)
            reported = read_or_none(filed_date, row.get("Rpt_Date"), "filed", []) or ""
            if committee_type := cell_text(row.get("Committee_Type")):
                if reported >= types.get(committee_id, ("", None))[0]:
                    types[committee_id] = (reported, committee_type)
            covered = read_or_none(cell_date, row.get("Thru_Date"), "period_end", []) or reported
            previous = latest.get(committee_id)
            if previous is None or reported >= previous[0]:
                latest[committee_id] = (reported, max(covered, previous[1]) if previous else covered, row)
            elif covered > previous[1]:
                latest[committee_id] = (previous[0], covered, previous[2])
    for committee_id, (_reported, covered, row) in latest.items():
        filer_id = cell_text(row.get("Filer_ID"))
        yield (
            Committee(
                id=committee_id,
                name=cell_text(row.get("Filer_NamL")) or filer_id,
                source=SOURCE,
                source_id=filer_id or "unknown",
                fppc_id=filer_id if filer_id and filer_id.isdigit() else None,
                committee_type=types.get(committee_id, (None, None))[1],
                agency=export.agency,
            ),
            covered or None,
        )


def parse_workbook(workbook, export, watchlist=None, committee_ids=None, keep_all=True):
    """Committees, filings, summary lines and contributions of one export workbook, and a
    `Rejected` for each row or value that cannot be read.

    watchlist links each committee to a campaign (Watchlist.link, on the last day its reports
    cover: curated, then its name: the export has no cover page naming a committee's own measure
    or candidate; a 496 row names what its money was spent on, and links that expenditure); with
    keep_all False only linked committees, those whose Filer_ID is in committee_ids and those whose
    independent expenditures name a campaign are kept (a scheduled run)."""
    wanted_ids = {str(committee_id) for committee_id in committee_ids or []}
    kept = set()
    spenders = campaign_spenders(workbook, export, watchlist) if watchlist is not None else set()
    for committee, covered in committees_in(workbook, export):
        if watchlist is not None:
            link = watchlist.link(SPIDER, committee["source_id"], committee["name"], covered)
            if link.campaign_id:
                committee["campaign_id"], committee["position"] = link.campaign_id, link.position
                committee["side"], committee["linked_by"] = link.side, link.linked_by
        wanted = committee["source_id"] in wanted_ids or committee["id"] in spenders
        if keep_all or committee.get("campaign_id") or wanted:
            kept.add(committee["id"])
            yield committee

    seen = set()  # a workbook may list a row twice (two 496s filed the same day list the same gifts)

    def first_time(key):
        if key in seen:
            return False
        seen.add(key)
        return True

    def filing_of(where, row, form_type, item_type):
        """The filing a row belongs to, yielded the first time it is seen (with a Rejected for
        each date it is stored without); None, and the row rejected, when its amendment number
        cannot be read (a wrong number would change which version counts)."""
        try:
            filing, unread = export.filing(row, form_type)
        except BadValue as problem:
            yield Rejected(f"{where}: {problem}", raw_record(row), item_type)
            return None
        if first_time(filing["id"]):
            yield filing
            for problem in unread:
                yield Rejected(stored_without(where, problem), raw_record(row), "filings")
        return filing

    for sheet_name, sheet in MONEY_SHEETS.items():
        for number, row in sheet_rows(workbook, sheet_name):
            if export.committee_id(row) not in kept or not is_money_received(sheet, row):
                continue
            where = f"{sheet_name} row {number}"
            filing = yield from filing_of(where, row, sheet.form_type, "contributions")
            if filing is None:
                continue
            try:
                contribution = export.contribution(row, sheet, filing)
            except BadValue as problem:
                yield Rejected(f"{where}: {problem}", raw_record(row), "contributions")
                continue
            if contribution["amount"] is None:
                yield Rejected(f"{where}: no amount ({sheet.amount} is empty)", raw_record(row), "contributions")
            elif first_time(contribution["id"]):
                yield contribution
    for sheet_name, sheet in MONEY_OUT_SHEETS.items():
        for number, row in sheet_rows(workbook, sheet_name):
            kind = money_out_kind(sheet, row)
            if export.committee_id(row) not in kept or kind is None:
                continue
            where = f"{sheet_name} row {number}"
            build, item_type = MONEY_OUT_ITEMS[kind]
            filing = yield from filing_of(where, row, sheet.form_type, item_type)
            if filing is None:
                continue
            try:
                paid = build(row, sheet, filing, watchlist)
            except BadValue as problem:
                yield Rejected(f"{where}: {problem}", raw_record(row), item_type)
                continue
            if paid["amount"] is None:
                yield Rejected(f"{where}: no amount (Amount is empty)", raw_record(row), item_type)
            elif first_time(paid["id"]):
                yield paid
    for number, row in sheet_rows(workbook, SUMMARY_SHEET):
        if export.committee_id(row) not in kept:
            continue
        where = f"{SUMMARY_SHEET} row {number}"
        filing = yield from filing_of(where, row, summary_form(row), "filing_summaries")
        if filing is None:
            continue
        try:
            line = export.summary_line(row, filing)
        except BadValue as problem:
            yield Rejected(f"{where}: {problem}", raw_record(row), "filing_summaries")
            continue
        if line["line"] and first_time((filing["id"], line["form_type"], line["line"])):
            yield line
