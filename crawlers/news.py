"""News about the recall campaigns: feeds, Google News searches and news sitemaps lead to article
pages; each page is read (recallwatch/parsers/news_reading.py, in NEWS_EXTRACT_WORKERS processes
beside the crawl: recallwatch/runtime/reader_pool.py), kept when it mentions the watchlist
(recallwatch/parsers/news_relevance.py), and stored once per story, earlier texts kept as versions
(recallwatch/parsers/news_dedup.py), decided here in the order the pages came.

Incremental: a listed address already fetched is not fetched again unless its listing's date
(the feed entry's updated date, the sitemap's lastmod) is later than that fetch.

`-a url=` takes an article page, or a feed or sitemap; `-a url_list=PATH` a file of addresses,
one per line. Pages given this way are stored whether or not they mention the watchlist.
"""

from dataclasses import asdict
from pathlib import Path

import scrapy

from crawlers.base import RecallSpider
from recallwatch.core.ids import stable_id
from recallwatch.core.items import Article, ArticleMention, ArticleUrl, ArticleVersion
from recallwatch.core.timeutil import utc_now_iso
from recallwatch.parsers.news_dedup import DUPLICATE, NEW, NEWER, StoryIndex, site_of, story_key
from recallwatch.parsers.news_discovery import (
    clean_url,
    document_kind,
    google_news_queries,
    google_news_url,
    parse_feed,
    parse_sitemap,
)
from recallwatch.parsers.news_reading import read_page
from recallwatch.parsers.news_relevance import MentionFinder
from recallwatch.runtime.incremental import RECHECK_LINKS
from recallwatch.runtime.reader_pool import Crashed, ReaderPool, default_workers


def listing_urls(response, listing):
    """Every address the page was reached under: as listed, through redirects, as fetched."""
    listed = [listing["url"]] if listing else []
    urls = [*listed, *response.request.meta.get("redirect_urls", []), response.url]
    return list(dict.fromkeys(u if u.startswith("file:") else clean_url(u) for u in urls))


METADATA = ("outlet", "title", "author", "published", "modified", "description", "section", "language", "paywalled")


def read_at_canonical(response, page):
    """The page was fetched at the address it names as canonical (not an AMP copy or a redirect)."""
    return clean_url(response.url) == page.url


def metadata_differs(stored, row):
    return any(stored.get(name) != row.get(name) for name in METADATA)


