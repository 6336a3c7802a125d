"""Commands that write to the database hold the crawl lock for their whole run, and say in one
line on stderr, with a non-zero exit status, when the database cannot be written."""

import os
import sqlite3
import sys

from recallwatch.core.schema import open_database
from recallwatch.runtime.lock import CrawlLock, CrawlLocked, lock_path_for
from recallwatch.runtime.run import Run

# EX_TEMPFAIL: the work was not done but may succeed later; cron wrappers can tell it from failure.
EXIT_LOCKED = 75
EXIT_DATABASE = 1


def why_not_writable(database):
    """None when the database can be opened and written, else the reason (read-only file or
    folder, a path that is not a database...). Writing the header's user_version back as it is
    changes nothing but fails where a write would."""
    try:
        os.makedirs(os.path.dirname(os.path.abspath(database)), exist_ok=True)
        db = open_database(database)
        try:
            version = int(db.execute("pragma user_version").fetchone()[0])
            db.execute(f"pragma user_version = {version}")
        finally:
            db.conn.close()
    except (sqlite3.Error, OSError) as error:
        return str(error)
    return None


def fail(command, message):
    print(f"RecallWatch: {message}", file=sys.stderr)
    command.exitcode = EXIT_DATABASE


def run_locked(command, crawl):
    """Run crawl() while holding the lock of the command's DATABASE; exit 75 if it is held, 1 if
    the database cannot be written (before the crawl, or during it: disk full)."""
    database = command.settings.get("DATABASE")
    lock = CrawlLock(lock_path_for(database))
    try:
        lock.acquire(" ".join(["scrapy", *sys.argv[1:]]))
    except CrawlLocked as locked:
        print(f"RecallWatch: {locked}", file=sys.stderr)
        command.exitcode = EXIT_LOCKED
        return
    except OSError as error:
        fail(command, f"cannot write beside the database {database} (its crawl lock): {error}")
        return
    try:
        if problem := why_not_writable(database):
            fail(command, f"cannot write the database {database}: {problem}")
            return
        crawl()
        for spider, why in Run.database_failures:
            fail(command, f"{spider} failed: {why}")
    finally:
        lock.release()
