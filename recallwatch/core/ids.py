"""Stable ids: the same natural key always gives the same id, so re-running a crawl upserts."""

import hashlib
import posixpath
import unicodedata
from urllib.parse import unquote, urlsplit


def stable_id(*parts):
    joined = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def published_url(url):
    """The address of a document as the database publishes it: a local file given by hand
    (`-a url=file:///home/me/exports/efile_SFO_2022.zip`) is named by its file name alone
    ('file:efile_SFO_2022.zip'), so no path of the operator's machine is published."""
    if not url or not url.startswith("file:"):
        return url
    return "file:" + posixpath.basename(unquote(urlsplit(url).path))


def fold(text):
    """Lowercase, accents removed: 'Gascón' and 'GASCON' fold to the same string."""
    if text is not None and text.isascii():
        return text.casefold()  # nothing to decompose (the usual case, and 10x faster)
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
