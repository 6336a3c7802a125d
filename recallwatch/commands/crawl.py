"""`scrapy crawl`, as Scrapy's own, but holding the crawl lock (see recallwatch/lock.py)."""

from functools import partial

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from recallwatch.commands.locked import run_locked


class Command(ScrapyCrawlCommand):
    def run(self, args, opts):
        run_locked(self, partial(super().run, args, opts))
