"""registrar_lavote: LA County RR/CC news releases -> announcements, petition counts, invalid reasons."""

import json

import pytest
import yaml

from crawlers.registrar import next_listing_url
from recallwatch.core.watchlist import Watchlist
from recallwatch.parsers.releases import petition_campaign, read_listing
from tests.crawl import FIXTURES, REPO, crawled, file_url
from tests.registrar_helpers import crawl_snapshot, figures, read_fixture_release

FIXTURE_DIR = FIXTURES / "registrar_lavote"
JURISDICTION = "Los Angeles County"
BREAKDOWN_2022 = {
    "Not Registered": 88464,
    "Max Number of Times Signed (Duplicate)": 43593,
    "Different Address": 32187,
    "Mismatch Signature": 9490,
    "Canceled": 7344,
    "Out of County Address": 5374,
    "Other": 9331,
}


def release(name):
    return read_fixture_release(FIXTURE_DIR / name)


# --- Three wordings of the 2022 releases, a typo, and a release with no petition


def test_full_count_with_a_dash_list_breakdown_in_one_paragraph():
    page, report = release("full_count_dash_list.html")
    assert page.published == "2022-08-15"
    assert report.stage == "full count"
    assert figures(report) == {"submitted": 715833, "valid": 520050, "invalid": 195783, "required": 566857}
    assert report.result == "insufficient"
    assert report.result_sentence.startswith("The petition has therefore failed to meet the sufficiency requirements")
    assert {reason.reason: reason.count for reason in report.reasons} == BREAKDOWN_2022
    assert report.problems == []


def test_random_sample_as_a_table_without_thousands_separators():
    page, report = release("random_sample_table.html")
    assert page.published == "2022-07-14"  # from the dateline "NORWALK, Calif. (July 14, 2022) –"
    assert report.stage == "random sample"
    assert figures(report) == {
        "submitted": 715833,
        "sampled": 35793,
        "valid": 27983,
        "invalid": 7810,
        "required": 566857,
    }
    assert report.result == "full count required"
    assert report.problems == []


def test_raw_count_in_a_sentence_dated_by_its_dateline():
    page, report = release("raw_count_dateline.html")
    assert page.published == "2022-07-09"
    assert report.stage == "raw count"
    assert figures(report) == {"submitted": 715833, "required": 566857}
    assert report.result is None


def test_a_release_with_numbers_but_no_petition_has_no_counts():
    page, report = release("no_petition.html")
    assert page.published == "2022-09-06"
    assert report is None


def test_a_petition_is_linked_to_the_campaign_open_on_its_date():
    watchlist = Watchlist.load(REPO / "data" / "watchlist.yml")
    text = "The petition to recall District Attorney George Gascón ..."
    assert petition_campaign(watchlist, text, JURISDICTION, "2021-05-20") == "gascon-recall-2021"
    assert petition_campaign(watchlist, text, JURISDICTION, "2022-08-15") == "gascon-recall-2022"
    unnamed = "The raw count of the petition to recall the District Attorney ..."
    assert petition_campaign(watchlist, unnamed, JURISDICTION, "2022-07-09") == "gascon-recall-2022"
    assert petition_campaign(watchlist, text, "City and County of San Francisco", "2022-08-15") is None
    assert petition_campaign(watchlist, text, JURISDICTION, "2019-01-01") is None


def test_listing_links_dates_and_where_paging_stops():
    url = "https://www.lavote.gov/home/records/news-releases?page=6"
    html = (FIXTURE_DIR / "listing.html").read_text(encoding="utf-8")
    listing = read_listing(html, url, r"^/home/records/news-releases/\d{4}/[^/]+$")
    assert listing.entries == [
        ("https://www.lavote.gov/home/records/news-releases/2021/march-2021-special-election-certified", "2021-03-02"),
        ("https://www.lavote.gov/home/records/news-releases/2020/november-2020-results-certified", "2020-12-15"),
    ]
    assert next_listing_url(listing, "2021-01-01") == "https://www.lavote.gov/home/records/news-releases?page=7"
    assert next_listing_url(listing, "2021-05-20") is None  # every release predates the first campaign


# --- Real crawls


@pytest.fixture(scope="module")
def snapshot_crawl(tmp_path_factory):
    return crawl_snapshot("registrar_lavote", tmp_path_factory)


