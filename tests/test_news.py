import asyncio
import shutil
import subprocess
import sys

import pytest
import yaml
from datasette.app import Datasette

from recallwatch.core.watchlist import Watchlist
from recallwatch.parsers.news_dedup import DUPLICATE, NEW, NEWER, OLDER, StoryIndex, content_hash, fingerprint
from recallwatch.parsers.news_discovery import clean_url, document_kind, google_news_queries, parse_feed, parse_sitemap
from recallwatch.parsers.news_extract import extract_article
from recallwatch.parsers.news_relevance import MentionFinder
from tests.crawl import FIXTURES, REPO, crawl, crawled, file_url

NEWS = FIXTURES / "news"
WATCHLIST = Watchlist.load(REPO / "data" / "watchlist.yml")
GASCON_FAILS = (
    "https://www.latimes.com/california/story/2022-08-15/recall-effort-la-district-attorney-george-gascon-fails"
)
KQED_STORY = "https://www.kqed.org/news/11897531/boudin-recall-qualifies-for-ballot"


def read(name):
    return (NEWS / name).read_bytes()


def page(name, url="https://example.org/page", **kwargs):
    return extract_article(read(name), url, **kwargs)


# --- discovery ---


def test_rss_feed_gives_article_links_and_dates():
    listings, problem = parse_feed(read("latimes_california.rss"), "https://www.latimes.com/california/rss2.0.xml")
    assert problem is None
    assert [listing.url for listing in listings][0] == GASCON_FAILS
    assert listings[0].updated == "2022-08-15T23:52:10Z"


def test_atom_feed_uses_the_alternate_link_not_the_enclosure():
    listings, _ = parse_feed(read("laist.atom"), "https://laist.com/index.atom")
    assert listings[1].url == "https://laist.com/news/politics/gascon-recall-campaign-turns-in-signatures"
    assert listings[1].updated == "2022-07-07T01:02:00Z"  # <updated>, not <published>


def test_real_atom_sample_skips_an_entry_whose_only_link_is_rel_self():
    listings, _ = parse_feed(read("sample_feed1.atom"), "http://example.org/feed")
    assert [listing.url for listing in listings] == ["http://example.org/2003/12/13/atom03"]


def test_real_rss_sample():
    listings, _ = parse_feed(read("sample_feed2.rss"), "http://www.example.com/feed")
    assert listings[0].url == "http://www.example.com/blog/post/1"
    assert listings[0].updated == "2009-09-06T16:20:00Z"


def test_rdf_feed():
    listings, problem = parse_feed(read("bolts.rdf"), "https://boltsmag.org/feed/rdf/")
    assert problem is None
    assert listings[0].url == "https://boltsmag.org/pennsylvania-house-impeaches-larry-krasner/"
    assert listings[0].updated == "2022-11-17T00:40:00Z"


def test_feed_links_lose_their_tracking_parameters():
    listings, _ = parse_feed(read("appeal.rss"), "https://theappeal.org/feed/")
    assert listings[0].url == "https://theappeal.org/chesa-boudin-recall-what-it-means/"
    assert clean_url("https://x.com/a?id=3&utm_source=rss&fbclid=1#top") == "https://x.com/a?id=3"
    assert clean_url("https://x.com/a?_amp=true") == "https://x.com/a?_amp=true"  # for rel=canonical to say


def test_google_news_items_keep_the_redirect_link_and_name_the_publisher():
    listings, _ = parse_feed(read("google_news_gascon.rss"), "https://news.google.com/rss/search", via="google_news")
    assert listings[0].url.startswith("https://news.google.com/rss/articles/CBMi")
    assert listings[0].outlet == "Los Angeles Times"


def test_google_news_queries_are_built_from_the_watchlist():
    queries = google_news_queries(WATCHLIST)
    assert '"Larry Krasner" impeachment' in queries
    assert '"George Gascón" recall' in queries


