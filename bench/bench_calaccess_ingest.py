"""Ingest speed of filings_calaccess, run by hand (not in the tests):

    .venv/bin/python bench/bench_calaccess_ingest.py [--rows 1000000] [--keep] [--no-rows-path]

1. Generates an RCPT_CD.TSV of --rows rows in the real format (the header and rows of
   tests/fixtures/filings_calaccess/samples/RCPT_CD.TSV, repeated with new FILING_IDs: CRLF, no
   quoting, "M/D/YYYY 12:00:00 AM" dates, every column).
2. Baseline: sqlite3's own `.import` of the same file into a fresh database (sqlite3 CLI;
   `apt-get install -y sqlite3` if it is missing).
3. The real thing: the whole `scrapy crawl filings_calaccess -a url=file://.../RCPT_CD.TSV` into a
   fresh database (start-up, every pipeline: coverage, normalize, validate, link, donors, store;
   then the end of the run: indexes, totals rules), timed as one command. Its peak memory is the
   crawl process's own plus the memory its bulk writer held of its own (the run's stats keep both),
   and the end of the run's steps are timed one by one (the run's stats too). Twice: the column path
   (the default) and the per-row path (`-s CALACCESS_COLUMNAR=0`), which must store the same rows.

Prints rows/s of each, the ratios to `.import` (target for the column path: at most 1.3x) and the
peak memories (target: under 200 MB). The WARC archive is off (the manifest fetch of a local export
is tiny anyway). Donors are resolved in the donor stage, for every row, as in every crawl.
"""

import argparse
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.figures import emit, figure  # noqa: E402
from bench.floor import floor_line, measure_floor  # noqa: E402

SAMPLE = REPO / "tests" / "fixtures" / "filings_calaccess" / "samples" / "RCPT_CD.TSV"


def generate(path, rows):
    """An RCPT_CD.TSV of `rows` rows: the sample's real rows in turn, 20 receipts per filing."""
    lines = SAMPLE.read_bytes().split(b"\r\n")
    header, samples = lines[0], [line.split(b"\t") for line in lines[1:] if line]
    with open(path, "wb") as out:
        out.write(header + b"\r\n")
        for number in range(rows):
            values = list(samples[number % len(samples)])
            values[0] = b"%d" % (5_000_000 + number // 20)  # FILING_ID
            values[2] = b"%d" % (number % 20 + 1)  # LINE_ITEM
            values[5] = b"B%d" % number  # TRAN_ID
            out.write(b"\t".join(values) + b"\r\n")


def cpu_seconds(time_output):
    """User + system CPU seconds of a process run under /usr/bin/time -v."""
    return sum(
        float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", time_output).group(1)) for kind in ("User", "System")
    )


def sqlite_import(tsv, database, mode="tabs", table="rcpt_cd"):
    started = time.perf_counter()
    command = ["/usr/bin/time", "-v", "sqlite3", str(database), f".mode {mode}", f".import {tsv} {table}"]
    process = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, cpu_seconds(process.stderr)


def crawl(tsv, folder, columnar=True, spider="filings_calaccess", settings=None):
    """(seconds, peak MB, contributions stored, CPU seconds, end of the run's step seconds) of a
    whole crawl; `settings`: more `-s NAME=value` settings (a dict)."""
    database = folder / "recalls.db"
    command = [
        "/usr/bin/time", "-v", sys.executable, "-m", "scrapy", "crawl", spider,
        "-a", f"url={tsv.resolve().as_uri()}",
        "-s", f"DATABASE={database}", "-s", f"ARCHIVE_DIR={folder / 'archive'}", "-s", "ARCHIVE_ENABLED=0",
        "-s", "LOG_LEVEL=WARNING", "-s", f"CALACCESS_COLUMNAR={int(columnar)}",
    ]  # fmt: skip
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    started = time.perf_counter()
    process = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"crawl failed:\n{process.stderr[-3000:]}")
    database = sqlite3.connect(database)
    stored = database.execute("select count(*) from contributions").fetchone()[0]
    stats = json.loads(database.execute("select stats from crawl_runs order by started desc limit 1").fetchone()[0])
    return elapsed, peak_memory(stats), stored, cpu_seconds(process.stderr), stats.get("recallwatch/end_of_run_seconds")


def peak_memory(stats):
    """The crawl's peak memory in MB: its own, and its bulk writer's own memory added (the writer's
    libraries are the crawl's: Python and pyarrow, mapped from the same files; the two peaks may not
    coincide, so the sum is at most what the two held at once)."""
    return stats["recallwatch/peak_mb"] + (stats.get("recallwatch/bulk_writer") or {}).get("private_peak_mb", 0)


def end_of_run_line(seconds):
    """The end of the run's steps that took a tenth of a second or more, and their total."""
    slow = ", ".join(f"{step} {took:.1f}" for step, took in seconds.items() if took >= 0.1)
    return f"end of the run {sum(seconds.values()):.1f} s ({slow})"


