"""A page served with status 200 that is no document: the site's maintenance or error page, or an
empty shell, sent in place of a release or an article. Storing it would put "Site under
maintenance" on the site as news; it is a reject with the reason instead."""

import re

ERROR_PAGE = re.compile(
    r"\b(?:under maintenance|down for maintenance|scheduled maintenance|temporarily unavailable|service unavailable|"
    r"page not found|not found|access denied|forbidden|internal server error|something went wrong|error \d{3})\b",
    re.IGNORECASE,
)
# Words a real headline can hold ("DA forbidden from charging…", "…records not found") that name
# an error page only when they are nearly all of the title or of one of its parts ("404 Not Found",
# "403 Forbidden | LAist").
AMBIGUOUS = {"not found", "forbidden"}
TITLE_PARTS = re.compile(r"\s[|:\u2013\u2014-]\s")
MAX_ERROR_TITLE_WORDS = 3
MIN_DOCUMENT_WORDS = 25


def error_in_title(title):
    for part in TITLE_PARTS.split(title or ""):
        match = ERROR_PAGE.search(part)
        if match and (match.group(0).lower() not in AMBIGUOUS or len(part.split()) <= MAX_ERROR_TITLE_WORDS):
            return match
    return None


def error_page_reason(title, text, dated=True):
    """What the page says that shows it is a maintenance or error page, or None. The title is
    enough; the text only on a short or undated page (a real story may quote "not found")."""
    short = not dated or len((text or "").split()) < MIN_DOCUMENT_WORDS
    match = error_in_title(title) or (short and ERROR_PAGE.search(text or ""))
    if match:
        return f"the page says {match.group(0)!r} (a maintenance or error page)"
    return None