def test_a_page_that_is_not_a_feed_is_reported():
    listings, problem = parse_feed(
        b"<html><body>Not found</body></html>", "https://x.com/feed", content_type="text/html"
    )
    assert listings == [] and "not a readable feed" in problem


def test_real_sitemap_index_sample_with_cdata():
    children, listings = parse_sitemap(read("sample_sitemap2.xml"), "http://www.example.com/sitemap.xml")
    assert children == ["http://www.example.com/sitemap1.xml.gz", "http://www.example.com/sitemap2.xml.gz"]
    assert listings == []


def test_gzipped_news_sitemap():
    children, listings = parse_sitemap(read("kqed_news_sitemap.xml.gz"), "https://www.kqed.org/news-sitemap-1.xml.gz")
    assert children == []
    assert listings[0].url.endswith("/boudin-recall-headed-to-june-ballot-after-signatures-verified")
    assert listings[0].updated == "2021-11-10T01:45:00Z"  # lastmod: moves with the edit
    assert listings[0].outlet == "KQED"


def test_document_kind_sniffs_what_was_given():
    assert document_kind(read("bolts.rdf")) == "feed"
    assert document_kind(read("laist.atom")) == "feed"
    assert document_kind(read("kqed_news_sitemap_index.xml")) == "sitemap"
    assert document_kind(read("kqed_news_sitemap.xml.gz")) == "sitemap"
    assert document_kind(read("kqed.html")) == "page"


# --- extraction, outlet by outlet ---


def test_latimes_paywalled_page_keeps_the_public_part():
    article = page("latimes_paywalled.html", GASCON_FAILS, outlet="Los Angeles Times", timezone="America/Los_Angeles")
    assert article.paywalled
    assert "520,050 valid" in article.text
    assert "legal challenge" not in article.text  # inside .paywall, and in the JSON-LD articleBody
    assert article.title.startswith("Recall effort against L.A. County")  # JSON-LD headline, not og:title
    assert article.authors == ["Dana Whitfield", "Marco Ibarra"]  # article:author holds URLs
    assert article.published == "2022-08-15T23:52:10Z"
    assert article.modified == "2022-08-16T01:05:44Z"
    assert article.url == GASCON_FAILS


def test_amp_variant_points_to_the_canonical_address():
    article = page("latimes_amp.html", GASCON_FAILS + "?_amp=true")
    assert article.url == GASCON_FAILS


def test_published_time_without_zone_is_read_against_the_date_in_the_url():
    url = "https://www.latimes.com/california/story/2021-09-15/first-effort-to-recall-los-angeles-district-attorney-george-gascon-fizzles-out-but-a-retry-is-coming"
    article = page("latimes_naive_date.html", url, timezone="America/Los_Angeles")
    # "2021-09-16T02:10:00" is UTC: read as Los Angeles time it would fall on the 16th, not the URL's 15th
    assert article.published == "2021-09-16T02:10:00Z"


def test_laist():
    article = page("laist.html", "https://laist.com/news/politics/gascon-recall-campaign-turns-in-signatures")
    assert article.outlet == "LAist"
    assert article.authors == ["Priya Halvorsen"]
    assert article.published == "2022-07-06T21:30:00Z"
    assert not article.paywalled
    assert "Donate" not in article.text and "You Make LAist Possible" not in article.text


def test_kqed_wordpress_yoast_graph():
    article = page("kqed.html", KQED_STORY)
    assert article.outlet == "KQED"
    assert article.title == "Recall of SF District Attorney Chesa Boudin Qualifies for Ballot"
    assert article.authors == ["Lena Okafor"]
    assert article.published == "2021-11-09T19:20:00Z"
    assert article.section == "Politics"
    assert "Finally, the voters get a say" not in article.text  # reader comment


