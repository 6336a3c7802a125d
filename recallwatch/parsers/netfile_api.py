"""The answers of the NetFile Connect2 public API (JSON) read into items: filer list entries ->
committees, filing list entries -> filings (every amendment its own row, chained to its report by
amendedFilingId), cal201 transaction export rows (or Campaign API transactions) -> contributions.

A value that cannot be read (recallwatch/parsers/values.py) is a `Rejected`: a transaction is not
stored; a filing is stored without a date it cannot read; a filing whose amendment number cannot
be read is rejected, and so are its transactions.
"""

import json
import math

from recallwatch.core.ids import stable_id
from recallwatch.core.items import Committee, Contribution, Filing, Rejected
from recallwatch.parsers.filing_fields import (
    entity_codes,
    first_value,
    form_in_title,
    period_in_title,
    received_schedule,
)
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

SOURCE = "netfile"
PUBLIC_API = "https://netfile.com/Connect2/api/public"
FILER_ID_KEYS = ("localAgencyId", "filerLocalId", "filerNid", "id")


def local_id(value, aid):
    """Filer ids appear as "151463" and as "COAK-151463": the number is the id."""
    value = text(value)
    if value and value.upper().startswith(f"{aid.upper()}-"):
        value = value[len(aid) + 1 :]
    return value


def committee_id(aid, filer_local_id):
    return stable_id(SOURCE, aid, filer_local_id)


def filing_id(aid, netfile_filing_id):
    return stable_id(SOURCE, aid, netfile_filing_id)


def as_filed(record):
    """A raw record as a reject keeps it: the JSON numbers NaN and Infinity (which Python's json
    reads) written as text, so that the stored record is valid JSON."""
    if isinstance(record, float) and not math.isfinite(record):
        return json.dumps(record)
    if isinstance(record, dict):
        return {key: as_filed(value) for key, value in record.items()}
    if isinstance(record, list):
        return [as_filed(value) for value in record]
    return record


