"""Datasette plugin for the RecallWatch site (served with `--plugins-dir plugins`).

- Closes Datasette 0.65.x's open redirects: a path such as `/\\example.com/` (or `//example.com/`)
  gets a trailing-slash redirect to `/\\example.com`, which browsers read as `//example.com`, another
  site, and an absolute-form request line (`GET http://example.com/x/ HTTP/1.1`) one to
  `http://example.com/x`. Such requests get a 404, and so does any response whose Location header,
  parsed as a browser would, leaves the site's own scheme and host.
- Every response carries a Content-Security-Policy, X-Content-Type-Options, X-Frame-Options and
  Referrer-Policy (PAGE_POLICY below says what the pages need and why).
- `:_site_url` in a canned query is the site's absolute address (scheme, host and base_url, no
  trailing slash), so feeds can carry absolute, working links. The scheme and host are those of
  RECALLWATCH_SITE_URL when it is set (every absolute URL Datasette builds uses them, whatever Host
  a request sends), else the request's.
- No string or blob longer than MAX_VALUE_BYTES is built or read by SQL on the site (SQLite's length
  limit, and printf()/format() refusing a `%c` repeated beyond it), so one query cannot hold a worker
  and gigabytes in a step the time limit cannot interrupt.
- In query results, a `donor_id` links to the `donor` query (every contribution of that donor) and
  an `article_id` to the article's page, so a reader can follow them with a click.
- Money reads as money on every HTML page (table rows and query results): a number in a money column
  (MONEY_COLUMN: amount, total*, *_amount, given, spent...) shows as `$175,000` or `$310.25`; CSV and
  JSON keep the plain number.
- Every canned query hides its SQL unless its metadata says `hide_sql: false`; the page's "show"
  link (`?_show_sql=1`) shows it.
- `.atom` of a query with no rows is a valid empty feed (datasette-atom 0.9 answers such a query
  with an error, so a feed of failures would break while nothing fails).
"""

import datetime
import functools
import math
import os
import re
import sqlite3
import threading
import urllib.parse

import datasette_atom
import markupsafe
from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator

C0_AND_SPACE = "".join(map(chr, range(0x21)))
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url):
    """(scheme, host, port) of an absolute http(s) URL, or None (another scheme, a user name, a bad port)."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None:
        return None
    return parts.scheme, parts.hostname, port


def leaves_the_site(location, site):
    r"""True unless a browser on the site (`site`: its scheme and Host) would resolve `location` (a
    Location header, or a request path) to the site itself: a path or query relative to the page, or an
    absolute http(s) URL of the site's own scheme, host and port. Browsers drop tabs and newlines from
    a URL, trim spaces and control characters, and read `\` as `/`, so `/\host`, `\\host` and
    `/<tab>/host` are `//host`, protocol-relative: another site. Any other scheme (javascript:, data:)
    and anything odd (`http:host`, `http://site@host`) counts as leaving the site too."""
    location = location.strip(C0_AND_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    location = location.replace("\\", "/")
    if location.startswith("//"):
        return True
    if not SCHEME.match(location):
        return False
    own = origin(f"{site[0]}://{site[1]}")
    return own is None or origin(location) != own or not location.split(":", 1)[1].startswith("//")


def request_site(scope):
    """The scheme and Host a request was addressed to (pin_to_site_url has set them from
    RECALLWATCH_SITE_URL if configured); Datasette's Request falls back to `localhost` too."""
    host = next((value for name, value in scope.get("headers", []) if name.lower() == b"host"), b"localhost")
    return scope.get("scheme") or "http", host.decode("latin-1")


def is_off_site_path(scope):
    r"""A request target that is already off the site: `//host/`, `/\host/` (decoded or raw), or an
    absolute-form request line (`GET http://other.host/x/ HTTP/1.1`, which uvicorn passes on as the
    path) for another host."""
    site = request_site(scope)
    raw_path = (scope.get("raw_path") or b"").decode("latin-1")
    return leaves_the_site(scope.get("path", ""), site) or leaves_the_site(raw_path, site)


async def not_found(send):
    await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"Not found"})