def test_appeal_author_only_referenced_in_the_graph_comes_from_meta():
    article = page("appeal.html", "https://theappeal.org/chesa-boudin-recall-what-it-means/")
    assert article.authors == ["Jordan Ashby"]
    assert article.outlet == "The Appeal"
    assert article.modified == "2022-06-08T15:30:12Z"


def test_bolts_without_json_ld():
    article = page("bolts.html", "https://boltsmag.org/pennsylvania-house-impeaches-larry-krasner/")
    assert article.title == "Pennsylvania House Impeaches Larry Krasner on a Party-Line Vote"
    assert article.authors == ["Sam Ortega"]  # the rel=author byline; article:author is a URL
    assert article.published == "2022-11-17T00:40:00Z"  # <time datetime> with its offset
    assert article.outlet == "Bolts"


def test_tribune_truncated_page_is_marked():
    article = page("tribune_truncated.html", "https://www.chicagotribune.com/2022/04/06/x/")
    assert article.paywalled
    assert article.authors == ["Hannah Brezinski"]
    assert article.title == "Bill would let Cook County voters recall State's Attorney Kim Foxx"
    assert not article.text.startswith("Bill would let")  # headline not repeated as the first line
    assert article.published == "2022-04-06T22:15:00Z"


def test_inquirer_arc_page():
    url = "https://www.inquirer.com/news/larry-krasner-impeachment-vote-pennsylvania-house-20221116.html"
    article = page("inquirer.html", url)
    assert article.outlet == "The Philadelphia Inquirer"  # JSON-LD publisher, not og:site_name
    assert article.authors == ["Theo Lindqvist", "Rosa Delgado"]
    assert article.published == "2022-11-16T22:31:07Z"
    assert "READ MORE" not in article.text and "Eagles" not in article.text


def test_examiner_opengraph_only():
    article = page(
        "examiner.html", "https://www.sfexaminer.com/news/politics/boudin-recalled-as-prop-h-passes/article_5a1c.html"
    )
    assert article.outlet == "San Francisco Examiner"
    assert article.authors == ["Whitney Calder"]
    assert article.published == "2022-06-08T13:15:00Z"


# --- relevance ---


@pytest.fixture(scope="module")
def finder():
    return MentionFinder(WATCHLIST)


def test_names_match_without_accents_or_case(finder):
    assert ("target", "george-gascon") in finder.find("Recall of GEORGE GASCON fails", "2022-08-15")
    assert ("target", "george-gascon") in finder.find("District Attorney Gascon said", None)
    assert ("target", "george-gascon") in finder.find("D.A. GASCÓN said", None)
    assert finder.find("Gascony is a region of France", None) == []


def test_surname_alone_needs_the_office_da_or_district_attorney(finder):
    assert finder.find("Boudin said on Tuesday he would run again.", None) == []
    assert ("target", "chesa-boudin") in finder.find("DA Boudin said on Tuesday.", None)
    assert finder.find("Jamie Foxx film shoot closes Loop streets; Foxx was seen downtown.", None) == []
    assert finder.find("The Orange County DA's office will be audited.", None) == []


def test_campaign_is_the_one_under_way_when_the_story_ran(finder):
    mentions = finder.find("The first effort to recall George Gascón is ending.", "2021-09-15T12:00:00Z")
    assert ("campaign", "gascon-recall-2021") in mentions
    assert ("campaign", "gascon-recall-2022") not in mentions


def test_proponent_committee_named_with_da_links_its_campaign(finder):
    text = "San Franciscans for Public Safety Supporting the Recall of Chesa Boudin filed"
    assert ("campaign", "boudin-recall-2021-second") in finder.find(text, "2021-11-09")
    text = "the Committee Supporting the Recall of DA Chesa Boudin said"
    assert ("campaign", "boudin-recall-2021-first") in finder.find(text, None)


# --- dedup and versions ---


def story(url, text, modified):
    return {
        "url": url,
        "title": "t",
        "text": text,
        "modified": modified,
        "content_hash": content_hash(text),
        "fingerprint": fingerprint(text),
    }


