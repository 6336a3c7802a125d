"""The site: `make serve` serves the database with metadata.yml on 127.0.0.1 with time limits."""

import asyncio
import http.client
import importlib.util
import json
import socket
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


def test_a_huge_value_fails_at_once_on_the_served_site(site):
    sql = "select length(printf('%.*c', 999999999, 'x')) as n"
    status, _, body = raw_response(site, "/recalls.json?" + urllib.parse.urlencode({"sql": sql}))
    assert (status, json.loads(body)["error"]) == (400, "string or blob too big")
    assert get_json(f"{site}/recalls/announcements.json?_shape=array&_size=1")


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


def raw_request_line(base, line, host=None):
    """Send `line` as the request line, exactly (e.g. an absolute-form `GET http://host/x/ HTTP/1.1`),
    over a socket; the status and the Location headers of the answer."""
    parsed = urllib.parse.urlsplit(base)
    request = f"{line}\r\nHost: {host or parsed.netloc}\r\nConnection: close\r\n\r\n"
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as connection:
        connection.sendall(request.encode("latin-1"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status_line, *header_lines = answer.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    locations = [line.split(":", 1)[1].strip() for line in header_lines if line.lower().startswith("location:")]
    return int(status_line.split()[1]), locations


@pytest.mark.parametrize(
    "target",
    ["http://evil.com/x/", "http://evil.com/recalls/", "http://evil.com/recalls/announcements/",
     "https://evil.com/", "http://evil.com//x/", "HTTP://EVIL.COM/x/", "http://127.0.0.1@evil.com/x/"],
)  # fmt: skip
def test_an_absolute_form_request_line_is_not_redirected_to_another_host(site, target):
    status, locations = raw_request_line(site, f"GET {target} HTTP/1.1")
    assert locations == []
    assert status == 404


def test_an_absolute_form_request_for_the_site_itself_still_redirects_on_the_site(site):
    target = f"{site}/recalls/announcements/"
    assert raw_request_line(site, f"GET {target} HTTP/1.1") == (302, [f"{site}/recalls/announcements"])


def test_with_a_site_url_an_absolute_form_request_is_not_redirected_to_another_host(site_with_url):
    status, locations = raw_request_line(site_with_url, "GET http://evil.com/x/ HTTP/1.1", host="evil.com")
    assert (status, locations) == (404, [])


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


@pytest.mark.parametrize(
    "location",
    ["http://evil.com/x", "https://evil.com", "HTTP://EVIL.COM/", "//evil.com/x", "/\\evil.com", "\\\\evil.com",
     "\\/evil.com", "/\t/evil.com", " //evil.com", "http:\\\\evil.com", "http:/\\evil.com", "http:evil.com",
     "http://site.example@evil.com/", "http://site.example.evil.com/", "https://site.example:444/",
     "javascript:alert(1)", "data:text/html,x", "ftp://site.example/"],
)  # fmt: skip
def test_a_location_off_the_site_is_recognised(location):
    assert site_plugin().leaves_the_site(location, ("https", "site.example"))


@pytest.mark.parametrize(
    "location",
    ["/recalls/announcements", "/", "/recalls?sql=select+1", "announcements", "?_sort=id",
     "https://site.example/recalls", "https://SITE.example:443/", "https://site.example"],
)  # fmt: skip
def test_a_location_on_the_site_is_allowed(location):
    assert not site_plugin().leaves_the_site(location, ("https", "site.example"))


def run_guarded(location, host=b"site.example", scheme="https"):
    """A response with `location`, sent through the plugin's redirect guard: its status and headers."""

    async def redirecting_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 301, "headers": [(b"Location", location.encode())]})
        await send({"type": "http.response.body", "body": b"moved"})

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "scheme": scheme, "path": "/x/", "raw_path": b"/x/", "headers": [(b"host", host)]}
    asyncio.run(site_plugin().guard_redirects(redirecting_app)(scope, None, send))
    return sent[0]["status"], dict(sent[0]["headers"])


@pytest.mark.parametrize("location", ["http://evil.com/x", "https://evil.com/", "//evil.com", "/\\evil.com"])
def test_the_guard_turns_any_redirect_off_the_site_into_a_404(location):
    assert run_guarded(location) == (404, {b"content-type": b"text/plain"})


@pytest.mark.parametrize("location", ["/x", "https://site.example/x"])
def test_the_guard_lets_a_redirect_on_the_site_through(location):
    assert run_guarded(location) == (301, {b"Location": location.encode()})
