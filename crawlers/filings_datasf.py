"""San Francisco Ethics Commission campaign finance on DataSF (Socrata SODA 2.x, JSON).

1. Filers (`4c8t-ngau`) whose name matches a watchlist committee pattern (e.g. every word of
   "recall" + "boudin", accent-insensitive) -> committees, linked to a campaign and position.
2. Their transactions (`pitq-e56w`): the money-received schedules (A, C, I, F496P3, 497 part 1)
   -> filings and contributions.
3. Their Form 460 summary totals (`9ggq-m8hp`) -> filing_summaries (line 5 = total contributions,
   unitemized ones included), so totals can come from the summary page.

Each row is read by recallwatch/parsers/socrata.py (a row it cannot read is a reject naming the
row, e.g. "pitq-e56w row 12: amount is not a finite number: 'NaN'"); the spider asks for the pages
and stores each filing once. Every query pages with $limit/$offset over a stable $order and stops at
the first short page.
DataSF publishes only the current version of each filing (an amendment replaces the original
upstream). What counts in totals (latest amendment, memo entries, late reports listed again on a
Form 460) is decided at the end of the run by the shared rules of recallwatch/totals.py.
Optional app token: RECALLWATCH_SOCRATA_APP_TOKEN, sent as the X-App-Token header.
"""

from urllib.parse import quote, urlencode

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from crawlers.filings_base import FilingsApiSpider
from recallwatch.parsers.socrata import SOURCE, committee_from_row, contribution_from_row, rows_of, summaries_from_row
from recallwatch.runtime.incremental import RECHECK_LINKS

DEFAULTS = {
    "base_url": "https://data.sfgov.org/resource",
    "filers": "4c8t-ngau",
    "transactions": "pitq-e56w",
    "summaries": "9ggq-m8hp",
    "page_size": 1000,
    "ids_per_query": 50,
}
# The form_type codes of money received in pitq-e56w (see filing_fields.RECEIVED_SCHEDULES).
RECEIVED_FORM_TYPES = ("A", "C", "I", "F496P3", "F497P1")
# Socrata's row id: the tie-breaker that makes $order stable across pages.
ROW_ID = ":id"


def soql_string(value):
    return "'" + str(value).replace("'", "''") + "'"


def soql_in(column, values):
    return f"{column} in ({', '.join(soql_string(v) for v in values)})"


def committee_name_where(watchlist, column="filer_name"):
    """A SoQL condition true for names holding every word of one of the watchlist's committee
    patterns. SoQL compares text literally, so each word is tried in every spelling the targets'
    names use ("GASCON" and "GASCÓN"); the spider confirms each match with the watchlist."""
    spellings = watchlist.word_spellings()
    groups = []
    for pattern in watchlist.committee_patterns:
        for group in pattern["all_of"]:
            if tuple(group) not in groups:
                groups.append(tuple(group))
    clauses = []
    for group in groups:
        words = []
        for word in group:
            alternatives = sorted(spellings.get(word, {word.upper()}))
            likes = [f"upper({column}) like {soql_string('%' + spelling + '%')}" for spelling in alternatives]
            words.append(likes[0] if len(likes) == 1 else "(" + " OR ".join(likes) + ")")
        clauses.append("(" + " AND ".join(words) + ")")
    return " OR ".join(clauses)


def soda_url(base_url, dataset, where=None, order=ROW_ID, limit=1000, offset=0):
    params = {}
    if where:
        params["$where"] = where
    params["$order"] = order
    params["$limit"] = limit
    params["$offset"] = offset
    return f"{base_url}/{dataset}.json?{urlencode(params, quote_via=quote)}"


