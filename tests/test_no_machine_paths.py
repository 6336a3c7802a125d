"""No absolute path of the machine the repo was written on, in any tracked file (code, docs,
fixtures, the snapshot): the repo works wherever it is cloned and publishes no local paths."""

import re
import subprocess

from tests.crawl import REPO

MACHINE_PATH = re.compile(rb"(?<![\w.])/(?:work|root)/[\w.-]")  # this machine's workspace and home


def test_no_tracked_file_holds_an_absolute_machine_path():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    found = []
    for name in tracked.decode().split("\0"):
        path = REPO / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        if str(REPO).encode() in data or MACHINE_PATH.search(data):
            found.append(name)
    assert found == []
