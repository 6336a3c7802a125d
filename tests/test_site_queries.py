"""The published questions: every canned query with its example parameters on the snapshot database,
its CSV and JSON, the feeds, and the safety of the pages (Datasette's own test client, no server)."""

import csv
import io
import re
import shutil
import sqlite3
import urllib.parse

import feedparser
import pytest

from tests.site import BOUDIN, EXAMPLES, GASCON, UNION_LOCAL, Client, metadata

FEEDS = ["failing_sources", "campaign_news", "registrar_announcements", "new_contributions", "new_outside_spending"]


@pytest.fixture(scope="module")
def client(site_db):
    client = Client(site_db)
    yield client
    client.close()


def query_path(name, extension="", **extra):
    return f"/recalls/{name}{extension}?" + urllib.parse.urlencode({**EXAMPLES[name], **extra})


def rows(client, name):
    response = client.get(query_path(name, ".json", _shape="array"))
    assert response.status_code == 200, response.text
    return response.json()


def column(rows, name):
    return [row[name] for row in rows]


def test_every_canned_query_has_a_title_a_description_and_an_example():
    queries = metadata()["databases"]["recalls"]["queries"]
    assert set(queries) == set(EXAMPLES)
    for name, query in queries.items():
        assert query.get("title"), name
        assert query.get("description") or query.get("description_html"), name


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_canned_query_page_runs_with_its_example(client, name):
    response = client.get(query_path(name))
    assert response.status_code == 200
    assert "message-error" not in response.text
    assert ('class="rows-and-columns"' in response.text) == bool(rows(client, name))


def test_campaign_money_gives_each_committee_and_each_side_total(client):
    result = rows(client, "campaign_money")
    assert [(r["position"], r["level"], r["total_raised"], r["itemized_total"]) for r in result] == [
        ("support", "side total", 794995.0, 776350.0),
        ("support", "committee", 455150.0, 450500.0),
        ("support", "committee", 339845.0, 325850.0),
        ("oppose", "side total", 186400.0, 178000.0),
        ("oppose", "committee", 100500.0, 100500.0),
        ("oppose", "committee", 85900.0, 77500.0),
        ("oppose", "outside spending", None, None),
    ]
    # its 496: 18,000 + 7,500 in the amendment (the original's 18,000 does not count twice)
    assert [r["outside_spending"] for r in result] == [None, None, None, 25500.0, None, None, 25500.0]
    assert result[1]["committee"] == "Demo Neighbors for the Recall of Chesa Boudin (sample data)"


def test_top_donors_ranks_each_side_with_its_share(client):
    result = rows(client, "top_donors")
    support = [r for r in result if r["position"] == "support"]
    assert [(r["rank"], r["donor"], r["given"], r["pct_of_side"], r["cumulative_pct"]) for r in support[:5]] == [
        (1, "Fictitious, Bartholomew", 200000.0, 25.2, 25.2),
        (2, "Fictitious-Donor, Zebulon", 200000.0, 25.2, 50.3),
        (3, "Example Realty Partners, L.P.", 150000.0, 18.9, 69.2),
        (4, "Examplar Holdings LLC (sample)", 100000.0, 12.6, 81.8),
        (5, "Quillfeather, Zephyrine", 75000.0, 9.4, 91.2),
    ]
    assert {r["top_two_pct"] for r in support} == {50.3}
    assert {r["side_total"] for r in support} == {794995.0}
    assert len(result) == 18
    assert result[-1]["position"] == "oppose"


def test_donor_lists_every_contribution_with_the_name_as_filed_and_its_source(client):
    result = rows(client, "donor")
    assert [(r["date"], r["amount"], r["counts_in_totals"]) for r in result] == [
        ("2022-03-02", 75000.0, 1),
        ("2022-05-02", 150000.0, 1),
        ("2022-06-15", 310.25, 0),
    ]
    assert set(column(result, "name_as_filed")) == {"Local 000 of the Sample Workers Union"}
    assert all(r["filed_document"].startswith("https://") and r["fetched_from"] for r in result)