class FilingsDatasfSpider(FilingsApiSpider):
    name = "filings_datasf"
    source = SOURCE
    defaults = DEFAULTS
    allowed_domains = ["data.sfgov.org", "127.0.0.1", "localhost"]

    def __init__(self, *args, page_size=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._page_size = int(page_size) if page_size else None
        self.committees_seen = set()
        self.filings_seen = set()
        self.matched_filers = {}  # filer_nid -> Committee
        self.summaries_requested = False

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_summaries_when_idle, signal=signals.spider_idle)
        return spider

    @property
    def page_size(self):
        return self._page_size or int(self.config["page_size"])

    def soda_request(self, dataset, where, callback, offset=0):
        url = soda_url(self.base_url, dataset, where=where, limit=self.page_size, offset=offset)
        headers = {"Accept": "application/json"}
        token = self.settings.get("SOCRATA_APP_TOKEN")
        if token:
            headers["X-App-Token"] = token
        return scrapy.Request(
            url,
            callback=callback,
            headers=headers,
            cb_kwargs={"dataset": dataset, "where": where, "offset": offset},
            meta={RECHECK_LINKS: True},  # a page of results: the last one grows (recallwatch/incremental.py)
        )

    def next_page(self, rows, dataset, where, offset, callback):
        """The request for the next page, or None after a short page."""
        if len(rows) < self.page_size:
            return None
        return self.soda_request(dataset, where, callback, offset + self.page_size)

    def configured_requests(self):
        where = committee_name_where(self.watchlist)
        yield self.soda_request(self.config["filers"], where, self.parse_filers)

    def callback_for_url(self, url):
        if self.config["filers"] in url:
            return self.parse_filers
        if self.config["summaries"] in url:
            return self.parse_summaries
        return self.parse_transactions

    def parse_filers(self, response, dataset=None, where=None, offset=0):
        rows = rows_of(response.text)
        for row in rows:
            committee = committee_from_row(row, self.watchlist, self.name)
            if committee is None or committee["id"] in self.committees_seen:
                continue
            if not committee.get("campaign_id"):
                continue  # a name that only looked like a match in SoQL's substring search
            self.committees_seen.add(committee["id"])
            self.matched_filers[committee["source_id"]] = committee
            yield committee
        if dataset is None:
            return  # a single document (-a url=)
        next_page = self.next_page(rows, dataset, where, offset, self.parse_filers)
        if next_page:
            yield next_page
        else:
            yield from self.committee_requests()

    def chunks(self, values):
        size = int(self.config["ids_per_query"])
        return [values[start : start + size] for start in range(0, len(values), size)]

    def committee_requests(self):
        """The transactions of every matched committee, a few committees a query."""
        for filer_nids in self.chunks(sorted(self.matched_filers)):
            where = f"{soql_in('filer_nid', filer_nids)} AND {soql_in('form_type', RECEIVED_FORM_TYPES)}"
            yield self.soda_request(self.config["transactions"], where, self.parse_transactions)

    def request_summaries_when_idle(self):
        """Summary totals are read once every transaction page is in, so that a filing is
        stored from its transactions (which carry the filing date) whenever it has any; a
        filing with only a summary (all contributions unitemized) is stored from the summary."""
        if self.summaries_requested or not self.matched_filers:
            return
        self.summaries_requested = True
        fppc_ids = sorted({c["fppc_id"] for c in self.matched_filers.values() if c.get("fppc_id")})
        for chunk in self.chunks(fppc_ids):
            request = self.soda_request(self.config["summaries"], soql_in("fppc_id", chunk), self.parse_summaries)
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def parse_transactions(self, response, dataset=None, where=None, offset=0):
        rows = rows_of(response.text)
        for number, row in enumerate(rows, offset + 1):
            read = contribution_from_row(row, f"{self.config['transactions']} row {number}")
            if read is None:
                continue
            committee = committee_from_row(row, self.watchlist, self.name)
            if committee is not None and committee["id"] not in self.committees_seen:
                self.committees_seen.add(committee["id"])
                yield committee
            yield from self.forward(self.new_filing(read) + read.items, response)
        if dataset is not None:
            next_page = self.next_page(rows, dataset, where, offset, self.parse_transactions)
            if next_page:
                yield next_page

    def parse_summaries(self, response, dataset=None, where=None, offset=0):
        rows = rows_of(response.text)
        filer_nid_of_fppc_id = {c["fppc_id"]: nid for nid, c in self.matched_filers.items() if c.get("fppc_id")}
        for number, row in enumerate(rows, offset + 1):
            read = summaries_from_row(row, f"{self.config['summaries']} row {number}", filer_nid_of_fppc_id)
            yield from self.forward(self.new_filing(read) + read.items, response)
        if dataset is not None:
            next_page = self.next_page(rows, dataset, where, offset, self.parse_summaries)
            if next_page:
                yield next_page

    def new_filing(self, read):
        """[the row's filing and its rejects] the first time the filing is read, else []."""
        if read.filing is None or read.filing["id"] in self.filings_seen:
            return []
        self.filings_seen.add(read.filing["id"])
        return [read.filing, *read.filing_rejects]
