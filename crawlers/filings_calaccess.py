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

import re

import scrapy

from crawlers.bulk_export import BulkExportSpider, export_files
from recallwatch.parsers.calaccess import SOURCE, TABLES, ExportReader
from recallwatch.runtime.progress import BulkProgress

EXPORT_URL = "https://campaignfinance.cdn.sos.ca.gov/dbwebexport.zip"
TABLE_FILE = re.compile(r"(?:^|/)([A-Z0-9_]+)\.TSV$", re.IGNORECASE)


def table_name(path):
    match = TABLE_FILE.search(str(path).replace("\\", "/"))
    return match.group(1).upper() if match else None


def export_table(path):
    """The CAL-ACCESS table this spider reads that a file holds, or None."""
    name = table_name(path)
    return name if name in TABLES else None


class FilingsCalaccessSpider(BulkExportSpider):
    name = "filings_calaccess"
    source = SOURCE
    allowed_domains = ["campaignfinance.cdn.sos.ca.gov", "sos.ca.gov"]

    def configured_requests(self):
        for export in self.watchlist.calaccess_exports:
            yield scrapy.Request(
                export["url"],
                callback=self.parse_export,
                cb_kwargs={"committee_ids": [str(i) for i in export.get("committee_ids", [])]},
            )

    def callback_for_url(self, url):
        return self.parse_export

    @staticmethod
    def table_of(path):
        return export_table(path)

    def watchlist_filter(self, committee_ids):
        """A scheduled run keeps the filers the watchlist's patterns find, or lists by id."""
        wanted = set(committee_ids)

        def keep(filer_id, name, on_date):
            if filer_id in wanted:
                return True
            return name is not None and self.watchlist.committee_campaign(name, on_date)[0] is not None

        return keep

    def link(self, filer_id, name, on_date, **named):
        """Watchlist.link: curated, then the filing's measure or candidate, then the name."""
        return self.watchlist.link(self.name, filer_id, name, on_date, **named)

    def parse_export(self, response, committee_ids=None):
        files = export_files(response, self.table_of, self.settings)
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
        # rows of forms that are neither money received nor money given or spent on a campaign
        # (Schedule E and G payments, Form 450 part 5...)
        progress.finish()
        self.crawler.stats.set_value("recallwatch/calaccess_rows_skipped", reader.skipped)
