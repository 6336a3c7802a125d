"""Extraction quality and speed of the news pipeline, run by hand (not in the tests):

    .venv/bin/python bench/bench_extraction.py [--rounds N]

Pages: the article pages of snapshot/news/ (each outlet's real markup: Arc, WordPress/Yoast,
Next.js, BLOX…), with the text a reader sees as the article in bench/news_ground_truth.json
(the public part only, for paywalled pages).

Quality: word 3-shingle F1 between the extracted body and the known text (target >= 0.90).
Speed: pages/s of the whole page reader (recallwatch.parsers.news_extract.extract_article: metadata from
JSON-LD/OpenGraph/meta, canonical, paywall, body) against trafilatura.extract alone with the same
options on the same pages in the same run (target: within 1.3x).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import trafilatura
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.figures import emit, figure  # noqa: E402
from recallwatch.core.ids import fold  # noqa: E402
from recallwatch.parsers.news_extract import extract_article  # noqa: E402

SNAPSHOT = REPO / "snapshot" / "news"
SHINGLE = 3


def shingles(text):
    words = fold(text).split()
    return {tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


def f1(extracted, expected):
    got, want = shingles(extracted or ""), shingles(expected)
    common = len(got & want)
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return 2 * precision * recall / (precision + recall)


def load_pages():
    truth = json.loads((REPO / "bench" / "news_ground_truth.json").read_text())
    recordings = yaml.safe_load((SNAPSHOT / "recordings.yml").read_text())
    pages = []
    for recording in recordings:
        if recording["file"] in truth:
            html = (SNAPSHOT / recording["file"]).read_text(encoding="utf-8")
            pages.append((recording["url"], html, truth[recording["file"]]))
    return pages


def library_alone(html, url):
    return trafilatura.extract(html, url=url, include_comments=False, include_tables=False)


def pipeline(html, url):
    return extract_article(html, url).text


def throughput(function, pages, rounds):
    start = time.perf_counter()
    for _ in range(rounds):
        for url, html, _ in pages:
            function(html, url)
    return rounds * len(pages) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    pages = load_pages()

    print(f"{len(pages)} pages\n\n{'page':<70} {'F1':>6}")
    scores = []
    for url, html, expected in pages:
        score = f1(pipeline(html, url), expected)
        scores.append(score)
        print(f"{url[-70:]:<70} {score:6.3f}")
    print(f"\nword {SHINGLE}-shingle F1: mean {statistics.mean(scores):.3f}, min {min(scores):.3f} (target >= 0.90)")

    # warm both up (lxml, regex and trafilatura caches), then alternate to share any drift
    throughput(library_alone, pages, 1)
    throughput(pipeline, pages, 1)
    alone, whole = [], []
    for _ in range(3):
        alone.append(throughput(library_alone, pages, rounds))
        whole.append(throughput(pipeline, pages, rounds))
    alone_rate, whole_rate = max(alone), max(whole)
    print(f"trafilatura alone: {alone_rate:7.1f} pages/s")
    print(f"news pipeline:     {whole_rate:7.1f} pages/s")
    print(f"ratio (time per page, pipeline / library alone): {alone_rate / whole_rate:.2f}x (target <= 1.3x)")
    mean_f1 = statistics.mean(scores)
    emit(
        [
            figure("news extraction F1 (word 3-shingles, mean)", mean_f1, 1.0, mean_f1, "F1 >= 0.90", mean_f1 >= 0.90),
            figure("news extraction speed (pages/s; baseline trafilatura alone)", whole_rate, alone_rate,
                   alone_rate / whole_rate, "time per page / trafilatura's <= 1.3", alone_rate / whole_rate <= 1.3,
                   "pages/s"),
        ]
    )  # fmt: skip


if __name__ == "__main__":
    main()
