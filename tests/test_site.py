"""The site: `make serve` serves the database with metadata.yml on 127.0.0.1 with time limits."""

import http.client
import importlib.util
import json
import urllib.parse

import feedparser
import pytest

from tests.crawl import crawl
from tests.site import PLUGINS, get_json, serve

SITE_URL = "https://recallwatch.example"


@pytest.fixture(scope="module")
def lavote_db(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("site")
    crawl("registrar_lavote", tmp_path)
    return tmp_path / "recalls.db"


@pytest.fixture(scope="module")
def site(lavote_db):
    with serve(lavote_db) as base:
        yield base


@pytest.fixture(scope="module")
def site_with_url(lavote_db):
    """The site published at SITE_URL (RECALLWATCH_SITE_URL), reached here on 127.0.0.1."""
    with serve(lavote_db, env={"RECALLWATCH_SITE_URL": SITE_URL + "/"}) as base:
        yield base


def test_the_site_serves_the_database_with_its_tables(site):
    tables = {t["name"] for t in get_json(f"{site}/recalls.json")["tables"]}
    assert {"announcements", "contributions", "petition_counts", "crawl_runs"} <= tables


def test_the_site_uses_metadata_and_the_time_limits(site):
    metadata = get_json(f"{site}/-/metadata.json")
    assert metadata["title"] == "RecallWatch"
    assert "sample records" in metadata["description_html"]
    settings = get_json(f"{site}/-/settings.json")
    assert settings["sql_time_limit_ms"] == 3000
    assert settings["max_returned_rows"] == 2000


def test_a_table_of_the_snapshot_data_is_browsable_as_json(site):
    rows = get_json(f"{site}/recalls/announcements.json?_shape=array&_sort=published")
    assert rows[0]["title"] == "Petition to Recall District Attorney Approved for Circulation"


def raw_response(base, path, headers=None):
    """GET a path exactly as written (no normalisation, no redirect following): status, headers, body."""
    parsed = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def raw_get(base, path):
    status, headers, body = raw_response(base, path)
    return status, headers.get("Location"), body


@pytest.mark.parametrize(
    "path", ["/\\example.com/", "/\\example.com", "//example.com/", "/%5Cexample.com/", "/\\/example.com/"]
)
def test_no_path_redirects_off_the_site(site, path):
    status, location, _ = raw_get(site, path)
    assert status == 404
    assert location is None


def test_ordinary_trailing_slash_redirects_still_work(site):
    assert raw_get(site, "/recalls/announcements/")[:2] == (302, "/recalls/announcements")


@pytest.mark.parametrize(
    "sql",
    ["update crawl_runs set status = 'ok'", "delete from announcements", "drop table announcements",
     "insert into targets (id) values ('x')", "select 1; delete from announcements"],
)  # fmt: skip
def test_the_site_is_read_only(site, sql):
    count_url = f"{site}/recalls.json?sql=select+count(*)+as+n+from+announcements&_shape=array"
    before = get_json(count_url)
    status, _, body = raw_get(site, "/recalls.json?" + urllib.parse.urlencode({"sql": sql}))
    assert status == 400
    assert json.loads(body)["ok"] is False
    assert get_json(count_url) == before != [{"n": 0}]


def test_no_plugin_that_writes_or_renders_stored_html_is_installed(site):
    plugins = {plugin["name"] for plugin in get_json(f"{site}/-/plugins.json")}
    assert "recallwatch_site.py" in plugins
    assert not {name for name in plugins if "write" in name or "insert" in name or "upload" in name or "edit" in name}


def csp_directives(policy):
    directives = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        assert name not in directives, policy
        directives[name] = sources
    return directives


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html"),
        ("/recalls/announcements", "text/html"),
        ("/recalls?sql=select+1+as+x", "text/html"),
        ("/-/dashboards/petitions?campaign=gascon-recall-2022", "text/html"),
        ("/-/dashboards/petitions", "text/plain"),  # a redirect to the default filter
        ("/no-such-page", "text/html"),
        ("/recalls/announcements.json", "application/json"),
        ("/recalls.json?sql=select+1+as+x", "application/json"),
        ("/recalls/announcements.csv", "text/plain"),
        ("/recalls.csv?sql=select+1+as+x", "text/plain"),
        ("/\\example.com/", "text/plain"),
    ],
)
def test_every_response_carries_the_security_headers(site, path, content_type):
    status, headers, _ = raw_response(site, path)
    assert headers.get_content_type() == content_type, (status, headers)
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert len(headers.get_all(name) or []) == 1, name
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = csp_directives(headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    if content_type == "text/html":
        assert csp["default-src"] == ["'self'"]
        assert csp["img-src"] == ["'self'", "data:"]
        assert csp["form-action"] == ["'self'"]
        # only the site's own scripts: no other host, no `data:`/`blob:`; eval only where Vega draws
        eval_ = ["'unsafe-eval'"] if path.startswith("/-/dashboards/") else []
        assert csp["script-src"] == ["'self'", "'unsafe-inline'", *eval_]
    else:
        assert csp["default-src"] == ["'none'"]


EVIL_HOST = {"Host": "evil.example"}


def test_with_a_site_url_feed_links_ignore_the_host_header(site_with_url):
    status, _, body = raw_response(
        site_with_url, "/recalls/registrar_announcements.atom?since=2022-01-01", headers=EVIL_HOST
    )
    assert status == 200
    assert b"evil.example" not in body
    feed = feedparser.parse(body)
    assert feed.bozo == 0 and feed.entries
    links = [link.href for link in feed.feed.links] + [entry.link for entry in feed.entries]
    assert all(link.startswith(SITE_URL + "/recalls/") for link in links), links
    assert feed.feed.id.startswith(SITE_URL + "/recalls/registrar_announcements.atom")


def test_with_a_site_url_link_headers_and_json_urls_ignore_the_host_header(site_with_url):
    status, headers, body = raw_response(site_with_url, "/recalls/announcements", headers=EVIL_HOST)
    assert status == 200
    assert headers["Link"].startswith(SITE_URL + "/recalls/announcements.json;")
    assert b"evil.example" not in body
    status, headers, body = raw_response(site_with_url, "/recalls/announcements.json?_size=1", headers=EVIL_HOST)
    assert json.loads(body)["next_url"].startswith(SITE_URL + "/recalls/announcements.json?")
    assert "evil.example" not in str(headers.items())


def test_without_a_site_url_links_are_built_from_the_request(site):
    status, headers, _ = raw_response(site, "/recalls/announcements", headers={"Host": "recallwatch.test"})
    assert headers["Link"].startswith("http://recallwatch.test/recalls/announcements.json;")


def site_plugin():
    spec = importlib.util.spec_from_file_location("recallwatch_site_under_test", PLUGINS / "recallwatch_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", None), ("https://RecallWatch.example/", ("https", "recallwatch.example")),
     ("http://127.0.0.1:8001", ("http", "127.0.0.1:8001"))],
)  # fmt: skip
def test_the_site_url_is_a_scheme_and_a_host(monkeypatch, value, expected):
    monkeypatch.setenv("RECALLWATCH_SITE_URL", value)
    assert site_plugin().configured_site_url() == expected


@pytest.mark.parametrize(
    "value", ["recallwatch.example", "ftp://recallwatch.example", "https://recallwatch.example/site",
              "https://user@recallwatch.example", "https://recallwatch.example/?x=1", "https://"],
)  # fmt: skip
def test_a_malformed_site_url_is_refused(monkeypatch, value):
    monkeypatch.setenv("RECALLWATCH_SITE_URL", value)
    with pytest.raises(ValueError, match="RECALLWATCH_SITE_URL"):
        site_plugin().configured_site_url()
