"""Registrar release pages -> items (recallwatch/parsers/releases.py): the text of a page, its date,
the items of a release, and the pages it refuses (nested absurdly deep, without a readable date)
with the reason and nothing else."""

import pytest
from bs4 import BeautifulSoup

from recallwatch.core.items import Announcement, InvalidReason, PetitionCount, Rejected
from recallwatch.core.watchlist import Watchlist
from recallwatch.parsers.releases import (
    BLOCK_ELEMENTS,
    content_of,
    page_text,
    read_release,
    read_release_page,
)
from tests.crawl import FIXTURES, REPO

WATCHLIST = Watchlist.load(REPO / "data" / "watchlist.yml")
LA = "Los Angeles County"
URL = "https://www.lavote.gov/home/records/news-releases/2022/recall-petition-district-attorney-full-count-results"
FULL_COUNT = FIXTURES / "registrar_lavote" / "full_count_dash_list.html"
REAL_PAGES = sorted(
    [
        *FIXTURES.glob("registrar_*/*.html"),
        *FIXTURES.glob("foundation/*.html"),
        *FIXTURES.glob("news/*.html"),
        *(REPO / "snapshot").glob("registrar_*/*.html"),
    ]
)


def text_by_inserting_breaks(container):
    """How page_text read a page before: line breaks inserted into the tree around each block (a
    walk of the block's subtree at each insert: minutes for a page nested thousands deep)."""
    for line_break in container.find_all("br"):
        line_break.replace_with("\n")
    for block in container.find_all(list(BLOCK_ELEMENTS)):
        block.insert_before("\n")
        block.insert_after("\n")
    for cell in container.find_all(["td", "th"]):
        cell.insert_after(" ")
    lines = (" ".join(line.split()) for line in container.get_text().split("\n"))
    return "\n".join(line for line in lines if line)


def both_readings(html):
    return (
        page_text(content_of(BeautifulSoup(html, "lxml"))),
        text_by_inserting_breaks(content_of(BeautifulSoup(html, "lxml"))),
    )


def release_items(html, listed_on=None, url=URL):
    return list(read_release(html, url, "RR/CC", LA, WATCHLIST, listed_on))


def nested(depth, inner="<p>NORWALK, Calif. (August 15, 2022) – The recall petition was filed.</p>"):
    return f"<html><body><main>{'<div>' * depth}{inner}{'</div>' * depth}</main></body></html>"


