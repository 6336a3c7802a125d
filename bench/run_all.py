"""Every benchmark, one command, one report: runs each bench/bench_*.py (found by name, so a new
benchmark joins by being added), reads the figures line each prints last (bench/figures.py), and
writes BENCHMARKS.md: figure, value, baseline, ratio, target, met, with the machine it ran on.

    .venv/bin/python bench/run_all.py            # full sizes
    .venv/bin/python bench/run_all.py --quick    # reduced sizes (said so in the report)

Benchmarks are run by hand, never in the tests.
"""

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import scrapy

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# Reduced sizes for --quick (a benchmark not listed runs with its defaults)
QUICK_ARGS = {
    "bench_incremental": ["--releases", "500"],
    "bench_calaccess_ingest": ["--rows", "200000"],
    "bench_pennsylvania_ingest": ["--rows", "200000"],
    "bench_illinois_ingest": ["--rows", "200000"],
    "bench_extraction": ["--rounds", "5"],
    "bench_news_crawl": ["--rounds", "1"],
    "bench_site": ["--contributions", "500000", "--donors", "100000", "--requests", "20"],
}


MET = {True: "yes", False: "**no**", None: "–"}


def benchmarks():
    return sorted(BENCH.glob("bench_*.py"))


def figures_of(output):
    """The figures of a benchmark's output: its last line that is a {"figures": [...]} object."""
    for line in reversed(output.splitlines()):
        if line.startswith('{"figures"'):
            return json.loads(line)["figures"]
    return None


def run_benchmark(path, quick):
    args = QUICK_ARGS.get(path.stem, []) if quick else []
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, str(path), *args], cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    seconds = time.monotonic() - started
    figures = figures_of(process.stdout) if process.returncode == 0 else None
    problem = None
    if process.returncode != 0:
        problem = f"exit {process.returncode}: {(process.stderr or process.stdout).strip().splitlines()[-1:]}"
    elif figures is None:
        problem = "printed no figures line (bench/figures.py)"
    return {"bench": path.stem, "args": args, "seconds": seconds, "figures": figures or [], "problem": problem}


def machine():
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {
        "CPU": cpu,
        "cores": os.cpu_count(),
        "RAM": f"{memory_kb / 1024**2:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Scrapy": scrapy.__version__,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def number(value):
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def report(results, about, quick):
    lines = ["# Benchmarks", "", "Written by `bench/run_all.py` (run by hand; never part of the tests).", ""]
    if quick:
        lines += ["**Reduced sizes** (`--quick`): " + "; ".join(f"{r['bench']} {' '.join(r['args'])}" for r in results
                                                         if r["args"]) + ".", ""]  # fmt: skip
    lines += ["## Machine", ""] + [f"- {name}: {value}" for name, value in about.items()] + [""]
    lines += [
        "## Figures",
        "",
        "| bench | figure | value | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for f in result["figures"]:
            unit = f" {f['unit']}" if f.get("unit") else ""
            lines.append(
                f"| {result['bench']} | {f['figure']} | {number(f['value'])}{unit} | {number(f['baseline'])} | "
                f"{number(f['ratio'])} | {f['target'] or '–'} | {MET[f['met']]} |"
            )
        if result["problem"]:
            lines.append(f"| {result['bench']} | (no figures) | – | – | – | – | {result['problem']} |")
    lines += [
        "",
        "Each benchmark's own output explains its figures (run it alone: `.venv/bin/python bench/NAME.py`).",
        "",
    ]
    lines += [f"- {r['bench']}: {r['seconds']:.0f} s" for r in results]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes")
    parser.add_argument("--output", default=str(REPO / "BENCHMARKS.md"))
    options = parser.parse_args()
    results = []
    for path in benchmarks():
        print(f"running {path.name} ...", flush=True)
        results.append(run_benchmark(path, options.quick))
        print(f"  {results[-1]['seconds']:.0f} s, {len(results[-1]['figures'])} figures {results[-1]['problem'] or ''}")
    Path(options.output).write_text(report(results, machine(), options.quick), encoding="utf-8")
    print(f"wrote {options.output}")


if __name__ == "__main__":
    main()
