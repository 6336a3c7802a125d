"""registrar_sfelections: SF Department of Elections notices -> announcements and petition counts."""

import json

import pytest

from crawlers.registrar import next_listing_url
from crawlers.registrar_sfelections import RegistrarSfelectionsSpider
from recallwatch.parsers.releases import read_listing
from tests.crawl import FIXTURES, REPO, crawled, file_url
from tests.registrar_helpers import crawl_snapshot, figures, read_fixture_release

FIXTURE_DIR = FIXTURES / "registrar_sfelections"


def release(name):
    return read_fixture_release(FIXTURE_DIR / name)


# --- Three wordings of a certification, a full count in sentences, a typo, and no petition

BOUDIN_CERTIFICATION = {"submitted": 83484, "sampled": 4174, "required": 51325}


def test_certification_worded_as_the_directors_letter():
    page, report = release("certification_letter.html")
    assert page.published == "2021-11-09"
    assert (report.stage, report.result) == ("random sample", "sufficient")
    assert figures(report) == BOUDIN_CERTIFICATION
    assert report.problems == []


def test_certification_as_a_list_of_labelled_figures_without_separators():
    page, report = release("certification_list.html")
    assert page.published == "2021-11-09"  # dateline "SAN FRANCISCO, Nov. 9, 2021 –"
    assert (report.stage, report.result) == ("random sample", "sufficient")
    assert figures(report) == BOUDIN_CERTIFICATION


def test_full_count_with_the_breakdown_in_one_sentence():
    page, report = release("full_count_sentences.html")
    assert page.published == "2023-03-03"
    assert (report.stage, report.result) == ("full count", "insufficient")
    assert figures(report) == {
        "submitted": 12480,
        "valid": 9906,
        "invalid": 2574,
        "required": 10512,
        "shortfall": 606,
    }
    assert [(reason.reason, reason.count) for reason in report.reasons] == [
        ("from people not registered in San Francisco", 1402),
        ("duplicates", 611),
        ("addresses that did not match the voter record", 388),
        ("signatures that did not match", 173),
    ]
    assert report.problems == []


def test_a_results_report_naming_the_recall_has_no_petition_counts():
    page, report = release("results_report.html")
    assert page.published == "2022-06-14"
    assert report is None


def test_listing_dates_come_from_the_posted_date_not_the_headline():
    url = "https://sfelections.sfgov.org/news-category/press-release"
    body = REPO / "snapshot" / "registrar_sfelections" / "sfelections.sfgov.org_news-category_press-release.html"
    listing = read_listing(body.read_text(encoding="utf-8"), url, RegistrarSfelectionsSpider.release_path)
    assert [listed_on for _, listed_on in listing.entries] == ["2022-06-14", "2022-05-02"]  # headlines: June 7, 2022
    assert next_listing_url(listing, "2021-03-04") == f"{url}?page=1"


# --- Real crawls


@pytest.fixture(scope="module")
def snapshot_crawl(tmp_path_factory):
    return crawl_snapshot("registrar_sfelections", tmp_path_factory)


def test_snapshot_crawl_stores_the_boudin_certification(snapshot_crawl):
    rows = list(snapshot_crawl.db.query("select * from petition_counts"))
    assert len(rows) == 1
    count = rows[0]
    assert count["campaign_id"] == "boudin-recall-2021-second"
    assert (count["stage"], count["as_of"], count["result"]) == ("random sample", "2021-11-09", "sufficient")
    assert (count["submitted"], count["sampled"], count["required"]) == (83484, 4174, 51325)
    assert "4,174 signatures" in json.loads(count["evidence"])["sampled"]


def test_snapshot_crawl_stores_every_notice_of_both_listing_pages(snapshot_crawl):
    announcements = {row["published"]: row["title"] for row in snapshot_crawl.db["announcements"].rows}
    assert sorted(announcements) == ["2021-11-09", "2022-05-02", "2022-06-14"]
    assert announcements["2022-06-14"].startswith("The Department of Elections Releases Preliminary Results Report")
    assert snapshot_crawl.last_run("registrar_sfelections")["status"] == "ok"


def test_a_notice_whose_figures_do_not_add_up_is_stored_and_rejected(tmp_path):
    result = crawled("registrar_sfelections", tmp_path, f"url={file_url(FIXTURE_DIR / 'certification_typo.html')}")
    assert result.db["announcements"].count == 1
    assert next(result.db.query("select submitted, sampled from petition_counts")) == {
        "submitted": 834840,
        "sampled": 4174,
    }
    reject = next(result.db.query("select reason, item_type from rejects"))
    assert reject == {
        "reason": "a random sample of 834,840 signatures must hold at least 41,742 (Elections Code §11225: 500 or "
        "5%), but the release gives 4,174 sampled",
        "item_type": "petition_counts",
    }
    assert result.last_run("registrar_sfelections")["status"] == "partial"