@pytest.mark.parametrize("path", REAL_PAGES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_the_text_of_every_real_page_is_what_inserting_line_breaks_gave(path):
    new, old = both_readings(path.read_text(encoding="utf-8"))
    assert new == old
    assert new  # every one of these pages has text


def test_blocks_breaks_and_cells_each_make_their_line():
    html = """<main><p>One <b>bold</b> line<br>Two</p><!-- a comment --><table><tr><td>Valid</td><td>520,050</td></tr>
    <tr><th>Invalid</th><td>195,783</td></tr></table><div>Last<div>nested</div>tail</div></main>"""
    assert page_text(content_of(BeautifulSoup(html, "lxml"))) == (
        "One bold line\nTwo\nValid 520,050\nInvalid 195,783\nLast\nnested\ntail"
    )
    assert both_readings(html)[0] == both_readings(html)[1]


def test_a_page_nested_deep_but_within_bounds_is_read():
    html = nested(450)
    page = read_release_page(html)
    assert (page.problem, page.published) == (None, "2022-08-15")
    assert page.text == "NORWALK, Calif. (August 15, 2022) – The recall petition was filed."
    assert both_readings(html)[0] == page.text


def test_a_page_nested_100000_deep_is_rejected_with_the_reason():
    html = nested(100_000)
    assert len(html) > 1_100_000
    assert release_items(html) == [
        Rejected("the page nests elements 100,004 deep (more than 500)", {"title": None, "text": ""})
    ]


def test_a_release_gives_its_announcement_petition_count_and_invalid_reasons():
    items = release_items(FULL_COUNT.read_text(encoding="utf-8"))
    announcement, count, *reasons = items
    assert isinstance(announcement, Announcement) and isinstance(count, PetitionCount)
    assert (announcement["published"], announcement["title"]) == (
        "2022-08-15",
        "Examination of Recall Petition Signatures Completed",
    )
    assert (count["campaign_id"], count["as_of"], count["stage"], count["announcement_id"]) == (
        "gascon-recall-2022",
        "2022-08-15",
        "full count",
        announcement["id"],
    )
    assert all(isinstance(reason, InvalidReason) for reason in reasons)
    assert sum(reason["count"] for reason in reasons) == 195783 == count["invalid"]


def test_figures_that_do_not_add_up_are_rejected_and_the_count_kept():
    items = release_items((FIXTURES / "registrar_lavote" / "full_count_typo.html").read_text(encoding="utf-8"))
    rejected = [item for item in items if isinstance(item, Rejected)]
    assert [r.item_type for r in rejected] == ["petition_counts", "petition_counts"]
    assert [type(item).__name__ for item in items if not isinstance(item, Rejected)][:2] == [
        "Announcement",
        "PetitionCount",
    ]


DATED = "<p>NORWALK, Calif. (August 15, 2022) – The recall petition was filed.</p>"


@pytest.mark.parametrize(
    ("head", "body", "published"),
    [
        ('<time datetime="2022-08-16T09:00:00-07:00">Aug 16</time>', DATED, "2022-08-16"),
        ('<meta property="article:published_time" content="2022-08-17">', DATED, "2022-08-17"),
        ('<time datetime="0000-00-00">', DATED, "2022-08-15"),  # an impossible tag: the dateline says
        ("", "<p>FOR IMMEDIATE RELEASE<br>Tuesday, November 9, 2021</p><p>The count.</p>", "2021-11-09"),
        ("", "<p>The count, as of Nov. 9, 2021, is under way.</p>", "2021-11-09"),
    ],
)
def test_the_date_of_a_release_is_its_first_real_one(head, body, published):
    page = read_release_page(f"<html><head>{head}</head><body><article>{head}{body}</article></body></html>")
    assert (page.published, page.unreadable_date) == (published, None)


def with_date_line(date_line, head=""):
    html = FULL_COUNT.read_text(encoding="utf-8").replace("FOR IMMEDIATE RELEASE<br>August 15, 2022", date_line)
    return html.replace("<article>", f"<article>{head}")


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (with_date_line("FOR IMMEDIATE RELEASE<br>February 30, 2022"),
         "published is not a real date: 'February 30, 2022'"),
        (with_date_line("FOR IMMEDIATE RELEASE", '<time datetime="2099-13-45">'),
         "published is not a real date: '2099-13-45'"),
        (with_date_line("FOR IMMEDIATE RELEASE", '<time datetime="1066-10-14">'),
         "published is outside 1900-01-01..2100-12-31: '1066-10-14'"),
        (with_date_line("FOR IMMEDIATE RELEASE"), "published is missing"),
    ],
)  # fmt: skip
def test_a_release_without_a_readable_date_gives_one_reject_and_nothing_else(html, reason):
    (rejected,) = release_items(html)
    assert (rejected.reason, rejected.item_type) == (reason, "announcements")
    assert rejected.record["title"] == "Examination of Recall Petition Signatures Completed"


def test_the_listing_date_dates_a_release_whose_own_date_is_impossible():
    items = release_items(with_date_line("FOR IMMEDIATE RELEASE<br>February 30, 2022"), listed_on="2022-08-15")
    assert [type(item).__name__ for item in items][:2] == ["Announcement", "PetitionCount"]
    assert items[0]["published"] == items[1]["as_of"] == "2022-08-15"


def test_a_release_whose_figures_are_all_unsure_stores_no_count_and_says_why():
    html = """<html><head><title>Recall petitions</title></head><body><article><h1>Recall petitions</h1>
    <p>SAN FRANCISCO, Tuesday, November 9, 2021 - The Department of Elections received two recall petitions.
    The petition against the first official had 1,200 valid signatures. The petition against the second
    official had 1,450 valid signatures.</p></article></body></html>"""
    items = list(read_release(html, "https://sfelections.example/release", "sfelections", "San Francisco", WATCHLIST))
    rejected = [item for item in items if isinstance(item, Rejected)]
    assert [type(item).__name__ for item in items if not isinstance(item, Rejected)] == ["Announcement"]
    assert rejected and all(r.reason.startswith("petition figure left out: ") for r in rejected)
