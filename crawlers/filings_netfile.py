"""NetFile Connect2 public API (JSON), for any NetFile agency: San Francisco (52, "SFO"),
Los Angeles County (625, "LACO"), Oakland (13, "COAK"); data/netfile_agencies.json lists them all.

For each agency configured under `sources: filings_netfile` in the watchlist:
1. the campaign filer list, paged -> committees whose names match a watchlist committee pattern
   (or listed as known committees);
2. the agency's campaign filing list, paged -> the filings of those committees, every amendment
   its own row (amendmentSequenceNumber; amendedFilingId names the filing it amends);
3. once the filing list is read (a filing rejected for an unreadable amendment number takes its
   transactions with it), each committee's cal201 transaction export with superseded versions
   included (ShowSuperceded=true), paged at most 1,000 a page -> contributions.

Pages are requested by CurrentPageIndex until totalMatchingPages (or an empty page). The service
answers 500 intermittently: retried by Scrapy's RetryMiddleware, with exponential backoff
between tries (recallwatch.runtime.backoff). The answers are read by
recallwatch/parsers/netfile_api.py.
"""

import json
from pathlib import Path
from urllib.parse import urlencode

import scrapy

from crawlers.filings_base import FilingsApiSpider
from recallwatch.parsers.filing_fields import first_value
from recallwatch.parsers.netfile_api import (
    FILER_ID_KEYS,
    PUBLIC_API,
    SOURCE,
    committee_from_filer,
    contributions_in,
    local_id,
    page_results,
    resolve_amendments,
)
from recallwatch.parsers.values import text
from recallwatch.runtime.incremental import RECHECK_LINKS

AGENCIES_FILE = Path(__file__).resolve().parent.parent / "data" / "netfile_agencies.json"
DEFAULTS = {
    "base_url": PUBLIC_API,
    "agencies": [625],
    "page_size": 1000,
}
MAX_PAGE_SIZE = 1000  # the largest page the Connect2 export serves


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
        self.rejected_filings = {}  # aid -> NetFile ids of the filings rejected with their transactions

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
        elif followed:
            yield self.page_request("list/filing", self.parse_filings, aid, Application="Campaign")

    def parse_filings(self, response, aid=None, page=0, params=None):
        """Filings of followed committees are kept until the last page, when every version of
        each report is known and the amendment chains can be resolved; then the committees'
        transactions are asked for."""
        aid = aid or self.single_document_aid(response)
        entries, pages = page_results(response.json(), "filings")
        followed = self.committees.get(aid, {})
        kept = self.filing_entries.setdefault(aid, [])
        for entry in entries:
            if params is None or local_id(entry.get("filerLocalId"), aid) in followed:
                kept.append(entry)
        if params is not None:
            next_page = self.next_page("list/filing", self.parse_filings, aid, page, pages, entries, params)
            if next_page:
                yield next_page
                return
        filings, rejected = resolve_amendments(kept, aid)
        self.rejected_filings[aid] = rejected
        yield from self.forward(filings, response)
        if params is None:
            return  # a single document (-a url=)
        for filer_local_id in sorted(followed):
            yield self.page_request(
                "campaign/export/cal201/transaction/filer",
                self.parse_transactions,
                aid,
                FilerId=self.filer_ids[aid, filer_local_id],
                ShowSuperceded="true",
            )

    def parse_transactions(self, response, aid=None, page=0, params=None):
        aid = aid or self.single_document_aid(response)
        data = response.json()
        # The Campaign API answers a bare list; the Connect2 export an object with "results".
        rows, pages = (data, 0) if isinstance(data, list) else page_results(data, "results")
        yield from self.forward(contributions_in(rows, aid, self.rejected_filings.get(aid, set())), response)
        if params is not None:
            path = "campaign/export/cal201/transaction/filer"
            next_page = self.next_page(path, self.parse_transactions, aid, page, pages, rows, params)
            if next_page:
                yield next_page
