"""filings_calaccess: the California Secretary of State's CAL-ACCESS bulk export
(dbwebexport.zip, about 1 GB; its CalAccess/DATA/*.TSV tables), read by
recallwatch/parsers/calaccess.py (which tables, how each row is read, which rows are rejected).

This module finds the tables and streams them to the parser: `-a url=` takes the zip (opened
within the archive size limits), a folder of the extracted tables or one TSV (http(s) or
file://; a local export is read from disk, and its fetch records a manifest of its files with
their sha256 instead of a copy of a gigabyte). Rows travel in RecordBatch objects
(recallwatch/core/batch.py), not one item each, the receipts in ColumnBatches read column by column
(`CALACCESS_COLUMNAR`, on by default); a scheduled run keeps the filers the watchlist finds. The
load's progress is logged and kept in the run's stats (recallwatch/runtime/progress.py).
"""

import hashlib
import io
import json
import os
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy.http import Response

from crawlers.filings_base import FilingsSpider
from recallwatch.parsers.archives import ArchiveLimits, open_zip
from recallwatch.parsers.calaccess import SOURCE, TABLES, ExportReader
from recallwatch.runtime.progress import BulkProgress

EXPORT_URL = "https://campaignfinance.cdn.sos.ca.gov/dbwebexport.zip"
TABLE_FILE = re.compile(r"(?:^|/)([A-Z0-9_]+)\.TSV$", re.IGNORECASE)
LOCAL_EXPORT = "local_export_path"


# -- where the tables are


def table_name(path):
    match = TABLE_FILE.search(str(path).replace("\\", "/"))
    return match.group(1).upper() if match else None


class ExportFiles:
    """The tables of an export, each opened as a binary stream: a zip (path or bytes), a folder
    of extracted tables, or one table file."""

    def __init__(self, location=None, body=None, url=None, limits=None):
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
        """{TABLE_NAME: opener} of the tables this spider reads."""
        found = {}
        if self.is_zip():
            with self._zip() as archive:
                for member in archive.namelist():
                    if table_name(member) in TABLES:
                        found[table_name(member)] = ("zip", member)
        elif self.location and os.path.isdir(self.location):
            for path in sorted(Path(self.location).rglob("*")):
                if path.is_file() and table_name(path.name) in TABLES:
                    found.setdefault(table_name(path.name), ("file", path))
        else:
            name = table_name(self.location or urlsplit(self.url or "").path)
            if name in TABLES:
                found[name] = ("file", self.location)
        return found

    def size(self, where):
        """The bytes of a table (uncompressed), for the progress of the load."""
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


def manifest(path):
    """What a local export is: its files with their size and sha256 (hashed in chunks)."""
    root = Path(path)
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and table_name(p.name))
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
    """Downloader middleware of this spider: a file:// export is not read into memory (the
    receipts table alone is gigabytes); the response is a JSON manifest of its files, and the
    spider streams the tables from disk."""

    def process_request(self, request):
        if not request.url.startswith("file://"):
            return None
        path = unquote(urlsplit(request.url).path)
        if not os.path.exists(path):
            return None  # the file handler reports the missing file
        body = json.dumps(manifest(path), indent=1).encode()
        request.meta[LOCAL_EXPORT] = path
        return Response(
            request.url, body=body, headers={"Content-Type": "application/json"}, request=request, flags=["local"]
        )


class FilingsCalaccessSpider(FilingsSpider):
    name = "filings_calaccess"
    source = SOURCE
    allowed_domains = ["campaignfinance.cdn.sos.ca.gov", "sos.ca.gov"]
    custom_settings = {
        # A batch holds thousands of rows: one at a time through the pipelines keeps memory flat
        # (Scrapy would otherwise take up to 100 batches from the callback before storing one)
        "CONCURRENT_ITEMS": 1,
        # The real export is about 1 GB, and slow to serve
        "DOWNLOAD_MAXSIZE": 4 * 1024**3,
        "DOWNLOAD_WARNSIZE": 2 * 1024**3,
        "DOWNLOAD_TIMEOUT": 3600,
    }

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        # Added to the project's downloader middlewares (custom_settings would replace them all)
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares["crawlers.filings_calaccess.LocalExportMiddleware"] = 970
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")

    def __init__(self, *args, batch_rows=5000, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch_rows = int(batch_rows)

    def configured_requests(self):
        for export in self.watchlist.calaccess_exports:
            yield scrapy.Request(
                export["url"],
                callback=self.parse_export,
                cb_kwargs={"committee_ids": [str(i) for i in export.get("committee_ids", [])]},
            )

    def callback_for_url(self, url):
        return self.parse_export

    def watchlist_filter(self, committee_ids):
        """A scheduled run keeps the filers the watchlist's patterns find, or lists by id."""
        wanted = set(committee_ids)

        def keep(filer_id, name, on_date):
            if filer_id in wanted:
                return True
            return name is not None and self.watchlist.committee_campaign(name, on_date)[0] is not None

        return keep

    def link(self, name, on_date):
        return self.watchlist.committee_campaign(name, on_date)

    def parse_export(self, response, committee_ids=None):
        local = response.meta.get(LOCAL_EXPORT)
        limits = ArchiveLimits.from_settings(self.settings)
        if local:
            files = ExportFiles(location=local, limits=limits)
        else:
            files = ExportFiles(body=response.body, url=response.url, limits=limits)
        keep = None if self.url else self.watchlist_filter(committee_ids or [])
        reader = ExportReader(response.url, keep_filer=keep, link=self.link)
        if self.settings.getbool("CALACCESS_COLUMNAR", True):  # the receipts read column by column
            from recallwatch.parsers.calaccess_columns import ReceiptColumns  # pyarrow: only when used

            reader.table_readers.update(ReceiptColumns(reader).readers())
        tables = files.tables()
        if not tables:
            raise ValueError(f"no CAL-ACCESS table in the document (expected one of {', '.join(TABLES)})")
        fetch_id = response.meta.get("fetch_id")
        progress = BulkProgress.of(self, total_bytes=sum(map(files.size, tables.values())))
        parsed = reader.read_export(tables, lambda table: progress.reading(files.open(tables[table])), self.batch_rows)
        for batch in self.forward(parsed, response):
            batch.fetch_id = fetch_id  # the provenance middleware stamps items, not batches
            progress.advance(len(batch))
            yield batch
        progress.finish()
        self.crawler.stats.set_value("recallwatch/calaccess_497_part_2_skipped", reader.skipped)
