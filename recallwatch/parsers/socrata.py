"""San Francisco Ethics Commission campaign finance on DataSF (Socrata SODA 2.x, JSON) -> items.

- a filers row (`4c8t-ngau`) -> a committee, linked to its watchlist campaign and position;
- a transactions row (`pitq-e56w`) of money received -> its filing and a contribution;
- a Form 460 summary row (`9ggq-m8hp`) -> its filing and one filing_summaries row per line.

Every value is read by recallwatch/parsers/values.py. A row with an amount or date that cannot be
read is not stored: a `Rejected` names the row and the value. A filing whose filed or period date
cannot be read is stored without it (its contributions must not be orphaned), and rejected once; a
filing whose amendment number cannot be read is not stored, nor are its rows (a wrong number would
change which version of the report counts).
"""

import json
import re
from dataclasses import dataclass, field

from recallwatch.core.ids import stable_id
from recallwatch.core.items import Committee, Contribution, Filing, FilingSummary, Rejected
from recallwatch.parsers.filing_fields import entity_codes, first_value, form_of, received_schedule
from recallwatch.parsers.values import (
    BadValue,
    amendment_number,
    contributor_name,
    date_value,
    filed_date,
    is_memo,
    money,
    read_or_none,
    stored_without,
    text,
)

SOURCE = "datasf"
AGENCY = "SFO"
SUMMARY_LINE = re.compile(r"^line_(\d+[a-z]?)_col_([ab])$")
NETFILE_IMAGE_URL = "https://netfile.com/Connect2/api/public/image"


@dataclass
class RowRead:
    """What one row gives: its filing (None when the filing cannot be stored), the filing's own
    rejects (to record once per filing, with the filing), and the row's items or, in their place,
    a `Rejected`."""

    filing: Filing | None = None
    filing_rejects: list = field(default_factory=list)
    items: list = field(default_factory=list)


def rows_of(page):
    """The JSON array of a SODA page (its text); a SODA error answer (an object) raises with its
    message."""
    data = json.loads(page)
    if isinstance(data, dict):
        raise ValueError(f"SODA error: {data.get('message') or data}")
    return data


def committee_from_row(row, watchlist, spider_name="filings_datasf"):
    """A committee from a filers row (or a transactions row: both carry filer_nid and name)."""
    filer_nid = text(row.get("filer_nid"))
    name = text(row.get("filer_name"))
    if not filer_nid or not name:
        return None
    fppc_id = text(row.get("fppc_id"))
    link = watchlist.link(spider_name, filer_nid, name)
    return Committee(
        id=stable_id(SOURCE, filer_nid),
        name=name,
        source=SOURCE,
        source_id=filer_nid,
        fppc_id=fppc_id if fppc_id and fppc_id.isdigit() else None,
        committee_type=text(row.get("filer_type")),
        agency=AGENCY,
        campaign_id=link.campaign_id,
        position=link.position,
        side=link.side,
        linked_by=link.linked_by,
    )


def filing_from_row(row, form_type, where, filer_nid=None):
    """(Filing, [Rejected]) of the filing a row belongs to. A filed or period date that cannot be
    read is left out and rejected; an amendment number that cannot be read raises BadValue."""
    filing_nid = text(row.get("filing_nid"))
    filer_nid = filer_nid or text(row.get("filer_nid"))
    amendment = amendment_number(row.get("filing_type"))
    unread = []
    period_start = read_or_none(date_value, row.get("start_date"), "period_start", unread)
    period_end = read_or_none(date_value, row.get("end_date"), "period_end", unread)
    filed = read_or_none(filed_date, row.get("filing_date"), "filed", unread)
    rejects = [Rejected(stored_without(where, problem), row, Filing.table) for problem in unread]
    # A 460 is one report per committee and period whatever its amendments; a 497 or 496 is
    # its own report.
    report = (filer_nid, form_type, period_start, period_end) if form_type == "F460" else (filing_nid,)
    filing = Filing(
        id=stable_id(SOURCE, filing_nid),
        committee_id=stable_id(SOURCE, filer_nid),
        source=SOURCE,
        report_id=stable_id(SOURCE, *report),
        source_filing_id=filing_nid,
        form_type=form_type,
        period_start=period_start,
        period_end=period_end,
        filed=filed,
        amendment=amendment,
        source_url=filing_document_url(row),
    )
    return filing, rejects


