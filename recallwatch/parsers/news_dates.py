"""Dates as news pages and feeds write them, turned into ISO 8601 UTC ("2022-08-15T22:10:00Z") so
that stories from every outlet sort together."""

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser


def parse_datetime(value):
    """A datetime (aware when the text carries an offset, naive otherwise), or None.

    ISO 8601 first (what JSON-LD, <time datetime> and sitemaps use), then dateparser for the rest
    (RFC 822 dates of RSS, "Nov. 16, 2022 5:04 PM")."""
    if value is None:
        return None
    if isinstance(value, time.struct_time):  # feedparser's *_parsed values are UTC
        return datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, datetime):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    return dateparser.parse(text, languages=["en"], settings={"RETURN_AS_TIMEZONE_AWARE": False})


def zone(name):
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def as_utc(moment, assume_tz=None):
    """An aware UTC datetime; a naive one is read in assume_tz (a zone name), else as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(assume_tz) or UTC)
    return moment.astimezone(UTC)


def iso_utc(moment):
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def to_utc_iso(value, assume_tz=None):
    moment = parse_datetime(value)
    if moment is None:
        return None
    return iso_utc(as_utc(moment, assume_tz))


def local_date(moment, tz_name):
    """The calendar date of an aware datetime in a zone (UTC when the zone is unknown)."""
    return moment.astimezone(zone(tz_name) or UTC).date()
