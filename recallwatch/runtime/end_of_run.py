"""What happens when a spider closes."""

from functools import partial

from recallwatch.core.totals import apply_totals_rules
from recallwatch.runtime.run import Run


def _apply_for_run(run, source):
    changed = apply_totals_rules(run.db, source)
    run.crawler.stats.set_value("recallwatch/totals_rules", changed)


def apply_at_end_of_run(crawler, source):
    """Register `apply_totals_rules(db, source)` to run when the crawl ends. The store pipeline
    writes its last batch in close_spider, before the end-of-run work, so every row is there."""
    run = Run.of(crawler)
    run.on_close(partial(_apply_for_run, run, source))
