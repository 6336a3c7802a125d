"""Helpers for the site's tests: the snapshot database, `make serve` on a free port, Datasette's client."""

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

from tests.crawl import FIXTURES, REPO, crawl, file_url, scrapy

METADATA = REPO / "metadata.yml"
PLUGINS = REPO / "plugins"
HOSTILE_ARTICLE = FIXTURES / "site" / "hostile_article.html"

BOUDIN = "boudin-recall-2021-second"
GASCON = "gascon-recall-2022"
UNION_LOCAL = "9e5fb423c193453b"  # "Local 000 of the Sample Workers Union" in the snapshot

# Every canned query with the parameters a reporter would give it (the examples in its description).
EXAMPLES = {
    "failing_sources": {},
    "campaign_news": {"campaign": GASCON},
    "registrar_announcements": {"since": "2022-01-01"},
    "petition_timeline": {"campaign": GASCON},
    "campaign_money": {"campaign": BOUDIN},
    "top_donors": {"campaign": BOUDIN},
    "money_reported_by_givers": {"campaign": GASCON},
    "donor": {"donor": UNION_LOCAL},
    "cross_campaign_donors": {},
    "new_contributions": {"since": "2022-05-01", "min_amount": "10000"},
    "source_health": {},
    "money_by_interest": {"campaign": BOUDIN},
    "original_givers": {"campaign": BOUDIN},
    "outside_spending": {"campaign": GASCON},
    "new_outside_spending": {"since": "2022-01-01", "min_amount": "5000"},
}


def build_snapshot_db(tmp_path):
    """Every spider over the snapshot, plus one article whose title and text carry HTML and script."""
    # Rows written at each spider's end, not by time: the spiders run side by side, and the order their
    # rows land in (which a group_concat of a canned answer shows) must not depend on the machine's speed
    result = scrapy("crawlall", tmp_path, settings={"LOG_LEVEL": "WARNING", "STORE_FLUSH_SECONDS": "0"})
    assert result.returncode == 0, result.output[-3000:]
    hostile = crawl("news", tmp_path, f"url={file_url(HOSTILE_ARTICLE)}", settings={"LOG_LEVEL": "WARNING"})
    assert hostile.returncode == 0, hostile.output[-3000:]
    return tmp_path / "recalls.db"


def metadata():
    return yaml.safe_load(METADATA.read_text())


class Client:
    """Datasette's own test client (ASGI, no server), on one event loop, with the site's metadata and plugins."""

    def __init__(self, db_path):
        self.loop = asyncio.new_event_loop()
        self.datasette = Datasette([str(db_path)], metadata=metadata(), plugins_dir=str(PLUGINS))

    def get(self, path):
        return self.loop.run_until_complete(self.datasette.client.get(path))

    def close(self):
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@contextlib.contextmanager
def serve(db_path, env=None):
    """`make serve` (the site as it is published) on a free port, with `env` added to its environment;
    yields its base URL."""
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads fills up and stalls the server.
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"SITE_DB={db_path}", f"PORT={port}"],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(f"{base}/.json")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    os.killpg(server.pid, signal.SIGKILL)
                    log.seek(0)
                    raise RuntimeError(log.read().decode()) from None
                time.sleep(0.3)
        try:
            yield base
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)


SCREENSHOTS = pytest.StashKey[Path]()


def screenshot_dir():
    return Path(os.environ.get("RECALLWATCH_SCREENSHOTS", REPO / "tests" / "screenshots"))
