"""One article page -> its metadata and body text.

The body text comes from trafilatura; the metadata from the page's JSON-LD and OpenGraph (read with
extruct), its other <meta> tags, <time> elements and <link rel=canonical>. Real pages disagree
with themselves, so every field is taken from the first source in a fixed order of reliability,
and each order below says why it is that order.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import trafilatura
from cssselect import GenericTranslator, SelectorError
from extruct.jsonld import JsonLdExtractor
from extruct.opengraph import OpenGraphExtractor
from trafilatura.utils import load_html

from recallwatch.parsers.news_discovery import clean_url
from recallwatch.parsers.values import as_utc, iso_utc, local_date, parse_datetime

ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
}
DATE_IN_URL = re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)(?:/|-|\.|$)|[-/](20\d\d)(\d\d)(\d\d)(?:\.html|/|$)")
BYLINE_PREFIX = re.compile(r"^\s*(by|written by|story by)\s+", re.IGNORECASE)
AUTHOR_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b|&)\s*", re.IGNORECASE)
TITLE_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]+$")

_jsonld = JsonLdExtractor()
_opengraph = OpenGraphExtractor()
_css = GenericTranslator()


@dataclass
class ArticlePage:
    url: str  # canonical address
    title: str | None
    authors: list = field(default_factory=list)
    published: str | None = None  # ISO UTC
    modified: str | None = None
    text: str | None = None
    description: str | None = None
    section: str | None = None
    language: str | None = None
    outlet: str | None = None
    paywalled: bool = False
    page_url: str | None = None  # the address it was fetched from


# --- reading the page's own descriptions of itself ---


def types_of(node):
    kind = node.get("@type")
    return set(kind) if isinstance(kind, list) else {kind}


def flatten_jsonld(items):
    """Every object of the page's JSON-LD blocks, @graph containers opened."""
    for item in items:
        if isinstance(item, dict):
            if isinstance(item.get("@graph"), list):
                yield from flatten_jsonld(item["@graph"])
            else:
                yield item
        elif isinstance(item, list):
            yield from flatten_jsonld(item)


def jsonld_objects(tree):
    objects = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            objects.extend(flatten_jsonld(_jsonld.extract_items(script)))
        except ValueError:  # a malformed block: the page's other blocks still count
            continue
    return objects


def article_object(objects):
    return next((o for o in objects if types_of(o) & ARTICLE_TYPES), {})


def opengraph_properties(tree):
    """OpenGraph (og:*, article:*) properties, each name to its list of values in page order."""
    properties = {}
    for block in _opengraph.extract_items(tree):
        for name, value in block["properties"]:
            properties.setdefault(name.lower(), []).append(value.strip())
    return properties


def meta_tags(tree):
    """Other <meta name=…>/<meta itemprop=…> values (author, date, parsely-*, sailthru.*)."""
    tags = {}
    for element in tree.xpath("//meta[@content and (@name or @itemprop)]"):
        name = (element.get("name") or element.get("itemprop")).lower()
        tags.setdefault(name, []).append(element.get("content").strip())
    return tags


def first(*candidates):
    for candidate in candidates:
        if isinstance(candidate, list):
            candidate = next((c for c in candidate if c), None)
        if isinstance(candidate, str):
            candidate = " ".join(candidate.split())
        if candidate:
            return candidate
    return None


def names_of(value):
    """Names in a JSON-LD author/publisher value: a string, a Person/Organization, or a list."""
    if isinstance(value, list):
        return [name for element in value for name in names_of(element)]
    if isinstance(value, dict):
        return names_of(value.get("name"))
    if isinstance(value, str) and value.strip():
        return [" ".join(value.split())]
    return []


def is_url(text):
    return bool(re.match(r"^(https?:)?//|^www\.", text.strip()))


def split_byline(text):
    text = BYLINE_PREFIX.sub("", " ".join(text.split()))
    return [name for name in AUTHOR_SEPARATOR.split(text) if name and not is_url(name)]


def unique(values):
    return list(dict.fromkeys(v for v in values if v))


# --- choosing each field ---


