"""What both registrar spiders share, under a misbehaving site: a maintenance or error page served
with 200 in place of a release is a reject, not an announcement; a listing of thousands of
releases is read in one pass over its links."""

import parsel
import pytest

from crawlers.registrar_lavote import RegistrarLavoteSpider
from recallwatch.parsers.error_pages import error_in_title
from recallwatch.parsers.releases import not_a_release, read_listing, read_release_page
from tests.crawl import FIXTURES, crawled, file_url
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
    result = crawled("registrar_lavote", tmp_path, f"url={file_url(page)}")
    assert result.db["announcements"].count == 0
    reasons = [row["reason"] for row in result.db.query("select reason from rejects")]
    assert reasons == ["not a release: the page says 'under maintenance' (a maintenance or error page)"]
    assert result.last_run("registrar_lavote")["status"] == "partial"


def test_a_listing_of_thousands_is_read_in_one_pass(monkeypatch):
    """Every release link is found, in order, and the page is searched for links once (it was
    searched again for each link's ancestors: n² steps, minutes for a few thousand releases)."""
    links = "\n".join(f'<li><a href="{release_url(n)}">Notice {n}</a></li>' for n in range(3000))
    html = f'<html><body><main><ul class="news-list">{links}</ul></main></body></html>'
    searches = []
    css = parsel.Selector.css
    monkeypatch.setattr(parsel.Selector, "css", lambda self, query: searches.append(query) or css(self, query))
    listing = read_listing(html, LISTING_URL, RegistrarLavoteSpider.release_path)
    assert [url for url, _ in listing.entries] == [release_url(n) for n in range(3000)]
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


def test_a_release_that_cannot_be_stored_stores_nothing_but_its_reject(tmp_path):
    """A release without a readable date (an impossible one) or nested 100,000 elements deep: one
    reject with the reason, and no announcement, petition count or invalid reason of it (its
    counts were stored with no date and no campaign). A good release next to them is stored."""
    full_count = (FIXTURES / "registrar_lavote" / "full_count_dash_list.html").read_text(encoding="utf-8")
    date_line = "FOR IMMEDIATE RELEASE<br>August 15, 2022"
    pages = {
        "good.html": full_count,
        "impossible-date.html": full_count.replace(date_line, "FOR IMMEDIATE RELEASE<br>February 30, 2022"),
        "impossible-time.html": full_count.replace(date_line, "FOR IMMEDIATE RELEASE").replace(
            "<article>", '<article><time datetime="2099-13-45">'
        ),
        "deep.html": f"<html><body><main>{'<div>' * 100_000}{full_count}{'</div>' * 100_000}</main></body></html>",
    }
    for name, html in pages.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    links = "".join(f'<li><a href="{name}">{name}</a></li>' for name in pages)
    (tmp_path / "listing.htm").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")
    listing = f"listing_url={file_url(tmp_path / 'listing.htm')}"
    result = crawled("registrar_lavote", tmp_path, listing, r"release_path=\.html$")
    db = result.db
    rejects = {row["url"].removeprefix("file:"): (row["reason"], row["item_type"]) for row in db["rejects"].rows}
    assert rejects == {
        "impossible-date.html": ("published is not a real date: 'February 30, 2022'", "announcements"),
        "impossible-time.html": ("published is not a real date: '2099-13-45'", "announcements"),
        "deep.html": ("the page nests elements 100,007 deep (more than 500)", None),
    }
    assert [row["url"].removeprefix("file:") for row in db["announcements"].rows] == ["good.html"]
    (count,) = db["petition_counts"].rows
    assert (count["as_of"], count["campaign_id"]) == ("2022-08-15", "gascon-recall-2022")
    assert db["invalid_reasons"].count == 7
    assert db["invalid_reasons"].count_where("petition_count_id != ?", [count["id"]]) == 0
    assert result.last_run("registrar_lavote")["status"] == "partial"
