"""One crawl at a time per database.

A cron run that starts while the last one is still going exits with a clear message instead of
writing beside it. The lock is an advisory `flock` on `<DATABASE>.lock` beside the database's real
path (a symlink leads to the same lock): the kernel releases it when the holding process dies, even
by SIGKILL, so a stale lock is simply taken over (and said so).
"""

import fcntl
import json
import logging
import os
import socket

from recallwatch.core.timeutil import utc_now_iso

logger = logging.getLogger(__name__)


class CrawlLocked(Exception):
    """Another live process holds the lock."""


def lock_path_for(database_path):
    """The lock file of a database, beside the file itself: a path through a symlink (to the file
    or to a folder on its way) is the same database, so it takes the same lock."""
    return f"{os.path.realpath(database_path)}.lock"


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class CrawlLock:
    def __init__(self, path):
        self.path = path
        self._fd = None

    def holder(self):
        """What the lock file says about its last holder ({} when unreadable)."""
        try:
            with open(self.path, encoding="utf-8") as f:
                return json.loads(f.read() or "{}")
        except (OSError, ValueError):
            return {}

    def acquire(self, command):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = self.holder()
            raise CrawlLocked(
                f"another crawl is running on this database (pid {holder.get('pid', '?')}, "
                f"`{holder.get('command', '?')}`, since {holder.get('started', '?')}); not starting. "
                f"Lock file: {self.path}"
            ) from None
        previous = self.holder()
        if previous.get("pid") and not previous.get("released") and not _running(previous["pid"]):
            logger.warning(
                "Taking over a stale crawl lock left by pid %s (started %s, no longer running)",
                previous["pid"],
                previous.get("started"),
            )
        self._fd = fd
        self._write({"pid": os.getpid(), "host": socket.gethostname(), "command": command, "started": utc_now_iso()})
        return self

    def _write(self, state):
        os.ftruncate(self._fd, 0)
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.write(self._fd, json.dumps(state).encode())

    def release(self):
        if self._fd is None:
            return
        self._write({**self.holder(), "released": utc_now_iso()})
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