def guard_redirects(app):
    """No request for a target off the site is served, and no response whose Location header (any
    status) leaves the site is sent: either is answered with a plain 404."""

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if is_off_site_path(scope):
            return await not_found(send)
        site = request_site(scope)
        blocked = False

        async def checked_send(message):
            nonlocal blocked
            if message["type"] == "http.response.start":
                locations = [
                    value.decode("latin-1") for name, value in message.get("headers", []) if name.lower() == b"location"
                ]
                if any(leaves_the_site(location, site) for location in locations):
                    blocked = True
                    return await not_found(send)
            elif blocked:
                return None
            return await send(message)

        return await app(scope, receive, checked_send)

    return guarded


# The policy of the site's pages. Datasette 0.65 and its plugins need inline code, so:
# - script-src 'unsafe-inline': Datasette's pages carry inline <script> blocks (closing menus, the SQL
#   editor, DATASETTE_ALLOW_FACET), datasette-search-all one holding the list of tables, and
#   datasette-dashboards one per page that calls renderChart() with the page's query string and
#   address, plus an onclick= on its Fullscreen button. Several of them change with the request, so no
#   fixed list of hashes covers them, and a nonce added to every <script> on the way out would bless an
#   injected one too. What the policy still does: scripts only from the site itself (the dashboards'
#   Vega, Vega-Lite and vega-embed are served from /-/static-plugins/), no eval() outside the chart
#   pages, no plugins (object-src), no <base>, forms only to the site, and no request (fetch, image,
#   font) to another host, so an injected script or <img> could not send anything away; the page
#   cannot be framed (this also refuses the dashboards' /embed pages to other sites).
# - style-src 'unsafe-inline': style="" attributes throughout Datasette's templates, a <style> block in
#   each dashboard, and the styles vega-embed injects.
# - img-src data:: Datasette's app.css draws icons (the SQL editor's resize handle) as data: SVGs.
# The browser test (tests/test_browser.py) fails on anything this policy refuses on the pages it visits.
PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'unsafe-inline'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# A chart page (/-/dashboards/<dashboard>, …/<chart>, …/embed) also needs 'unsafe-eval': Vega compiles
# each expression of a spec (signals, the dashboards' containerSize() width) with new Function(), and
# the CSP-safe interpreter (vega-interpreter) is not among the files datasette-dashboards ships.
CHART_PAGE_POLICY = {**PAGE_POLICY, "script-src": "'self' 'unsafe-inline' 'unsafe-eval'"}
# Anything else (JSON, CSV, feeds, static files, plain-text errors) is never a page: it may load nothing.
OTHER_POLICY = {
    "default-src": "'none'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'none'",
}
SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",  # a query's address (what a reporter asked) stays on the site
}
REPLACED_HEADERS = {*SECURITY_HEADERS, b"content-security-policy"}


def site_path(datasette, scope):
    """The request's path as Datasette routes it (base_url taken off)."""
    path, base_url = scope.get("path", ""), datasette.setting("base_url")
    return "/" + path[len(base_url) :] if base_url != "/" and path.startswith(base_url) else path


def content_security_policy(path, headers):
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if not content_type.lower().startswith(b"text/html"):
        policy = OTHER_POLICY
    elif path.startswith("/-/dashboards/"):
        policy = CHART_PAGE_POLICY
    else:
        policy = PAGE_POLICY
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items()).encode()


def with_security_headers(path, headers):
    headers = [(name, value) for name, value in headers if name.lower() not in REPLACED_HEADERS]
    policy = content_security_policy(path, headers)
    return [*headers, *SECURITY_HEADERS.items(), (b"content-security-policy", policy)]


def add_security_headers(datasette, app):
    """Every response, error pages and this plugin's own 404 included, carries SECURITY_HEADERS and a CSP."""

    async def secured(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        path = site_path(datasette, scope)

        async def send_secured(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_security_headers(path, message.get("headers", []))}
            return await send(message)

        return await app(scope, receive, send_secured)

    return secured


SITE_URL_VARIABLE = "RECALLWATCH_SITE_URL"


def configured_site_url():
    """(scheme, host) of RECALLWATCH_SITE_URL (`https://recallwatch.example`), or None when unset."""
    value = os.environ.get(SITE_URL_VARIABLE, "").strip()
    if not value:
        return None
    parts = urllib.parse.urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            f"{SITE_URL_VARIABLE}={value!r}: give the scheme and host only, e.g. https://recallwatch.example "
            "(a path prefix is Datasette's base_url setting)"
        )
    return parts.scheme, parts.netloc.lower()


