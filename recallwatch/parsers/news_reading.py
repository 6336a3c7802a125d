"""One article page -> everything the news spider needs to decide what to store, in one pure call:
the page read (news_extract), whether it is an error page, what it mentions (news_relevance) and
its text's hash and fingerprint (news_dedup). It is the CPU-heavy part of a news crawl, run in the
extraction workers (recallwatch/runtime/reader_pool.py) or in the crawl's own process; what the
page is stored as (new story, version, duplicate) depends on the stories stored before it and is
decided by the spider, in order."""

from dataclasses import dataclass, field

from recallwatch.parsers.error_pages import error_page_reason
from recallwatch.parsers.news_dedup import content_hash, fingerprint
from recallwatch.parsers.news_extract import ArticlePage, extract_article

NO_ARTICLE = "no article title or text found in the page"


@dataclass
class PageReading:
    page: ArticlePage | None
    reject: str | None = None  # why the page is no article
    mentions: list = field(default_factory=list)  # (entity_type, entity_id); empty = off-topic
    content_hash: str | None = None
    fingerprint: str | None = None


def read_page(finder, html, url, outlet=None, timezone=None, fallback_title=None, fallback_published=None):
    """finder: the run's MentionFinder; the rest as extract_article takes them."""
    page = extract_article(
        html,
        url,
        outlet=outlet,
        timezone=timezone,
        fallback_title=fallback_title,
        fallback_published=fallback_published,
    )
    if page is None or not page.text or not page.title:
        return PageReading(page=None, reject=NO_ARTICLE)
    if reason := error_page_reason(page.title, page.text, dated=page.published is not None):
        return PageReading(page=None, reject=f"not an article: {reason}")
    return PageReading(
        page=page,
        mentions=finder.find(" ".join(filter(None, [page.title, page.description, page.text])), page.published),
        content_hash=content_hash(page.text),
        fingerprint=fingerprint(page.text),
    )