BODY = " ".join(f"Sentence number {i} about the recall petition and its signatures." for i in range(40))


def test_same_address_same_text_is_a_duplicate_and_a_new_text_is_a_newer_version():
    index = StoryIndex([{"id": "a1", **story("https://x.com/s", BODY, "2022-01-01T00:00:00Z")}])
    assert index.decide(story("https://x.com/s", BODY, None), ["https://x.com/s"]).kind == DUPLICATE
    edited = index.decide(
        story("https://x.com/s", BODY + " A correction.", "2022-01-02T00:00:00Z"), ["https://x.com/s"]
    )
    assert (edited.kind, edited.article_id) == (NEWER, "a1")
    older = index.decide(story("https://x.com/s", BODY + " Early text.", "2021-12-31T00:00:00Z"), ["https://x.com/s"])
    assert older.kind == OLDER


def test_same_text_under_another_address_of_the_same_site_is_the_same_story():
    index = StoryIndex([{"id": "a1", **story("https://www.x.com/old-slug", BODY, "2022-01-01T00:00:00Z")}])
    moved = index.decide(
        story("https://amp.x.com/new-slug", BODY + " Updated.", "2022-01-02T00:00:00Z"), ["https://amp.x.com/new-slug"]
    )
    assert (moved.kind, moved.article_id) == (NEWER, "a1")
    other_site = index.decide(story("https://y.com/copy", BODY, None), ["https://y.com/copy"])
    assert other_site.kind == NEW
    other_story = "Completely different words about a budget hearing and the county's transit plans. " * 20
    assert index.decide(story("https://www.x.com/other", other_story, None), ["https://www.x.com/other"]).kind == NEW


# --- offline ---


