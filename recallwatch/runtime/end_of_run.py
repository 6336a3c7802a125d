"""What happens when a spider closes, in this order (`STEPS`; nothing else runs at the end of a run):

1. flush_store: the store's last rows, the donors they name and the fetches they complete, in one
   transaction (pipelines/store.py);
2. create_deferred_indexes: the indexes a first bulk load went without, but those of the table
   the totals rules rewrite (contributions: see 11);
3. close_warc_archive: the run's WARC file (recallwatch/runtime/provenance.py);
4-10. the totals rules of a filings source (recallwatch/core/totals.py), in one transaction:
   mark_current_filings (the latest amendment counts), mark_current_contributions,
   mark_counted_rows, mark_late_reports (a late report a Form 460 lists again is not counted
   twice), ensure_filer_committees, mark_current_money_out (contributions made and IEs follow
   their filing), link_contributions_made (each joined to the committee that received
   it); a spider that stores no filings skips them;
11. create_deferred_rule_indexes: the deferred indexes of contributions, contributions made and
   independent expenditures, built once the rules have set `current` and `counted` on every row
   (an index kept up to date row by row through those updates makes them about 4x slower: 8 s
   instead of 2 s for a million rows); when the load had a bulk writer, that process builds them
   and this step does not wait;
12. read_donor_classes: classify_donors' reads (every donor's interest class and mega-donor flag,
   from the counted rows the rules just marked: recallwatch/core/donor_interests.py; a filings
   source only), on this process's core while the bulk writer builds the indexes on the other
   (WAL: readers and the one writer do not wait for each other);
13. wait_for_deferred_rule_indexes: until the bulk writer has committed them (the steps after
   write: a write before would wait on SQLite's lock, and fail past its busy timeout);
14. compute_lookthrough: `original_givers`, the money committees passed on to the campaigns'
   committees attributed to their own donors (recallwatch/core/lookthrough.py), rebuilt over every
   source once a filings spider's rules have run (LOOKTHROUGH_LEVELS committees deep, default 1);
15. classify_donors: writes what read_donor_classes worked out;
16. record_run_status: the run's `crawl_runs` row (ok / partial / failed).

Scrapy calls the pipelines' close_spider before the spider_closed signal, and the order of signal
handlers and extensions is that of their registration; none of it matters here: the Run (a Scrapy
extension) calls `finish` on spider_closed, and `finish` runs the steps in the order of the list.
Each step's name is recorded, as it starts, in the run's stats (`recallwatch/end_of_run`, kept in
crawl_runs.stats), and the seconds it took once it is done (`recallwatch/end_of_run_seconds`). A
step that raises is logged, the next steps still run (but not the rest of its
transaction, which is rolled back), and the run is `failed`.
"""

import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from itertools import groupby

from recallwatch.core import lookthrough, totals
from recallwatch.core.donor_interests import donor_classes, write_donor_classes
from recallwatch.core.interests import Interests

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    name: str
    run: object  # function(run, spider, reason) -> what it did (for the stats), or None
    transaction: str | None = None  # consecutive steps with the same name share one transaction


def flush_store(run, spider, reason):
    if run.store is not None:
        run.store.close()


# The tables the totals rules rewrite row by row: their deferred indexes are built after the rules
RULE_TABLES = ("contributions", "contributions_made", "independent_expenditures")


def create_deferred_indexes(run, spider, reason):
    return run.store.create_deferred_indexes(but=RULE_TABLES) if run.store is not None else None


def create_deferred_rule_indexes(run, spider, reason):
    """Built by the bulk writer, when the load had one, while the next step reads (see 13)."""
    return run.store.create_deferred_indexes(wait=False) if run.store is not None else None


def wait_for_deferred_rule_indexes(run, spider, reason):
    if run.store is not None:
        run.store.wait_for_deferred_indexes()


def close_warc_archive(run, spider, reason):
    if run.fetch_recorder is not None:
        run.fetch_recorder.close()


def totals_rule(rule):
    """A rule of recallwatch/core/totals.py as a step: over the run's filings source, if it has one."""

    def step(run, spider, reason):
        return rule(run.db, run.totals_source) if run.totals_source else None

    return step