def choose_authors(article, opengraph, meta, tree):
    """JSON-LD `author` first: one structured entry per person, never a URL. `<meta name=author>`
    and friends next. `article:author` is last because publishers fill it with the author's
    profile URL as often as with a name (URLs are dropped). Last, the visible byline."""
    structured = [n for n in names_of(article.get("author")) if not is_url(n)]
    if structured:
        return unique(structured)
    for values in (
        meta.get("author"),
        meta.get("parsely-author"),
        meta.get("sailthru.author"),
        opengraph.get("article:author"),
    ):
        names = [name for value in values or [] for name in split_byline(value)]
        if names:
            return unique(names)
    byline = tree.xpath('string((//*[@rel="author"] | //*[contains(@class, "byline")])[1])')
    return unique(split_byline(byline)) if byline.strip() else []


def strip_site_name(title, site_name):
    """og:title and <title> often end in " | Site" or " - Site"."""
    if title and site_name:
        match = TITLE_SUFFIX.search(title)
        if match and site_name.lower() in match.group(0).lower():
            return title[: match.start()].strip()
    return title


def choose_title(article, opengraph, meta, tree, site_name):
    """JSON-LD `headline` first: it is the story's own headline, written for the article and never
    suffixed with the site name, whereas og:title is often a rewritten social-media headline and
    <title> carries the site name. Then og:title, twitter:title, the page's <h1>, <title>."""
    return first(
        article.get("headline") if isinstance(article.get("headline"), str) else None,
        strip_site_name(first(opengraph.get("og:title")), site_name),
        strip_site_name(first(meta.get("twitter:title")), site_name),
        tree.xpath("string((//article//h1 | //h1)[1])"),
        strip_site_name(tree.xpath("string(//title)"), site_name),
    )


def url_date(url):
    match = DATE_IN_URL.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day = [g for g in match.groups() if g][:3]
    try:
        return datetime(int(year), int(month), int(day)).date()
    except ValueError:
        return None


def resolve_naive(moment, url, timezone):
    """A date-time written without an offset. Sites disagree on what such a value means: the LA
    Times writes UTC there (its article:published_time is the JSON-LD instant minus the "Z"),
    others write local time. The date in the story's URL settles it when there is one: keep the
    reading whose local calendar date is the URL's date; otherwise the outlet's time zone."""
    readings = [as_utc(moment, timezone), as_utc(moment, "UTC")] if timezone else [as_utc(moment, "UTC")]
    day = url_date(url)
    if day:
        for reading in readings:
            if local_date(reading, timezone) == day:
                return reading
    return readings[0]


def choose_datetime(candidates, url, timezone):
    """The first candidate that carries a time zone wins; a naive one only if none does. Every
    source is tried in order of reliability, given by the caller."""
    parsed = [p for p in (parse_datetime(c) for c in candidates if c) if p is not None]
    aware = [p for p in parsed if p.tzinfo is not None]
    if aware:
        return iso_utc(aware[0])
    if parsed:
        return iso_utc(resolve_naive(parsed[0], url, timezone))
    return None


def published_candidates(article, opengraph, meta, tree):
    """JSON-LD `datePublished` first (structured, usually with an offset), then
    article:published_time (often written without its time zone), the other date <meta> tags,
    then the first <time datetime> in the page (also used for "updated" stamps, hence last)."""
    return [
        article.get("datePublished"),
        first(opengraph.get("article:published_time")),
        first(meta.get("article:published_time")),
        first(meta.get("datepublished")),
        first(meta.get("parsely-pub-date")),
        first(meta.get("sailthru.date")),
        first(meta.get("pubdate")),
        first(meta.get("date")),
        first(tree.xpath("(//article//time/@datetime | //time/@datetime)[1]")),
    ]


def modified_candidates(article, opengraph, meta):
    return [
        article.get("dateModified"),
        first(opengraph.get("article:modified_time")),
        first(meta.get("article:modified_time")),
        first(opengraph.get("og:updated_time")),
        first(meta.get("datemodified")),
    ]


def usable_canonical(candidate, base_url):
    """An absolute canonical address, or None when it is missing or points to the site's root
    (some CMSes put the home page there on paywalled or error pages)."""
    if not isinstance(candidate, str) or not candidate.strip():
        return None
    absolute = urljoin(base_url, candidate.strip())
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.path in ("", "/"):
        return None
    return clean_url(absolute)


