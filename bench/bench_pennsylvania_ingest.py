"""Ingest speed of filings_pennsylvania, run by hand (not in the tests):

    .venv/bin/python bench/bench_pennsylvania_ingest.py [--rows 1000000] [--keep]

1. Generates a 2025-layout export folder: contrib_2025.txt of --rows rows (the header and rows of
   tests/fixtures/filings_pennsylvania/samples_2025/contrib_2025.txt in turn, 500 rows per filing:
   CRLF, quoted text, unquoted numbers, "0" slots; --accents: a row in 200 with a cp437 accent)
   and a filer_2025.txt naming every filing.
2. Baseline: sqlite3's own `.import` of the same contrib file into a fresh database (`.mode csv`).
3. The real thing: `scrapy crawl filings_pennsylvania -a url=file://.../folder` into a fresh
   database (every pipeline, then the totals rules), under /usr/bin/time -v for its peak memory:
   the column path (recallwatch/parsers/pennsylvania_columns.py, the default), then the per-row
   path (`-s PENNSYLVANIA_COLUMNAR=0`; --no-rows-path: not crawled), which must store the same rows.

Prints rows/s of each, the ratio (target: the column path within 1.5x of .import) and the peak
memory (target: under 200 MB). The WARC archive is off.
"""

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

SAMPLES = REPO / "tests" / "fixtures" / "filings_pennsylvania" / "samples_2025"
ROWS_PER_FILING = 500
ACCENT_EVERY = 200  # --accents: a row in 200 with a byte that is not ASCII ("Caf\x82")


def sample_lines(kind):
    lines = (SAMPLES / f"{kind}_2025.txt").read_bytes().replace(b"\r\n", b"\n").split(b"\n")
    return lines[0], [line for line in lines[1:] if line]


def generate(folder, rows, accents=False):
    """contrib_2025.txt of `rows` rows and the filer_2025.txt of their filings; with `accents`,
    every ACCENT_EVERY-th row's city is written with a cp437 accent, as the 2025 export writes them."""
    header, samples = sample_lines("contrib")
    bodies = [line.split(b",", 2)[2] for line in samples]  # after CampaignFinanceID, FilerID
    with open(folder / "contrib_2025.txt", "wb") as out:
        out.write(header + b"\r\n")
        for number in range(rows):
            filing = 5_000_000 + number // ROWS_PER_FILING
            body = bodies[number % len(bodies)]
            if accents and number % ACCENT_EVERY == 0:
                body = body.replace(b'"Thousand Oaks"', b'"Thousand Oaks Caf\x82"', 1)
            out.write(b'%d,"%d",' % (filing, filing) + body + b"\r\n")
    header, (amgen, *_) = sample_lines("filer")
    rest = amgen.split(b",", 2)[2]
    with open(folder / "filer_2025.txt", "wb") as out:
        out.write(header + b"\n")
        for filing in range(5_000_000, 5_000_000 + (rows - 1) // ROWS_PER_FILING + 1):
            out.write(b'%d,"%d",' % (filing, filing) + rest + b"\r\n")


def main():
    options, folder = ingest_options(
        __doc__, "pennsylvania", ("--no-rows-path", "do not crawl the per-row path too"),
        ("--accents", f"a row in {ACCENT_EVERY} with a cp437 accent (read by the csv module on the column path)"),
    )  # fmt: skip
    export = folder / "export"
    export.mkdir()
    generate(export, options.rows, options.accents)
    size_mb = (export / "contrib_2025.txt").stat().st_size / 1e6

    contrib = export / "contrib_2025.txt"
    baseline, baseline_cpu = sqlite_import(contrib, folder / "import.db", mode="csv", table="contrib")
    results = {}
    for path, columnar in [("columns", True)] + ([] if options.no_rows_path else [("rows", False)]):
        (folder / path).mkdir()
        results[path] = crawl(export, folder / path, spider="filings_pennsylvania",
                              settings={"PENNSYLVANIA_COLUMNAR": int(columnar)})  # fmt: skip
    # CPU seconds too: on a shared machine they move less than the elapsed time
    print(f"sqlite3 .import: CPU {baseline_cpu:6.2f} s")
    for path, (elapsed, peak_mb, stored, cpu, end_seconds) in results.items():
        print(
            f"{path:7} path: {elapsed:7.2f} s  {options.rows / elapsed:10,.0f} rows/s  {elapsed / baseline:5.2f}x "
            f".import  CPU {cpu:6.2f} s = {cpu / baseline_cpu:5.2f}x .import's  peak {peak_mb:4.0f} MB  "
            f"({stored:,} stored)\n    of which {end_of_run_line(end_seconds)}"
        )
    print("column path (the default):")
    floor = measure_floor(crawl, export, folder, spider="filings_pennsylvania")
    report_ingest(
        "Pennsylvania", "contrib_2025.txt", options.rows, size_mb, folder, baseline, results["columns"], floor
    )
    if not options.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
