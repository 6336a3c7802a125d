"""Where the `news` spider finds stories: RSS 2.0 / Atom / RDF feeds (feedparser tells them apart),
Google News RSS searches built from the watchlist, and news sitemaps (plain, index, gzipped).

Each reader turns a document into `Listing`s: an article address plus what the listing says about
it (title, date, outlet). Nothing here fetches anything.
"""

import re
import zlib
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

import feedparser
import lxml.etree

from recallwatch.parsers.values import to_utc_iso

GOOGLE_NEWS_SEARCH = "https://news.google.com/rss/search?q={query}&hl=en-US&gl=US&ceid=US:en"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
GZIP_MAGIC = b"\x1f\x8b"
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit (uncompressed)

# Query parameters that only say who sent the reader; dropping them gives the story's address.
TRACKING_PARAMETER = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|cmpid|ito|itm_\w+|ref_src|s_cid|sr_share|"
    r"taid|ocid|smid|__twitter_impression|_hsenc|_hsmi|mkt_tok)$",
    re.IGNORECASE,
)
# The word a campaign's kind is reported under ("recall election" stories say "recall").
KIND_SEARCH_WORD = {
    "recall": "recall",
    "recall election": "recall",
    "recall bill": "recall",
    "impeachment": "impeachment",
}


@dataclass
class Listing:
    url: str
    via: str  # feed, google_news or sitemap
    listed_in: str  # the feed or sitemap's address
    title: str | None = None
    updated: str | None = None  # ISO UTC: the entry's updated date, else its published date
    outlet: str | None = None  # what the listing calls the publisher (Google News <source>)


def clean_url(url):
    """The address without tracking parameters (utm_*, fbclid…) or fragment. AMP switches
    (?_amp=true, ?outputType=amp) stay: whether a site serves the same story without them is for
    the page's rel=canonical to say, not for a guess."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMETER.match(k)]
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def google_news_queries(watchlist):
    """One search per target: its name and the words its removal efforts are reported under, e.g.
    '"Larry Krasner" impeachment' or '"Chesa Boudin" recall'. Elections are not searched: the
    outlets' feeds cover them, and a search for a prosecutor's name and "election" is mostly noise."""
    queries = []
    for target in watchlist.targets:
        campaigns = watchlist.campaigns_of(target["id"])
        words = sorted({KIND_SEARCH_WORD[c["kind"]] for c in campaigns if c["kind"] in KIND_SEARCH_WORD})
        if not words:
            continue
        kinds = words[0] if len(words) == 1 else "(" + " OR ".join(words) + ")"
        queries.append(f'"{target["name"]}" {kinds}')
    return queries


def google_news_url(query):
    return GOOGLE_NEWS_SEARCH.format(query=quote_plus(query))


def entry_date(entry):
    """The most recent date a feed entry gives (updated, else published), as ISO UTC."""
    for key in ("updated_parsed", "published_parsed"):
        parsed = dict.get(entry, key)  # FeedParserDict.get maps a missing updated to published, with a warning
        if parsed:
            return to_utc_iso(parsed)
    return None


def parse_feed(body, feed_url, via="feed", content_type=None):
    """Listings of an RSS 2.0, RSS 1.0 (RDF) or Atom document. Returns (listings, problem): problem
    says why a document yielded nothing (not a feed at all), else None."""
    headers = {"content-location": feed_url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no entries"
        return [], f"not a readable feed ({type(reason).__name__ if not isinstance(reason, str) else reason})"
    listings = []
    for entry in parsed.entries:
        link = entry_link(entry)
        if not link:
            continue
        source = entry.get("source") or {}
        listings.append(
            Listing(
                url=link if via == "google_news" else clean_url(link),
                via=via,
                listed_in=feed_url,
                title=entry.get("title"),
                updated=entry_date(entry),
                outlet=source.get("title"),
            )
        )
    return listings, None


def entry_link(entry):
    """The entry's article link: the first rel=alternate link (Atom entries may also carry
    rel=self/edit/enclosure links), else `link`, else a guid that is a web address (feedparser
    copies a urn: guid into `link`, hence the scheme check)."""
    alternates = [link.get("href") for link in entry.get("links", []) if link.get("rel", "alternate") == "alternate"]
    candidates = [*alternates, entry.get("link"), entry.get("id")]
    return next((c for c in candidates if c and c.startswith(("http://", "https://"))), None)


def sitemap_body(body):
    """The XML of a sitemap, gunzipped when it is a .gz (HTTP compression is undone by Scrapy)."""
    if body[:2] == GZIP_MAGIC:
        return gunzip(body, MAX_SITEMAP_BYTES)
    return body


def gunzip(body, max_size):
    """A gzip body, decompressed no further than `max_size` bytes (a larger one is an error)."""
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        data = decompressor.decompress(body, max_size + 1)
    except zlib.error as error:
        raise ValueError(f"the gzip body does not decompress: {error}") from None
    if len(data) > max_size:
        raise ValueError(f"the gzip body is larger than {max_size} bytes uncompressed")
    return data


def parse_sitemap(body, sitemap_url):
    """(child sitemaps, listings) of a sitemap index or a (news) sitemap."""
    parser = lxml.etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, no_network=True)
    root = lxml.etree.parse(BytesIO(sitemap_body(body)), parser).getroot()
    if root is None:
        return [], []
    ns = {"s": SITEMAP_NS, "n": NEWS_NS}
    children = [loc.strip() for loc in root.xpath("s:sitemap/s:loc/text()", namespaces=ns)]
    listings = []
    for url_element in root.xpath("s:url", namespaces=ns):
        loc = url_element.findtext(f"{{{SITEMAP_NS}}}loc")
        if not loc or not loc.strip():
            continue
        # The news:publication_date is when the story first ran; lastmod moves with every edit.
        dates = [
            url_element.findtext(f"{{{SITEMAP_NS}}}lastmod"),
            url_element.findtext(f"{{{NEWS_NS}}}news/{{{NEWS_NS}}}publication_date"),
        ]
        listings.append(
            Listing(
                url=clean_url(loc),
                via="sitemap",
                listed_in=sitemap_url,
                title=url_element.findtext(f"{{{NEWS_NS}}}news/{{{NEWS_NS}}}title"),
                updated=next((to_utc_iso(d.strip()) for d in dates if d and d.strip()), None),
                outlet=url_element.findtext(f"{{{NEWS_NS}}}news/{{{NEWS_NS}}}publication/{{{NEWS_NS}}}name"),
            )
        )
    return children, listings


FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf")
SITEMAP_ROOTS = (b"<urlset", b"<sitemapindex")


def document_kind(body):
    """feed, sitemap or page, from the first element of the document."""
    if body[:2] == GZIP_MAGIC:
        return "sitemap"
    start = body[:2048].lstrip().lower()
    while start.startswith((b"<?", b"<!--", b"<!doctype")) and b">" in start:
        start = start[start.index(b">") + 1 :].lstrip()
    if start.startswith(FEED_ROOTS):
        return "feed"
    if start.startswith(SITEMAP_ROOTS):
        return "sitemap"
    return "page"
