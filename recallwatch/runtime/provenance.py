"""Provenance: every fetched document gets a `fetches` row (url, time, status, sha256 of the body)
and, unless ARCHIVE_ENABLED is off, a WARC record under ARCHIVE_DIR (`warc_file` is the file's
name within ARCHIVE_DIR, `warc_offset` where the record starts). Items produced from a
response are stamped with its fetch id by `FetchIdMiddleware`.

A document fetched again with the same body keeps its fetch row (only `last_seen` moves), so a
re-run adds no rows and no archive records.

A fetch is `complete` once every item parsed from it has been stored: `FetchIdMiddleware` follows the
last item of a document with a `DocumentDone` marker, and the store marks the fetch complete in the
same transaction as the items' last batch. A run killed in between leaves the fetch incomplete, so
the next run parses that document again instead of trusting it (see recallwatch/incremental.py).
"""

import hashlib
import io
import os
import sqlite3

from scrapy import Request
from scrapy.http.response import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from recallwatch.core.ids import published_url, stable_id
from recallwatch.core.items import RecordItem
from recallwatch.core.timeutil import utc_now_iso
from recallwatch.runtime.run import Run

SNAPSHOT_MISS_FLAG = "snapshot-miss"


class DocumentDone(dict):
    """Marker that follows the last item parsed from one fetched document; `links` counts the
    requests the document led to (0 for a leaf, more for a listing, feed or API page)."""

    def __init__(self, fetch_id, links):
        super().__init__(fetch_id=fetch_id, links=links)


def header(response, name):
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def fetch_id_for(url, sha256):
    return stable_id(url, sha256)


def origin_of(response):
    if "snapshot" in response.flags:
        return "snapshot"
    return "file" if response.url.startswith("file:") else "network"


class WarcArchive:
    """Appends records to one gzipped WARC file per run; each record is its own gzip member,
    so (file, offset) locates it for reading back with warcio."""

    def __init__(self, directory, run_id):
        self.directory = directory
        self.run_id = run_id
        self._file = None
        self._writer = None
        self.path = None

    def _open(self):
        os.makedirs(self.directory, exist_ok=True)
        self.path = os.path.join(self.directory, f"{self.run_id}.warc.gz")
        self._file = open(self.path, "ab")
        self._writer = WARCWriter(self._file, gzip=True)
        warcinfo = self._writer.create_warcinfo_record(
            os.path.basename(self.path), {"software": "RecallWatch (Scrapy)", "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(warcinfo)

    def write(self, response):
        if self._writer is None:
            self._open()
        if response.url.startswith(("http://", "https://")):
            headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1")) for k, v in response.headers.items()]
            http_headers = StatusAndHeaders(str(response.status), headers, protocol="HTTP/1.1")
            record = self._writer.create_warc_record(
                response.url, "response", payload=io.BytesIO(response.body), http_headers=http_headers
            )
        else:
            content_type = (response.headers.get("Content-Type") or b"application/octet-stream").decode("latin-1")
            record = self._writer.create_warc_record(
                response.url, "resource", payload=io.BytesIO(response.body), warc_content_type=content_type
            )
        offset = self._file.tell()
        self._writer.write_record(record)
        self._file.flush()
        # The file's name within ARCHIVE_DIR: a published row holds no local path of this machine
        return os.path.basename(self.path), offset, record.rec_headers.get_header("WARC-Record-ID")

    def close(self):
        if self._file:
            self._file.close()


class FetchRecorderMiddleware:
    """Downloader middleware, next to the downloader: sees every response as received."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.run = Run.of(crawler)
        settings = crawler.settings
        self.archive_enabled = settings.getbool("ARCHIVE_ENABLED")
        self.archive_dir = settings.get("ARCHIVE_DIR")
        self.archive = None
        self.run.fetch_recorder = self  # the end of the run closes its WARC file

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if SNAPSHOT_MISS_FLAG in response.flags or response.status == 304:
            return response
        try:
            request.meta["fetch_id"], request.meta["unchanged"] = self.record(response, self.crawler.spider.name)
        except sqlite3.DatabaseError as error:
            self.run.database_failed(error)
        return response

    def record(self, response: Response, spider_name):
        """Record the fetch. Returns its id and, when this exact document was fully stored before, what
        it was: "leaf" (it led to no other request) or "index"; otherwise None."""
        sha256 = hashlib.sha256(response.body).hexdigest()
        fetch_id = fetch_id_for(response.url, sha256)
        table = self.run.db["fetches"]
        now = utc_now_iso()
        with self.run.db.atomic():
            seen = list(self.run.db.query("select complete, links from fetches where id = ?", [fetch_id]))
            if seen:
                table.update(fetch_id, {"last_seen": now})
                if not seen[0]["complete"]:
                    return fetch_id, None
                return fetch_id, "index" if seen[0]["links"] else "leaf"
            row = {
                "id": fetch_id,
                "url": published_url(response.url),  # a local file by its name alone
                "fetched_at": now,
                "last_seen": now,
                "status": response.status,
                "sha256": sha256,
                "size": len(response.body),
                "content_type": (response.headers.get("Content-Type") or b"").decode("latin-1") or None,
                "spider": spider_name,
                "origin": origin_of(response),
                "etag": header(response, "ETag"),
                "last_modified": header(response, "Last-Modified"),
            }
            if self.archive_enabled:
                if self.archive is None:
                    self.archive = WarcArchive(self.archive_dir, self.run.id)
                row["warc_file"], row["warc_offset"], row["warc_record_id"] = self.archive.write(response)
            table.insert(row)
        return fetch_id, None

    def close(self):
        if self.archive:
            self.archive.close()


class FetchIdMiddleware:
    """Spider middleware: stamps every item with the fetch id of the response it came from, and
    marks the end of the document's items (only reached when its callback did not fail)."""

    def process_spider_output(self, response, result):
        links = 0
        for element in result:
            links += isinstance(element, Request)
            yield self._stamp(response, element)
        if response.meta.get("fetch_id"):
            yield DocumentDone(response.meta["fetch_id"], links)

    async def process_spider_output_async(self, response, result):
        links = 0
        async for element in result:
            links += isinstance(element, Request)
            yield self._stamp(response, element)
        if response.meta.get("fetch_id"):
            yield DocumentDone(response.meta["fetch_id"], links)

    @staticmethod
    def _stamp(response, element):
        if isinstance(element, RecordItem) and not element.get("fetch_id"):
            element["fetch_id"] = response.meta.get("fetch_id")
        return element
