"""A registrar snapshot of any size, in the structure of the recorded LA County releases, for the
operations tests (kill, resume, incremental) and bench/bench_incremental.py."""

from recallwatch.runtime.snapshot import Snapshot

LISTING_URL = "https://www.lavote.gov/home/records/news-releases"
HTML = {"Content-Type": "text/html; charset=utf-8"}


def release_url(number):
    return f"{LISTING_URL}/2022/synthetic-release-{number:05d}"


def release_html(number, revision=0):
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Release {number}</title></head>
<body><main id="content"><article>
<h1>Notice {number}: petition status update</h1>
<time datetime="2022-{1 + number % 12:02d}-{1 + number % 28:02d}">date</time>
<p>FOR IMMEDIATE RELEASE</p>
<p>NORWALK, Calif. - Notice number {number}, revision {revision}. The Registrar-Recorder/County Clerk
published an update on a petition under review.</p>
<p># # #</p>
</article></main></body></html>""".encode()


def build_registrar_snapshot(folder, releases, etags=False, changed=()):
    """Record a listing of `releases` release pages under folder/registrar_lavote.

    `changed` release numbers get a second revision of their text; with `etags` every release is
    recorded with an ETag so that conditional requests can be answered 304."""
    snapshot = Snapshot(folder)
    links = "\n".join(f'<li><a href="{release_url(n)}">Notice {n}</a></li>' for n in range(releases))
    listing = f'<html><body><main><ul class="news-list">{links}</ul></main></body></html>'
    snapshot.add("registrar_lavote", LISTING_URL, listing.encode(), 200, HTML)
    index = []
    for number in range(releases):
        revision = 1 if number in changed else 0
        headers = {**HTML, "ETag": f'"r{number}-{revision}"'} if etags else HTML
        index.append((release_url(number), release_html(number, revision), headers))
    snapshot.add_many("registrar_lavote", index)
    return snapshot
