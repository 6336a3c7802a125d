"""The offline snapshot: recorded responses, stored in the repo under SNAPSHOT_DIR, that replay
through the same spiders with the network off.

Layout: one folder per source (spider name), each holding the recorded bodies and a
`recordings.yml` index:

    - url: https://lavote.gov/home/county-clerk/news-releases
      file: lavote.gov_home_county-clerk_news-releases.html
      status: 200
      headers: {Content-Type: text/html; charset=utf-8}

With SNAPSHOT_REPLAY on, `SnapshotMiddleware` answers every http(s) request from the index (URLs
compared canonically: query order and fragments do not matter); a URL with no recording gets a
404 flagged `snapshot-miss`. With SNAPSHOT_RECORD on (and replay off), every response a live crawl
receives is added to the snapshot. `scrapy record SOURCE URL FILE` adds one by hand.
"""

import hashlib
import logging
import os
import re
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import yaml
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

from recallwatch.runtime.provenance import SNAPSHOT_MISS_FLAG

logger = logging.getLogger(__name__)

INDEX_NAME = "recordings.yml"
EXTENSIONS = {
    "html": ".html",
    "xml": ".xml",
    "rss": ".xml",
    "atom": ".xml",
    "json": ".json",
    "zip": ".zip",
    "spreadsheetml": ".xlsx",
    "tab-separated": ".tsv",
    "csv": ".csv",
    "plain": ".txt",
}


def recording_key(url):
    return canonicalize_url(url, keep_fragments=False)


def file_name_for(url, content_type):
    parts = urlsplit(url)
    stem = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{parts.netloc}{parts.path}").strip("_")[:100]
    if parts.query:
        stem += "_" + hashlib.sha1(parts.query.encode()).hexdigest()[:8]
    known_ext = os.path.splitext(parts.path)[1].lower()
    if known_ext and len(known_ext) <= 6 and stem.lower().endswith(known_ext):
        return stem
    ext = next((e for word, e in EXTENSIONS.items() if word in (content_type or "")), ".bin")
    return stem + ext


class Snapshot:
    def __init__(self, root):
        self.root = root
        self._recordings = None

    @property
    def recordings(self):
        if self._recordings is None:
            self._recordings = {}
            if os.path.isdir(self.root):
                for source in sorted(os.listdir(self.root)):
                    for entry in self.read_index(source):
                        entry["path"] = os.path.join(self.root, source, entry["file"])
                        self._recordings[recording_key(entry["url"])] = entry
        return self._recordings

    def read_index(self, source):
        index_path = os.path.join(self.root, source, INDEX_NAME)
        if not os.path.exists(index_path):
            return []
        with open(index_path, encoding="utf-8") as f:
            return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []

    def lookup(self, url):
        return self.recordings.get(recording_key(url))

    def add(self, source, url, body, status=200, headers=None):
        """Store one recording (replacing any earlier one of the same URL) and index it."""
        return self.add_many(source, [(url, body, headers)], status)[0]

    def add_many(self, source, recordings, status=200):
        """Store (url, body, headers) recordings and index them, rewriting the index once."""
        folder = os.path.join(self.root, source)
        os.makedirs(folder, exist_ok=True)
        entries = {recording_key(e["url"]): e for e in self.read_index(source)}
        file_names = []
        for url, body, headers in recordings:
            headers = {k: v for k, v in (headers or {}).items() if v is not None}
            file_name = file_name_for(url, headers.get("Content-Type"))
            with open(os.path.join(folder, file_name), "wb") as f:
                f.write(body)
            entries.pop(recording_key(url), None)
            entries[recording_key(url)] = {"url": url, "file": file_name, "status": status, "headers": headers}
            file_names.append(file_name)
        with open(os.path.join(folder, INDEX_NAME), "w", encoding="utf-8") as f:
            yaml.safe_dump(list(entries.values()), f, sort_keys=False, allow_unicode=True, width=120)
        self._recordings = None
        return file_names


def not_modified(request, recorded_headers):
    """Answer a conditional request as the source would, from the recording's ETag/Last-Modified."""
    etag, since = request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")
    if etag and recorded_headers.get("ETag"):
        return etag == recorded_headers.get("ETag")
    if since and recorded_headers.get("Last-Modified"):
        try:
            return parsedate_to_datetime(recorded_headers["Last-Modified"].decode()) <= parsedate_to_datetime(
                since.decode()
            )
        except (TypeError, ValueError):
            return False
    return False


class SnapshotMiddleware:
    """Downloader middleware: replays (or records) the snapshot."""

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.snapshot = Snapshot(settings.get("SNAPSHOT_DIR"))
        self.replay = settings.getbool("SNAPSHOT_REPLAY")
        self.record = settings.getbool("SNAPSHOT_RECORD") and not self.replay

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not self.replay or not request.url.startswith(("http://", "https://")):
            return None
        entry = self.snapshot.lookup(request.url)
        if entry is None:
            if not urlsplit(request.url).path.endswith("/robots.txt"):
                logger.warning("No snapshot recording for %s", request.url)
            return Response(request.url, status=404, request=request, flags=[SNAPSHOT_MISS_FLAG])
        headers = Headers(entry.get("headers") or {})
        if not_modified(request, headers):
            return Response(request.url, status=304, headers=headers, request=request, flags=["snapshot"])
        with open(entry["path"], "rb") as f:
            body = f.read()
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_class(
            url=request.url,
            status=entry.get("status", 200),
            headers=headers,
            body=body,
            request=request,
            flags=["snapshot"],
        )

    def process_response(self, request, response):
        if self.record and response.url.startswith(("http://", "https://")):
            headers = {
                k.decode("latin-1"): response.headers.get(k).decode("latin-1")
                for k in response.headers.keys()
                if k.lower() in (b"content-type", b"location", b"last-modified", b"etag", b"content-encoding")
            }
            self.snapshot.add(self.crawler.spider.name, response.url, response.body, response.status, headers)
        return response
