"""Incremental runs: a scheduled re-run does only what may have changed.

- `UnchangedDocumentMiddleware` (spider): a document whose body hashes to one already stored
  completely is not parsed again (counted as `recallwatch/unchanged`) — unless it is an index page
  (a listing, feed, sitemap or API page: one that led to other requests when it was stored). An
  unchanged index page is parsed for its links: those to documents stored completely as leaves are
  dropped (their index did not change), those to new documents and to other index pages (the next
  page of a listing or an API) are followed; its own items are not stored again.
- `ConditionalRequestMiddleware` (downloader): a leaf document stored completely before is asked
  for with If-None-Match / If-Modified-Since when the source sent an ETag or Last-Modified; a 304
  ends the request there (counted as `recallwatch/not_modified`). Index pages are always fetched in
  full. A request with `meta={"recheck_links": True}` (the next page of a listing or of API
  results, whose content may grow) is treated as an index page from the start and never skipped.

`-s INCREMENTAL=0` re-parses everything (e.g. after a parser fix).
"""

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from recallwatch.core.items import RecordItem
from recallwatch.runtime.run import Run

RECHECK_LINKS = "recheck_links"


class UnchangedDocument(Exception):
    pass


class IncrementalMiddleware:
    """On when the INCREMENTAL setting is."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.run = Run.of(crawler)
        self.enabled = crawler.settings.getbool("INCREMENTAL")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class ConditionalRequestMiddleware(IncrementalMiddleware):
    def validators_for(self, url):
        rows = list(
            self.run.db.query(
                "select etag, last_modified from fetches where url = ? and status = 200 and complete = 1 "
                "and not links and (etag is not null or last_modified is not null) order by last_seen desc limit 1",
                [url],
            )
        )
        return rows[0] if rows else None

    def process_request(self, request):
        if not self.enabled or request.meta.get(RECHECK_LINKS) or not request.url.startswith(("http:", "https:")):
            return None
        validators = self.validators_for(request.url)
        if validators:
            if validators["etag"]:
                request.headers.setdefault("If-None-Match", validators["etag"])
            if validators["last_modified"]:
                request.headers.setdefault("If-Modified-Since", validators["last_modified"])
            request.meta["conditional"] = True
        return None

    def process_response(self, request, response):
        if response.status == 304 and request.meta.get("conditional"):
            self.crawler.stats.inc_value("recallwatch/not_modified")
            with self.run.db.atomic():
                self.run.db.execute(
                    "update fetches set last_seen = datetime('now') where url = ? and complete = 1", [request.url]
                )
            raise IgnoreRequest(f"not modified since the last complete fetch: {request.url}")
        return response


class UnchangedDocumentMiddleware(IncrementalMiddleware):
    def _unchanged(self, response):
        return self.enabled and response.meta.get("unchanged") is not None and response.status == 200

    def process_spider_input(self, response):
        leaf = response.meta.get("unchanged") == "leaf" and not response.meta.get(RECHECK_LINKS)
        if self._unchanged(response) and leaf:
            raise UnchangedDocument(response.url)

    def process_spider_exception(self, response, exception):
        if isinstance(exception, UnchangedDocument):
            self.crawler.stats.inc_value("recallwatch/unchanged")
            return []
        return None

    def stored_leaf(self, url):
        """Whether this URL was last fetched as a leaf document whose items are all stored."""
        rows = self.run.db.query(
            "select 1 from fetches where url = ? and complete = 1 and not links and status = 200 limit 1", [url]
        )
        return next(rows, None) is not None

    def keep(self, element, unchanged):
        """From an unchanged index page: no items (stored already), no links to stored leaves
        (their index did not change); links to other index pages and to new documents are followed."""
        if not unchanged:
            return True
        if isinstance(element, RecordItem):
            return False
        if isinstance(element, Request) and not element.meta.get(RECHECK_LINKS) and self.stored_leaf(element.url):
            self.crawler.stats.inc_value("recallwatch/skipped_stored_leaves")
            return False
        return True

    def process_spider_output(self, response, result):
        unchanged = self._unchanged(response)
        if unchanged:
            self.crawler.stats.inc_value("recallwatch/unchanged")
        for element in result:
            if self.keep(element, unchanged):
                yield element

    async def process_spider_output_async(self, response, result):
        unchanged = self._unchanged(response)
        if unchanged:
            self.crawler.stats.inc_value("recallwatch/unchanged")
        async for element in result:
            if self.keep(element, unchanged):
                yield element