def page_results(data, key):
    """(records, number of pages) of a Connect2 list or export answer."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object with {key!r}, got {type(data).__name__}")
    return data.get(key) or [], int(data.get("totalMatchingPages") or 0)


def status_date(status):
    """The date of a filer status, or None when it cannot be read."""
    try:
        return date_value(status.get("date"), "status date")
    except BadValue:
        return None


def active_since(filer):
    """The date a filer became active (its first ACTIVE status), which tells apart campaigns
    against the same target in different years."""
    dates = [status_date(s) for s in filer.get("statusItemList") or [] if s.get("status") == "ACTIVE"]
    return min((d for d in dates if d), default=None)


def committee_from_filer(filer, aid, watchlist, spider_name="filings_netfile"):
    """A committee from a filer-list entry, or None when the watchlist does not follow it.

    Connect2 filer entries and the Campaign API's filers spell their fields differently
    (localAgencyId / filerNid, name / filerName, registrations["CA SOS"])."""
    filer_local_id = local_id(first_value(filer, *FILER_ID_KEYS), aid)
    name = text(first_value(filer, "filerName", "name", "commonName"))
    if not filer_local_id or not name:
        return None
    link = watchlist.link(spider_name, filer_local_id, name, active_since(filer))
    if not link.campaign_id:
        return None
    registrations = filer.get("registrations") or {}
    fppc_id = text(first_value(filer, "filerStateId", "sosId", "stateId") or registrations.get("CA SOS"))
    committee_types = filer.get("committeeTypes")
    return Committee(
        id=committee_id(aid, filer_local_id),
        name=name,
        source=SOURCE,
        source_id=filer_local_id,
        fppc_id=fppc_id,
        committee_type=", ".join(committee_types) if isinstance(committee_types, list) else text(committee_types),
        agency=aid,
        campaign_id=link.campaign_id,
        position=link.position,
        side=link.side,
        linked_by=link.linked_by,
    )


def filing_from_entry(entry, aid):
    """(a filing from a /list/filing entry, before its amendment chain is known (see
    `resolve_amendments`); the BadValues of the dates it is stored without). An amendment number
    that cannot be read raises its BadValue."""
    netfile_id = text(entry.get("id"))
    title = text(entry.get("title"))
    unread = []
    period_start, period_end = read_or_none(lambda raw, _: period_in_title(raw), title, "period", unread) or (
        None,
        None,
    )
    filed = read_or_none(filed_date, entry.get("filingDate"), "filed", unread)
    filing = Filing(
        id=filing_id(aid, netfile_id),
        committee_id=committee_id(aid, local_id(entry.get("filerLocalId"), aid)),
        source=SOURCE,
        report_id=None,
        source_filing_id=netfile_id,
        form_type=form_in_title(title) or text(entry.get("form")) or "unknown",
        period_start=period_start,
        period_end=period_end,
        filed=filed,
        amendment=amendment_number(entry.get("amendmentSequenceNumber")),
        source_url=f"{PUBLIC_API}/image/{netfile_id}",
    )
    return filing, unread


def resolve_amendments(entries, aid):
    """([filings of one agency and Rejecteds], NetFile ids of the filings rejected with their
    transactions).

    Each filing gets its report: the original filing its amendment chain starts from
    (`amendedFilingId` may name the original or the previous amendment: both lead back to the
    same original). Which version is current is decided at the end of the run by the shared
    totals rules (highest amendment of a report, then latest filed)."""
    by_id = {text(e.get("id")): e for e in entries}

    def original_of(netfile_id):
        seen = set()
        while netfile_id in by_id and text(by_id[netfile_id].get("amendedFilingId")) and netfile_id not in seen:
            seen.add(netfile_id)
            netfile_id = text(by_id[netfile_id].get("amendedFilingId"))
        return netfile_id

    parsed, rejected_ids = [], set()
    for netfile_id, entry in by_id.items():
        where = f"filing {netfile_id}"
        try:
            filing, unread = filing_from_entry(entry, aid)
        except BadValue as problem:  # an unreadable amendment number: a wrong one would change which version counts
            parsed.append(Rejected(f"{where}: {problem}", as_filed(entry), "filings"))
            rejected_ids.add(netfile_id)
            continue
        filing["report_id"] = stable_id(SOURCE, aid, original_of(netfile_id))
        parsed.append(filing)
        parsed.extend(Rejected(stored_without(where, problem), as_filed(entry), "filings") for problem in unread)
    return parsed, rejected_ids


def contribution_from_transaction(row, aid):
    """A contribution from a cal201 export row (Connect2 spelling, e.g. tran_NamL) or a Campaign
    API transaction (camelCase, e.g. tranNamL, nested under "transaction"); None for rows that are
    not money received. A value that cannot be read raises its BadValue."""
    tran = transaction_fields(row)
    schedule = received_schedule(first_value(tran, "form_Type", "formType"))
    netfile_filing_id = netfile_filing_of(tran)
    filer_local_id = local_id(first_value(tran, "filerLocalId", "filerNid"), aid)
    if schedule is None or not netfile_filing_id or not filer_local_id:
        return None
    tran_id = text(first_value(tran, "tran_Id", "tranId", "transactionId"))
    last = first_value(tran, "tran_NamL", "tranNamL")
    first = first_value(tran, "tran_NamF", "tranNamF")
    entity_code, entity_code_raw = entity_codes(first_value(tran, "entity_Cd", "entityCd"))
    amount = first_value(tran, "tran_Amt1", "tranAmt1", "calculated_Amount", "calculatedAmount")
    made_on = first_value(tran, "tran_Date", "tranDate", "calculated_Date", "calculatedDate")
    return Contribution(
        id=stable_id(SOURCE, aid, netfile_filing_id, schedule, tran_id),
        filing_id=filing_id(aid, netfile_filing_id),
        committee_id=committee_id(aid, filer_local_id),
        source=SOURCE,
        tran_id=tran_id,
        schedule=schedule,
        contributor_name=contributor_name(last, first, first_value(tran, "tran_NamS", "tranNamS")),
        contributor_first=text(first),
        contributor_last=text(last),
        entity_code=entity_code,
        entity_code_raw=entity_code_raw,
        city=text(first_value(tran, "tran_City", "tranCity")),
        state=text(first_value(tran, "tran_ST", "tranST")),
        zip=text(first_value(tran, "tran_Zip4", "tranZip4")),
        employer=text(first_value(tran, "tran_Emp", "tranEmp", "employer")),
        occupation=text(first_value(tran, "tran_Occ", "tranOcc", "occupation")),
        amount=money(amount, "amount"),
        cumulative_ytd=money(first_value(tran, "tran_Amt2", "tranAmt2"), "cumulative_ytd"),
        date=date_value(made_on, "date"),
        memo=is_memo(first_value(tran, "memo_Code", "memoCode")),
    )


def transaction_fields(row):
    """A transaction's fields, those nested under "transaction" (Campaign API) included."""
    return {**row, **(row.get("transaction") or {})}


def netfile_filing_of(tran):
    return text(first_value(tran, "filingId", "filingNid"))


def transaction_place(tran):
    """Where a transaction is, for a reject reason: 'filing 209000101, transaction INC1'."""
    tran_id = text(first_value(tran, "tran_Id", "tranId", "transactionId"))
    return f"filing {netfile_filing_of(tran) or '?'}, transaction {tran_id or '?'}"


def contributions_in(rows, aid, rejected_filings=frozenset()):
    """The contributions of a page of transactions, and a Rejected for each money-received row
    that cannot be read or whose filing is rejected (`rejected_filings`: NetFile filing ids)."""
    for row in rows:
        tran = transaction_fields(row)
        try:
            contribution = contribution_from_transaction(row, aid)
        except BadValue as problem:
            yield Rejected(f"{transaction_place(tran)}: {problem}", as_filed(row), "contributions")
            continue
        if contribution is None:
            continue
        if netfile_filing_of(tran) in rejected_filings:
            reason = f"{transaction_place(tran)}: its filing is rejected (its amendment number cannot be read)"
            yield Rejected(reason, as_filed(row), "contributions")
        elif contribution["amount"] is None:
            yield Rejected(f"{transaction_place(tran)}: no amount", as_filed(row), "contributions")
        else:
            yield contribution
