"""The three documented ways to schedule a crawl, exercised here: the cron line, a real Scrapyd
(deploy from scrapy.cfg, schedule, job finished, rows in the database), and the CI workflow."""

import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from tests.crawl import REPO
from tests.site import free_port

BIN = Path(sys.executable).parent


def test_the_cron_line_runs_every_source_into_the_database(tmp_path):
    crontab = (REPO / "deploy" / "crontab").read_text()
    schedule_line = next(line for line in crontab.splitlines() if line[:1].isdigit())
    fields = schedule_line.split(None, 5)
    assert fields[:5] == ["10", "4", "*", "*", "*"]
    command = fields[5].replace('"$RECALLWATCH_HOME"', shlex.quote(str(REPO))).replace(".venv/bin/", f"{BIN}/")
    env = {
        **os.environ,
        "RECALLWATCH_DATABASE": str(tmp_path / "recalls.db"),
        "RECALLWATCH_ARCHIVE_DIR": str(tmp_path / "archive"),
        "RECALLWATCH_SNAPSHOT_REPLAY": "1",
        "RECALLWATCH_DOWNLOAD_DELAY": "0",
    }
    done = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.search(r"\| registrar_lavote +\| ok ", done.stdout), done.stdout
    assert sqlite_utils.Database(tmp_path / "recalls.db")["announcements"].count >= 5


def test_the_systemd_unit_runs_the_same_command_and_tolerates_a_held_lock():
    service = (REPO / "deploy" / "recallwatch.service").read_text()
    assert "ExecStart=/srv/recallwatch/.venv/bin/scrapy crawlall" in service
    assert "SuccessExitStatus=75" in service
    assert "OnCalendar=*-*-* 04:10:00" in (REPO / "deploy" / "recallwatch.timer").read_text()


def test_the_scheduled_workflow_installs_and_crawls_with_the_make_targets():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "scheduled-crawl.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert len(triggers["schedule"][0]["cron"].split()) == 5
    commands = [step.get("run", "") for step in workflow["jobs"]["crawl"]["steps"]]
    assert "make install" in commands
    assert any("scrapy crawlall" in command for command in commands)
    assert "install:" in (REPO / "Makefile").read_text()


def get_json(url, data=None):
    body = urllib.parse.urlencode(data).encode() if data else None
    with urllib.request.urlopen(url, data=body, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def scrapyd(tmp_path):
    port = free_port()
    (tmp_path / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {tmp_path / 'eggs'}\nlogs_dir = {tmp_path / 'logs'}\ndbs_dir = {tmp_path / 'dbs'}\n"
        "items_dir =\npoll_interval = 0.5\nmax_proc = 2\n"
    )
    env = {
        **os.environ,
        "RECALLWATCH_DATABASE": str(tmp_path / "recalls.db"),
        "RECALLWATCH_ARCHIVE_DIR": str(tmp_path / "archive"),
        "RECALLWATCH_WATCHLIST": str(REPO / "data" / "watchlist.yml"),
        "RECALLWATCH_SNAPSHOT_DIR": str(REPO / "snapshot"),
        "RECALLWATCH_SNAPSHOT_REPLAY": "1",
        "RECALLWATCH_DOWNLOAD_DELAY": "0",
    }
    server = subprocess.Popen(
        [str(BIN / "scrapyd")], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            get_json(url + "daemonstatus.json")
            break
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None, "scrapyd did not start"
            time.sleep(0.2)
    yield url, tmp_path
    server.terminate()
    server.wait(timeout=10)


def test_a_scrapyd_deployment_schedules_a_spider_that_fills_the_database(scrapyd):
    url, folder = scrapyd
    deployed = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "remote"], cwd=REPO, env={**os.environ, "SCRAPYD_URL": url},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert "registrar_lavote" in get_json(url + "listspiders.json?project=recallwatch")["spiders"]

    job = get_json(url + "schedule.json", {"project": "recallwatch", "spider": "registrar_lavote"})["jobid"]
    deadline = time.monotonic() + 120
    while not any(j["id"] == job for j in get_json(url + "listjobs.json?project=recallwatch")["finished"]):
        assert time.monotonic() < deadline, "the Scrapyd job did not finish"
        time.sleep(0.5)

    db = sqlite_utils.Database(folder / "recalls.db")
    assert db["announcements"].count >= 5
    assert next(db.query("select status from crawl_runs"))["status"] == "ok"
