"""Ingest speed of filings_illinois, run by hand (not in the tests):

    .venv/bin/python bench/bench_illinois_ingest.py [--rows 1000000] [--keep]

1. Generates a Receipts.txt of --rows rows in the real format: the header and rows of
   tests/fixtures/filings_illinois/samples/Receipts.txt (the real 1998 rows) and crafted/Receipts.txt,
   repeated with new IDs, 20 receipts per filed document, 50 committees (LF, no quoting, every column).
2. Baseline: sqlite3's own `.import` of the same file into a fresh database (sqlite3 CLI).
3. The real thing: `scrapy crawl filings_illinois -a url=file://.../Receipts.txt` into a fresh
   database (every pipeline, donors included, then the totals rules), timed as one command, its peak
   memory and end-of-run steps taken from the run's stats (see bench_calaccess_ingest.py). Twice: the
   column path (the default) and the per-row path (`-s ILLINOIS_COLUMNAR=0`, skipped with
   --no-rows-path), which must store the same rows.

Prints rows/s of each, the ratios (target for the column path: within 1.5x of .import) and the peak
memories (target: under 200 MB), the CPU times, and the load average (the machine may be shared: the
ratios are measured in the same run).
"""

import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_calaccess_ingest import (  # noqa: E402
    crawl,
    end_of_run_line,
    ingest_options,
    report_ingest,
    sqlite_import,
)
from bench.floor import measure_floor  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "filings_illinois"
SAMPLES = (FIXTURES / "samples" / "Receipts.txt", FIXTURES / "crafted" / "Receipts.txt")


def generate(path, rows):
    """A Receipts.txt of `rows` rows: the fixtures' rows in turn, with new ids."""
    header = SAMPLES[0].read_bytes().split(b"\n")[0]
    samples = [line.split(b"\t") for sample in SAMPLES for line in sample.read_bytes().split(b"\n")[1:] if line.strip()]
    with open(path, "wb") as out:
        out.write(header + b"\n")
        for number in range(rows):
            values = list(samples[number % len(samples)])
            values[0] = b"%d" % (10_000_000 + number)  # ID
            values[1] = b"%d" % (40_000 + number % 50)  # CommitteeID
            values[2] = b"%d" % (900_000 + number // 20)  # FiledDocID
            out.write(b"\t".join(values) + b"\n")


def main():
    options, folder = ingest_options(__doc__, "illinois", ("--no-rows-path", "do not crawl the per-row path too"))
    receipts = folder / "Receipts.txt"
    generate(receipts, options.rows)
    size_mb = receipts.stat().st_size / 1e6

    baseline, baseline_cpu = sqlite_import(receipts, folder / "import.db")
    paths = [("columns", 1)] + ([] if options.no_rows_path else [("rows", 0)])
    results = {}
    for name, columnar in paths:
        (folder / name).mkdir()
        results[name] = crawl(receipts, folder / name, spider="filings_illinois",
                              settings={"ILLINOIS_COLUMNAR": columnar})  # fmt: skip
    for name, (elapsed, peak_mb, stored, cpu, end_seconds) in results.items():  # CPU: steadier on a shared machine
        print(f"{name:7} path: {elapsed:7.2f} s  {elapsed / baseline:5.2f}x .import  CPU {cpu:6.2f} s = "
              f"{cpu / baseline_cpu:5.2f}x .import's {baseline_cpu:.2f} s  peak {peak_mb:4.0f} MB  "
              f"({stored:,} stored)\n    of which {end_of_run_line(end_seconds)}")  # fmt: skip
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print("column path:")
    floor = measure_floor(crawl, receipts, folder, spider="filings_illinois")
    report_ingest("ISBE receipts", "Receipts.txt", options.rows, size_mb, folder, baseline, results["columns"], floor)
    if not options.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
