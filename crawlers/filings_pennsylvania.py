"""filings_pennsylvania: the Pennsylvania Department of State's yearly full campaign-finance export
({YEAR}.zip: filer, contrib, expense, receipt and debt files, member names that vary by year, in a
subfolder some years), read by recallwatch/parsers/pennsylvania.py.

`-a url=` takes the zip, one member file or a folder of them (http(s) or file://; a local export
is streamed from disk, as filings_calaccess does: its fetch records a manifest of the files). A
scheduled run reads the years of the watchlist's `sources: filings_pennsylvania:` entry and keeps
the committees the watchlist links (a candidate filer named as the prosecutor or an opponent, a
name pattern, a curated link) or lists by FILERID (`known_committees`, `committee_ids`).
The contrib file is read column by column (recallwatch/parsers/pennsylvania_columns.py,
`PENNSYLVANIA_COLUMNAR`, on by default; 0: row by row, with the same rows and rejects).
"""

from urllib.parse import urlsplit

import scrapy

from crawlers.bulk_export import BulkExportSpider, export_files
from recallwatch.parsers import pa_layout
from recallwatch.parsers.pennsylvania import READ_ORDER, SOURCE, FilingSetReader

EXPORT_URL = "https://www.pa.gov/content/dam/copapwp-pagov/en/dos/resources/voting-and-elections/campaign-finance/campaign-finance-data/{year}.zip"


def export_file_kind(path):
    """The kind of a file of the export ('2021/contrib_2021.txt' -> 'contrib'), or None."""
    name = str(path).replace("\\", "/").rsplit("/", 1)[-1]
    if not name.lower().endswith((".txt", ".csv")):
        return None
    return pa_layout.file_kind(name)


class FilingsPennsylvaniaSpider(BulkExportSpider):
    name = "filings_pennsylvania"
    source = SOURCE
    allowed_domains = ["www.pa.gov", "pa.gov", "www.dos.pa.gov"]

    @property
    def config(self):
        return self.watchlist.source_config(self.name)

    def export_urls(self):
        """The yearly zips of the `sources:` entry: `urls` as given, and one per `years` entry."""
        urls = list(self.config.get("urls") or [])
        template = self.config.get("url_template", EXPORT_URL)
        urls += [template.format(year=year) for year in self.config.get("years") or []]
        return urls

    def configured_requests(self):
        for url in self.export_urls():
            yield scrapy.Request(url, callback=self.parse_export)

    def callback_for_url(self, url):
        return self.parse_export

    def listed_ids(self):
        listed = {str(known["source_id"]) for known in self.config.get("known_committees") or []}
        return listed | {str(filer_id) for filer_id in self.config.get("committee_ids") or []}

    def link(self, filer_id, name, on_date, candidate=None, office=None):
        return self.watchlist.link(self.name, filer_id, name, on_date, candidate=candidate, office=office)

    def keep_filer(self, listed):
        def keep(filer_id, link):
            return filer_id in listed or link.campaign_id is not None

        return keep

    @staticmethod
    def table_of(path):
        """The export's files this spider reads, by kind (crawlers/bulk_export.py)."""
        return export_file_kind(path)

    def parse_export(self, response):
        files = export_files(response, self.table_of, self.settings)
        found = files.tables()
        if not found:
            expected = ", ".join(READ_ORDER)
            raise ValueError(f"no Pennsylvania campaign finance file in the document (expected {expected})")
        keep = None if self.url else self.keep_filer(self.listed_ids())
        reader = FilingSetReader(response.url, link=self.link, keep_filer=keep)
        if self.settings.getbool("PENNSYLVANIA_COLUMNAR", True):  # the contrib file read column by column
            from recallwatch.parsers.pennsylvania_columns import ContribColumns  # pyarrow: only when used

            reader.file_readers.update(ContribColumns(reader).readers())
        # each file by its name (a member's path, a file's path, or the URL's): rejects name it
        names = {kind: str(at or urlsplit(response.url).path) for kind, (_, at) in found.items()}
        openers = {names[kind]: found[kind] for kind in found}
        present = {kind: [name] for kind, name in names.items()}
        parsed = reader.read_set(present, lambda name: files.open(openers[name]), self.batch_rows)
        fetch_id = response.meta.get("fetch_id")
        for batch in self.forward(parsed, response):
            batch.fetch_id = fetch_id  # the provenance middleware stamps items, not batches
            yield batch
        for stat, value in reader.stats.items():
            self.crawler.stats.inc_value(f"recallwatch/pennsylvania_{stat}", value)