def test_cross_campaign_donors_lists_who_gave_to_several_campaigns(client):
    result = rows(client, "cross_campaign_donors")
    assert len(result) > 13  # the California donors, and those of the other states' samples
    first = result[0]
    assert (first["donor"], first["campaigns"], first["total_given"]) == ("Fictitious-Donor, Zebulon", 3, 380000.0)
    assert set(first["gave_to"].split(",")) == {
        "gascon-recall-2022 (support)",
        "gascon-recall-2021 (support)",
        "boudin-recall-2021-second (support)",
    }
    assert column(result, "total_given") == sorted(column(result, "total_given"), reverse=True)
    assert min(column(result, "campaigns")) == 2


def test_petition_timeline_gives_each_stage_in_order(client):
    result = rows(client, "petition_timeline")
    assert [(r["as_of"], r["stage"], r["submitted"], r["valid"], r["required"], r["result"]) for r in result] == [
        ("2022-07-09", "raw count", 715833, None, None, None),
        ("2022-07-14", "random sample", 715833, 27983, 566857, "full count required"),
        ("2022-08-15", "full count", None, 520050, 566857, "insufficient"),
    ]
    assert result[2]["invalid_breakdown"].startswith("Not Registered: 88464")


def test_campaign_news_lists_the_stories_newest_first(client):
    assert column(rows(client, "campaign_news"), "outlet") == ["Los Angeles Times", "LAist", "The Appeal"]


def test_registrar_announcements_gives_the_releases_since_a_date(client):
    result = rows(client, "registrar_announcements")
    assert column(result, "published") == [
        "2022-08-15",
        "2022-07-14",
        "2022-07-09",
        "2022-06-28",
        "2022-06-14",
        "2022-05-02",
    ]
    assert column(result, "petition_stages")[:3] == [
        f"{stage} ({GASCON})" for stage in ("full count", "random sample", "raw count")
    ]


def test_new_contributions_since_a_date_above_an_amount(client):
    result = rows(client, "new_contributions")
    assert len(result) == 16
    assert (result[0]["amount"], result[0]["donor"], result[0]["filed"]) == (
        150000.0,
        "Local 000 of the Sample Workers Union",
        "2022-07-29",
    )
    assert min(column(result, "amount")) >= 10000
    assert all(r["date"] >= "2022-05-01" or r["filed"] >= "2022-05-01" for r in result)
    assert {r["campaign_id"] for r in result} == {BOUDIN, GASCON}


def test_source_health_has_every_spider_with_its_last_success_and_counts(client):
    result = rows(client, "source_health")
    assert column(result, "spider") == [
        "filings_calaccess", "filings_datasf", "filings_illinois", "filings_netfile", "filings_netfile_export",
        "filings_pennsylvania", "filings_philadelphia", "news", "registrar_lavote", "registrar_sfelections",
    ]  # fmt: skip
    by_spider = {r["spider"]: r for r in result}
    assert by_spider["filings_netfile_export"]["last_run_items"] == 102
    assert by_spider["registrar_lavote"]["last_run_items"] == 16
    assert all(r["last_success"] and r["flagged"] == 0 and r["documents_fetched"] > 0 for r in result)


def csv_rows(client, name):
    response = client.get(query_path(name, ".csv", _size="max"))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.text)))


def as_csv_text(value):
    return "" if value is None else str(value)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_csv_and_json_of_a_query_url_give_the_same_rows(client, name):
    from_json = [{key: as_csv_text(value) for key, value in row.items()} for row in rows(client, name)]
    assert csv_rows(client, name) == from_json


def test_a_query_result_links_each_donor_to_its_contributions(client):
    page = client.get(query_path("top_donors")).text
    assert f'<a href="/recalls/donor?donor={UNION_LOCAL}">{UNION_LOCAL}</a>' in page