class NewsSpider(RecallSpider):
    name = "news"

    def __init__(self, *args, url_list=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.url_list = url_list
        self._stories = None
        self._mentions = None
        self._reader = None
        self._outlets = None

    # --- what to read ---

    async def start(self):
        if self.url_list:
            for url in Path(self.url_list).read_text(encoding="utf-8").split():
                if not url.startswith("#"):
                    yield self.document_request(url)
        else:
            async for request in super().start():
                yield request

    def callback_for_url(self, url):
        return self.parse_document

    def document_request(self, url):
        return scrapy.Request(url, callback=self.parse_document, dont_filter=True)

    def configured_requests(self):
        for source in self.watchlist.feeds:
            kind = source.get("kind", "feed")
            if kind == "google_news":
                yield self.google_news_request(source["query"])
            elif kind == "sitemap":
                yield scrapy.Request(source["url"], callback=self.parse_sitemap, meta={RECHECK_LINKS: True})
            else:
                yield scrapy.Request(source["url"], callback=self.parse_feed, meta={RECHECK_LINKS: True})
        for query in google_news_queries(self.watchlist):
            yield self.google_news_request(query)

    def google_news_request(self, query):
        return scrapy.Request(
            google_news_url(query),
            callback=self.parse_feed,
            cb_kwargs={"via": "google_news"},
            meta={RECHECK_LINKS: True},
        )

    # --- shared state, built on first use (the database is open once the run has started) ---

    @property
    def stories(self):
        if self._stories is None:
            self._stories = StoryIndex.from_database(self.run.db)
        return self._stories

    @property
    def mentions(self):
        if self._mentions is None:
            db = self.run.db
            committees = db.execute(
                "select id, name, campaign_id from committees where campaign_id is not null"
            ).fetchall()
            # donors whose counted giving reaches the setting (donors.counted_total: end of a filings run)
            donors = db.execute(
                "select id, name, kind from donors where counted_total >= ?",
                [self.settings.getfloat("DONOR_MENTION_THRESHOLD", 10_000)],
            ).fetchall()
            self._mentions = MentionFinder(self.watchlist, committees, donors)
        return self._mentions

    @property
    def reader(self):
        """Where pages are read: NEWS_EXTRACT_WORKERS processes beside the reactor (0: this one)."""
        if self._reader is None:
            settings = self.crawler.settings
            workers = settings.get("NEWS_EXTRACT_WORKERS")
            self._reader = ReaderPool(
                default_workers() if workers in (None, "") else int(workers),
                state=self.mentions,
                max_in_flight=settings.getint("NEWS_EXTRACT_MAX_IN_FLIGHT"),
                stats=self.crawler.stats,
                stats_prefix="news/extract",
                timeout=settings.getfloat("NEWS_EXTRACT_TIMEOUT"),
            )
        return self._reader

    def closed(self, reason):
        if self._reader is not None:
            self._reader.close()

    def outlet_of(self, url):
        """(curated outlet name, time zone) of the site an address belongs to, from the watchlist."""
        if self._outlets is None:  # site -> the first feed of that site that names its outlet
            self._outlets = {}
            for source in self.watchlist.feeds:
                if source.get("url") and source.get("outlet"):
                    self._outlets.setdefault(site_of(source["url"]), (source["outlet"], source.get("timezone")))
        return self._outlets.get(site_of(url), (None, None))

    # --- listings ---

    async def parse_document(self, response):
        """A document given by hand: a feed, a sitemap or an article page."""
        kind = document_kind(response.body)
        if kind == "feed":
            for output in self.parse_feed(response):
                yield output
        elif kind == "sitemap":
            for output in self.parse_sitemap(response):
                yield output
        else:
            async for output in self.parse_article(response, listing=None, always_keep=True):
                yield output

    def parse_feed(self, response, via="feed"):
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        listings, problem = parse_feed(response.body, response.url, via=via, content_type=content_type)
        if problem:
            self.reject(problem, response=response)
        yield from self.follow(listings)

    def parse_sitemap(self, response):
        children, listings = parse_sitemap(response.body, response.url)
        if not children and not listings:
            self.reject("not a sitemap, or an empty one", response=response)
        for child in children:
            yield scrapy.Request(response.urljoin(child), callback=self.parse_sitemap, meta={RECHECK_LINKS: True})
        yield from self.follow(listings)

    def follow(self, listings):
        stats = self.crawler.stats
        for listing in listings:
            stats.inc_value("news/listings")
            if self.read_since_listed(listing):
                stats.inc_value("news/skipped_unchanged")
                yield from self.sighting(listing)
                continue
            yield scrapy.Request(listing.url, callback=self.parse_article, cb_kwargs={"listing": asdict(listing)})

    def read_since_listed(self, listing):
        """True when this address was fetched after the date its listing gives (or ever, when the
        listing gives no date): the page has not changed since we read it."""
        last_fetch = next(
            self.run.db.query(
                "select max(last_seen) as at from fetches where url = ? and spider = ? and status < 400",
                [listing.url, self.name],
            ),
            {},
        ).get("at")
        if not last_fetch:
            return False
        return listing.updated is None or listing.updated <= last_fetch

    def sighting(self, listing):
        """A stored story listed again: its listing row is refreshed (nothing is fetched). The row
        of the story's own (canonical) address is the article page's, written when it was read: a
        listing naming it again leaves it alone, so what a run stores does not depend on whether
        the listing or the page came first."""
        article_id = self.stories.by_url.get(listing.url)
        if article_id and self.stories.rows.get(article_id, {}).get("url") != listing.url:
            yield ArticleUrl(
                url=listing.url,
                article_id=article_id,
                via=listing.via,
                listed_in=listing.listed_in,
                listed_updated=listing.updated,
            )

    # --- article pages ---

    async def parse_article(self, response, listing=None, always_keep=False):
        """The page is read by the reader pool; what it is stored as is decided here, in turn."""
        curated_outlet, timezone = self.outlet_of(response.url)
        listed = listing or {}
        async with self.reader.reading(
            read_page,
            response.text,
            response.url,
            curated_outlet,
            timezone,
            listed.get("title"),
            listed.get("updated"),
        ) as reading:
            for output in self.items_of(response, reading, listing, always_keep):
                yield output

    def items_of(self, response, reading, listing, always_keep):
        """What the page is stored as, against the stories stored before it."""
        stats = self.crawler.stats
        if isinstance(reading, Crashed):
            self.reject(reading.reason, response=response)
            return
        if reading.reject:
            self.reject(reading.reject, response=response)
            return
        page, mentions = reading.page, reading.mentions
        if not mentions and not always_keep:
            stats.inc_value("news/discarded_off_topic")
            self.logger.debug("Off-topic, not stored: %s", response.url)
            return
        row = self.article_row(reading, listing, site_outlet=(listing or {}).get("outlet"))
        urls = [page.url, *listing_urls(response, listing)]
        decision = self.stories.decide(row, urls)
        article_id = decision.article_id or stable_id(story_key(page.url))
        now = utc_now_iso()
        if decision.kind in (NEW, NEWER):
            if decision.kind == NEWER:
                stats.inc_value("news/edits")
                yield self.version(decision.stored, superseded_at=now)
            if page.paywalled:
                stats.inc_value("news/paywalled")
            yield Article(id=article_id, **row)
            self.stories.remember({"id": article_id, **row}, urls)
        elif (
            decision.kind == DUPLICATE and read_at_canonical(response, page) and metadata_differs(decision.stored, row)
        ):
            # The same text, read at its canonical address after a copy (AMP, a redirect): the
            # canonical page's metadata win, whichever was read first (an AMP copy says lang="en"
            # where the page says "en-US").
            stats.inc_value("news/duplicates")
            yield Article(id=article_id, **row)
            self.stories.remember({"id": article_id, **row}, urls)
        else:
            if decision.kind == DUPLICATE:
                stats.inc_value("news/duplicates")
            else:
                stats.inc_value("news/older_versions")
                yield self.version({"id": article_id, **row}, superseded_at=now)
            self.stories.remember(decision.stored, urls)
        yield from self.url_items(article_id, page.url, urls, listing)
        for entity_type, entity_id in mentions:
            yield ArticleMention(article_id=article_id, entity_type=entity_type, entity_id=entity_id)

    def article_row(self, reading, listing, site_outlet=None):
        page = reading.page
        return {
            "url": page.url,
            "outlet": page.outlet or site_outlet or site_of(page.url),
            "title": page.title,
            "author": "; ".join(page.authors) or None,
            "published": page.published,
            "modified": page.modified,
            "text": page.text,
            "description": page.description,
            "section": page.section,
            "language": page.language,
            "paywalled": int(page.paywalled),
            "content_hash": reading.content_hash,
            "fingerprint": reading.fingerprint,
            "discovered_via": (listing or {}).get("via", "url"),
        }

    @staticmethod
    def version(row, superseded_at):
        return ArticleVersion(
            article_id=row["id"],
            content_hash=row["content_hash"],
            url=row["url"],
            title=row["title"],
            author=row.get("author"),
            published=row.get("published"),
            modified=row.get("modified"),
            text=row["text"],
            superseded_at=superseded_at,
        )

    @staticmethod
    def url_items(article_id, canonical, urls, listing):
        listing = listing or {}
        for url in urls:
            if not url.startswith(("http://", "https://")):
                continue
            is_listed = url == listing.get("url")
            via = "canonical" if url == canonical else listing.get("via") if is_listed else "page"
            yield ArticleUrl(
                url=url,
                article_id=article_id,
                via=via,
                listed_in=listing.get("listed_in") if is_listed else None,
                listed_updated=listing.get("updated") if is_listed else None,
            )