def pin_to_site_url(app):
    """With RECALLWATCH_SITE_URL set, every request is seen with that scheme and Host, whatever Host it
    sent: Datasette builds its absolute URLs (Link headers, next_url, facet and feed links, `:_site_url`)
    from the request, so a forged Host header would otherwise land in them (and in any cache)."""

    async def pinned(scope, receive, send):
        site = configured_site_url()
        if scope["type"] == "http" and site:
            scheme, host = site
            headers = [(name, value) for name, value in scope.get("headers", []) if name.lower() != b"host"]
            scope = {**scope, "scheme": scheme, "headers": [*headers, (b"host", host.encode("latin-1"))]}
        return await app(scope, receive, send)

    return pinned


@hookimpl
def startup(datasette):
    configured_site_url()  # a malformed RECALLWATCH_SITE_URL stops the server at once


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: add_security_headers(datasette, pin_to_site_url(guard_redirects(app)))


# The longest string or blob any SQL on the site may read or build (SQLITE_LIMIT_LENGTH, bytes). One
# step of SQLite (zeroblob(999999999), replace() or printf() of a huge value) cannot be interrupted by
# sql_time_limit_ms: printf('%.*c', 999999999, 'x') held a worker for 15 s and 1 GB. With the limit,
# building a longer value fails at once with "string or blob too big". Reading a stored value longer
# than this fails too, so it is far above the longest value the crawler stores: article and
# announcement texts are a few KB to some hundred KB (the snapshot's longest is 1.4 KB).
MAX_VALUE_BYTES = 10_000_000
# A printf() directive, as SQLite 3.40 reads one: flags, width (digits or *), precision, l/ll, type.
PRINTF_DIRECTIVE = re.compile(r"%(?:%|[-+ #!0,]*(?:\*|[1-9][0-9]*)?(?:\.(?P<precision>\*|[0-9]*))?(?:ll?)?(?P<type>.))")
SQLITE_LEADING_INTEGER = re.compile(r"\s*[+-]?([0-9]+)")
helpers = threading.local()


def too_big(value):
    """True if SQLite would read `value` (sqlite3_value_int64) as a number above MAX_VALUE_BYTES."""
    if value is None:
        return False
    if isinstance(value, int):
        return abs(value) > MAX_VALUE_BYTES
    if isinstance(value, float):
        return not math.isfinite(value) or abs(value) > MAX_VALUE_BYTES
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    digits = SQLITE_LEADING_INTEGER.match(text)  # '1000abc' is 1000, '1e9' is 1
    return digits is not None and int(digits[1]) > MAX_VALUE_BYTES


@functools.lru_cache(maxsize=1024)
def repeat_counts(fmt):
    """The precision (`*` or digits) of each `%c` of a format that has one: how often it repeats."""
    return tuple(d["precision"] for d in PRINTF_DIRECTIVE.finditer(fmt) if d["type"] == "c" and d["precision"])


def repeats_too_much(fmt, args):
    """True if a `%c` of the format repeats its character more than MAX_VALUE_BYTES times (`%.Nc`, or
    `%.*c` with any argument above it: each argument is checked, whichever the precision takes)."""
    if fmt is None:
        return False
    fmt = fmt if isinstance(fmt, str) else fmt.decode("utf-8", "replace") if isinstance(fmt, bytes) else str(fmt)
    return any(
        any(too_big(arg) for arg in args) if count == "*" else int(count) > MAX_VALUE_BYTES
        for count in repeat_counts(fmt)
    )


