"""A whole news crawl against trafilatura alone on the same pages, run by hand (not in the tests):

    .venv/bin/python bench/bench_news_crawl.py [--copies 11] [--rounds 3]

Pages: `--copies` x the snapshot's 16 article pages with a known text, dressed as real-size pages
(bench/news_pages.py: ~110 kB each, the publisher's chrome around the snapshot's markup), local
files listed in a url_list.

Timed: the WHOLE `scrapy crawl news -a url_list=...` command (start-up, crawl, end of run), polite
delay off, with the extraction workers (NEWS_EXTRACT_WORKERS unset: one per core) and without
(NEWS_EXTRACT_WORKERS=0), against trafilatura.extract alone over the same files in this process
(reading them included), in the same run, alternated; the best of `--rounds` each.
Target: the crawl with its workers <= 1.0x trafilatura alone. The CPU seconds of each (the crawl's
with its workers') are printed too: on a machine shared with other work, the wall times move with
the load, the CPU seconds much less.

Quality: word 3-shingle F1 (bench/bench_extraction.py) of every stored text (articles and their
earlier versions) against the known text, with the workers and without: it must be the same.
"""

import argparse
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_extraction import f1  # noqa: E402
from bench.figures import emit, figure  # noqa: E402
from bench.news_pages import write_pages  # noqa: E402
from recallwatch.parsers.news_extract import extract_article  # noqa: E402

TARGET = 1.0


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def trafilatura_alone(paths):
    """(wall seconds, CPU seconds)"""
    started, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        trafilatura.extract(path.read_text(encoding="utf-8"), include_comments=False, include_tables=False)
    return time.perf_counter() - started, time.process_time() - cpu


def crawl(url_list, folder, workers):
    """(wall seconds, CPU seconds: the crawl's and its workers') of the whole `scrapy crawl news`
    command, and its database."""
    database = folder / "recalls.db"
    database.unlink(missing_ok=True)
    settings = {
        "DATABASE": database,
        "ARCHIVE_DIR": folder / "archive",
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": 0,
        "LOG_LEVEL": "WARNING",
    }
    if workers is not None:
        settings["NEWS_EXTRACT_WORKERS"] = workers
    argv = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url_list={url_list}"]
    for name, value in settings.items():
        argv += ["-s", f"{name}={value}"]
    started, cpu = time.perf_counter(), children_cpu()
    process = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"the crawl failed:\n{process.stderr[-3000:]}")
    return (seconds, children_cpu() - cpu), database


def truth_by_address(pages):
    """Known text by the canonical address each page names (an AMP copy names its main page's)."""
    return {extract_article(path.read_text(encoding="utf-8"), path.as_uri()).url: text for path, text in pages}


def stored_f1(database, truths):
    """F1 of every stored text (current and earlier versions) against the known text of its address."""
    with sqlite3.connect(database) as db:
        rows = db.execute("select url, text from articles union all select url, text from article_versions").fetchall()
    missing = [url for url, _ in rows if url not in truths]
    if missing:
        sys.exit(f"stored under an address with no known text: {missing[:3]}")
    return statistics.mean(f1(text, truths[url]) for url, text in rows), len(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_news_crawl_") as tmp:
        tmp = Path(tmp)
        pages = write_pages(tmp / "pages", options.copies)
        url_list = tmp / "urls.txt"
        url_list.write_text("".join(f"{path.as_uri()}\n" for path, _ in pages), encoding="utf-8")
        paths = [path for path, _ in pages]
        size = sum(path.stat().st_size for path in paths) / len(paths) / 1024
        print(f"{len(pages)} pages, {size:.0f} kB each on average; {options.rounds} rounds, alternated")
        runs = {"alone": [], "workers": [], "in-process": []}
        databases = {}
        for folder in ("workers", "in-process"):
            (tmp / folder).mkdir()
        for round_number in range(options.rounds):
            runs["alone"].append(trafilatura_alone(paths))
            timing, databases["workers"] = crawl(url_list, tmp / "workers", None)
            runs["workers"].append(timing)
            timing, databases["in-process"] = crawl(url_list, tmp / "in-process", 0)
            runs["in-process"].append(timing)
            timings = ", ".join(f"{name} {wall[-1][0]:.2f} s ({wall[-1][1]:.2f} s CPU)" for name, wall in runs.items())
            print(f"round {round_number + 1}: {timings}")
        truths = truth_by_address(pages)
        quality = {name: stored_f1(database, truths) for name, database in databases.items()}

    alone, workers, in_process = (min(wall for wall, _ in runs[name]) for name in ("alone", "workers", "in-process"))
    cpu = {name: min(seconds for _, seconds in timings) for name, timings in runs.items()}
    print("\nCPU seconds (best round): " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in cpu.items()))
    print(f"trafilatura alone:                    {alone:6.2f} s")
    print(f"scrapy crawl news, workers (default): {workers:6.2f} s  {workers / alone:.2f}x (target <= {TARGET}x)")
    print(f"scrapy crawl news, in-process (0):    {in_process:6.2f} s  {in_process / alone:.2f}x")
    for name, (score, rows) in quality.items():
        print(f"F1 of the {rows} stored texts, {name}: {score:.4f}")
    same = quality["workers"] == quality["in-process"]
    print("extraction quality: " + ("the same with and without workers" if same else "**differs**"))
    emit(
        [
            figure(f"news crawl, whole command, {len(pages)} pages (s; baseline trafilatura alone)", workers, alone,
                   workers / alone, f"crawl / trafilatura alone <= {TARGET}", workers / alone <= TARGET, "s"),
            figure(f"news crawl in-process (NEWS_EXTRACT_WORKERS=0), {len(pages)} pages (s)", in_process, alone,
                   in_process / alone, None, None, "s"),
            figure("news crawl CPU seconds, crawl + its workers (baseline: trafilatura alone's)", cpu["workers"],
                   cpu["alone"], cpu["workers"] / cpu["alone"], None, None, "s"),
            figure("news crawl F1 with workers (baseline: in-process)", quality["workers"][0],
                   quality["in-process"][0], quality["workers"][0] / quality["in-process"][0], "the same F1", same),
        ]
    )  # fmt: skip


if __name__ == "__main__":
    main()
