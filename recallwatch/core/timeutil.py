from datetime import UTC, datetime


def utc_now():
    return datetime.now(UTC)


def utc_now_iso(precise=False):
    """ISO 8601 in UTC with a Z; to the second, or to the microsecond when runs must sort exactly."""
    return utc_now().isoformat(timespec="microseconds" if precise else "seconds").replace("+00:00", "Z")
