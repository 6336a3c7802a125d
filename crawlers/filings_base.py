"""What the donor-filings spiders share: the totals rules run over their source at the end of the
run (recallwatch/runtime/end_of_run.py), and (for the APIs) a `sources:` entry of the watchlist
over the spider's defaults, a `-a base_url=` override and retries with backoff."""

from crawlers.base import RecallSpider
from recallwatch.runtime.backoff import enable_backoff
from recallwatch.runtime.run import Run


class FilingsSpider(RecallSpider):
    source = None  # the `source` column of the committees and filings this spider stores

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        Run.of(crawler).totals_source = cls.source  # the end of the run applies the totals rules to it
        return spider


class FilingsApiSpider(FilingsSpider):
    defaults = {}  # the source's settings; the watchlist's `sources:` entry overrides them

    def __init__(self, *args, base_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._base_url = base_url

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        enable_backoff(settings)

    @property
    def config(self):
        return {**self.defaults, **self.watchlist.source_config(self.name)}

    @property
    def base_url(self):
        return (self._base_url or self.config["base_url"]).rstrip("/")
