"""filings_philadelphia: the City of Philadelphia's campaign-finance data, read by
recallwatch/parsers/philadelphia.py (which columns, how each row is read, which are rejected).

A scheduled run reads the Carto SQL API's CSV export of `campfin_transactions` for each year of
the watchlist's `sources: filings_philadelphia:` entry. `-a url=` takes one document: a Carto SQL
JSON answer or CSV export (of campfin_transactions, campfin_contributions or
campfin_expenditures), a folder of legacy e-filing sets (`<Filer>/<YYYYMMDD>/filer.txt,
contrib.txt, ...`: read from disk, and its fetch records a manifest of its files with their
sha256), or a zip of such a folder.
"""

import hashlib
import io
import json
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy.http import Response

from crawlers.filings_base import FilingsSpider
from recallwatch.parsers.archives import ArchiveLimits, open_zip
from recallwatch.parsers.philadelphia import (
    SOURCE,
    CartoReader,
    LegacyReader,
    carto_csv_rows,
    carto_json_rows,
    legacy_sets,
)

CARTO_SQL = "https://phl.carto.com/api/v2/sql"
QUERY = "{base}?q=SELECT+*+FROM+{table}+WHERE+report_year={year}&filename={table}&format=csv&skipfields=cartodb_id"
DEFAULTS = {"base_url": CARTO_SQL, "table": "campfin_transactions", "years": [2017, 2021]}
LOCAL_FOLDER = "local_folder_path"


def folder_manifest(root):
    """What a local folder of filing sets is: its files with their size and sha256."""
    entries = []
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
        data = path.read_bytes()
        entries.append(
            {"file": str(path.relative_to(root)), "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )
    return {"path": str(root), "files": entries}


class LocalFolderMiddleware:
    """Downloader middleware of this spider: a file:// folder becomes a JSON manifest of its files
    (Scrapy cannot download a folder); the spider reads the files from disk."""

    def process_request(self, request):
        if not request.url.startswith("file://"):
            return None
        path = unquote(urlsplit(request.url).path)
        if not os.path.isdir(path):
            return None  # a file: Scrapy's file handler reads it (or reports it missing)
        body = json.dumps(folder_manifest(path), indent=1).encode()
        request.meta[LOCAL_FOLDER] = path
        return Response(
            request.url, body=body, headers={"Content-Type": "application/json"}, request=request, flags=["local"]
        )


class FilingsPhiladelphiaSpider(FilingsSpider):
    name = "filings_philadelphia"
    source = SOURCE
    allowed_domains = ["phl.carto.com"]
    custom_settings = {
        "CONCURRENT_ITEMS": 1,  # batches of thousands of rows: one at a time through the pipelines
        "DOWNLOAD_MAXSIZE": 1024**3,
        "DOWNLOAD_WARNSIZE": 256 * 1024**2,
        "DOWNLOAD_TIMEOUT": 1800,  # a year of transactions is generated on request
    }

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares["crawlers.filings_philadelphia.LocalFolderMiddleware"] = 970
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")

    def __init__(self, *args, batch_rows=5000, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch_rows = int(batch_rows)

    @property
    def config(self):
        return {**DEFAULTS, **self.watchlist.source_config(self.name)}

    def configured_requests(self):
        config = self.config
        for year in config["years"]:
            url = QUERY.format(base=config["base_url"], table=config["table"], year=int(year))
            yield scrapy.Request(url, callback=self.parse_document)

    def callback_for_url(self, url):
        return self.parse_document

    def parse_document(self, response):
        local = response.meta.get(LOCAL_FOLDER)
        if local:
            paths = [entry["file"] for entry in json.loads(response.body)["files"]]
            sets = {
                folder: {kind: (Path(local) / path).read_bytes() for kind, path in files.items()}
                for folder, files in legacy_sets(paths).items()
            }
            parsed = self.legacy(sets, response)
        elif response.body[:4] == b"PK\x03\x04":
            parsed = self.legacy(self.zipped_sets(response.body), response)
        elif response.body.lstrip()[:1] == b"{":
            parsed = self.carto(carto_json_rows(json.loads(response.body)), response)
        else:
            parsed = self.carto(self.csv_rows(response.body), response)
        fetch_id = response.meta.get("fetch_id")
        for batch in self.forward(parsed, response):
            batch.fetch_id = fetch_id  # the provenance middleware stamps items, not batches
            yield batch

    def zipped_sets(self, body):
        with open_zip(io.BytesIO(body), ArchiveLimits.from_settings(self.settings)) as archive:
            found = legacy_sets(archive.namelist())
            return {
                folder: {kind: archive.read(name) for kind, name in files.items()} for folder, files in found.items()
            }

    @staticmethod
    def csv_rows(body):
        if not body.strip():
            raise ValueError("not a Carto campfin table: the document is empty")
        return carto_csv_rows(io.BytesIO(body))

    def legacy(self, sets, response):
        if not sets:
            raise ValueError("no legacy filing set in the document (no <filer>/<date>/filer.txt)")
        reader = LegacyReader(response.url, self.watchlist, self.batch_rows)
        yield from reader.read(sets)
        self.crawler.stats.inc_value("recallwatch/philadelphia_expenses_not_stored", reader.skipped_expenses)

    def carto(self, rows, response):
        reader = CartoReader(response.url, self.watchlist, self.batch_rows)
        yield from reader.read(rows)
        self.crawler.stats.inc_value("recallwatch/philadelphia_expenses_not_stored", reader.skipped_expenses)