def choose_canonical(article, opengraph, tree, page_url):
    """<link rel=canonical> first: it is the address the publisher asks search engines to index,
    and AMP or tracking variants point it at the main page. Then og:url, then the JSON-LD
    mainEntityOfPage / url, then the address the page was fetched from."""
    main_entity = article.get("mainEntityOfPage")
    if isinstance(main_entity, dict):
        main_entity = main_entity.get("@id") or main_entity.get("url")
    for candidate in (
        first(tree.xpath('//link[@rel="canonical"]/@href')),
        first(opengraph.get("og:url")),
        main_entity,
        article.get("url"),
    ):
        canonical = usable_canonical(candidate, page_url)
        if canonical:
            return canonical
    return clean_url(page_url)


def is_false(value):
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def paywall_selectors(article):
    """(paywalled, CSS selectors of the parts that are not free) from JSON-LD isAccessibleForFree
    and hasPart (Google's markup for subscription content)."""
    parts = article.get("hasPart") or []
    parts = parts if isinstance(parts, list) else [parts]
    selectors = [
        part.get("cssSelector")
        for part in parts
        if isinstance(part, dict) and is_false(part.get("isAccessibleForFree")) and part.get("cssSelector")
    ]
    return is_false(article.get("isAccessibleForFree")) or bool(selectors), selectors


def selectors_to_xpath(selectors):
    xpaths = []
    for selector in selectors:
        try:
            xpaths.append(_css.css_to_xpath(selector))
        except SelectorError:
            continue
    return xpaths


def body_text(tree, url, prune_xpaths):
    """The story's text, paragraphs separated by newlines, without navigation, related links,
    comments or tables; the parts behind the paywall are pruned first."""
    return trafilatura.extract(
        tree,
        url=url,
        include_comments=False,
        include_tables=False,
        prune_xpath=prune_xpaths or None,
    )


def without_repeated_title(text, title):
    """The body without a first line that only repeats the headline (when the <h1> sits inside
    the article element, trafilatura keeps it)."""
    if text and title:
        first_line, _, rest = text.partition("\n")
        if " ".join(first_line.split()).casefold() == " ".join(title.split()).casefold():
            return rest.strip() or text
    return text


def extract_article(html, page_url, outlet=None, timezone=None, fallback_title=None, fallback_published=None):
    """Read one article page. `outlet` is the curated name (from the watchlist) when the site is
    known, `timezone` the outlet's zone; the fallbacks come from the feed entry that listed it."""
    tree = load_html(html)
    if tree is None:
        return None
    objects = jsonld_objects(tree)
    article = article_object(objects)
    opengraph = opengraph_properties(tree)
    meta = meta_tags(tree)
    publisher = names_of(article.get("publisher"))
    site_name = first(publisher, opengraph.get("og:site_name"))
    paywalled, selectors = paywall_selectors(article)
    canonical = choose_canonical(article, opengraph, tree, page_url)
    text = body_text(tree, page_url, selectors_to_xpath(selectors))
    if not text and not paywalled:
        text = first(article.get("articleBody"))
    description = first(article.get("description"), opengraph.get("og:description"), meta.get("description"))
    title = choose_title(article, opengraph, meta, tree, site_name) or fallback_title
    text = without_repeated_title(text, title)
    return ArticlePage(
        url=canonical,
        page_url=page_url,
        title=title,
        authors=choose_authors(article, opengraph, meta, tree),
        published=choose_datetime(published_candidates(article, opengraph, meta, tree), canonical, timezone)
        or fallback_published,
        modified=choose_datetime(modified_candidates(article, opengraph, meta), canonical, timezone),
        text=text or description,
        description=description,
        section=first(article.get("articleSection"), opengraph.get("article:section")),
        language=first(tree.xpath("string(/html/@lang)"), article.get("inLanguage"), opengraph.get("og:locale")),
        # the curated name first, so that one outlet has one name across its sites and feeds
        outlet=outlet or site_name,
        paywalled=paywalled,
    )
