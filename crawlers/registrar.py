"""What the registrar spiders share: paging through a news-release listing and reading each release
(recallwatch/parsers/releases.py) into an announcement and, when it reports on a recall petition, a
petition count (with its invalid-signature breakdown) linked to its watchlist campaign."""

import re
from urllib.parse import urlsplit

import scrapy

from crawlers.base import RecallSpider
from recallwatch.core.ids import fold
from recallwatch.parsers.releases import read_listing, read_release
from recallwatch.runtime.incremental import RECHECK_LINKS


def next_listing_url(listing, oldest_relevant_date):
    """The next listing page, unless every release on this one predates the oldest date of interest."""
    dates = [listed_on for _, listed_on in listing.entries if listed_on]
    if dates and oldest_relevant_date and max(dates) < oldest_relevant_date:
        return None
    return listing.next_page


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
        listing = read_listing(response.text, response.url, self.release_path)
        for url, listed_on in listing.entries:
            yield scrapy.Request(url, callback=self.parse_release, cb_kwargs={"listed_on": listed_on})
        next_page = next_listing_url(listing, self.oldest_relevant_date)
        if next_page:
            yield scrapy.Request(next_page, callback=self.parse_listing, meta={RECHECK_LINKS: True})

    def parse_release(self, response, listed_on=None):
        items = read_release(response.text, response.url, self.agency, self.jurisdiction, self.watchlist, listed_on)
        yield from self.forward(items, response)
