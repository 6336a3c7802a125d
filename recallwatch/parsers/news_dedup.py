"""One row per story. A page is the same story as a stored one when

1. one of its addresses (canonical, fetched, listed: tracking parameters already dropped) is an
   address of the stored story, or
2. it comes from the same site and its text is nearly the same: trafilatura's simhash
   fingerprint first (cheap), then the share of shared 5-word runs (exact).

Then the text decides: the same text is a duplicate; a different text is another version, and the
newest version (by its modified date, else published date, else the one read last) is the story.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

import tldextract
from trafilatura.deduplication import Simhash, content_fingerprint

from recallwatch.core.ids import fold

# The public-suffix list bundled with tldextract, read offline: no download at run time.
_domains = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

FINGERPRINT_SIMILARITY = 0.75  # simhash bits in common, to bother comparing texts at all
SHARED_RUNS = 0.5  # share of the shorter text's 5-word runs found in the other: same story, edited
RUN_LENGTH = 5

NEW, DUPLICATE, NEWER, OLDER = "new", "duplicate", "newer", "older"


def site_of(url):
    """The registered domain ("latimes.com" for www.latimes.com and amp.latimes.com)."""
    parts = _domains(url)
    return parts.top_domain_under_public_suffix or parts.domain


# A story number in the address: kqed.org/news/11897531/<headline slug>. The slug follows the
# headline, so the same story is found under a new address when the headline changes.
# A folder named for a date (/20220607/, /202206/) is not a story number: every story of that day
# would share it.
STORY_NUMBER = re.compile(r"/(\d{6,})(?=[/.]|$)")
DATE_FOLDER = re.compile(r"(19|20)\d\d(0[1-9]|1[0-2])((0[1-9]|[12]\d|3[01]))?")


def story_key(url):
    """The natural key a story's id is made from, whichever of its addresses was read first: its
    site and story number when the address holds one, else the (canonical) address."""
    for number in STORY_NUMBER.findall(urlsplit(url).path):
        if not DATE_FOLDER.fullmatch(number):
            return f"{site_of(url)}/story/{number}"
    return url


def content_hash(text):
    return hashlib.sha1(" ".join(fold(text).split()).encode()).hexdigest()[:16]


def fingerprint(text):
    return content_fingerprint(text)


def word_runs(text):
    words = fold(text).split()
    return {tuple(words[i : i + RUN_LENGTH]) for i in range(max(1, len(words) - RUN_LENGTH + 1))}


def nearly_same_text(text_a, text_b):
    runs_a, runs_b = word_runs(text_a), word_runs(text_b)
    return len(runs_a & runs_b) / max(1, min(len(runs_a), len(runs_b))) >= SHARED_RUNS


@dataclass
class Decision:
    kind: str  # new, duplicate, newer (the page replaces the stored text), older
    article_id: str
    stored: dict | None = None  # the stored story's row when kind is not new


def version_time(row):
    return row.get("modified") or row.get("published") or ""


class StoryIndex:
    """The stories already stored (loaded from the database) and those stored during this run.

    `load_text(article_id)` gives a stored story's full row when its text is needed (rows loaded
    at start hold no text, to keep memory small)."""

    def __init__(self, rows=(), urls=(), load_text=None):
        self.rows = {}
        self.by_url = {}
        self.by_site = defaultdict(list)
        self.load_text = load_text
        for row in rows:
            self.remember(row, [row["url"]])
        for url, article_id in urls:
            self.by_url.setdefault(url, article_id)

    @classmethod
    def from_database(cls, db):
        columns = "id, url, title, author, published, modified, content_hash, fingerprint"
        rows = db.query(f"select {columns} from articles") if db["articles"].exists() else []
        urls = db.execute("select url, article_id from article_urls").fetchall() if db["article_urls"].exists() else []

        def load_text(article_id):
            return next(db.query("select * from articles where id = ?", [article_id]), None)

        return cls(rows, urls, load_text)

    def remember(self, row, urls):
        known = self.rows.get(row["id"])
        if known is None:
            self.by_site[site_of(row["url"])].append(row["id"])
        self.rows[row["id"]] = row
        for url in urls:
            self.by_url[url] = row["id"]

    def full_row(self, article_id):
        row = self.rows[article_id]
        if row.get("text") is None and self.load_text:
            row = {**row, **(self.load_text(article_id) or {})}
            self.rows[article_id] = row
        return row

    def find(self, urls, text):
        """The stored story a page is, or None."""
        for url in urls:
            if url in self.by_url and self.by_url[url] in self.rows:
                return self.full_row(self.by_url[url])
        page_print = Simhash(existing_hash=fingerprint(text))
        for article_id in self.by_site[site_of(urls[0])]:
            row = self.rows[article_id]
            stored_print = Simhash(existing_hash=row.get("fingerprint") or fingerprint(row.get("text") or ""))
            if page_print.similarity(stored_print) < FINGERPRINT_SIMILARITY:
                continue
            row = self.full_row(article_id)
            if nearly_same_text(text, row.get("text") or ""):
                return row
        return None

    def decide(self, page_row, urls):
        """What to do with a page (as an `articles` row without id) found under these addresses
        (canonical first)."""
        stored = self.find(urls, page_row["text"])
        if stored is None:
            return Decision(NEW, None)
        if stored.get("content_hash") == page_row["content_hash"]:
            return Decision(DUPLICATE, stored["id"], stored)
        if version_time(page_row) and version_time(page_row) < version_time(stored):
            return Decision(OLDER, stored["id"], stored)
        return Decision(NEWER, stored["id"], stored)
