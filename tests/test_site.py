"""The site: `make serve` serves the database with metadata.yml on 127.0.0.1 with time limits."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.crawl import REPO, crawl


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("site")
    crawl("registrar_lavote", tmp_path)
    port = free_port()
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"SITE_DB={tmp_path / 'recalls.db'}", f"PORT={port}"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            get_json(f"{base}/.json")
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(server.stdout.read().decode()) from None
            time.sleep(0.3)
    yield base
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=10)


def test_the_site_serves_the_database_with_its_tables(site):
    tables = {t["name"] for t in get_json(f"{site}/recalls.json")["tables"]}
    assert {"announcements", "contributions", "petition_counts", "crawl_runs"} <= tables


def test_the_site_uses_metadata_and_the_time_limits(site):
    metadata = get_json(f"{site}/-/metadata.json")
    assert metadata["title"] == "RecallWatch"
    assert "sample records" in metadata["description_html"]
    settings = get_json(f"{site}/-/settings.json")
    assert settings["sql_time_limit_ms"] == 3000
    assert settings["max_returned_rows"] == 2000


def test_a_table_of_the_snapshot_data_is_browsable_as_json(site):
    rows = get_json(f"{site}/recalls/announcements.json?_shape=array&_sort=published")
    assert rows[0]["title"] == "Petition to Recall District Attorney Approved for Circulation"
