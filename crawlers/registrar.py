"""What the registrar spiders share: reading a news-release listing and a release page, and turning
each release into an announcement and, when it reports on a recall petition, a petition count
(with its invalid-signature breakdown) linked to its watchlist campaign.

The figures themselves are read from the release's text by `recallwatch.parsers.petition_figures`.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

import scrapy
from bs4 import BeautifulSoup

from crawlers.base import RecallSpider
from recallwatch.core.ids import fold, stable_id
from recallwatch.core.items import Announcement, InvalidReason, PetitionCount
from recallwatch.parsers.error_pages import error_page_reason
from recallwatch.parsers.petition_figures import derived_figures, read_petition_report
from recallwatch.parsers.values import written_date
from recallwatch.runtime.incremental import RECHECK_LINKS

BLOCK_ELEMENTS = [
    "address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "li", "main", "ol", "p", "pre", "section", "table", "tr", "ul",
]  # fmt: skip
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
WRITTEN_DATE = re.compile(rf"\b{MONTH}\s+\d{{1,2}},\s+\d{{4}}\b")
ANY_DATE = re.compile(rf"{WRITTEN_DATE.pattern}|\b\d{{1,2}}/\d{{1,2}}/\d{{4}}\b")
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+"
# "SAN FRANCISCO, Tuesday, November 9, 2021 – ..." or "NORWALK, Calif. (August 15, 2022) – ..."
DATELINE = re.compile(rf"^[A-Z][A-Z .'-]+,(?:\s*[A-Z][a-z]+\.,?)?\s*\(?(?:{WEEKDAY})?(?P<date>{WRITTEN_DATE.pattern})")
DATE_LINE = re.compile(rf"^\s*(?:{WEEKDAY})?(?P<date>{WRITTEN_DATE.pattern})\s*$")
NEXT_PAGE = "a[rel=next], .pager__item--next a, .pager-next a, li.next a, a[title='Go to next page']"


@dataclass
class ReleasePage:
    title: str | None
    published: str | None
    text: str


# --- One release page


def content_of(soup):
    container = soup.select_one("article, main, [role=main], #content, .content, .region-content") or soup.body or soup
    for unwanted in container.select("script, style, nav, header, footer, form, aside, h1"):
        unwanted.decompose()
    return container


def page_text(container):
    """Plain text, one block (paragraph, list item, table row, line after a <br>) per line."""
    for line_break in container.find_all("br"):
        line_break.replace_with("\n")
    for block in container.find_all(BLOCK_ELEMENTS):
        block.insert_before("\n")
        block.insert_after("\n")
    for cell in container.find_all(["td", "th"]):
        cell.insert_after(" ")
    lines = (" ".join(line.split()) for line in container.get_text().split("\n"))
    return "\n".join(line for line in lines if line)


def page_title(soup):
    for selector in ("article h1", "h1", "meta[property='og:title']", "title"):
        element = soup.select_one(selector)
        if element is not None:
            text = element.get("content") if element.name == "meta" else element.get_text(" ")
            text = " ".join((text or "").split())
            if text:
                return text
    return None


def release_date(soup, text):
    """ISO date of a release: a machine-readable <time> or meta tag, else the dateline ("SAN FRANCISCO,
    Tuesday, November 9, 2021 –") or a line holding only a date, else the first written date."""
    for selector, attribute in (("time[datetime]", "datetime"), ("meta[property='article:published_time']", "content")):
        element = soup.select_one(selector)
        if element is not None and element.get(attribute):
            if found := written_date(element[attribute]):
                return found
    for line in text.splitlines():
        match = DATELINE.match(line) or DATE_LINE.match(line)
        if match:
            return written_date(match.group("date"))
    match = WRITTEN_DATE.search(text)
    return written_date(match.group(0)) if match else None


def read_release_page(html):
    soup = BeautifulSoup(html, "lxml")
    title = page_title(soup)
    container = content_of(soup)
    text = page_text(container)
    return ReleasePage(title=title, published=release_date(soup, text), text=text)


def not_a_release(page):
    """Why a page is no release (empty, or a maintenance or error page), or None."""
    if not page.title and not page.text:
        return "not a release: the page is empty"
    if reason := error_page_reason(page.title, page.text, dated=page.published is not None):
        return f"not a release: {reason}"
    return None  # a short undated page is a release without a date: validation says so


# --- A listing page


def listing_entries(response, release_path):
    """[(release URL, the date the listing shows next to it or None)] in page order."""
    links = [(link, link.attrib["href"]) for link in response.css("a[href]")]
    links = [(link, href) for link, href in links if re.search(release_path, urlsplit(response.urljoin(href)).path)]
    holding = release_links_held(links)
    entries = {}
    for link, href in links:
        url = response.urljoin(href)
        if url not in entries:
            entries[url] = listed_date(link, holding)
    return list(entries.items())


def next_listing_url(response, listed_dates, oldest_relevant_date):
    """The next listing page, unless every release on this one predates the oldest date of interest."""
    next_page = response.css(NEXT_PAGE).attrib.get("href")
    dates = [day for day in listed_dates if day]
    if not next_page or (dates and oldest_relevant_date and max(dates) < oldest_relevant_date):
        return None
    return response.urljoin(next_page)


def release_links_held(links, levels=4):
    """{element: the release hrefs inside it} for the elements up to `levels` above each release
    link, computed once for the page (asking each link's ancestors for their links made reading a
    listing of n releases take n² steps: minutes for a few thousand)."""
    holding = defaultdict(set)
    for link, href in links:
        element = link.root
        for _ in range(levels):
            element = element.getparent()
            if element is None:
                break
            holding[element].add(href)
    return holding


def listed_date(link, holding, levels=4):
    """The date shown in the listing item that holds a link: the nearest enclosing element with a date
    outside the link's own text (a headline may name an election date), short of one that holds
    other releases too."""
    element = link.root
    for _ in range(levels):
        element = element.getparent()
        if element is None or len(holding.get(element, ())) > 1:
            return None
        text = " ".join(element.xpath(".//text()[not(ancestor::a)]"))
        if match := ANY_DATE.search(text):
            return written_date(match.group(0))
    return None


# --- Linking to the watchlist


def petition_campaign(watchlist, text, jurisdiction, on_date):
    """The watchlist recall campaign a petition release is about: a target of this jurisdiction named
    in the text (or, when none is named, whose office is), whose petition was open on that date.
    None when no campaign or more than one fits."""
    local_targets = [t for t in watchlist.targets if fold(t["jurisdiction"]) == fold(jurisdiction)]
    named = set(watchlist.targets_mentioned(text))
    targets = [t for t in local_targets if t["id"] in named]
    if not targets:
        office_words = watchlist.expand_office_words(text)
        targets = [t for t in local_targets if fold(t["office"]) in office_words]
    candidates = [
        campaign
        for target in targets
        for campaign in watchlist.campaigns_of(target["id"])
        if campaign["kind"] == "recall" and on_date and petition_window_holds(campaign, on_date)
    ]
    if len(candidates) > 1:
        folded = fold(text)
        candidates = [c for c in candidates if c.get("proponent") and fold(c["proponent"]) in folded] or candidates
    return candidates[0]["id"] if len(candidates) == 1 else None


def petition_window_holds(campaign, on_date):
    last_day = max(day for day in (campaign.get("ended"), campaign.get("deadline"), campaign["started"]) if day)
    return campaign["started"] <= on_date <= last_day


# --- Items


def evidence_of(report, projected, shortfall, computed_result):
    """For each column: the sentence of the release it was read from, or how it was computed."""
    value = report.value
    evidence = {
        "projected_valid" if name == "projected" else name: figure.sentence for name, figure in report.figures.items()
    }
    if projected is not None and "projected_valid" not in evidence:
        evidence["projected_valid"] = (
            f"computed: {value('submitted'):,} × {value('valid'):,} / {value('sampled'):,}, the rate to two decimals "
            "of a percent and the product rounded up (2 CCR §20530)"
        )
    if shortfall is not None and "shortfall" not in evidence:
        evidence["shortfall"] = f"computed: required − valid = {value('required'):,} − {value('valid'):,}"
    if report.result_sentence:
        evidence["result"] = report.result_sentence
    elif computed_result:
        evidence["result"] = "computed from the figures (Elections Code §11224, §11225)"
    return evidence


def petition_items(report, announcement, campaign_id):
    """The PetitionCount of a release and its InvalidReason rows."""
    projected, shortfall, computed_result = derived_figures(report)
    value = report.value
    evidence = evidence_of(report, projected, shortfall, computed_result)
    count = PetitionCount(
        id=stable_id(announcement["id"], report.stage),
        campaign_id=campaign_id,
        announcement_id=announcement["id"],
        stage=report.stage,
        as_of=announcement["published"],
        submitted=value("submitted"),
        sampled=value("sampled"),
        examined=value("examined"),
        valid=value("valid"),
        invalid=value("invalid"),
        required=value("required"),
        projected_valid=value("projected") if value("projected") is not None else projected,
        shortfall=shortfall,
        result=report.result or computed_result,
        evidence=json.dumps(evidence, ensure_ascii=False),
    )
    reasons = [
        InvalidReason(petition_count_id=count["id"], reason=line.reason, count=line.count, evidence=line.line)
        for line in report.reasons
    ]
    return count, reasons


class RegistrarSpider(RecallSpider):
    """A registrar's paged news-release listing and its releases. Subclasses set the agency, its
    jurisdiction (as the watchlist spells it), the listing URL and the path of a release."""

    agency = ""
    jurisdiction = ""
    listing_url = ""
    release_path = ""

    def configured_requests(self):
        yield scrapy.Request(self.listing_url, callback=self.parse_listing, meta={RECHECK_LINKS: True})

    def callback_for_url(self, url):
        """A release (or a local file) is read as a release; another page of the site as a listing."""
        is_web_page = url.startswith(("http://", "https://"))
        if is_web_page and not re.search(self.release_path, urlsplit(url).path):
            return self.parse_listing
        return self.parse_release

    @property
    def oldest_relevant_date(self):
        """Listing pages older than the first watched campaign here are not read."""
        starts = [c["started"] for c in self.watchlist.campaigns if fold(c["jurisdiction"]) == fold(self.jurisdiction)]
        return min(starts) if starts else None

    def parse_listing(self, response):
        entries = listing_entries(response, self.release_path)
        for url, listed_on in entries:
            yield scrapy.Request(url, callback=self.parse_release, cb_kwargs={"listed_on": listed_on})
        next_page = next_listing_url(response, [listed_on for _, listed_on in entries], self.oldest_relevant_date)
        if next_page:
            yield scrapy.Request(next_page, callback=self.parse_listing, meta={RECHECK_LINKS: True})

    def parse_release(self, response, listed_on=None):
        page = read_release_page(response.text)
        if reason := not_a_release(page):
            self.reject(reason, response=response, record={"title": page.title, "text": page.text[:500]})
            return
        announcement = Announcement(
            id=stable_id(self.agency, response.url),
            agency=self.agency,
            url=response.url,
            title=page.title,
            published=page.published or listed_on,
            body=page.text,
        )
        yield announcement
        report = read_petition_report(page.text, page.title)
        if report is None:
            return
        campaign_id = petition_campaign(self.watchlist, page.text, self.jurisdiction, announcement["published"])
        count, reasons = petition_items(report, announcement, campaign_id)
        for problem in report.problems:
            self.reject(problem, response=response, record=dict(count), item_type=PetitionCount.table)
        yield count
        yield from reasons