def filing_document_url(row):
    """The filed document (PDF rendering) on NetFile, which hosts SF's e-filings."""
    number = text(row.get("filing_id_number"))
    return f"{NETFILE_IMAGE_URL}/{number}" if number else None


def contribution_from_row(row, where):
    """What a pitq-e56w row of money received gives (see RowRead); None for other rows."""
    schedule = received_schedule(row.get("form_type"))
    filing_nid, filer_nid = text(row.get("filing_nid")), text(row.get("filer_nid"))
    if schedule is None or not filing_nid or not filer_nid:
        return None
    try:
        filing, filing_rejects = filing_from_row(row, form_of(schedule), where)
    except BadValue as unreadable:
        return RowRead(items=[Rejected(f"{where}: {unreadable}", row, Contribution.table)])
    try:
        amount = money(first_value(row, "transaction_amount_1", "calculated_amount"))
        cumulative_ytd = money(row.get("transaction_amount_2"), "cumulative_ytd")
        day = date_value(first_value(row, "transaction_date", "calculated_date"))
    except BadValue as unreadable:
        return RowRead(filing, filing_rejects, [Rejected(f"{where}: {unreadable}", row, Contribution.table)])
    if amount is None:
        return RowRead(filing, filing_rejects, [Rejected(f"{where}: amount is missing", row, Contribution.table)])
    tran_id = text(row.get("transaction_id"))
    last, first = row.get("transaction_last_name"), row.get("transaction_first_name")
    entity_code, entity_code_raw = entity_codes(row.get("entity_code"))
    contribution = Contribution(
        id=stable_id(SOURCE, filing_nid, schedule, tran_id),
        filing_id=filing["id"],
        committee_id=filing["committee_id"],
        source=SOURCE,
        tran_id=tran_id,
        schedule=schedule,
        contributor_name=contributor_name(last, first),
        contributor_first=text(first),
        contributor_last=text(last),
        entity_code=entity_code,
        entity_code_raw=entity_code_raw,
        city=text(row.get("transaction_city")),
        state=text(row.get("transaction_state")),
        zip=text(row.get("transaction_zip")),
        employer=text(row.get("transaction_employer")),
        occupation=text(row.get("transaction_occupation")),
        amount=amount,
        cumulative_ytd=cumulative_ytd,
        date=day,
        memo=is_memo(row.get("memo_code")),
    )
    return RowRead(filing, filing_rejects, [contribution])


def summaries_from_row(row, where, filer_nid_of_fppc_id=None):
    """What a 9ggq-m8hp row gives (see RowRead): one filing_summaries row per line number, column
    A = this period, column B = calendar year to date; a line with an amount that cannot be read
    is rejected. The summary rows name the committee by FPPC id only; `filer_nid_of_fppc_id` gives
    its filer_nid (for the filing row; without it the filing is left to its transactions)."""
    filing_nid = text(row.get("filing_nid"))
    if not filing_nid:
        return RowRead()
    form_type = "F" + re.sub(r"\D", "", text(row.get("form_type")) or "460")
    filer_nid = text(row.get("filer_nid")) or (filer_nid_of_fppc_id or {}).get(text(row.get("fppc_id")))
    read = RowRead()
    try:
        if filer_nid:
            read.filing, read.filing_rejects = filing_from_row(row, form_type, where, filer_nid)
        else:
            amendment_number(row.get("filing_type"))  # a version that cannot be told apart is not stored
    except BadValue as unreadable:
        return RowRead(items=[Rejected(f"{where}: {unreadable}", row, FilingSummary.table)])
    cells = {}
    for key, value in row.items():
        if match := SUMMARY_LINE.match(key):
            line, column = match.groups()
            cells.setdefault(line, {})["amount_period" if column == "a" else "amount_ytd"] = (key, value)
    filing_id = stable_id(SOURCE, filing_nid)
    for line, columns in sorted(cells.items()):
        try:
            amounts = {name: money(value, key) for name, (key, value) in columns.items()}
        except BadValue as unreadable:
            read.items.append(Rejected(f"{where}: {unreadable}", row, FilingSummary.table))
            continue
        amounts = {name: amount for name, amount in amounts.items() if amount is not None}
        if amounts:
            read.items.append(FilingSummary(filing_id=filing_id, form_type=form_type, line=line, **amounts))
    return read
