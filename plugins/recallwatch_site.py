"""Datasette plugin for the RecallWatch site (served with `--plugins-dir plugins`).

- Closes Datasette 0.65.x's open redirect: a path such as `/\\example.com/` (or `//example.com/`)
  gets a trailing-slash redirect to `/\\example.com`, which browsers read as `//example.com`, another
  site. Such paths get a 404, and no response may send a Location that leaves the site.
- `:_site_url` in a canned query is the site's absolute address (scheme, host and base_url, no
  trailing slash), so feeds can carry absolute, working links.
- In query results, a `donor_id` links to the `donor` query (every contribution of that donor) and
  an `article_id` to the article's page, so a reader can follow them with a click.
- `.atom` of a query with no rows is a valid empty feed (datasette-atom 0.9 answers such a query
  with an error, so a feed of failures would break while nothing fails).
"""

import datetime
import urllib.parse

import datasette_atom
import markupsafe
from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator

OFF_SITE_PREFIXES = ("//", "/\\", "\\")


def leaves_the_site(location):
    """True for a Location a browser would resolve to another host (`//host`, `/\\host`, `\\host`)."""
    location = location.strip()
    return location.startswith(OFF_SITE_PREFIXES)


def is_off_site_path(scope):
    raw_path = scope.get("raw_path") or b""
    return leaves_the_site(scope.get("path", "")) or leaves_the_site(raw_path.decode("latin-1"))


async def not_found(send):
    await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"Not found"})


def guard_redirects(app):
    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if is_off_site_path(scope):
            return await not_found(send)
        blocked = False

        async def checked_send(message):
            nonlocal blocked
            if message["type"] == "http.response.start":
                locations = [
                    value.decode("latin-1") for name, value in message.get("headers", []) if name == b"location"
                ]
                if any(leaves_the_site(location) for location in locations):
                    blocked = True
                    return await not_found(send)
            elif blocked:
                return None
            return await send(message)

        return await app(scope, receive, checked_send)

    return guarded


@hookimpl
def asgi_wrapper(datasette):
    return guard_redirects


def site_url(datasette, request):
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


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is not None or column not in ID_LINKS or not isinstance(value, str) or not value:
        return None
    url = ID_LINKS[column](datasette, database, value)
    return markupsafe.Markup('<a href="{}">{}</a>').format(url, value)
