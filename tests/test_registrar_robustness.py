"""What both registrar spiders share, under a misbehaving site: a maintenance or error page served
with 200 in place of a release is a reject, not an announcement; a listing of thousands of
releases is read in one pass over its links."""

import parsel
import pytest
from scrapy.http import HtmlResponse

from crawlers.registrar import listing_entries, not_a_release, read_release_page
from crawlers.registrar_lavote import RegistrarLavoteSpider
from recallwatch.parsers.error_pages import error_in_title
from tests.crawl import crawl, file_url
from tests.synthetic import LISTING_URL, release_html, release_url

MAINTENANCE = """<html><head><title>Site under maintenance</title></head>
<body><h1>Site under maintenance</h1><p>We will be back shortly.</p></body></html>"""
GENERIC_ERROR = """<html><head><title>Los Angeles County Registrar-Recorder/County Clerk</title></head>
<body><main><p>Sorry, something went wrong. Please try again later.</p></main></body></html>"""


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (MAINTENANCE, "not a release: the page says 'under maintenance' (a maintenance or error page)"),
        (GENERIC_ERROR, "not a release: the page says 'something went wrong' (a maintenance or error page)"),
        ("", "not a release: the page is empty"),
    ],
)
def test_a_page_that_is_no_release_says_why(html, reason):
    assert not_a_release(read_release_page(html)) == reason


def test_a_real_release_is_a_release():
    assert not_a_release(read_release_page(release_html(7).decode())) is None


def test_a_maintenance_page_crawled_as_a_release_is_rejected_not_stored(tmp_path):
    page = tmp_path / "maintenance.html"
    page.write_text(MAINTENANCE)
    result = crawl("registrar_lavote", tmp_path, f"url={file_url(page)}")
    assert result.returncode == 0, result.output
    assert result.db["announcements"].count == 0
    reasons = [row["reason"] for row in result.db.query("select reason from rejects")]
    assert reasons == ["not a release: the page says 'under maintenance' (a maintenance or error page)"]
    assert result.last_run("registrar_lavote")["status"] == "partial"


def test_a_listing_of_thousands_is_read_in_one_pass(monkeypatch):
    """Every release link is found, in order, and the page is searched for links once (it was
    searched again for each link's ancestors: n² steps, minutes for a few thousand releases)."""
    links = "\n".join(f'<li><a href="{release_url(n)}">Notice {n}</a></li>' for n in range(3000))
    body = f'<html><body><main><ul class="news-list">{links}</ul></main></body></html>'.encode()
    searches = []
    css = parsel.Selector.css
    monkeypatch.setattr(parsel.Selector, "css", lambda self, query: searches.append(query) or css(self, query))
    entries = listing_entries(HtmlResponse(LISTING_URL, body=body), RegistrarLavoteSpider.release_path)
    assert [url for url, _ in entries] == [release_url(n) for n in range(3000)]
    assert len(searches) <= 2


@pytest.mark.parametrize(
    ("title", "error"),
    [
        ("404 Not Found", "Not Found"),
        ("403 Forbidden | LAist", "Forbidden"),
        ("Page not found - Los Angeles Times", "Page not found"),
        ("Site under maintenance", "under maintenance"),
        ("Judge: DA forbidden from charging juveniles as adults", None),
        ("Recall backers say 40,000 signatures were not found in county records", None),
    ],
)
def test_an_error_title_is_told_from_a_headline_that_uses_the_words(title, error):
    match = error_in_title(title)
    assert (match.group(0) if match else None) == error
