"""Run real Scrapy crawls from tests.

Each crawl is its own `scrapy` process (Twisted's reactor cannot be restarted inside one test
process) against a database and archive in the test's temporary folder, replaying the snapshot
unless told otherwise.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SCRAPY = [sys.executable, "-m", "scrapy"]


@dataclass
class CrawlResult:
    returncode: int
    output: str
    db: sqlite_utils.Database

    def last_run(self, spider):
        return next(
            self.db.query(
                "select * from crawl_runs where spider = ? order by started desc, rowid desc limit 1", [spider]
            )
        )


def scrapy(command, tmp_path, *args, replay=True, settings=None, env=None, timeout=300, python=None):
    """Run `scrapy <command> <args>` from the repo root with a database under tmp_path (`python`:
    other interpreter arguments in place of `-m scrapy`, e.g. `-c` and a script that ends in
    scrapy.cmdline.execute())."""
    database = tmp_path / "recalls.db"
    all_settings = {
        "DATABASE": str(database),
        "ARCHIVE_DIR": str(tmp_path / "archive"),
        "SNAPSHOT_REPLAY": "1" if replay else "0",
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "0",
        "LOG_LEVEL": "INFO",
        **(settings or {}),
    }
    argv = [*([sys.executable, *python] if python else SCRAPY), command, *args]
    for name, value in all_settings.items():
        argv += ["-s", f"{name}={value}"]
    process = subprocess.run(
        argv,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )
    return CrawlResult(process.returncode, process.stdout + process.stderr, sqlite_utils.Database(database))


def crawl(spider, tmp_path, *spider_args, **kwargs):
    """`scrapy crawl spider -a k=v ...`; spider_args are "k=v" strings."""
    args = [spider]
    for arg in spider_args:
        args += ["-a", arg]
    return scrapy("crawl", tmp_path, *args, **kwargs)


def crawled(spider, tmp_path, *spider_args, **kwargs):
    """`crawl`, and the command must have succeeded (its output shows when it did not)."""
    result = crawl(spider, tmp_path, *spider_args, **kwargs)
    assert result.returncode == 0, result.output
    return result


def file_url(path):
    return Path(path).resolve().as_uri()
