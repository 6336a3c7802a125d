from datetime import UTC, datetime


def utc_now():
    return datetime.now(UTC).replace(microsecond=0)


def utc_now_iso():
    return utc_now().isoformat().replace("+00:00", "Z")
