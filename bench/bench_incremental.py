"""Incremental runs: how long a second run over an unchanged source takes, against the first.

Builds registrar snapshots of N releases (tests/synthetic.py) and runs `scrapy crawl registrar_lavote`
twice into a fresh database: the first run is the baseline, measured in the same run. Cases:
- unchanged: the second run sees the same source (the listing's hash is unchanged);
- one new release, ETags: the listing changed, so every release is asked for again, conditionally
  (answered 304);
- one new release, no validators: the same, unchanged releases found by the hash of their body.
Prints crawl durations (crawl_runs.duration_s), wall times (with process start-up) and the ratio
second/first. Target: ratio <= 0.25.

    .venv/bin/python bench/bench_incremental.py [--releases 3000]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import emit, figure  # noqa: E402
from tests.crawl import crawl  # noqa: E402
from tests.synthetic import build_registrar_snapshot  # noqa: E402


def timed_crawl(folder, snapshot):
    started = time.monotonic()
    result = crawl("registrar_lavote", folder, settings={"SNAPSHOT_DIR": snapshot, "LOG_LEVEL": "WARNING"})
    wall = time.monotonic() - started
    run = result.last_run("registrar_lavote")
    assert run["status"] == "ok", result.output[-2000:]
    return run["duration_s"], wall, run["items"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=3000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        build = build_registrar_snapshot
        cases = {
            "unchanged": (build(tmp / "a", args.releases).root,) * 2,
            "new+etags": (
                build(tmp / "b", args.releases, etags=True).root,
                build(tmp / "c", args.releases + 1, etags=True).root,
            ),
            "new+hash": (build(tmp / "d", args.releases).root, build(tmp / "e", args.releases + 1).root),
        }
        for label, (before, after) in cases.items():
            folder = tmp / label
            folder.mkdir()
            first = timed_crawl(folder, before)
            second = timed_crawl(folder, after)
            rows.append((label, first, second))
    print(f"releases: {args.releases}")
    print(f"{'case':<16}{'first s':>9}{'second s':>10}{'ratio':>7}{'wall 1st':>10}{'wall 2nd':>10}{'wall ratio':>12}")
    for label, first, second in rows:
        print(
            f"{label:<16}{first[0]:>9.2f}{second[0]:>10.2f}{second[0] / first[0]:>7.2f}"
            f"{first[1]:>10.2f}{second[1]:>10.2f}{second[1] / first[1]:>12.2f}"
            f"   items stored: {first[2]} then {second[2]}"
        )
    print("target: ratio <= 0.25")
    emit([incremental_figure(label, first, second, args.releases) for label, first, second in rows])


def incremental_figure(label, first, second, releases):
    """The issue's target is for a source that did not change; the runs with one new release are
    shown beside it for information."""
    ratio = second[0] / first[0]
    target = "second / first <= 0.25" if label == "unchanged" else None
    return figure(f"incremental second run, {label} ({releases} releases)", second[0], first[0], ratio, target,
                  ratio <= 0.25, "s")  # fmt: skip


if __name__ == "__main__":
    main()
