"""Los Angeles County Registrar-Recorder/County Clerk news releases: the paged listing and each
release. Every release is stored as an announcement (title, date, plain text of the body)."""

import re

import dateparser
import scrapy
from bs4 import BeautifulSoup

from crawlers.base import RecallSpider
from crawlers.items import Announcement
from recallwatch.ids import stable_id

AGENCY = "Los Angeles County Registrar-Recorder/County Clerk"
BLOCK_TAGS = ["p", "li", "h2", "h3", "h4", "tr", "blockquote", "pre"]
DATE_IN_TEXT = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)\s+\d{1,2},\s+\d{4}"
)


def release_text(soup):
    """The release body as plain text, one block (paragraph, list item, row) per line."""
    container = soup.select_one("article, main, [role=main], .content, #content") or soup.body or soup
    for unwanted in container.select("script, style, nav, header, footer, form, aside"):
        unwanted.decompose()
    blocks = []
    for element in container.find_all(BLOCK_TAGS):
        if element.find(BLOCK_TAGS):
            continue
        text = " ".join(element.get_text(" ").split())
        if text:
            blocks.append(text)
    return "\n".join(blocks) if blocks else " ".join(container.get_text(" ").split())


def release_title(soup):
    for selector in ("article h1", "h1", "meta[property='og:title']", "title"):
        element = soup.select_one(selector)
        if element is not None:
            text = element.get("content") if element.name == "meta" else element.get_text(" ")
            text = " ".join((text or "").split())
            if text:
                return text
    return None


def release_date(soup, text):
    """ISO date of a release: a machine-readable <time> or meta tag first, else the first written
    date in the text (the dateline)."""
    for selector, attribute in (("time[datetime]", "datetime"), ("meta[property='article:published_time']", "content")):
        element = soup.select_one(selector)
        if element is not None and element.get(attribute):
            parsed = dateparser.parse(element[attribute], settings={"PREFER_DAY_OF_MONTH": "first"})
            if parsed:
                return parsed.date().isoformat()
    match = DATE_IN_TEXT.search(text or "")
    if match:
        parsed = dateparser.parse(match.group(0), languages=["en"])
        if parsed:
            return parsed.date().isoformat()
    return None


def parse_release_page(html, url, agency=AGENCY):
    soup = BeautifulSoup(html, "lxml")
    text = release_text(soup)
    return Announcement(
        id=stable_id(agency, url),
        agency=agency,
        url=url,
        title=release_title(soup),
        published=release_date(soup, text),
        body=text,
    )


def release_links(response):
    """Links to releases on a listing page, and the next listing page (if any)."""
    links = response.css(".news-list a::attr(href), .views-row a::attr(href), article h2 a::attr(href)").getall()
    next_page = response.css("a[rel=next]::attr(href), .pager__item--next a::attr(href)").get()
    return [response.urljoin(link) for link in dict.fromkeys(links)], (
        response.urljoin(next_page) if next_page else None
    )


class RegistrarLavoteSpider(RecallSpider):
    name = "registrar_lavote"
    allowed_domains = ["lavote.gov", "www.lavote.gov"]
    listing_url = "https://www.lavote.gov/home/records/news-releases"

    def configured_requests(self):
        yield scrapy.Request(self.listing_url, callback=self.parse_listing)

    def callback_for_url(self, url):
        return self.parse_release

    def parse_listing(self, response):
        releases, next_page = release_links(response)
        for url in releases:
            yield scrapy.Request(url, callback=self.parse_release)
        if next_page:
            yield scrapy.Request(next_page, callback=self.parse_listing)

    def parse_release(self, response):
        yield parse_release_page(response.text, response.url)
