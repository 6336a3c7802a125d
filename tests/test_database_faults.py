"""A database that cannot be written - a full disk, a read-only file system - stops the crawl
with a non-zero exit status and one clear line on stderr, and the run is failed with the cause.

The file systems are real: small or read-only tmpfs mounts (the tests run as root in CI; where
mounting is not allowed they are skipped, saying so)."""

import contextlib
import subprocess

import pytest
import sqlite_utils

from bench.bench_calaccess_ingest import generate
from tests.crawl import crawl, file_url, scrapy


@contextlib.contextmanager
def tmpfs(folder, size):
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount_read_only(folder):
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def stderr_lines(result):
    return [line for line in result.output.splitlines() if line.startswith("RecallWatch: ")]


def test_a_full_disk_stops_the_crawl_fails_the_run_with_the_cause_and_exits_non_zero(tmp_path):
    receipts = tmp_path / "RCPT_CD.TSV"
    generate(receipts, 40_000)  # about 12 MB once stored; the file system holds 2 MB
    with tmpfs(tmp_path / "disk", "2m") as disk:
        database = disk / "recalls.db"
        settings = {"DATABASE": str(database), "ARCHIVE_ENABLED": "0", "STORE_BATCH_SIZE": "2000"}
        result = crawl("filings_calaccess", tmp_path, f"url={file_url(receipts)}", settings=settings)
        assert result.returncode == 1, result.output[-3000:]
        assert stderr_lines(result) == [
            "RecallWatch: filings_calaccess failed: the database could not be written: database or disk is full"
        ]
        assert "Traceback" not in result.output
        # Once there is room again the run's row says what happened, or the next run will mark it
        # failed (it was left running): never `ok`, never an exit status of 0.
        db = sqlite_utils.Database(database)
        (run,) = db.query("select status, status_reason from crawl_runs")
        assert run["status"] in ("failed", "running")
        if run["status"] == "failed":
            assert run["status_reason"] == "the database could not be written: database or disk is full"


def test_crawlall_on_a_full_disk_shows_the_cause_in_its_table(tmp_path):
    with tmpfs(tmp_path / "disk", "1m") as disk:  # the empty schema fits, the snapshot does not
        result = scrapy("crawlall", tmp_path, settings={"DATABASE": str(disk / "recalls.db"), "ARCHIVE_ENABLED": "0"})
        assert result.returncode == 1, result.output[-3000:]
        table = [line for line in result.output.splitlines() if line.startswith("| ")]
        failed = [line for line in table if "the database could not be written: database or disk is full" in line]
        assert failed, result.output[-3000:]
        assert all("| failed " in line for line in failed)
        assert "Traceback" not in result.output


def test_a_read_only_database_is_refused_before_the_crawl_in_one_line(tmp_path):
    with tmpfs(tmp_path / "ro", "4m") as folder:
        database = folder / "recalls.db"
        assert crawl("registrar_lavote", tmp_path, settings={"DATABASE": str(database)}).returncode == 0
        before = database.read_bytes()
        remount_read_only(folder)
        for command in (("crawl", "registrar_lavote"), ("crawlall",)):
            result = scrapy(*command[:1], tmp_path, *command[1:], settings={"DATABASE": str(database)})
            assert result.returncode == 1, result.output[-3000:]
            (line,) = stderr_lines(result)
            assert line.startswith(f"RecallWatch: cannot write beside the database {database} (its crawl lock): ")
            assert "Read-only file system" in line
            assert "Traceback" not in result.output
        assert database.read_bytes() == before


def test_a_database_that_is_not_a_database_is_refused_in_one_line(tmp_path):
    database = tmp_path / "recalls.db"
    database.write_text("this is not an SQLite file, but it is long enough to be read as one" * 20)
    result = crawl("registrar_lavote", tmp_path, settings={"DATABASE": str(database)})
    assert result.returncode == 1, result.output[-3000:]
    assert stderr_lines(result) == [f"RecallWatch: cannot write the database {database}: file is not a database"]
    assert "Traceback" not in result.output