def sqlite_printf(name):
    """SQLite's own printf()/format(), refusing a `%c` repeated beyond MAX_VALUE_BYTES.

    SQLite 3.40 (Python 3.11 on Debian 12) repeats `%.Nc` one character at a time and goes on looping
    after the length limit is hit, then returns NULL: printf('%.*c', 999999999, 'x') takes 20 s of CPU
    that the time limit cannot interrupt, even with the limit set. So the site's connections get this
    function under the same name: it checks the format, then has SQLite compute the answer on a private
    in-memory connection (one per thread), so every other use gives exactly SQLite's result, at about
    8 µs a call instead of 1 (the 2,000 calls of new_contributions' 1,000 rows add some 15 ms)."""
    statements = {}

    def printf(*args):
        if args and repeats_too_much(args[0], args[1:]):
            # A value over the limit makes SQLite fail the query with its own "string or blob too big".
            return bytes(MAX_VALUE_BYTES + 1)
        cursor = getattr(helpers, "cursor", None)
        if cursor is None:
            connection = sqlite3.connect(":memory:")
            connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
            cursor = helpers.cursor = connection.cursor()
        sql = statements.get(len(args)) or statements.setdefault(
            len(args), f"select {name}({', '.join('?' * len(args))})"
        )
        return next(cursor.execute(sql, args))[0]

    return printf


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    for name in ("printf", "format"):
        conn.create_function(name, -1, sqlite_printf(name), deterministic=True)


def site_url(datasette, request):
    """The site's absolute address: RECALLWATCH_SITE_URL when set (pin_to_site_url put it in the
    request), else the request's scheme and Host; plus base_url, no trailing slash."""
    return datasette.absolute_url(request, datasette.urls.path("/")).rstrip("/")


@hookimpl
def register_magic_parameters(datasette):
    def site(key, request):
        if key != "url":
            raise KeyError(key)
        return site_url(datasette, request)

    return [("site", site)]


def feed_title(datasette, database, query_name, sql):
    queries = datasette.metadata(database=database).get("queries") or {}
    return (queries.get(query_name) or {}).get("title") or sql


def empty_feed(datasette, request, sql, database, query_name):
    feed = FeedGenerator()
    feed.id(request.url)
    feed.link(href=request.url, rel="self")
    feed.title(feed_title(datasette, database, query_name, sql))
    feed.updated(datetime.datetime.now(datetime.UTC))
    return Response(feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8")


def render_atom(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
    if rows or not datasette_atom.can_render_atom(columns):
        return datasette_atom.render_atom(
            datasette, request, sql, columns, rows, database, table, query_name, view_name, data
        )
    return empty_feed(datasette, request, sql, database, query_name)


@hookimpl(trylast=True)
def register_output_renderer(datasette):
    # trylast: called after datasette-atom's hook, so this "atom" renderer is the one registered.
    return {"extension": "atom", "render": render_atom, "can_render": datasette_atom.can_render_atom}


def donor_link(datasette, database, value):
    return datasette.urls.query(database, "donor") + "?" + urllib.parse.urlencode({"donor": value})


def article_link(datasette, database, value):
    return datasette.urls.table(database, "articles") + "/" + tilde_encode(value)


# column of a query's results -> the page its value links to
ID_LINKS = {"donor_id": donor_link, "article_id": article_link}


# Columns that hold US dollars, in the tables and in the canned queries' results
MONEY_COLUMN = re.compile(
    r"^(amount|amount_\w+|\w+_amount|total\w*|\w+_total|given|\w+_given|spent|raised|direct|passed_through"
    r"|not_itemized|cumulative_ytd|\w+_in_summary|\w+_after_summary|total_raised_summary|\w+_money"
    r"|\w+_reported|reported_by_\w+|gap|outside_spending|\w+_total_raised)$"
)


def dollars(value):
    """175000.0 -> '$175,000'; 310.25 -> '$310.25'; -50.5 -> '-$50.50'."""
    cents = round(abs(value) * 100)
    whole, rest = divmod(cents, 100)
    return ("-" if value < 0 and cents else "") + f"${whole:,}" + (f".{rest:02d}" if rest else "")


def is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@hookimpl
def render_cell(value, column, table, database, datasette):
    if is_number(value) and MONEY_COLUMN.match(column):
        return dollars(value)
    if table is not None or column not in ID_LINKS or not isinstance(value, str) or not value:
        return None
    url = ID_LINKS[column](datasette, database, value)
    return markupsafe.Markup('<a href="{}">{}</a>').format(url, value)


@hookimpl
def canned_queries(datasette, database):
    """The database's canned queries, each hiding its SQL unless it says `hide_sql: false`."""
    queries = datasette.metadata("queries", database=database, fallback=False) or {}
    return {
        name: {**query, "hide_sql": query.get("hide_sql", True)}
        for name, query in queries.items()
        if isinstance(query, dict)
    }
