"""A registrar's news releases -> items: a listing page (the release links and the dates shown next
to them) and a release page (an announcement and, when it reports on a recall petition, a petition
count with its invalid-signature breakdown, linked to its watchlist campaign).

The figures themselves are read from the release's text by `recallwatch.parsers.petition_figures`.
A page that cannot be stored (no release, nested absurdly deep, without a readable date) gives one
`Rejected` and nothing else: no petition count of a release that is not stored.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import parsel
from bs4 import BeautifulSoup, Tag
from w3lib.html import get_base_url

from recallwatch.core.ids import fold, stable_id
from recallwatch.core.items import Announcement, InvalidReason, PetitionCount, Rejected
from recallwatch.parsers.error_pages import error_page_reason
from recallwatch.parsers.petition_figures import derived_figures, read_petition_report
from recallwatch.parsers.values import BadValue, date_value, written_date

BLOCK_ELEMENTS = frozenset({
    "address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "li", "main", "ol", "p", "pre", "section", "table", "tr", "ul",
})  # fmt: skip
CELLS = frozenset({"td", "th"})
# Real pages nest a few dozen elements deep; thousands is a broken or hostile page, whose reading
# would cost far more than it could give.
MAX_DEPTH = 500
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
    problem: str | None = None  # why the page is not read (nested too deep)
    unreadable_date: str | None = None  # why its date, when it gives only impossible ones, is not read


# --- One release page


def nesting_depth(root):
    """How many elements deep the tree goes below `root` (one pass, no recursion)."""
    deepest, stack = 0, [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element.contents if isinstance(child, Tag))
    return deepest


def content_of(soup):
    container = soup.select_one("article, main, [role=main], #content, .content, .region-content") or soup.body or soup
    for unwanted in container.select("script, style, nav, header, footer, form, aside, h1"):
        unwanted.decompose()
    return container


def page_text(container):
    """Plain text, one block (paragraph, list item, table row, line after a <br>) per line.

    One walk over the tree, writing a line break where a block opens and closes (inserting the
    breaks into the tree instead walked each block's subtree again: 548 s for a page 100,000
    elements deep). The strings read are those get_text() reads: no comments, no scripts."""
    string_types = container.interesting_string_types
    string_types = (string_types,) if isinstance(string_types, type) else tuple(string_types)
    pieces = []
    # (node, True) enters a node, (tag, False) leaves it: children are pushed in reverse order.
    stack = [(child, True) for child in reversed(container.contents)]
    while stack:
        node, entering = stack.pop()
        if not isinstance(node, Tag):
            if type(node) in string_types:
                pieces.append(node)
        elif not entering:
            pieces.append("\n" if node.name in BLOCK_ELEMENTS else " ")
        elif node.name == "br":
            pieces.append("\n")
        else:
            if node.name in BLOCK_ELEMENTS:
                pieces.append("\n")
            if node.name in BLOCK_ELEMENTS or node.name in CELLS:
                stack.append((node, False))
            stack.extend((child, True) for child in reversed(node.contents))
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
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


def date_candidates(soup, text):
    """The dates a release gives for itself, best first: a machine-readable <time> or meta tag,
    the dateline ("SAN FRANCISCO, Tuesday, November 9, 2021 –") or a line holding only a date, the
    first written date."""
    for selector, attribute in (("time[datetime]", "datetime"), ("meta[property='article:published_time']", "content")):
        element = soup.select_one(selector)
        if element is not None and element.get(attribute):
            yield element[attribute]
    for line in text.splitlines():
        if match := DATELINE.match(line) or DATE_LINE.match(line):
            yield match.group("date")
            break
    if match := WRITTEN_DATE.search(text):
        yield match.group(0)


def release_date(soup, text):
    """ISO date of a release: its first date that is a real one; None when it gives none. When
    every date it gives is impossible ("2099-13-45"), BadValue says the first."""
    unreadable = None
    for candidate in date_candidates(soup, text):
        try:
            return date_value(candidate, "published")
        except BadValue as problem:
            unreadable = unreadable or problem
    if unreadable:
        raise unreadable
    return None


def read_release_page(html):
    soup = BeautifulSoup(html, "lxml")
    depth = nesting_depth(soup)
    if depth > MAX_DEPTH:
        return ReleasePage(None, None, "", problem=f"the page nests elements {depth:,} deep (more than {MAX_DEPTH})")
    title = page_title(soup)
    text = page_text(content_of(soup))
    try:
        published = release_date(soup, text)
    except BadValue as unreadable:
        return ReleasePage(title, None, text, unreadable_date=str(unreadable))
    return ReleasePage(title=title, published=published, text=text)


def not_a_release(page):
    """Why a page is no release (empty, or a maintenance or error page), or None."""
    if not page.title and not page.text:
        return "not a release: the page is empty"
    if reason := error_page_reason(page.title, page.text, dated=page.published is not None):
        return f"not a release: {reason}"
    return None


# --- A listing page


@dataclass
class Listing:
    entries: list  # [(release URL, the date the listing shows next to it or None)] in page order
    next_page: str | None  # the next listing page's URL


def read_listing(html, url, release_path):
    """The releases a listing page links to (their URLs match `release_path`) and its next page."""
    page = parsel.Selector(text=html)
    base = get_base_url(html, url)
    links = [(link, link.attrib["href"]) for link in page.css("a[href]")]
    links = [(link, href) for link, href in links if re.search(release_path, urlsplit(urljoin(base, href)).path)]
    holding = release_links_held(links)
    entries = {}
    for link, href in links:
        release_url = urljoin(base, href)
        if release_url not in entries:
            entries[release_url] = listed_date(link, holding)
    next_page = page.css(NEXT_PAGE).attrib.get("href")
    return Listing(list(entries.items()), urljoin(base, next_page) if next_page else None)


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


def read_release(html, url, agency, jurisdiction, watchlist, listed_on=None):
    """The items of a release page: its Announcement and, when it reports on a petition, a
    Rejected for each figure that does not add up or was left out as unsure, the PetitionCount
    (unless the reader was unsure of everything) and its InvalidReasons. A page
    that cannot be stored gives one Rejected and nothing else. `listed_on` is the date the listing
    shows for it, used when the page gives none."""
    page = read_release_page(html)
    record = {"title": page.title, "text": page.text[:500]}
    if reason := page.problem or not_a_release(page):
        yield Rejected(reason, record)  # the page is no release to store
        return
    published = page.published or listed_on
    if published is None:
        yield Rejected(page.unreadable_date or "published is missing", record, Announcement.table)
        return
    announcement = Announcement(
        id=stable_id(agency, url), agency=agency, url=url, title=page.title, published=published, body=page.text
    )
    yield announcement
    report = read_petition_report(page.text, page.title)
    if report is None:
        return
    campaign_id = petition_campaign(watchlist, page.text, jurisdiction, published)
    count, reasons = petition_items(report, announcement, campaign_id)
    for problem in report.problems:
        yield Rejected(problem, dict(count), PetitionCount.table)
    # A figure the reader was unsure of is left out (a wrong figure is worse than a missing one);
    # the reason says which and why, and the release text stays in the announcement.
    for doubt in report.unsure:
        yield Rejected(f"petition figure left out: {doubt}", dict(count), PetitionCount.table)
    if report.unsure and not (report.figures or report.reasons or report.result):
        return  # nothing stated with certainty: no count row
    yield count
    yield from reasons
