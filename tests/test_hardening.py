"""What an outside attack and a careless operator found (issue 13), each reproduced."""

import os

from recallwatch.runtime.lock import CrawlLock, lock_path_for
from tests.crawl import crawl


def test_the_same_database_through_a_symlink_takes_the_same_lock(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link.db").symlink_to(real / "recalls.db")
    (tmp_path / "linked-folder").symlink_to(real, target_is_directory=True)
    lock = CrawlLock(lock_path_for(real / "recalls.db")).acquire("scrapy crawlall (the running one)")
    try:
        for database in (tmp_path / "link.db", tmp_path / "linked-folder" / "recalls.db"):
            result = crawl("registrar_lavote", tmp_path, settings={"DATABASE": str(database)})
            assert result.returncode == 75, result.output[-2000:]
            assert f"another crawl is running on this database (pid {os.getpid()}" in result.output
        assert not (real / "recalls.db").exists()  # the second crawl wrote nothing
    finally:
        lock.release()
