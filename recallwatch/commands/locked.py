"""Commands that write to the database hold the crawl lock for their whole run."""

import sys

from recallwatch.runtime.lock import CrawlLock, CrawlLocked, lock_path_for

# EX_TEMPFAIL: the work was not done but may succeed later; cron wrappers can tell it from failure.
EXIT_LOCKED = 75


def run_locked(command, crawl):
    """Run crawl() while holding the lock of the command's DATABASE; exit 75 if it is held."""
    lock = CrawlLock(lock_path_for(command.settings.get("DATABASE")))
    try:
        lock.acquire(" ".join(["scrapy", *sys.argv[1:]]))
    except CrawlLocked as locked:
        print(f"RecallWatch: {locked}", file=sys.stderr)
        command.exitcode = EXIT_LOCKED
        return
    try:
        crawl()
    finally:
        lock.release()
