"""Waiting before a retry: what a Retry-After header asks for (the fault suite checks the waits
in a real crawl, tests/test_faults.py)."""

from datetime import UTC, datetime

from recallwatch.runtime.backoff import retry_after_seconds

NOW = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)


def test_retry_after_in_seconds():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(" 0 ") == 0.0


def test_retry_after_as_an_http_date():
    assert retry_after_seconds("Wed, 02 Dec 2026 12:01:30 GMT", now=NOW) == 90.0


def test_retry_after_in_the_past_means_now():
    assert retry_after_seconds("Wed, 02 Dec 2026 11:00:00 GMT", now=NOW) == 0.0


def test_unreadable_retry_after_says_nothing():
    assert retry_after_seconds("") is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("-5") is None
