"""`scrapy crawlall`: every spider in one process, one summary table at the end, and a non-zero
exit status when any source failed (so cron mails the operator)."""

import os
from functools import partial

from scrapy.commands import ScrapyCommand
from tabulate import tabulate

from recallwatch.commands.locked import run_locked
from recallwatch.runtime.run import Run

COLUMNS = ["spider", "status", "items", "rejects", "errors", "duration_s", "status_reason"]


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self):
        return "[options]"

    def short_desc(self):
        return "Run every spider, print a summary table, exit 1 if a source failed"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument(
            "--jobdir",
            help="keep each spider's queue in JOBDIR/<spider> so an interrupted run resumes where it stopped",
        )

    def run(self, args, opts):
        run_locked(self, partial(self.crawl_all, opts))

    def crawl_all(self, opts):
        names = sorted(self.crawler_process.spider_loader.list())
        crawlers = [self.crawler_process.create_crawler(name) for name in names]
        for name, crawler in zip(names, crawlers, strict=True):
            if opts.jobdir:
                crawler.settings.set("JOBDIR", os.path.join(opts.jobdir, name), priority="cmdline")
            self.crawler_process.crawl(crawler)
        self.crawler_process.start()

        summaries = []
        for name, crawler in zip(names, crawlers, strict=True):
            summary = Run.of(crawler).summary or {"spider": name, "status": "failed", "status_reason": "did not start"}
            summaries.append(summary)
        print(tabulate([[s.get(c) for c in COLUMNS] for s in summaries], headers=COLUMNS, tablefmt="github"))
        failed = [s["spider"] for s in summaries if s["status"] == "failed"]
        if failed or self.crawler_process.bootstrap_failed:
            print(f"FAILED: {', '.join(failed) or 'bootstrap'}")
            self.exitcode = 1
