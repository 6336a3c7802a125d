"""A long bulk load reports its progress (recallwatch/runtime/progress.py): rows done, rate and
time left every BULK_PROGRESS_SECONDS, in the log and in the run's stats."""

import io
import logging

from recallwatch.runtime.progress import STATS_KEY, BulkProgress


class Stats:
    def __init__(self):
        self.values = {}

    def set_value(self, key, value):
        self.values[key] = value


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_is_logged_and_kept_every_interval(caplog):
    stats, clock = Stats(), Clock()
    progress = BulkProgress(stats, "filings_calaccess", interval=10, total_bytes=1000, clock=clock)
    stream = progress.counting(io.BytesIO(b"x" * 1000))
    caplog.set_level(logging.INFO, logger="recallwatch.runtime.progress")

    stream.read(250)
    clock.now += 5
    progress.advance(50_000)
    assert STATS_KEY not in stats.values  # 5 s: not yet

    clock.now += 5
    progress.advance(50_000)
    # 100,000 rows in 10 s; a quarter of the bytes read in 10 s: 30 s left
    assert stats.values[STATS_KEY] == {
        "rows": 100_000, "rows_per_second": 10_000, "seconds": 10.0, "done_percent": 25.0, "seconds_left": 30.0,
    }  # fmt: skip
    assert "filings_calaccess: 100,000 rows, 10,000 rows/s, about 30 s left" in caplog.text

    stream.read()
    clock.now += 10
    progress.advance(300_000)
    progress.finish()
    assert stats.values[STATS_KEY]["rows"] == 400_000
    assert stats.values[STATS_KEY]["seconds_left"] == 0.0
    assert "filings_calaccess: done, 400,000 rows, 20,000 rows/s" in caplog.text


def test_no_interval_logs_only_the_end():
    stats, clock = Stats(), Clock()
    progress = BulkProgress(stats, "bulk", interval=0, clock=clock)
    clock.now += 100
    progress.advance(10)
    assert STATS_KEY not in stats.values
    progress.finish()
    assert stats.values[STATS_KEY] == {"rows": 10, "rows_per_second": 0, "seconds": 100.0}