def feed(client, name):
    response = client.get(query_path(name, ".atom"))
    assert response.status_code == 200, response.text
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("name", FEEDS)
def test_every_feed_is_valid_atom_whose_links_work(client, name):
    parsed = feed(client, name)
    assert parsed.version == "atom10"
    assert parsed.feed.title == metadata()["databases"]["recalls"]["queries"][name]["title"]
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.updated_parsed
        assert entry.link.startswith("http://localhost/recalls/")
        assert client.get(entry.link.removeprefix("http://localhost")).status_code == 200, entry.link


def test_feeds_have_the_expected_entries(client):
    assert len(feed(client, "failing_sources").entries) == 0
    news = feed(client, "campaign_news")
    assert {e.title for e in news.entries} >= {"Gascón Recall Campaign Says It Turned In About 717,000 Signatures"}
    announcements = feed(client, "registrar_announcements")
    assert len(announcements.entries) == 6
    money = feed(client, "new_contributions")
    assert len(money.entries) == 16
    biggest = next(e for e in money.entries if e.id.startswith("recallwatch:contribution:") and "$150,000" in e.title)
    assert biggest.title.startswith("$150,000 from Local 000 of the Sample Workers Union to ")
    assert biggest.link == f"http://localhost/recalls/donor?donor={UNION_LOCAL}"


def hostile_article_id(client):
    found = client.get("/recalls/articles.json?_shape=array&outlet=Example+Gazette").json()
    assert len(found) == 1
    return found[0]["id"]


def test_article_text_is_shown_escaped_never_rendered(client):
    article_id = hostile_article_id(client)
    for path in (
        f"/recalls/articles/{article_id}",
        "/recalls/articles?outlet=Example+Gazette",
        "/recalls/articles?_search=reader",
        "/recalls?sql=select+title,+text+from+articles",
        "/recalls/campaign_news?campaign=boudin-recall-election-2022",
    ):
        page = client.get(path).text
        assert "window.__injected" in page, path
        assert "<script>window.__injected" not in page, path
        assert '<img src="x" onerror' not in page, path
        assert "&lt;script&gt;window.__injected" in page, path


MARKDOWN_BAIT = (
    '<a href="https://evil.example/">click</a> [more](https://evil.example/more) ![i](https://evil.example/i.png)'
)


@pytest.mark.parametrize("alias", ["x_markdown", "text_markdown", "body", "description"])
def test_an_arbitrary_sql_column_is_never_rendered_as_markdown(client, alias):
    sql = f"select '{MARKDOWN_BAIT}' as {alias}"
    page = client.get("/recalls?" + urllib.parse.urlencode({"sql": sql})).text
    assert 'class="rows-and-columns"' in page
    assert 'href="https://evil.example' not in page
    assert "<img" not in page
    assert "&lt;a href=" in page and "click&lt;/a&gt;" in page


def test_no_column_is_rendered_as_markdown_or_html():
    plugins = metadata().get("plugins") or {}
    assert plugins["datasette-render-markdown"] == {"patterns": [], "columns": []}
    assert "datasette-render-html" not in plugins
    recalls = metadata()["databases"]["recalls"]
    assert "plugins" not in recalls  # a database's or table's config would replace the site's
    assert not [name for name, table in recalls["tables"].items() if "plugins" in table]
    assert not [
        column
        for table in metadata()["databases"]["recalls"]["tables"].values()
        for column in (table.get("columns") or {})
        if column.endswith("_markdown")
    ]


