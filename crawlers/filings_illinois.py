"""filings_illinois: the Illinois State Board of Elections bulk files
(https://elections.il.gov/campaigndisclosuredatafiles/: Candidates.txt, CmteCandidateLinks.txt,
Committees.txt, FiledDocs.txt, D2Totals.txt, Receipts.txt, Expenditures.txt; Receipts.txt alone is
close to a gigabyte), read by recallwatch/parsers/illinois.py (which files, how each row is read,
which rows are rejected); Receipts.txt column by column (recallwatch/parsers/illinois_columns.py,
the same rows and rejects) unless the setting `ILLINOIS_COLUMNAR` is 0.

`-a url=` takes one of the files, a folder of them or a zip of them (http(s) or file://; a local
file is streamed from disk, its fetch records a manifest with the sha256 instead of a copy: see
crawlers/bulk_export.py) and keeps every committee. A scheduled run reads the files the
watchlist's `sources: filings_illinois:` entry lists, one after the other (a committee and its
filings must be known before the money that points at them: the next file is asked for when the
previous one is done, whatever became of it), and keeps the committees the watchlist ties to an
election (or lists by id in `committee_ids`) and the independent expenditures it ties to one. The
files before the money are read on every run (the committees kept are found in them); when none
of them changed since a complete run, their rows are not written again.
"""

from functools import partial

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from crawlers.bulk_export import BulkExportSpider, export_files
from recallwatch.parsers.illinois import FILES, MONEY_FILES, SOURCE, IsbeReader, file_table
from recallwatch.runtime.incremental import RECHECK_LINKS

BASE_URL = "https://elections.il.gov/campaigndisclosuredatafiles/"


class FilingsIllinoisSpider(BulkExportSpider):
    name = "filings_illinois"
    source = SOURCE
    allowed_domains = ["elections.il.gov"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.waiting = []  # the files of a scheduled run still to ask for, in order
        self.reader = None
        self.metadata_changed = False  # whether a file read before the money changed since the last run
        self.receipt_columns = None  # the column reader of Receipts.txt (ILLINOIS_COLUMNAR)

    @staticmethod
    def table_of(path):
        return file_table(path)

    def link(self):
        return partial(self.watchlist.link, self.name)

    def configured_requests(self):
        config = self.watchlist.source_config(self.name)
        base = (config.get("base_url") or BASE_URL).rstrip("/") + "/"
        names = [name for name in config.get("files") or [f"{table}.txt" for table in FILES] if file_table(name)]
        self.reader = self.isbe_reader(base, keep_ids=[str(i) for i in config.get("committee_ids") or []])
        for name in sorted(names, key=lambda name: FILES.index(file_table(name))):
            table = file_table(name)
            # The files a committee is found by are read on every run, changed or not
            meta = {} if table in MONEY_FILES else {RECHECK_LINKS: True}
            self.waiting.append(
                # dont_filter: a run resumed from a JOBDIR reads every file again (the committees
                # kept are in memory only)
                scrapy.Request(
                    base + name, callback=self.parse_file, cb_kwargs={"table": table}, meta=meta, dont_filter=True
                )
            )
        self.crawler.signals.connect(self.ask_next_file, signal=signals.spider_idle)
        if self.waiting:
            yield self.waiting.pop(0)

    def isbe_reader(self, source_url, keep_ids=None):
        """The run's IsbeReader; Receipts.txt read column by column unless ILLINOIS_COLUMNAR is off
        (the per-row path: the same rows and rejects)."""
        reader = IsbeReader(source_url, link=self.link(), keep_ids=keep_ids)
        if self.settings.getbool("ILLINOIS_COLUMNAR", True):
            from recallwatch.parsers.illinois_columns import ReceiptColumns  # pyarrow: only when used

            self.receipt_columns = ReceiptColumns(reader)
            reader.table_readers.update(self.receipt_columns.readers())
        return reader

    def count_receipts(self):
        """How many receipts the columns read, and how many they left to the per-row builder (in
        the run's stats)."""
        if self.receipt_columns is not None:
            for name, count in self.receipt_columns.counts.items():
                self.crawler.stats.set_value(f"recallwatch/illinois_receipts_{name}", count)

    def ask_next_file(self):
        """When a file is done (read, rejected or failed), the next one."""
        if self.waiting:
            self.crawler.engine.crawl(self.waiting.pop(0))
            raise DontCloseSpider

    def callback_for_url(self, url):
        return self.parse_export

    def stamped(self, parsed, response):
        fetch_id = response.meta.get("fetch_id")
        for batch in self.forward(parsed, response):
            batch.fetch_id = fetch_id  # the provenance middleware stamps items, not batches
            yield batch

    def parse_file(self, response, table):
        """One file of a scheduled run, read by the run's reader (which knows the files before)."""
        files = export_files(response, self.table_of, self.settings)
        where = files.tables().get(table) or ("file", files.location)
        self.reader.source_url = response.url

        def parsed():
            with files.open(where) as stream:
                yield from self.reader.read(table, stream, self.batch_rows)

        if table not in MONEY_FILES:
            self.metadata_changed |= response.meta.get("unchanged") is None
            if not self.metadata_changed:
                # The same files as a complete earlier run: read for what the money files need,
                # their rows (stored then) not written again
                for _ in parsed():
                    pass
                return
        yield from self.stamped(parsed(), response)
        self.count_receipts()

    def parse_export(self, response):
        """A file, a folder or a zip given with -a url=: every committee kept."""
        files = export_files(response, self.table_of, self.settings)
        tables = files.tables()
        if not tables:
            raise ValueError(f"no ISBE file in the document (expected one of {', '.join(FILES)}, .txt)")
        reader = self.isbe_reader(response.url)
        parsed = reader.read_export(tables, lambda table: files.open(tables[table]), self.batch_rows)
        yield from self.stamped(parsed, response)
        self.count_receipts()