def test_public_suffix_list_is_never_downloaded():
    check = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "import settings\n"
        "from scrapy.downloadermiddlewares import cookies\n"
        "from recallwatch.parsers.news_dedup import site_of\n"
        "assert cookies._split_domain.suffix_list_urls == ()\n"
        "print(cookies._split_domain('news.bbc.co.uk').suffix, site_of('https://amp.latimes.com/a'))\n"
    )
    result = subprocess.run([sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["co.uk", "latimes.com"], result.stderr
    assert "network used" not in result.stderr


# --- real crawls ---


@pytest.fixture(scope="module")
def snapshot_crawl(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("news")
    first = crawl("news", tmp_path)
    second = crawl("news", tmp_path)
    return tmp_path, first, second


def test_snapshot_stores_each_relevant_story_once(snapshot_crawl):
    _, result, _ = snapshot_crawl
    assert result.returncode == 0, result.output
    rows = {row["url"]: row for row in result.db["articles"].rows}
    assert len(rows) == 9
    assert {row["outlet"] for row in rows.values()} == {
        "Los Angeles Times",
        "LAist",
        "KQED",
        "The Appeal",
        "Bolts",
        "Chicago Tribune",
        "The Philadelphia Inquirer",
        "San Francisco Examiner",
    }
    titles = " ".join(row["title"] for row in rows.values())
    assert "Heat wave" not in titles and "Jamie Foxx" not in titles and "SEPTA" not in titles
    assert "'news/discarded_off_topic': 4" in result.output
    gascon = rows[GASCON_FAILS]
    assert (gascon["author"], gascon["published"], gascon["paywalled"]) == (
        "Dana Whitfield; Marco Ibarra",
        "2022-08-15T23:52:10Z",
        1,
    )


def test_snapshot_duplicates_amp_google_and_utm_variants_map_to_one_story(snapshot_crawl):
    _, result, _ = snapshot_crawl
    gascon_id = next(result.db.query("select id from articles where url = ?", [GASCON_FAILS]))["id"]
    variants = {
        row["url"]: row["via"]
        for row in result.db.query("select * from article_urls where article_id = ?", [gascon_id])
    }
    assert variants[GASCON_FAILS + "?_amp=true"] == "page"
    assert any(url.startswith("https://news.google.com/rss/articles/") for url in variants)
    assert "'news/duplicates': 2" in result.output


def test_snapshot_edited_story_keeps_its_earlier_version(snapshot_crawl):
    _, result, _ = snapshot_crawl
    current = list(result.db.query("select * from articles where outlet = 'KQED'"))
    assert len(current) == 1
    assert current[0]["title"].startswith("Recall of DA Chesa Boudin Headed to June Ballot")
    versions = list(result.db.query("select * from article_versions where article_id = ?", [current[0]["id"]]))
    assert [v["title"] for v in versions] == ["Recall of SF District Attorney Chesa Boudin Qualifies for Ballot"]
    assert "developing story" in versions[0]["text"] and "developing story" not in current[0]["text"]


def test_snapshot_mentions_and_campaign_news_query(snapshot_crawl):
    tmp_path, result, _ = snapshot_crawl
    krasner = list(
        result.db.query("select article_id from article_mentions where entity_id = 'krasner-impeachment-2022'")
    )
    assert len(krasner) == 2
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text())
    datasette = Datasette([str(tmp_path / "recalls.db")], metadata=metadata)

    async def get(path):
        return (await datasette.client.get(path)).json()

    news = asyncio.run(get("/recalls/campaign_news.json?campaign=boudin-recall-election-2022&_shape=array"))
    assert [row["outlet"] for row in news] == ["San Francisco Examiner", "The Appeal", "KQED"]  # newest first
    found = asyncio.run(get("/recalls/articles.json?_search=Gascon&_shape=array"))
    assert len(found) == 4  # "Gascón" in the text, searched without the accent


def test_snapshot_robots_txt_is_obeyed(snapshot_crawl):
    _, result, _ = snapshot_crawl
    assert "'robotstxt/forbidden': 1" in result.output
    assert not list(result.db.query("select * from fetches where url like 'https://www.sfchronicle.com/politics/%'"))


def test_second_run_fetches_no_article_again(snapshot_crawl):
    _, first, second = snapshot_crawl
    assert second.returncode == 0, second.output
    assert "'news/skipped_unchanged': 20" in second.output
    assert second.last_run("news")["status"] == "ok"
    assert second.db["articles"].count == 9
    article_fetches = second.db.execute(
        "select count(*), sum(fetched_at != last_seen) from fetches where url like '%/story/%'"
    ).fetchone()
    assert article_fetches == (4, 0)  # latimes pages (incl. AMP): fetched once, never seen again


def test_page_given_by_hand_is_kept_and_an_edit_keeps_the_earlier_text(tmp_path):
    page_file = tmp_path / "page.html"
    shutil.copy(NEWS / "kqed.html", page_file)
    first = crawl("news", tmp_path, f"url={file_url(page_file)}")
    assert first.returncode == 0, first.output
    shutil.copy(NEWS / "kqed_edited.html", page_file)
    second = crawl("news", tmp_path, f"url={file_url(page_file)}")
    rows = list(second.db["articles"].rows)
    assert len(rows) == 1 and rows[0]["url"] == KQED_STORY
    assert "alongside the statewide primary" in rows[0]["text"]
    versions = list(second.db["article_versions"].rows)
    assert len(versions) == 1 and "developing story" in versions[0]["text"]


def test_url_list_pages_are_always_kept(tmp_path):
    url_list = tmp_path / "urls.txt"
    url_list.write_text(f"{file_url(NEWS / 'tribune_off_topic_jamie_foxx.html')}\n{file_url(NEWS / 'appeal.html')}\n")
    result = crawled("news", tmp_path, f"url_list={url_list}")
    titles = sorted(row["title"] for row in result.db["articles"].rows)
    assert titles == [
        "Jamie Foxx film shoot closes Loop streets this weekend",
        "What the Chesa Boudin Recall Does and Does Not Tell Us",
    ]
