"""What the bulk-export spiders share (filings_calaccess, filings_illinois, filings_pennsylvania):
their base class (settings for exports of gigabytes, batches of `batch_rows` rows), the tables of
an export found in a zip, a folder of extracted files or one file, each opened as a binary stream;
and a local (file://) export read from disk, never into memory.

A spider has `table_of(path)`: the name of the table a file path holds, or None for a file it
does not read.
"""

import hashlib
import io
import json
import os
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrapy.http import Response

from crawlers.filings_base import FilingsSpider
from recallwatch.parsers.archives import ArchiveLimits, open_zip
from recallwatch.runtime.memory import give_freed_memory_back

LOCAL_EXPORT = "local_export_path"


class ExportFiles:
    """The tables of an export, each opened as a binary stream: a zip (path or bytes), a folder
    of extracted tables, or one table file. `table_of(path)` names a file's table (None: not one)."""

    def __init__(self, table_of, location=None, body=None, url=None, limits=None):
        self.table_of = table_of
        self.location, self.body, self.url = location, body, url
        self.limits = limits or ArchiveLimits()

    def _zip(self):
        source = self.location if self.location else io.BytesIO(self.body)
        return open_zip(source, self.limits)

    def is_zip(self):
        if self.location:
            return os.path.isfile(self.location) and zipfile.is_zipfile(self.location)
        return self.body[:4] == b"PK\x03\x04"

    def tables(self):
        """{table name: opener} of the tables the spider reads."""
        found = {}
        if self.is_zip():
            with self._zip() as archive:
                for member in archive.namelist():
                    if self.table_of(member):
                        found[self.table_of(member)] = ("zip", member)
        elif self.location and os.path.isdir(self.location):
            for path in sorted(Path(self.location).rglob("*")):
                if path.is_file() and self.table_of(path.name):
                    found.setdefault(self.table_of(path.name), ("file", path))
        else:
            name = self.table_of(self.location or urlsplit(self.url or "").path)
            if name:
                found[name] = ("file", self.location)
        return found

    def size(self, where):
        """The bytes of a table (uncompressed), for the progress of a load."""
        kind, name = where
        if kind == "zip":
            with self._zip() as archive:
                return archive.getinfo(name).file_size
        return os.path.getsize(name) if self.location else len(self.body)

    @contextmanager
    def open(self, where):
        kind, name = where
        if kind == "zip":
            with self._zip() as archive, archive.open(name) as stream:
                yield stream
        elif self.location:
            with open(name, "rb") as stream:
                yield stream
        else:
            yield io.BytesIO(self.body)


def manifest(path, table_of):
    """What a local export is: its files with their size and sha256 (hashed in chunks)."""
    root = Path(path)
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and table_of(p.name))
    entries = []
    for file in files:
        digest = hashlib.sha256()
        with open(file, "rb") as stream:
            for chunk in iter(lambda stream=stream: stream.read(1 << 20), b""):
                digest.update(chunk)
        name = file.name if root.is_file() else str(file.relative_to(root))
        entries.append({"file": name, "size": file.stat().st_size, "sha256": digest.hexdigest()})
    return {"path": str(root), "files": entries}


class LocalExportMiddleware:
    """Downloader middleware of a bulk-export spider: a file:// export is not read into memory
    (a receipts table alone is gigabytes); the response is a JSON manifest of its files, and the
    spider streams the tables from disk."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not request.url.startswith("file://"):
            return None
        path = unquote(urlsplit(request.url).path)
        if not os.path.exists(path):
            return None  # the file handler reports the missing file
        body = json.dumps(manifest(path, self.crawler.spider.table_of), indent=1).encode()
        request.meta[LOCAL_EXPORT] = path
        return Response(
            request.url, body=body, headers={"Content-Type": "application/json"}, request=request, flags=["local"]
        )


def use_local_exports(settings):
    """Add LocalExportMiddleware to the project's downloader middlewares (a spider's
    custom_settings would replace them all)."""
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares["crawlers.bulk_export.LocalExportMiddleware"] = 970
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")


def export_files(response, table_of, settings):
    """The ExportFiles of a response: the local export it names, or its body."""
    local = response.meta.get(LOCAL_EXPORT)
    limits = ArchiveLimits.from_settings(settings)
    if local:
        return ExportFiles(table_of, location=local, limits=limits)
    return ExportFiles(table_of, body=response.body, url=response.url, limits=limits)


class BulkExportSpider(FilingsSpider):
    custom_settings = {
        # A batch holds thousands of rows: one at a time through the pipelines keeps memory flat
        # (Scrapy would otherwise take up to 100 batches from the callback before storing one)
        "CONCURRENT_ITEMS": 1,
        # The exports are up to gigabytes, and slow to serve
        "DOWNLOAD_MAXSIZE": 4 * 1024**3,
        "DOWNLOAD_WARNSIZE": 2 * 1024**3,
        "DOWNLOAD_TIMEOUT": 3600,
    }

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        use_local_exports(settings)

    def __init__(self, *args, batch_rows=5000, **kwargs):
        super().__init__(*args, **kwargs)
        give_freed_memory_back()
        self.batch_rows = int(batch_rows)

    @staticmethod
    def table_of(path):
        raise NotImplementedError
