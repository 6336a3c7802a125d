"""NetFile Connect2 public API (JSON), for any NetFile agency: San Francisco (52, "SFO"),
Los Angeles County (625, "LACO"), Oakland (13, "COAK"); data/netfile_agencies.json lists them all.

For each agency configured under `sources: filings_netfile` in the watchlist:
1. the campaign filer list, paged -> committees whose names match a watchlist committee pattern
   (or listed as known committees);
2. the agency's campaign filing list, paged -> the filings of those committees, every amendment
   its own row (amendmentSequenceNumber; amendedFilingId names the filing it amends);
3. each committee's cal201 transaction export with superseded versions included
   (ShowSuperceded=true), paged at most 1,000 a page -> contributions.

Pages are requested by CurrentPageIndex until totalMatchingPages (or an empty page). The service
answers 500 intermittently: retried by Scrapy's RetryMiddleware, with exponential backoff
between tries (recallwatch.runtime.backoff).
"""

import json
from pathlib import Path
from urllib.parse import urlencode

import scrapy

from crawlers.filings_base import FilingsApiSpider
from recallwatch.core.ids import stable_id
from recallwatch.core.items import Committee, Contribution, Filing
from recallwatch.parsers.filing_fields import (
    entity_codes,
    first_value,
    form_in_title,
    period_in_title,
    received_schedule,
)
from recallwatch.parsers.values import contributor_name, date_value, filed_date, is_memo, money, text
from recallwatch.runtime.incremental import RECHECK_LINKS

SOURCE = "netfile"
AGENCIES_FILE = Path(__file__).resolve().parent.parent / "data" / "netfile_agencies.json"
DEFAULTS = {
    "base_url": "https://netfile.com/Connect2/api/public",
    "agencies": [625],
    "page_size": 1000,
}
MAX_PAGE_SIZE = 1000  # the largest page the Connect2 export serves
FILER_ID_KEYS = ("localAgencyId", "filerLocalId", "filerNid", "id")


def load_agencies(path=AGENCIES_FILE):
    """{id: shortcut} and {shortcut: id} of every NetFile agency."""
    with open(path, encoding="utf-8") as f:
        agencies = json.load(f)
    return {a["id"]: a["shortcut"] for a in agencies}


def agency_shortcut(agency, agencies):
    """625 / "625" / "laco" -> "LACO"."""
    if str(agency).isdigit():
        shortcut = agencies.get(int(agency))
        if shortcut is None:
            raise ValueError(f"unknown NetFile agency id {agency}")
        return shortcut
    return str(agency).upper()


def connect2_url(base_url, path, **params):
    return f"{base_url}/{path}?{urlencode(params)}"


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


def active_since(filer):
    """The date a filer became active (its first ACTIVE status), which tells apart campaigns
    against the same target in different years."""
    dates = [date_value(s.get("date")) for s in filer.get("statusItemList") or [] if s.get("status") == "ACTIVE"]
    return min((d for d in dates if d), default=None)


def committee_from_filer(filer, aid, watchlist, spider_name="filings_netfile"):
    """A committee from a filer-list entry, or None when the watchlist does not follow it.

    Connect2 filer entries and the Campaign API's filers spell their fields differently
    (localAgencyId / filerNid, name / filerName, registrations["CA SOS"])."""
    filer_local_id = local_id(first_value(filer, *FILER_ID_KEYS), aid)
    name = text(first_value(filer, "filerName", "name", "commonName"))
    if not filer_local_id or not name:
        return None
    campaign_id, position = watchlist.committee_link(spider_name, filer_local_id, name, active_since(filer))
    if not campaign_id:
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
        campaign_id=campaign_id,
        position=position,
    )


