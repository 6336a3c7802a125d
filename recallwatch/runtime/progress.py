"""Progress of a long bulk load, for any spider that reads a big export (CAL-ACCESS now).

Every BULK_PROGRESS_SECONDS (10 by default; 0: never) the load logs the rows done, the rate and
the time left, and keeps the same figures in the run's stats under `recallwatch/progress` (so
crawl_runs.stats holds the last ones: how far a killed run got, how fast a finished one went):

    progress = BulkProgress.of(spider, total_bytes=sum_of_the_table_sizes)
    with progress.reading(open_stream()) as stream:  # bytes counted: the time left
    progress.advance(len(batch))         # rows done
    progress.finish()                    # the final figures, logged and kept

The time left is the time so far times the share of the bytes still to read; without a byte
total it is not given.
"""

import logging
import time
from contextlib import contextmanager

logger = logging.getLogger(__name__)

STATS_KEY = "recallwatch/progress"


class BulkProgress:
    def __init__(self, stats, name, interval=10.0, total_bytes=None, clock=time.monotonic):
        self.stats, self.name, self.interval = stats, name, interval
        self.total_bytes = total_bytes
        self.clock = clock
        self.started = self.last_report = clock()
        self.rows = 0
        self.bytes_read = 0

    @classmethod
    def of(cls, spider, total_bytes=None):
        settings = spider.crawler.settings
        interval = settings.getfloat("BULK_PROGRESS_SECONDS", 10.0)
        return cls(spider.crawler.stats, spider.name, interval, total_bytes)

    def counting(self, stream):
        """The stream, its bytes counted as they are read."""
        return CountingStream(stream, self)

    @contextmanager
    def reading(self, opened):
        """`with progress.reading(open_table(...)) as stream`: the opened stream, counted."""
        with opened as stream:
            yield self.counting(stream)

    def advance(self, rows=0, bytes_read=0):
        self.rows += rows
        self.bytes_read += bytes_read
        if self.interval > 0 and self.clock() - self.last_report >= self.interval:
            self.report()

    def figures(self):
        elapsed = max(self.clock() - self.started, 1e-9)
        figures = {
            "rows": self.rows,
            "rows_per_second": round(self.rows / elapsed),
            "seconds": round(elapsed, 1),
        }
        if self.total_bytes:
            done = min(self.bytes_read / self.total_bytes, 1.0)
            figures["done_percent"] = round(100 * done, 1)
            figures["seconds_left"] = round(elapsed * (1 - done) / done, 1) if done else None
        return figures

    def report(self, final=False):
        self.last_report = self.clock()
        figures = self.figures()
        self.stats.set_value(STATS_KEY, figures)
        left = figures.get("seconds_left")
        logger.info(
            "%s: %s%s rows, %s rows/s%s",
            self.name,
            "done, " if final else "",
            f"{figures['rows']:,}",
            f"{figures['rows_per_second']:,}",
            f", about {left:,.0f} s left" if left is not None and not final else "",
        )

    def finish(self):
        self.report(final=True)


class CountingStream:
    """A binary stream whose reads advance a BulkProgress by the bytes they return."""

    def __init__(self, stream, progress):
        self.stream, self.progress = stream, progress

    def read(self, size=-1):
        data = self.stream.read(size)
        self.progress.advance(bytes_read=len(data))
        return data
