"""One spider run: its `crawl_runs` row, its rejects, and its final status.

The Run is a Scrapy extension; middlewares and pipelines reach it with `Run.of(crawler)`. When
the spider closes, the Run hands over to recallwatch/runtime/end_of_run.py, which lists in order
everything that happens then (the last rows written, the totals rules, this run's status).
Status rules:
- `failed`: the spider did not finish normally, or a step of the end of the run failed, or it
  stored nothing while the source stored items on its last run, or stored nothing and had errors;
- `partial`: finished, but some items were rejected or errors were logged;
- `ok`: everything else.
"""

import json
import logging
import os
import resource
import secrets
import sqlite3
import time
import weakref

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from recallwatch.core.ids import published_url, stable_id
from recallwatch.core.schema import open_database
from recallwatch.core.timeutil import utc_now, utc_now_iso
from recallwatch.core.watchlist import Watchlist
from recallwatch.runtime import end_of_run

logger = logging.getLogger(__name__)

_runs = weakref.WeakKeyDictionary()

STATS_KEPT = (
    "downloader/request_count",
    "downloader/response_count",
    "item_scraped_count",
    "item_dropped_count",
    "log_count/ERROR",
    "log_count/WARNING",
    "httperror/response_ignored_count",
    "retry/count",
    "recallwatch/unchanged",
    "recallwatch/not_modified",
    "recallwatch/skipped_stored_leaves",
    "recallwatch/end_of_run",
    "recallwatch/end_of_run_seconds",
    "recallwatch/bulk_writer",
    "recallwatch/peak_mb",
    "recallwatch/progress",
    "finish_reason",
)


