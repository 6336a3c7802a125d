"""What every RecallWatch spider shares.

- `-a url=URL` (http(s) or file://) crawls that one document instead of the configured sources;
  the spider's `callback_for_url` says which parse method reads it.
- `self.watchlist` is the loaded data/watchlist.yml.
- `self.reject(reason, ...)` records a malformed row or page in `rejects` and the run goes on;
  `self.forward(parsed, response)` passes a parser's items on and records its `Rejected`s.
"""

import scrapy

from recallwatch.core.items import Rejected
from recallwatch.runtime.run import Run


class RecallSpider(scrapy.Spider):
    url = None

    def __init__(self, *args, url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.url = url
        if any(str(value).startswith("file://") for value in (url, *kwargs.values())):
            # Local documents have no domain; the offsite filter would drop every link between them.
            self.allowed_domains = []

    @property
    def run(self):
        return Run.of(self.crawler)

    @property
    def watchlist(self):
        return self.run.watchlist

    async def start(self):
        if self.url:
            yield scrapy.Request(self.url, callback=self.callback_for_url(self.url), dont_filter=True)
        else:
            for request in self.configured_requests():
                yield request

    def configured_requests(self):
        """The requests a scheduled run starts from."""
        raise NotImplementedError

    def callback_for_url(self, url):
        """The parse method for a document given with -a url=."""
        return self.parse

    def reject(self, reason, response=None, record=None, item_type=None):
        self.run.reject(
            reason,
            url=response.url if response is not None else None,
            item=record,
            item_type=item_type,
            fetch_id=response.meta.get("fetch_id") if response is not None else None,
        )

    def forward(self, parsed, response):
        """The items a parser yields, passed on; each `Rejected` among them recorded as a reject."""
        for output in parsed:
            if isinstance(output, Rejected):
                self.reject(output.reason, response=response, record=output.record, item_type=output.item_type)
            else:
                yield output