@pytest.mark.parametrize("path", ["/\\example.com/", "//example.com/", "/\\\\example.com/", "/%5Cexample.com/"])
def test_no_path_redirects_off_the_site(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "location" not in response.headers


def test_dashboards_and_search_are_published(client):
    for path in (
        "/-/dashboards",
        f"/-/dashboards/campaign-money?campaign={BOUDIN}",
        f"/-/dashboards/petitions?campaign={GASCON}",
        f"/-/dashboards/who-is-behind-it?campaign={BOUDIN}",
        "/-/search?q=recall",
    ):
        assert client.get(path).status_code == 200, path
    assert 'href="/-/search"' in client.get("/").text


@pytest.mark.parametrize(
    ("dashboard", "campaign"), [("campaign-money", BOUDIN), ("petitions", GASCON), ("who-is-behind-it", BOUDIN)]
)
def test_every_dashboard_chart_query_returns_rows(client, dashboard, campaign):
    charts = metadata()["plugins"]["datasette-dashboards"][dashboard]["charts"]
    for name, chart in charts.items():
        sql = chart["query"].replace("[[", "").replace("]]", "")
        response = client.get(
            "/recalls.json?" + urllib.parse.urlencode({"sql": sql, "campaign": campaign, "_shape": "array"})
        )
        assert response.status_code == 200, (name, response.text)
        assert response.json(), name


def test_every_public_table_is_described_with_its_source_and_licence():
    tables = metadata()["databases"]["recalls"]["tables"]
    records = ["targets", "campaigns", "committees", "filings", "contributions", "donors", "announcements",
               "petition_counts", "articles"]  # fmt: skip
    for name in records:
        assert tables[name]["description"] and tables[name]["source"] and tables[name]["license"], name
    assert tables["fetches"]["hidden"] and tables["rejects"]["hidden"]


def test_the_failing_sources_feed_links_to_the_failed_run(site_db, tmp_path):
    copy = tmp_path / "recalls.db"
    shutil.copy(site_db, copy)
    with sqlite3.connect(copy) as db:
        db.execute(
            "insert into crawl_runs (id, spider, mode, started, finished, status, status_reason, items) "
            "values ('20260101T040000Z-news-abc123', 'news', 'configured', '2026-01-01T04:00:00Z', "
            "'2026-01-01T04:01:00Z', 'failed', 'stored nothing', 0)"
        )
    client = Client(copy)
    try:
        entries = feed(client, "failing_sources").entries
        assert [entry.title for entry in entries] == ["news: failed run"]
        assert entries[0].link == "http://localhost/recalls/crawl_runs/20260101T040000Z-news-abc123"
        assert client.get(entries[0].link.removeprefix("http://localhost")).status_code == 200
    finally:
        client.close()


def test_a_query_result_links_each_article_to_its_page(client):
    page = client.get(query_path("campaign_news")).text
    article = rows(client, "campaign_news")[0]["article_id"]
    assert f'<a href="/recalls/articles/{article}">{article}</a>' in page
    assert client.get(f"/recalls/articles/{article}").status_code == 200


def test_atom_of_a_query_without_feed_columns_is_refused(client):
    assert client.get(query_path("source_health", ".atom")).status_code == 400


@pytest.mark.parametrize(
    ("table", "words", "field", "expected"),
    [
        ("donors", "Bartholomew", "name", "Fictitious, Bartholomew"),
        ("committees", "Defend Boudin", "name", "Defend Chesa Boudin, Oppose the Recall (sample data)"),
        ("announcements", "full count", "published", "2022-08-15"),
        ("articles", "Krasner", "outlet", "Bolts"),
    ],
)
def test_search_all_tables_covers_donors_committees_announcements_and_articles(client, table, words, field, expected):
    found = client.get(f"/recalls/{table}.json?" + urllib.parse.urlencode({"_search": words, "_shape": "array"})).json()
    assert expected in column(found, field)
    searchable = {t["name"] for t in client.get("/recalls.json").json()["tables"] if t["fts_table"]}
    assert {"articles", "announcements", "committees", "donors"} <= searchable


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_query_form_asks_for_its_named_parameters_only(client, name):
    page = client.get(f"/recalls/{name}").text
    assert set(re.findall(r'<input type="text" id="qp\d+" name="([a-z_]+)"', page)) == set(EXAMPLES[name])


def test_every_link_of_the_home_page_works(client):
    page = client.get("/").text
    links = set(re.findall(r'href="(/[^"]*)"', page))
    assert {"/recalls/top_donors?campaign=boudin-recall-2021-second", "/-/dashboards/petitions"} <= links
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code in (200, 302), link


def test_internal_tables_are_hidden_from_the_menus_but_queryable(client):
    tables = {t["name"]: t for t in client.get("/recalls.json").json()["tables"]}
    assert tables["fetches"]["hidden"] and tables["rejects"]["hidden"]
    assert not tables["contributions"]["hidden"]
    assert "/recalls/fetches" not in client.get("/recalls").text
    fetched = client.get("/recalls.json?sql=select+count(*)+as+n+from+fetches&_shape=array").json()
    assert fetched[0]["n"] > 0
    assert client.get("/recalls/rejects.json").status_code == 200


def sql_json(client, sql):
    return client.get("/recalls.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}))


@pytest.mark.parametrize(
    "sql",
    ["select length(printf('%.*c', 999999999, 'x')) as n", "select length(zeroblob(999999999)) as n",
     "select length(replace(printf('%.*c', 5000000, 'x'), 'x', 'xxxxxxxxxxxxxxxxxxxxxx')) as n"],
)  # fmt: skip
def test_a_query_building_a_huge_value_fails_at_once_with_a_clear_error(client, sql):
    response = sql_json(client, sql)
    assert response.status_code == 400
    assert response.json()["error"] == "string or blob too big"


@pytest.mark.parametrize(
    "call",
    ["printf('%.999999999c', 'x')", "printf('%5.*lc', 999999999, 'x')", "format('%-*.*c', 2, 99999999, 'x')",
     "printf('%.*c', '999999999', 'x')", "printf('%.*c', ' 99999999abc', 'x')", "printf('%.*c', 1e9, 'x')",
     "printf('%.*c', -999999999, 'x')", "printf('%d %.*c', 1, 999999999, 'x')", "printf('%.*c', 9e999, 'x')"],
)  # fmt: skip
def test_printf_refuses_to_repeat_a_character_beyond_the_limit(client, call):
    response = sql_json(client, f"select length({call}) as n")
    assert (response.status_code, response.json()["error"]) == (400, "string or blob too big")


@pytest.mark.parametrize(
    "call",
    ["printf('$%,d', 1234567)", "printf('$%.2f', 1234.5)", "printf('%.*f', 2, 123456789012.5)",
     "printf('%%.*c %d', 99999999999)", "printf('%.3c|%5.*lc', 'ab', 2, 'é')", "format('%-*.*c|', 4, 2, 'y')",
     "printf()", "printf(NULL, 1)", "printf(12)", "printf('%s and %d', 'x')",
     "printf('%q %Q %w', 'it''s', NULL, 'a\"b')", "printf('%.*c', '1e9', 'x')", "printf('%.*c', x'3130', 'x')",
     "printf('%c', 999999999)", "printf('%99999d', 1)", "printf('%z %.5c', 'x', 'y')"],
)  # fmt: skip
def test_printf_otherwise_gives_sqlites_own_result(client, call):
    expected = sqlite3.connect(":memory:").execute(f"select {call} as v").fetchall()
    assert [(row["v"],) for row in sql_json(client, f"select {call} as v").json()] == expected


def test_values_up_to_the_length_limit_still_work(client):
    assert sql_json(client, "select length(printf('%.*c', 1000000, 'x')) as n").json() == [{"n": 1000000}]
    longest = sql_json(client, "select max(length(text)) as n from articles").json()[0]["n"]
    assert longest > 0
    assert client.get("/recalls/articles").status_code == 200


# Who is behind it: interests, original givers and outside spending on a small seeded database
# (figures by hand in the comments). R_AGAINST supports the recall (against the prosecutor), R_FOR
# opposes it; G_PAC, a committee of no campaign, passes 20,000 on to R_AGAINST.
R_AGAINST, R_FOR, G_PAC = "r-against", "r-for", "g-pac"
SEEDED_DONORS = [
    # id, name, interest, mega_donor
    ("d-realty", "Realty Partners LLC", "real estate", 1),
    ("d-ann", "Person, Ann", "individual", 0),
    ("d-union", "Union Local", "labor", 1),
    ("d-ben", "Person, Ben", None, None),
]
SEEDED_CONTRIBUTIONS = [
    # committee, donor, name as filed, entity code, amount, date, counted
    (R_AGAINST, "d-realty", "Realty Partners LLC", "OTH", 100000, "2022-03-01", 1),
    (R_AGAINST, "d-ann", "Person, Ann", "IND", 5000, "2022-03-02", 1),
    (R_AGAINST, "d-ann", "Person, Ann", "IND", 999, "2022-03-03", 0),  # not counted
    (R_AGAINST, "d-gpac", "Good Government PAC", "COM", 20000, "2022-04-01", 1),  # G_PAC's transfer
    (G_PAC, "d-realty", "Realty Partners LLC", "OTH", 10000, "2022-01-01", 1),
    (G_PAC, "d-ben", "Person, Ben", "IND", 30000, "2022-02-01", 1),
    (R_FOR, "d-union", "Union Local", "OTH", 50000, "2022-03-05", 1),
    (R_FOR, "d-ann", "Person, Ann", "IND", 2500, "2022-03-06", 1),
]
SEEDED_IES = [
    # id, spender, side, position, amount, date, current, memo, filing
    ("ie1", "s-safety", "against", "support", 30000, "2022-04-10", 1, 0, "fi1"),
    ("ie2", "s-safety", "against", "support", 10000, "2022-05-01", 1, 0, None),
    ("ie3", "s-reform", "for", "oppose", 25000, "2022-04-20", 1, 0, None),
    ("ie4", "s-safety", "against", "support", 99999, "2022-04-12", 0, 0, None),  # superseded amendment
    ("ie5", "s-reform", "for", "oppose", 500, "2022-04-21", 1, 1, None),  # memo entry
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from recallwatch.core.lookthrough import compute_lookthrough
    from recallwatch.core.schema import open_database

    path = tmp_path_factory.mktemp("seeded") / "recalls.db"
    db = open_database(path)
    db["campaigns"].insert({"id": GASCON, "title": "Recall of George Gascón (2022)"})
    db["committees"].insert_all(
        {"id": cid, "name": name, "source": "s", "source_id": cid, "campaign_id": campaign, "position": position,
         "side": side}
        for cid, name, campaign, position, side in [
            (R_AGAINST, "Recall Gascón Now", GASCON, "support", "against"),
            (R_FOR, "Stop the Recall", GASCON, "oppose", "for"),
            (G_PAC, "Good Government PAC", None, None, None),
            ("s-safety", "Outside Safety PAC", None, None, None),
            ("s-reform", "Reform Defenders IE", None, None, None),
        ]
    )  # fmt: skip
    db["donors"].insert_all(
        {"id": i, "name": name, "interest": interest, "mega_donor": mega} for i, name, interest, mega in SEEDED_DONORS
    )
    db["contributions"].insert_all(
        {"id": f"c{n}", "filing_id": "f", "committee_id": to, "source": "s", "schedule": "A", "donor_id": donor,
         "contributor_name": name, "entity_code": code, "amount": amount, "date": date, "current": 1,
         "counted": counted}
        for n, (to, donor, name, code, amount, date, counted) in enumerate(SEEDED_CONTRIBUTIONS)
    )  # fmt: skip
    db["filings"].insert({"id": "fi1", "committee_id": "s-safety", "source": "s", "report_id": "r1",
                          "form_type": "F496", "amendment": 0, "filed": "2022-04-11", "current": 1})  # fmt: skip
    db["independent_expenditures"].insert_all(
        {"id": i, "filing_id": filing or "none", "committee_id": spender, "source": "s", "campaign_id": GASCON,
         "side": side, "position": position, "target_name": "George Gascón", "amount": amount, "date": date,
         "current": current, "memo": memo, "description": "mailers"}
        for i, spender, side, position, amount, date, current, memo, filing in SEEDED_IES
    )  # fmt: skip
    compute_lookthrough(db)
    client = Client(path)
    yield client
    client.close()


def seeded_rows(client, name, **params):
    response = client.get(f"/recalls/{name}.json?" + urllib.parse.urlencode({**params, "_shape": "array"}))
    assert response.status_code == 200, response.text
    return response.json()


def test_money_by_interest_gives_each_sides_interests_with_their_share_and_mega_donors(seeded):
    result = seeded_rows(seeded, "money_by_interest", campaign=GASCON)
    # against: 100,000 + 5,000 + G_PAC's 20,000 = 125,000 (the 999 is not counted); G_PAC's donor id has
    # no donors row: unclassified. for: 50,000 + 2,500 = 52,500.
    assert [
        (r["side"], r["interest"], r["given"], r["pct_of_side"], r["donors"], r["mega_donors"]) for r in result
    ] == [
        ("against", "real estate", 100000.0, 80.0, 1, "Realty Partners LLC ($100,000)"),
        ("against", "unclassified", 20000.0, 16.0, 1, None),
        ("against", "individual", 5000.0, 4.0, 1, None),
        ("for", "labor", 50000.0, 95.2, 1, "Union Local ($50,000)"),  # 50,000 / 52,500
        ("for", "individual", 2500.0, 4.8, 1, None),
    ]
    assert {r["side"]: r["side_total"] for r in result} == {"against": 125000.0, "for": 52500.0}


def test_original_givers_looks_through_the_committee_with_its_path(seeded):
    result = seeded_rows(seeded, "original_givers", campaign=GASCON)
    # G_PAC had 40,000 by 2022-04-01 (Realty 10,000, Ben 30,000): its 20,000 is Realty's 5,000 and Ben's 15,000
    assert [(r["side"], r["rank"], r["original_giver"], r["total"], r["direct"], r["passed_through"],
             r["pct_of_side"], r["through"]) for r in result] == [
        ("against", 1, "Realty Partners LLC", 105000.0, 100000.0, 5000.0, 84.0, "Good Government PAC"),
        ("against", 2, "Person, Ben", 15000.0, 0.0, 15000.0, 12.0, "Good Government PAC"),
        ("against", 3, "Person, Ann", 5000.0, 5000.0, 0.0, 4.0, None),
        ("for", 1, "Union Local", 50000.0, 50000.0, 0.0, 95.2, None),
        ("for", 2, "Person, Ann", 2500.0, 2500.0, 0.0, 4.8, None),
    ]  # fmt: skip
    assert {r["side"]: r["side_total"] for r in result} == {"against": 125000.0, "for": 52500.0}
    assert result[0]["donor_id"] == "d-realty" and result[0]["levels"] == 1 and result[0]["cycle"] == 0


def test_outside_spending_ranks_each_sides_spenders_beside_the_committees_money(seeded):
    result = seeded_rows(seeded, "outside_spending", campaign=GASCON)
    # against: Outside Safety PAC 30,000 + 10,000 (the superseded 99,999 left out); for: Reform Defenders
    # 25,000 (the 500 memo entry left out). The committees raised 125,000 and 52,500 (itemized).
    assert [(r["side"], r["rank"], r["spender"], r["spent"], r["expenditures"], r["first_expenditure"],
             r["last_expenditure"], r["side_outside_total"], r["side_committee_money"]) for r in result] == [
        ("against", 1, "Outside Safety PAC", 40000.0, 2, "2022-04-10", "2022-05-01", 40000.0, 125000.0),
        ("for", 1, "Reform Defenders IE", 25000.0, 1, "2022-04-20", "2022-04-20", 25000.0, 52500.0),
    ]  # fmt: skip


def test_new_outside_spending_is_a_feed_of_expenditures_since_a_date_above_an_amount(seeded):
    params = {"since": "2022-04-15", "min_amount": "5000"}
    result = seeded_rows(seeded, "new_outside_spending", **params)
    # ie1 (2022-04-10, filed 04-11) is before the date, ie4 superseded, ie5 a memo entry
    assert [(r["date"], r["amount"], r["spender"]) for r in result] == [
        ("2022-05-01", 10000.0, "Outside Safety PAC"),
        ("2022-04-20", 25000.0, "Reform Defenders IE"),
    ]
    response = seeded.get("/recalls/new_outside_spending.atom?" + urllib.parse.urlencode(params))
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == [
        f"$10,000 by Outside Safety PAC (against the prosecutor) - {GASCON}",
        f"$25,000 by Reform Defenders IE (for the prosecutor) - {GASCON}",
    ]
    assert parsed.entries[0].link == f"http://localhost/recalls/outside_spending?campaign={GASCON}"
    assert seeded.get(parsed.entries[0].link.removeprefix("http://localhost")).status_code == 200


def test_the_who_is_behind_it_charts_return_rows_for_the_seeded_campaign(seeded):
    charts = metadata()["plugins"]["datasette-dashboards"]["who-is-behind-it"]["charts"]
    for name, chart in charts.items():
        sql = chart["query"].replace("[[", "").replace("]]", "")
        found = seeded.get(
            "/recalls.json?" + urllib.parse.urlencode({"sql": sql, "campaign": GASCON, "_shape": "array"})
        )
        assert found.status_code == 200, (name, found.text)
        assert found.json(), name


# Money as money where a person looks, plain numbers in CSV and JSON


def money_cells(page, column):
    return re.findall(rf'<td class="col-{column}(?: type-\w+)?">([^<]*)</td>', page)


def test_money_reads_as_dollars_in_html_and_stays_a_number_in_csv_and_json(seeded):
    path = "/recalls/original_givers?" + urllib.parse.urlencode({"campaign": GASCON})
    assert money_cells(seeded.get(path).text, "total") == ["$105,000", "$15,000", "$5,000", "$50,000", "$2,500"]
    assert seeded_rows(seeded, "original_givers", campaign=GASCON)[0]["total"] == 105000.0
    csv_text = seeded.get(path.replace("original_givers?", "original_givers.csv?")).text
    assert next(csv.DictReader(io.StringIO(csv_text)))["total"] == "105000.0"
    table = seeded.get("/recalls/contributions?_sort_desc=amount").text
    assert money_cells(table, "amount")[:2] == ["$100,000", "$50,000"]
    assert "$999" in table and "$2,500" in table
    assert seeded.get("/recalls/contributions.json?_shape=array&_sort_desc=amount").json()[0]["amount"] == 100000.0
    assert "100000.0" in seeded.get("/recalls/contributions.csv?_sort_desc=amount").text


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_money_figure_of_every_canned_query_page_reads_as_dollars(client, name):
    page = client.get(query_path(name)).text
    for row in rows(client, name)[:1]:
        for column_name, value in row.items():
            if isinstance(value, float) and column_name not in ("pct_of_side", "cumulative_pct", "top_two_pct",
                                                                 "pct_of_side_outside", "last_run_duration_s",
                                                                 "days_since_success"):  # fmt: skip
                assert money_cells(page, column_name)[0].startswith(("$", "-$")), (name, column_name)


def test_every_canned_query_hides_its_sql_until_asked(client):
    for name in sorted(EXAMPLES):
        page = client.get(query_path(name)).text
        assert 'id="sql-query"' not in page and '<textarea id="sql-editor"' not in page, name
        assert re.search(r'<a href="[^"]*_show_sql=1">show</a>', page), name
    shown = client.get(query_path("original_givers", _show_sql="1")).text
    assert re.search(r'<pre id="sql-query">with listed as \(.*from original_givers', shown, re.DOTALL)
    assert ">hide</a>" in shown