class Run:
    finished = []  # the summaries of this process's runs as they ended (the commands read them)
    database_failures = []  # (spider, why) of this process's runs that could not write the database

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        database_path = settings.get("DATABASE")
        os.makedirs(os.path.dirname(os.path.abspath(database_path)), exist_ok=True)
        self.db = open_database(database_path)
        self.watchlist = Watchlist.load(settings.get("WATCHLIST"))
        self.id = None
        self.spider_name = None
        self.mode = "configured"
        self.started = None
        self.items_stored = 0
        self.reject_count = 0
        self.summary = None
        # What the end of the run works on, each set by the part that owns it:
        self.store = None  # pipelines/store.py: its last rows are written first
        self.fetch_recorder = None  # provenance's FetchRecorderMiddleware: its WARC file is closed
        self.totals_source = None  # a filings spider's `source`: the totals rules run over it
        self.end_of_run_steps = []  # the end of the run's steps, by name, as they ran
        self.end_of_run_failures = []  # (step, error) of the steps that raised
        self.donor_classes = None  # what the end of the run's read_donor_classes worked out
        self.database_error = None  # why the database could not be written (disk full, read-only...)

    @classmethod
    def of(cls, crawler):
        if crawler not in _runs:
            _runs[crawler] = cls(crawler)
        return _runs[crawler]

    @classmethod
    def from_crawler(cls, crawler):
        run = cls.of(crawler)
        crawler.signals.connect(run.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(run.spider_closed, signal=signals.spider_closed)
        return run

    def spider_opened(self, spider):
        self.spider_name = spider.name
        self.mode = "single document" if getattr(spider, "url", None) else "configured"
        self.started = utc_now()
        self._clock = time.monotonic()
        self.id = f"{self.started:%Y%m%dT%H%M%SZ}-{spider.name}-{secrets.token_hex(3)}"
        try:
            with self.db.atomic():
                # The crawl lock is held, so a run of this spider still marked running was killed.
                self.db.execute(
                    "update crawl_runs set status = 'failed', status_reason = 'killed before it finished' "
                    "where spider = ? and status = 'running'",
                    [spider.name],
                )
                self.db["targets"].upsert_all(self.watchlist.target_rows(), pk="id", alter=True)
                self.db["campaigns"].upsert_all(self.watchlist.campaign_rows(), pk="id", alter=True)
                self.db["crawl_runs"].insert(
                    {
                        "id": self.id,
                        "spider": spider.name,
                        "started": utc_now_iso(precise=True),
                        "status": "running",
                        "mode": self.mode,
                    },
                    alter=True,
                )
        except sqlite3.DatabaseError as error:
            self.database_failed(error)
        spider.crawler.stats.set_value("recallwatch/run_id", self.id)

    def database_failed(self, error):
        """The database could not be written (disk full, read-only, I/O error): nothing more can be
        stored, so the crawl stops and the run is failed with the cause."""
        if self.database_error is not None:
            return
        self.database_error = f"the database could not be written: {error}"
        Run.database_failures.append((self.spider_name, self.database_error))
        logger.error("%s; stopping the crawl", self.database_error)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="database_error"))

    def reject(self, reason, url=None, item=None, item_type=None, fetch_id=None):
        """Record something that could not be stored, with a reason a person can act on."""
        if url is None and fetch_id:
            fetched = list(self.db.query("select url from fetches where id = ?", [fetch_id]))
            url = fetched[0]["url"] if fetched else None
        url = published_url(url)  # a local file by its name alone
        item_json = json.dumps(item, ensure_ascii=False, default=str, sort_keys=True) if item is not None else None
        reject_id = stable_id(self.spider_name, url, reason, item_json)
        self.reject_count += 1
        self.crawler.stats.inc_value("recallwatch/rejects")
        logger.warning("Rejected (%s) from %s: %s", item_type or "document", url, reason)
        table = self.db["rejects"]
        row = {
            "id": reject_id,
            "run_id": self.id,
            "spider": self.spider_name,
            "url": url,
            "fetch_id": fetch_id,
            "item_type": item_type,
            "reason": reason,
            "item": item_json,
            "rejected_at": utc_now_iso(),
        }
        try:
            with self.db.atomic():
                if table.count_where("id = ?", [reject_id]):
                    table.update(reject_id, {"run_id": self.id, "rejected_at": row["rejected_at"]})
                else:
                    table.insert({**row, "first_run_id": self.id})
        except sqlite3.DatabaseError as error:
            self.database_failed(error)

    def previous_items(self):
        """The most items a good scheduled run of this spider ever stored (0 if none did)."""
        rows = list(
            self.db.query(
                "select max(items) as items from crawl_runs where spider = ? and id != ? and mode = 'configured' "
                "and status in ('ok', 'partial')",
                [self.spider_name, self.id],
            )
        )
        return rows[0]["items"] or 0

    def status(self, finish_reason, errors, unchanged, not_refetched):
        if self.database_error:
            return "failed", self.database_error
        if finish_reason != "finished":
            return "failed", f"spider closed: {finish_reason}"
        if self.end_of_run_failures:
            step, error = self.end_of_run_failures[0]
            return "failed", f"end of run: {step} failed: {error}"
        if self.items_stored == 0 and (unchanged or not_refetched) and not errors:
            return "ok", f"nothing new ({unchanged} documents unchanged, {not_refetched} stored ones not fetched again)"
        if self.items_stored == 0 and self.mode == "configured":
            previous = self.previous_items()
            if previous:
                return "failed", f"stored 0 items where earlier runs stored up to {previous}"
            if errors:
                return "failed", f"stored 0 items and logged {errors} errors"
        if self.reject_count or errors:
            return "partial", f"{self.reject_count} rejected, {errors} errors"
        return "ok", None

    def spider_closed(self, spider, reason):
        end_of_run.finish(self, spider, reason)

    def record_status(self, spider, reason):
        """The run's `crawl_runs` row: its status, counts and kept stats (the end of the run's last step)."""
        stats = spider.crawler.stats
        errors = stats.get_value("log_count/ERROR", 0)
        unchanged = stats.get_value("recallwatch/unchanged", 0) + stats.get_value("recallwatch/not_modified", 0)
        not_refetched = stats.get_value("recallwatch/skipped_stored_leaves", 0)
        status, why = self.status(reason, errors, unchanged, not_refetched)
        # The crawl process's own peak memory (a bulk writer's is in recallwatch/bulk_writer)
        stats.set_value("recallwatch/peak_mb", round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
        self.summary = {
            "id": self.id,
            "spider": spider.name,
            "finished": utc_now_iso(precise=True),
            "duration_s": round(time.monotonic() - self._clock, 2),
            "status": status,
            "status_reason": why,
            "items": self.items_stored,
            "rejects": self.reject_count,
            "errors": errors,
            "requests": stats.get_value("downloader/request_count", 0),
            "responses": stats.get_value("downloader/response_count", 0),
            "finish_reason": reason,
            "stats": json.dumps({k: stats.get_value(k) for k in STATS_KEPT if stats.get_value(k) is not None}),
        }
        Run.finished.append(self.summary)
        try:
            with self.db.atomic():
                if self.db["crawl_runs"].count_where("id = ?", [self.id]):
                    self.db["crawl_runs"].update(self.id, self.summary)
                else:  # the database could not be written when the run started
                    self.db["crawl_runs"].insert(
                        {**self.summary, "started": self.started.isoformat(), "mode": self.mode}
                    )
        except sqlite3.DatabaseError as error:
            # The row stays `running` and the next run marks it failed; the command says why.
            self.database_failed(error)
            self.summary.update(status="failed", status_reason=self.database_error)
            status = "failed"
        log = logger.error if status == "failed" else logger.info
        log(
            "Run %s: %s (%s items, %s rejects, %s errors)",
            self.id,
            status,
            self.items_stored,
            self.reject_count,
            errors,
        )
