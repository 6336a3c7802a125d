"""NetFile's yearly "efile" export of an agency's campaign filings, efile_{AID}_{YYYY}.zip: a
scheduled run reads the years of each agency under `netfile_exports:` in the watchlist and keeps
the watchlist's committees; a document given with -a url= keeps every committee. The workbook is
read by recallwatch/parsers/netfile_xlsx.py."""

import scrapy

from crawlers.filings_base import FilingsSpider
from recallwatch.parsers.archives import ArchiveLimits
from recallwatch.parsers.netfile_xlsx import SOURCE, Export, export_name_parts, open_workbook, parse_workbook

EXPORT_URL = "https://public.netfile.com/pub2/excel/{agency}Browsable/efile_{agency}_{year}.zip"


class FilingsNetfileExportSpider(FilingsSpider):
    name = "filings_netfile_export"
    source = SOURCE
    allowed_domains = ["public.netfile.com", "netfile.com"]
    custom_settings = {"DOWNLOAD_MAXSIZE": 512 * 1024 * 1024, "DOWNLOAD_WARNSIZE": 128 * 1024 * 1024}

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency

    def configured_requests(self):
        for export in self.watchlist.netfile_exports:
            for year in export.get("years", []):
                url = EXPORT_URL.format(agency=export["agency"], year=year)
                yield scrapy.Request(
                    url,
                    callback=self.parse_export,
                    cb_kwargs={"agency": export["agency"], "committee_ids": export.get("committee_ids", [])},
                )

    def callback_for_url(self, url):
        return self.parse_export

    def parse_export(self, response, agency=None, committee_ids=None):
        export = Export(agency or self.agency or export_name_parts(response.url)[0], response.url)
        workbook = open_workbook(response.body, ArchiveLimits.from_settings(self.settings))
        parsed = parse_workbook(
            workbook, export, watchlist=self.watchlist, committee_ids=committee_ids, keep_all=bool(self.url)
        )
        yield from self.forward(parsed, response)
