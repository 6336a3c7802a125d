"""The site in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium, no download)
against `make serve`. Screenshots go to tests/screenshots/ (or $RECALLWATCH_SCREENSHOTS); the path
is printed at the end of the run."""

import os
import sys
import urllib.parse
from pathlib import Path

import pytest

from tests.site import SCREENSHOTS, screenshot_dir, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # without these Chromium stalls on a closed network
    "--disable-component-update",
    "--disable-sync",
]
BOUDIN = "boudin-recall-2021-second"
INJECTED = "() => window.__injected === undefined && document.querySelectorAll('img[onerror]').length === 0"


def require_chromium():
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (.ci/run)")
    pytest.skip(f"{CHROMIUM} is not installed")


@pytest.fixture(scope="module")
def site(site_db):
    with serve(site_db) as base:
        yield base


@pytest.fixture(scope="module")
def screenshots(request):
    folder = screenshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[SCREENSHOTS] = folder.resolve()  # printed at the end of the run (conftest.py)
    return folder


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def is_csp_violation(message):
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def page(browser):
    """A fresh page that records every dialog (alert, confirm…) a script opens, every page error, and
    everything the site's Content-Security-Policy refused (which must be nothing the site itself needs)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs, page.errors, page.refused = [], [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: is_csp_violation(message) and page.refused.append(message.text))
    page.set_default_timeout(15000)
    yield page
    context.close()
    assert page.refused == [], "the Content-Security-Policy refused part of the site"


def test_home_page_describes_the_site_and_says_donors_are_samples(site, page, screenshots):
    page.goto(site + "/")
    assert page.title().startswith("RecallWatch")
    assert "sample records" in page.inner_text("body")
    assert page.locator('a[href="/-/search"]').count() >= 1
    assert page.locator("a", has_text="Money raised per committee").count() == 1
    page.screenshot(path=screenshots / "home.png", full_page=True)


def test_a_reporter_runs_top_donors_from_its_form_and_follows_a_donor(site, page, screenshots):
    page.goto(site + "/recalls/top_donors")
    page.fill("input[name=campaign]", BOUDIN)
    page.locator("form.sql input[type=submit]").click()
    page.wait_for_selector("table.rows-and-columns")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["campaign"] == [BOUDIN]
    first = page.locator("table.rows-and-columns tbody tr").first
    assert first.locator("td.col-donor").inner_text() == "Fictitious, Bartholomew"
    assert first.locator("td.col-pct_of_side").inner_text() == "25.2"
    page.screenshot(path=screenshots / "top_donors.png", full_page=True)

    first.locator("td.col-donor_id a").click()
    page.wait_for_url("**/recalls/donor?donor=*")
    page.wait_for_selector("table.rows-and-columns")
    rows = page.locator("table.rows-and-columns tbody")
    assert rows.locator("td.col-amount").all_inner_texts() == ["$150,000", "$75,000", "$50,000", "$50,000"]
    assert set(rows.locator("td.col-name_as_filed").all_inner_texts()) == {
        "FICTITIOUS, BARTHOLOMEW",
        "Fictitious, Bartholomew",
    }
    page.screenshot(path=screenshots / "donor.png", full_page=True)


@pytest.mark.parametrize(
    ("dashboard", "charts"),
    [
        ("campaign-money", ["money-over-time", "top-donors", "totals-by-committee"]),
        ("petitions", ["petition-stages"]),
        ("who-is-behind-it", ["interest-shares", "outside-vs-direct", "top-original-givers"]),
    ],
)
def test_a_dashboard_renders_its_charts(site, page, screenshots, dashboard, charts):
    response = page.goto(f"{site}/-/dashboards/{dashboard}")
    assert "script-src 'self' 'unsafe-inline'" in response.headers["content-security-policy"]
    for chart in charts:
        page.wait_for_selector(f"#chart-{chart} canvas, #chart-{chart} svg.marks", state="attached")
        box = page.locator(f"#chart-{chart} canvas, #chart-{chart} svg.marks").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, chart
    assert not page.errors
    assert not page.refused
    page.screenshot(path=screenshots / f"dashboard-{dashboard}.png", full_page=True)


NEW_QUERIES = {
    "money_by_interest": ({"campaign": BOUDIN}, "given"),
    "original_givers": ({"campaign": BOUDIN}, "total"),
    "outside_spending": ({"campaign": "gascon-recall-2022"}, None),  # no outside spending in the snapshot
    "new_outside_spending": ({"since": "2022-01-01", "min_amount": "5000"}, None),
}


@pytest.mark.parametrize("name", sorted(NEW_QUERIES))
def test_a_new_query_shows_money_as_dollars_and_its_sql_in_one_click(site, page, screenshots, name):
    params, money_column = NEW_QUERIES[name]
    page.goto(f"{site}/recalls/{name}?" + urllib.parse.urlencode(params))
    page.wait_for_load_state("networkidle")
    assert page.locator("pre#sql-query, textarea#sql-editor").count() == 0
    if money_column:
        figures = page.locator(f"table.rows-and-columns td.col-{money_column}").all_inner_texts()
        assert figures and all(figure.startswith("$") for figure in figures), figures
    page.screenshot(path=screenshots / f"query-{name}.png", full_page=True)
    page.locator(".show-hide-sql a", has_text="show").click()
    page.wait_for_selector("pre#sql-query")
    assert "select" in page.inner_text("pre#sql-query")
    assert not page.errors


def test_no_page_runs_a_script_from_article_text(site, page, screenshots):
    article = page.request.get(f"{site}/recalls/articles.json?_shape=array&outlet=Example+Gazette").json()[0]
    paths = [
        f"/recalls/articles/{article['id']}",
        "/recalls/articles",
        "/recalls/articles?_search=reader",
        "/recalls/campaign_news?campaign=boudin-recall-election-2022",
        "/recalls?sql=select+title,+text+from+articles",
        "/-/search?q=reader",
    ]
    for path in paths:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        assert "window.__injected" in page.inner_text("body"), path
        assert page.evaluate(INJECTED), path
    assert page.dialogs == []
    page.screenshot(path=screenshots / "search-hostile-article.png", full_page=True)


def test_without_chromium_the_browser_tests_skip_locally_but_fail_in_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require_chromium()


def test_search_all_tables_finds_a_donor_and_its_committees(site, page, screenshots):
    page.goto(f"{site}/-/search?q=Bartholomew")
    page.wait_for_selector("text=Fictitious, Bartholomew")
    page.screenshot(path=screenshots / "search.png", full_page=True)