def filing_from_entry(entry, aid):
    """A filing from a /list/filing entry, before its amendment chain is known (see
    `resolve_amendments`)."""
    netfile_id = text(entry.get("id"))
    title = text(entry.get("title"))
    period_start, period_end = period_in_title(title)
    return Filing(
        id=filing_id(aid, netfile_id),
        committee_id=committee_id(aid, local_id(entry.get("filerLocalId"), aid)),
        source=SOURCE,
        report_id=None,
        source_filing_id=netfile_id,
        form_type=form_in_title(title) or text(entry.get("form")) or "unknown",
        period_start=period_start,
        period_end=period_end,
        filed=filed_date(entry.get("filingDate")),
        amendment=int(entry.get("amendmentSequenceNumber") or 0),
        source_url=f"{DEFAULTS['base_url']}/image/{netfile_id}",
    )


def resolve_amendments(entries, aid):
    """Filings of one agency, each with its report: the original filing its amendment chain
    starts from (`amendedFilingId` may name the original or the previous amendment: both lead
    back to the same original). Which version is current is decided at the end of the run by the
    shared totals rules (highest amendment of a report)."""
    by_id = {text(e.get("id")): e for e in entries}

    def original_of(netfile_id):
        seen = set()
        while netfile_id in by_id and text(by_id[netfile_id].get("amendedFilingId")) and netfile_id not in seen:
            seen.add(netfile_id)
            netfile_id = text(by_id[netfile_id].get("amendedFilingId"))
        return netfile_id

    filings = []
    for netfile_id, entry in by_id.items():
        filing = filing_from_entry(entry, aid)
        filing["report_id"] = stable_id(SOURCE, aid, original_of(netfile_id))
        filings.append(filing)
    return filings


def contribution_from_transaction(row, aid):
    """A contribution from a cal201 export row (Connect2 spelling, e.g. tran_NamL) or a
    Campaign API transaction (camelCase, e.g. tranNamL, nested under "transaction"); None for
    rows that are not money received."""
    tran = {**row, **(row.get("transaction") or {})}
    schedule = received_schedule(first_value(tran, "form_Type", "formType"))
    netfile_filing_id = text(first_value(tran, "filingId", "filingNid"))
    filer_local_id = local_id(first_value(tran, "filerLocalId", "filerNid"), aid)
    if schedule is None or not netfile_filing_id or not filer_local_id:
        return None
    tran_id = text(first_value(tran, "tran_Id", "tranId", "transactionId"))
    last = first_value(tran, "tran_NamL", "tranNamL")
    first = first_value(tran, "tran_NamF", "tranNamF")
    entity_code, entity_code_raw = entity_codes(first_value(tran, "entity_Cd", "entityCd"))
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
        amount=money(first_value(tran, "tran_Amt1", "tranAmt1", "calculated_Amount", "calculatedAmount")),
        cumulative_ytd=money(first_value(tran, "tran_Amt2", "tranAmt2")),
        date=date_value(first_value(tran, "tran_Date", "tranDate", "calculated_Date", "calculatedDate")),
        memo=is_memo(first_value(tran, "memo_Code", "memoCode")),
    )


