"""A story's id does not depend on which of its addresses was read first: KQED's story 11897531
was published as "boudin-recall-qualifies-for-ballot" and re-titled under a new address; crawled
in either order, it is one row with one id."""

import pytest

from recallwatch.core.ids import stable_id
from recallwatch.parsers.news_dedup import story_key
from tests.crawl import crawled

FIRST = "https://www.kqed.org/news/11897531/boudin-recall-qualifies-for-ballot"
RETITLED = "https://www.kqed.org/news/11897531/boudin-recall-headed-to-june-ballot-after-signatures-verified"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (FIRST, "kqed.org/story/11897531"),
        (RETITLED, "kqed.org/story/11897531"),
        ("https://www.inquirer.com/news/larry-krasner-impeachment-20221116.html", "https://www.inquirer.com/news/larry-krasner-impeachment-20221116.html"),
        ("https://www.latimes.com/california/story/2022-08-15/recall-fails", "https://www.latimes.com/california/story/2022-08-15/recall-fails"),
        # a folder named for a day is not a story number (every story of the day would share it)
        ("https://example-news.com/news/20220607/boudin-recalled", "https://example-news.com/news/20220607/boudin-recalled"),
        ("https://example-news.com/202206/boudin-recalled/", "https://example-news.com/202206/boudin-recalled/"),
        ("https://example-news.com/20220607/1234567/boudin-recalled", "example-news.com/story/1234567"),
    ],
)  # fmt: skip
def test_the_story_key_is_the_site_and_story_number_else_the_address(url, key):
    assert story_key(url) == key


CANONICAL = "https://www.latimes.com/california/story/2022-08-15/recall-effort-la-district-attorney-george-gascon-fails"


def test_a_story_read_at_its_canonical_address_and_as_an_amp_copy_is_the_same_row_in_either_order(tmp_path):
    """The canonical page's metadata win (the AMP copy says lang="en", the page "en-US")."""
    rows = []
    for order in ([CANONICAL, CANONICAL + "?_amp=true"], [CANONICAL + "?_amp=true", CANONICAL]):
        folder = tmp_path / str(len(rows))
        folder.mkdir()
        (folder / "urls.txt").write_text("\n".join(order) + "\n")
        result = crawled("news", folder, f"url_list={folder / 'urls.txt'}", settings={"CONCURRENT_REQUESTS": "1"})
        query = "select id, url, title, author, published, modified, language, text from articles"
        rows.append(list(result.db.query(query)))
    assert rows[0] == rows[1]
    assert len(rows[0]) == 1 and rows[0][0]["language"] == "en-US"


def test_the_id_of_a_story_read_under_two_addresses_does_not_depend_on_the_order(tmp_path):
    stored = []
    for order in ([FIRST, RETITLED], [RETITLED, FIRST]):
        folder = tmp_path / str(len(stored))
        folder.mkdir()
        (folder / "urls.txt").write_text("\n".join(order) + "\n")
        result = crawled("news", folder, f"url_list={folder / 'urls.txt'}", settings={"CONCURRENT_REQUESTS": "1"})
        stored.append(
            (
                [(row["id"], row["url"]) for row in result.db.query("select id, url from articles")],
                sorted(row["article_id"] for row in result.db.query("select article_id from article_versions")),
            )
        )
    assert stored[0] == stored[1]
    (articles, versions) = stored[0]
    assert articles == [(stable_id("kqed.org/story/11897531"), RETITLED)]  # the newer text is the story
    assert versions == [articles[0][0]]