def test_snapshot_crawl_stores_the_three_2022_stages(snapshot_crawl):
    rows = list(
        snapshot_crawl.db.query(
            "select stage, as_of, submitted, sampled, examined, valid, invalid, required, projected_valid, "
            "shortfall, result from petition_counts where campaign_id = 'gascon-recall-2022' order by as_of"
        )
    )
    assert rows == [
        {"stage": "raw count", "as_of": "2022-07-09", "submitted": 715833, "sampled": None, "examined": None,
         "valid": None, "invalid": None, "required": None, "projected_valid": None, "shortfall": None,
         "result": None},
        {"stage": "random sample", "as_of": "2022-07-14", "submitted": 715833, "sampled": 35793, "examined": None,
         "valid": 27983, "invalid": None, "required": 566857, "projected_valid": 559639, "shortfall": None,
         "result": "full count required"},
        {"stage": "full count", "as_of": "2022-08-15", "submitted": None, "sampled": None, "examined": 715833,
         "valid": 520050, "invalid": 195783, "required": 566857, "projected_valid": None, "shortfall": 46807,
         "result": "insufficient"},
    ]  # fmt: skip


def test_snapshot_crawl_stores_the_seven_invalid_categories(snapshot_crawl):
    reasons = list(
        snapshot_crawl.db.query(
            "select reason, count from invalid_reasons join petition_counts on petition_counts.id = petition_count_id "
            "where stage = 'full count' and campaign_id = 'gascon-recall-2022'"
        )
    )
    assert {row["reason"]: row["count"] for row in reasons} == BREAKDOWN_2022
    assert sum(row["count"] for row in reasons) == 195783


def test_snapshot_crawl_keeps_the_sentence_of_each_figure(snapshot_crawl):
    evidence = json.loads(
        next(snapshot_crawl.db.query("select evidence from petition_counts where stage = 'full count'"))["evidence"]
    )
    assert evidence["invalid"] == (
        "Of those, 520,050 signatures were found to be valid and 195,783 were determined to be invalid."
    )
    assert evidence["required"] == "The petition required 566,857 valid signatures to qualify for the ballot."
    assert evidence["result"].startswith("NORWALK, Calif. – Los Angeles County Registrar-Recorder/County Clerk Dean C.")
    assert evidence["shortfall"] == "computed: required − valid = 566,857 − 520,050"


def test_snapshot_crawl_stores_the_2021_approval_and_unrelated_releases_without_counts(snapshot_crawl):
    db = snapshot_crawl.db
    approval = next(db.query("select * from petition_counts where campaign_id = 'gascon-recall-2021'"))
    assert (approval["stage"], approval["as_of"], approval["required"]) == ("circulation", "2021-05-20", 579062)
    vote_centers = next(db.query("select id from announcements where title like 'Vote Center Locations%'"))
    assert db["petition_counts"].count_where("announcement_id = ?", [vote_centers["id"]]) == 0
    assert db["announcements"].count == 5
    assert snapshot_crawl.last_run("registrar_lavote")["status"] == "ok"


def test_petition_timeline_query_lists_the_stages_in_date_order(snapshot_crawl):
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text(encoding="utf-8"))
    sql = metadata["databases"]["recalls"]["queries"]["petition_timeline"]["sql"]
    rows = list(snapshot_crawl.db.query(sql, {"campaign": "gascon-recall-2022"}))
    assert [row["stage"] for row in rows] == ["raw count", "random sample", "full count"]
    assert rows[-1]["announcement_url"] == (
        "https://www.lavote.gov/home/records/news-releases/2022/recall-petition-district-attorney-full-count-results"
    )
    assert rows[-1]["invalid_breakdown"].startswith("Not Registered: 88464; Max Number of Times Signed")
    assert all(row["archived_in"] for row in rows)


def test_a_release_whose_figures_do_not_add_up_is_stored_and_rejected(tmp_path):
    result = crawled("registrar_lavote", tmp_path, f"url={file_url(FIXTURE_DIR / 'full_count_typo.html')}")
    assert result.db["announcements"].count == 1
    count = next(result.db.query("select * from petition_counts"))
    assert (count["valid"], count["invalid"], count["campaign_id"]) == (520050, 195873, "gascon-recall-2022")
    reasons = {row["reason"] for row in result.db.query("select reason from rejects")}
    assert reasons == {
        "valid + invalid = 520,050 + 195,873 = 715,923, but the release gives 715,833 signatures examined",
        "the invalid-signature breakdown adds up to 195,783, but the release gives 195,873 invalid signatures",
    }
    assert result.last_run("registrar_lavote")["status"] == "partial"