def page_results(data, key):
    """(records, number of pages) of a Connect2 list or export answer."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object with {key!r}, got {type(data).__name__}")
    return data.get(key) or [], int(data.get("totalMatchingPages") or 0)


class FilingsNetfileSpider(FilingsApiSpider):
    name = "filings_netfile"
    source = SOURCE
    defaults = DEFAULTS
    allowed_domains = ["netfile.com", "127.0.0.1", "localhost"]

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._agency = agency
        self.agencies = load_agencies()
        self.committees = {}  # aid -> {filer local id: Committee}
        self.filer_ids = {}  # (aid, filer local id) -> the id as the filer list spells it
        self.filing_entries = {}  # aid -> [filing list entries of followed committees]

    @property
    def page_size(self):
        return min(MAX_PAGE_SIZE, int(self.config["page_size"]))

    def configured_aids(self):
        agencies = [self._agency] if self._agency else self.config["agencies"]
        return [agency_shortcut(agency, self.agencies) for agency in agencies]

    def page_request(self, path, callback, aid, page=0, **params):
        url = connect2_url(self.base_url, path, AID=aid, **params, CurrentPageIndex=page, PageSize=self.page_size)
        return scrapy.Request(
            url,
            callback=callback,
            headers={"Accept": "application/json"},
            cb_kwargs={"aid": aid, "page": page, "params": params},
            meta={RECHECK_LINKS: True},  # a page of results: the last one grows (recallwatch/incremental.py)
        )

    def next_page(self, path, callback, aid, page, pages, records, params):
        if records and page + 1 < pages:
            return self.page_request(path, callback, aid, page + 1, **params)
        return None

    def configured_requests(self):
        for aid in self.configured_aids():
            yield self.page_request("campaign/list/filer", self.parse_filers, aid)

    def callback_for_url(self, url):
        if "list/filer" in url:
            return self.parse_filers
        if "list/filing" in url:
            return self.parse_filings
        return self.parse_transactions

    def single_document_aid(self, response):
        """The agency of a document given with -a url=: its AID parameter, else -a agency=."""
        for part in response.url.split("?", 1)[-1].split("&"):
            if part.lower().startswith("aid="):
                return part.split("=", 1)[1].upper()
        return agency_shortcut(self._agency or self.config["agencies"][0], self.agencies)

    def parse_filers(self, response, aid=None, page=0, params=None):
        aid = aid or self.single_document_aid(response)
        filers, pages = page_results(response.json(), "filers")
        followed = self.committees.setdefault(aid, {})
        for filer in filers:
            committee = committee_from_filer(filer, aid, self.watchlist, self.name)
            if committee is not None and committee["source_id"] not in followed:
                followed[committee["source_id"]] = committee
                self.filer_ids[aid, committee["source_id"]] = text(first_value(filer, *FILER_ID_KEYS))
                yield committee
        if params is None:
            return  # a single document (-a url=)
        next_page = self.next_page("campaign/list/filer", self.parse_filers, aid, page, pages, filers, params)
        if next_page:
            yield next_page
            return
        if followed:
            yield self.page_request("list/filing", self.parse_filings, aid, Application="Campaign")
        for filer_local_id in sorted(followed):
            yield self.page_request(
                "campaign/export/cal201/transaction/filer",
                self.parse_transactions,
                aid,
                FilerId=self.filer_ids[aid, filer_local_id],
                ShowSuperceded="true",
            )

    def parse_filings(self, response, aid=None, page=0, params=None):
        """Filings of followed committees are kept until the last page, when every version of
        each report is known and the amendment chains can be resolved."""
        aid = aid or self.single_document_aid(response)
        entries, pages = page_results(response.json(), "filings")
        followed = self.committees.get(aid, {})
        kept = self.filing_entries.setdefault(aid, [])
        for entry in entries:
            if params is None or local_id(entry.get("filerLocalId"), aid) in followed:
                kept.append(entry)
        next_page = None
        if params is not None:
            next_page = self.next_page("list/filing", self.parse_filings, aid, page, pages, entries, params)
        if next_page:
            yield next_page
        else:
            yield from resolve_amendments(kept, aid)

    def parse_transactions(self, response, aid=None, page=0, params=None):
        aid = aid or self.single_document_aid(response)
        data = response.json()
        # The Campaign API answers a bare list; the Connect2 export an object with "results".
        rows, pages = (data, 0) if isinstance(data, list) else page_results(data, "results")
        for row in rows:
            contribution = contribution_from_transaction(row, aid)
            if contribution is None:
                continue
            if contribution["amount"] is None:
                self.reject("contribution without an amount", response=response, record=row, item_type="contributions")
                continue
            yield contribution
        if params is not None:
            path = "campaign/export/cal201/transaction/filer"
            next_page = self.next_page(path, self.parse_transactions, aid, page, pages, rows, params)
            if next_page:
                yield next_page
