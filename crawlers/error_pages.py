"""A page served with status 200 that is no document: the site's maintenance or error page, or an
empty shell, sent in place of a release or an article. Storing it would put "Site under
maintenance" on the site as news; it is a reject with the reason instead."""

import re

ERROR_PAGE = re.compile(
    r"\b(?:under maintenance|down for maintenance|scheduled maintenance|temporarily unavailable|service unavailable|"
    r"page not found|not found|access denied|forbidden|internal server error|something went wrong|error \d{3})\b",
    re.IGNORECASE,
)
MIN_DOCUMENT_WORDS = 25


def error_page_reason(title, text, dated=True):
    """What the page says that shows it is a maintenance or error page, or None. The title is
    enough; the text only on a short or undated page (a real story may quote "not found")."""
    short = not dated or len((text or "").split()) < MIN_DOCUMENT_WORDS
    match = ERROR_PAGE.search(title or "") or (short and ERROR_PAGE.search(text or ""))
    if match:
        return f"the page says {match.group(0)!r} (a maintenance or error page)"
    return None