def compute_lookthrough(run, spider, reason):
    if not run.totals_source:
        return None  # no money changed
    levels = run.crawler.settings.getint("LOOKTHROUGH_LEVELS", lookthrough.DEFAULT_LEVELS)
    return lookthrough.compute_lookthrough(run.db, levels)


def read_donor_classes(run, spider, reason):
    """classify_donors' reads, over the whole database (donors are shared by every source), after
    a filings source's rules; kept for classify_donors, which writes them."""
    if not run.totals_source:
        return None
    settings = spider.crawler.settings
    path = settings.get("INTERESTS")
    curated = None
    if path and os.path.exists(path):
        curated = Interests.load(path)
    else:  # a deployment without data/ (Scrapyd's egg): the rules alone, said once per run
        logger.warning("End of run: no curated givers file at %s; donors are classified by the rules alone", path)
    run.donor_classes = donor_classes(run.db, curated, settings.getfloat("MEGA_DONOR_THRESHOLD", 100_000))
    return {"changed": len(run.donor_classes[0])}


def classify_donors(run, spider, reason):
    if not run.totals_source:
        return None
    if run.donor_classes is None:  # reading them failed: they are read again (and fail with the cause)
        read_donor_classes(run, spider, reason)
    classes, run.donor_classes = run.donor_classes, None
    return write_donor_classes(run.db, classes)


def record_run_status(run, spider, reason):
    run.record_status(spider, reason)


STEPS = (
    Step("flush_store", flush_store),
    Step("create_deferred_indexes", create_deferred_indexes),
    Step("close_warc_archive", close_warc_archive),
    Step("mark_current_filings", totals_rule(totals.mark_current_filings), "totals_rules"),
    Step("mark_current_contributions", totals_rule(totals.mark_current_contributions), "totals_rules"),
    Step("mark_counted_rows", totals_rule(totals.mark_counted_rows), "totals_rules"),
    Step("mark_late_reports", totals_rule(totals.mark_late_reports), "totals_rules"),
    Step("ensure_filer_committees", totals_rule(totals.ensure_filer_committees), "totals_rules"),
    Step("mark_current_money_out", totals_rule(totals.mark_current_money_out), "totals_rules"),
    Step("link_contributions_made", totals_rule(totals.link_contributions_made), "totals_rules"),
    Step("create_deferred_rule_indexes", create_deferred_rule_indexes),
    Step("read_donor_classes", read_donor_classes),
    Step("wait_for_deferred_rule_indexes", wait_for_deferred_rule_indexes),
    Step("compute_lookthrough", compute_lookthrough),
    Step("classify_donors", classify_donors, "classify_donors"),
    Step("record_run_status", record_run_status),
)


def finish(run, spider, reason, steps=STEPS):
    """Run the end-of-run steps in order."""
    stats = spider.crawler.stats
    for transaction, group in groupby(steps, key=lambda step: step.transaction):
        group = list(group)
        if transaction is None:
            for step in group:
                _run_step(run, stats, step, spider, reason)
            continue
        try:
            with run.db.atomic():
                for step in group:
                    _run_step(run, stats, step, spider, reason, reraise=True)
        except Exception:
            pass  # logged and recorded by _run_step; the transaction's changes are rolled back


def _run_step(run, stats, step, spider, reason, reraise=False):
    run.end_of_run_steps.append(step.name)
    stats.set_value("recallwatch/end_of_run", list(run.end_of_run_steps))
    started = time.monotonic()
    try:
        done = step.run(run, spider, reason)
    except sqlite3.DatabaseError as error:
        # Disk full, read-only: the cause, once (Run.database_failed), not a traceback per step
        run.database_failed(error)
        run.end_of_run_failures.append((step.name, f"{type(error).__name__}: {error}"))
        if reraise:
            raise
        return
    except Exception as error:
        logger.exception("End of run: %s failed", step.name)
        run.end_of_run_failures.append((step.name, f"{type(error).__name__}: {error}"))
        if reraise:
            raise
        return
    finally:
        seconds = dict(stats.get_value("recallwatch/end_of_run_seconds") or {})
        seconds[step.name] = round(time.monotonic() - started, 3)
        stats.set_value("recallwatch/end_of_run_seconds", seconds)
    if done:
        stats.set_value(f"recallwatch/end_of_run/{step.name}", done)