def report_ingest(label, file_label, rows, size_mb, folder, baseline, crawled, floor, target=1.5):
    """Print and emit the figures of a bulk source's ingest bench (Illinois, Pennsylvania): the
    whole crawl against sqlite3's .import of the same file, the floor (bench/floor.py) and the
    crawl's peak memory."""
    elapsed, peak_mb, stored, _, end_seconds = crawled
    print(f"{file_label}: {rows:,} rows, {size_mb:,.0f} MB ({folder})")
    print(f"sqlite3 .import          : {baseline:7.2f} s  {rows / baseline:10,.0f} rows/s")
    print(f"scrapy crawl (whole run) : {elapsed:7.2f} s  {rows / elapsed:10,.0f} rows/s  ({stored:,} stored)")
    print(f"    of which {end_of_run_line(end_seconds)}")
    print(f"ratio crawl / .import    : {elapsed / baseline:7.2f}x   (target: within {target}x)")
    print(f"floor                    : {floor_line(floor, baseline, target)}")
    print(f"peak memory of the crawl : {peak_mb:7.0f} MB  (target: under 200 MB)")
    emit(
        [
            figure(f"{label} ingest rows/s ({rows:,} rows; baseline sqlite3 .import)",
                   rows / elapsed, rows / baseline, elapsed / baseline,
                   f"time / .import's <= {target}", elapsed / baseline <= target, "rows/s"),
            floor_figure(label, floor, baseline),
            figure(f"{label} ingest peak memory", peak_mb, 200, peak_mb / 200, "< 200 MB", peak_mb < 200, "MB"),
        ]
    )  # fmt: skip


def floor_figure(label, floor, baseline):
    seconds = sum(floor.values())
    name = f"{label} ingest floor seconds (start-up, SQLite's own insert and indexes; baseline .import)"
    return figure(name, seconds, baseline, seconds / baseline, None, None, "s")


def ingest_options(doc, name, *extra):
    """The options of an ingest bench (--rows, --keep and `extra`: (flag, help) of a switch) and the
    temporary folder it works in; exits when the sqlite3 CLI (the baseline) is missing."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated files and databases")
    for flag, help_text in extra:
        parser.add_argument(flag, action="store_true", help=help_text)
    options = parser.parse_args()
    if not shutil.which("sqlite3"):
        sys.exit("sqlite3 CLI missing: apt-get install -y sqlite3")
    return options, Path(tempfile.mkdtemp(prefix=f"bench_{name}_"))


def main():
    options, folder = ingest_options(__doc__, "calaccess", ("--no-rows-path", "do not crawl the per-row path too"))
    tsv = folder / "RCPT_CD.TSV"
    generate(tsv, options.rows)
    size_mb = tsv.stat().st_size / 1e6
    rows = options.rows

    baseline, baseline_cpu = sqlite_import(tsv, folder / "import.db")
    paths = [("columns", True)] + ([] if options.no_rows_path else [("rows", False)])
    results = {}
    for name, columnar in paths:
        (folder / name).mkdir()
        results[name] = crawl(tsv, folder / name, columnar)
    floor = measure_floor(crawl, tsv, folder)

    print(f"RCPT_CD.TSV: {rows:,} rows, {size_mb:,.0f} MB ({folder})")
    print(
        f"sqlite3 .import              : {baseline:7.2f} s  {rows / baseline:10,.0f} rows/s  CPU {baseline_cpu:6.2f} s"
    )
    for name, (elapsed, peak_mb, stored, cpu, end_seconds) in results.items():
        print(
            f"scrapy crawl, {name:7} path  : {elapsed:7.2f} s  {rows / elapsed:10,.0f} rows/s  "
            f"{elapsed / baseline:5.2f}x .import  CPU {cpu:6.2f} s = {cpu / baseline_cpu:5.2f}x .import's  "
            f"peak {peak_mb:4.0f} MB  ({stored:,} stored)"
        )
        print(f"    of which {end_of_run_line(end_seconds)}")
    print(f"floor                        : {floor_line(floor, baseline, 1.3)}")
    print("targets: the column path within 1.3x .import, under 200 MB")
    elapsed, peak_mb, _, cpu, _ = results["columns"]
    figures = [
        figure(f"CAL-ACCESS ingest rows/s, column path ({rows:,} rows; baseline sqlite3 .import)",
               rows / elapsed, rows / baseline, elapsed / baseline, "time / .import's <= 1.3",
               elapsed / baseline <= 1.3, "rows/s"),
        floor_figure("CAL-ACCESS", floor, baseline),
        figure("CAL-ACCESS ingest peak memory, column path", peak_mb, 200, peak_mb / 200, "< 200 MB",
               peak_mb < 200, "MB"),
    ]  # fmt: skip
    figures.append(figure("CAL-ACCESS ingest CPU seconds, column path (baseline .import's)", cpu, baseline_cpu,
                          cpu / baseline_cpu, None, None, "s"))  # fmt: skip
    if "rows" in results:
        elapsed, peak_mb, _, cpu, _ = results["rows"]
        figures += [
            figure(f"CAL-ACCESS ingest rows/s, per-row path ({rows:,} rows; baseline sqlite3 .import)",
                   rows / elapsed, rows / baseline, elapsed / baseline, None, None, "rows/s"),
            figure("CAL-ACCESS ingest peak memory, per-row path", peak_mb, 200, peak_mb / 200, None, None, "MB"),
        ]  # fmt: skip
    emit(figures)
    if not options.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
