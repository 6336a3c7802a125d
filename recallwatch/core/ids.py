"""Stable ids: the same natural key always gives the same id, so re-running a crawl upserts."""

import hashlib
import unicodedata


def stable_id(*parts):
    joined = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def fold(text):
    """Lowercase, accents removed: 'Gascón' and 'GASCON' fold to the same string."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
