"""The one reader of each value, for every source: money, dates (and news date-times), names,
amendment numbers, text cells.

A value a reader cannot read is a `BadValue` naming the field and the raw value as filed
("amount is not a finite number: 'NaN'"); a parser turns it into a reject of that row and goes on
with the rest of the document. A blank is not an error: it reads as None.

What is refused, and why: a wrong figure stored silently is the worst outcome this tool can have.
- Money: NaN, Infinity, exponents ("1e308", "1E5": no filing system writes amounts that way; a
  spreadsheet that did has lost digits), amounts whose size no campaign reaches (MAX_AMOUNT), and
  anything that is not a plain amount after currency signs, thousands commas and accounting
  parentheses are read.
- Dates: anything that is not a real calendar date ("2099-13-45", "0000-00-00", February 30th) or
  that lies outside the years campaign finance exists in (EARLIEST..LATEST). A *filed* date must
  also not be in the future by more than a day (an impossible filed date would otherwise win the
  "latest amendment" rule and un-count real contributions).
"""

import math
import re
import time
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

# No single contribution, expenditure or report line of a local or state campaign reaches $10
# billion; a value that does is a broken cell (or an attack), never a figure to sum.
MAX_AMOUNT = 10_000_000_000
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
EARLIEST_FILED = date(1970, 1, 1)  # electronic or not, no filing we read was made before 1970
FILED_LEAD = timedelta(days=1)  # a filed date may be "tomorrow" where the filer's day is ahead of ours

# Excel stores a date as the number of days since 1899-12-30 (the 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ]\d)")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:$|\s)")  # CAL-ACCESS: "2/3/2000 12:00:00 AM"
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # Pennsylvania / Philadelphia e-filing: "20111025"
# A moment with its offset: "2021-05-18T04:00:00Z" (Carto JSON), "2021-05-18 04:00:00+00" (CSV)
ZONED_MOMENT = re.compile(
    r"^(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)$"
)
PLAIN_AMOUNT = re.compile(r"^(?:\d+\.?\d*|\.\d+)$")
THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
CURRENCY = "$\u00a0 "  # dollar sign, and spaces between it and the figure ("$ 1,000.00")
# The amounts a column reader (value_columns.money_column) reads by itself: plain ASCII figures
# with at most two decimals, which `money` reads as float(text) and nothing more (rounding such a
# float to cents gives it back). Every other spelling is read by `money`, row by row.
PLAIN_CENTS = r"^-?(?:[0-9]+(?:\.[0-9]{0,2})?|\.[0-9]{1,2})$"


class BadValue(ValueError):
    """A value that cannot be read. str() is the reject reason: the field, what is wrong, the raw value."""

    def __init__(self, field, problem, raw):
        self.field, self.problem, self.raw = field, problem, raw
        super().__init__(f"{field} {problem}: {raw!r}")


def read_or_none(read, raw, field, unread):
    """read(raw, field), or None with its BadValue appended to `unread`: for a value its row is
    stored without (a filing keeps its place in the amendment chain without a date it can't read)."""
    try:
        return read(raw, field)
    except BadValue as problem:
        unread.append(problem)
        return None


def stored_without(where, problem):
    """The reject reason of a value a filing is stored without (`where`: the row, when known)."""
    reason = f"{problem}; the filing is stored without it"
    return f"{where}: {reason}" if where else reason


# --- money -------------------------------------------------------------------------------------


def money(raw, field="amount"):
    """A dollar amount as a float rounded to cents (the only rounding it gets), or None for a blank.

    1250.5, '1250.50', '1,250.50', '$1,250.50', '-40', '(40.00)', '$(40.00)', '40.00-' are read;
    NaN, Infinity, exponents, amounts of MAX_AMOUNT or more and other text are a BadValue."""
    kind = type(raw)
    if kind is str:
        text = raw.strip()
        if not text:
            return None
        # The usual case first (CAL-ACCESS and the APIs write "1250.00"): one check, one float().
        digits = text[1:] if text[0] == "-" else text
        if PLAIN_AMOUNT.match(digits):
            return _bounded(float(text), field, raw)
        return _bounded(_written_amount(text, field, raw), field, raw)
    if raw is None:
        return None
    if kind is float or kind is int:
        return _bounded(float(raw), field, raw)
    raise BadValue(field, "is not an amount of money", raw)  # a bool, a date, a list...


def _written_amount(text, field, raw):
    """An amount written with signs, commas or parentheses: '$(1,250.50)' -> -1250.5."""
    lowered = text.lower()
    if lowered.lstrip("+-$ ") in ("nan", "inf", "infinity"):
        raise BadValue(field, "is not a finite number", raw)
    if "e" in lowered and re.search(r"\d\s*e\s*[-+]?\d", lowered):
        raise BadValue(field, "is written with an exponent", raw)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.startswith("-"):
        negative, text = not negative, text[1:].strip()
    elif text.endswith("-"):  # accounting exports: "40.00-"
        negative, text = not negative, text[:-1].strip()
    elif text.startswith("+"):
        text = text[1:].strip()
    text = text.lstrip(CURRENCY)
    if text.startswith("(") and text.endswith(")"):  # "$(40.00)"
        negative, text = not negative, text[1:-1].strip()
    if text.startswith("-"):  # "$-40.00"
        negative, text = not negative, text[1:].strip()
    if "," in text:
        if not THOUSANDS.match(text):
            raise BadValue(field, "is not an amount of money", raw)
        text = text.replace(",", "")
    if not PLAIN_AMOUNT.match(text):
        raise BadValue(field, "is not an amount of money", raw)
    amount = float(text)
    return -amount if negative else amount


def _bounded(amount, field, raw):
    if not math.isfinite(amount):
        raise BadValue(field, "is not a finite number", raw)
    if abs(amount) >= MAX_AMOUNT:
        raise BadValue(field, f"is larger than any campaign amount (${MAX_AMOUNT:,} or more)", raw)
    return round(amount, 2) + 0.0  # + 0.0: no "-0.0" stored


# --- dates -------------------------------------------------------------------------------------


def date_value(raw, field="date", earliest=EARLIEST, latest=LATEST, excel_serials=False, local_tz=None):
    """An ISO date ('2022-03-01') from a cell or field, or None for a blank.

    Reads a date or datetime, text as ISO ('2022-03-01', '2022-03-01T00:00:00.000', with or without
    an offset), compact ('20220301') or US ('3/1/2022', '3/1/2022 12:00:00 AM'), written dates
    through dateparser ('March 1, 2022'), and Excel serial numbers where the source is a
    spreadsheet (`excel_serials`). With `local_tz` (a zone name), a moment written with its offset
    ('2022-03-01T05:00:00Z') is the date it was in that zone ('2022-03-01' in America/New_York,
    where '2022-03-01T02:00:00Z' is still February 28th). Anything that is not a real date
    between `earliest` and `latest` is a BadValue."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    elif isinstance(raw, bool):
        raise BadValue(field, "is not a date", raw)
    elif isinstance(raw, int | float):
        if not excel_serials:
            raise BadValue(field, "is not a date", raw)
        day = _excel_serial(raw, field)
    else:
        text = str(raw).strip()
        if not text:
            return None
        day = _zoned_date(text, local_tz) if local_tz else _text_date(text)
        if day is None:
            raise BadValue(field, "is not a real date", raw)
    if not earliest <= day <= latest:
        raise BadValue(field, f"is outside {earliest.isoformat()}..{latest.isoformat()}", raw)
    return day.isoformat()


def filed_date(raw, field="filed", today=None, local_tz=None):
    """The date a report was filed: a real date from 1970 to tomorrow (see `date_value`)."""
    today = today or date.today()
    return date_value(
        raw, field, earliest=EARLIEST_FILED, latest=today + FILED_LEAD, excel_serials=True, local_tz=local_tz
    )


@lru_cache(maxsize=65536)
def _zoned_date(text, tz_name):
    """The date in zone tz_name of a moment written with its offset, else `_text_date(text)`."""
    match = ZONED_MOMENT.match(text)
    if not match:
        return _text_date(text)
    year, month, day, clock, offset = match.groups()
    if offset != "Z" and len(offset) == 3:
        offset += ":00"  # "+00" -> "+00:00"
    try:
        moment = datetime.fromisoformat(f"{year}-{month}-{day}T{clock}{offset}")
    except ValueError:
        return None
    return local_date(moment, tz_name)


def cell_date(raw, field="date"):
    """A date from a spreadsheet cell: as `date_value`, Excel serial numbers included."""
    return date_value(raw, field, excel_serials=True)


def _excel_serial(number, field):
    if not math.isfinite(number) or not 1 <= number < 73051:  # 1900-01-01 .. 2100-01-01
        raise BadValue(field, "is not a spreadsheet date", number)
    return EXCEL_EPOCH + timedelta(days=int(number))


@lru_cache(maxsize=65536)
def _text_date(text):
    """The date a text writes, or None when it is not a real one (cached: exports repeat dates)."""
    match = ISO_DATE.match(text) or COMPACT_DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = US_DATE.match(text)
        if match:
            month, day, year = (int(part) for part in match.groups())
        else:
            if not re.search(r"[a-z]", text, re.IGNORECASE) or not re.search(r"\d", text):
                return None  # dateparser would read "12" or "June" as a date of this year
            moment = written_datetime(text)
            return moment.date() if moment else None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def written_datetime(text, prefer_day_of_month="current"):
    """A date written in words ('March 1, 2022', 'Tuesday, November 9, 2021', 'Nov. 16, 2022 5:04
    PM'), read by dateparser in US order; None when it is not one."""
    settings = {"DATE_ORDER": "MDY", "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": prefer_day_of_month}
    try:
        return dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None


def written_date(text, field="date", prefer_day_of_month="first"):
    """An ISO date from a date written in words or numbers in running text (a release's
    dateline), or None when the text holds none; an impossible one is a BadValue."""
    text = (text or "").strip()
    if not text:
        return None
    if re.search(r"[a-z]", text, re.IGNORECASE):
        moment = written_datetime(text, prefer_day_of_month)
        day = moment.date() if moment else None
    else:
        day = _text_date(text)
    if day is None:
        return None
    return date_value(day, field)


# --- date-times (news) ---------------------------------------------------------------------------


def parse_datetime(value):
    """A datetime (aware when the text carries an offset, naive otherwise), or None.

    ISO 8601 first (what JSON-LD, <time datetime> and sitemaps use), then dateparser for the rest
    (RFC 822 dates of RSS, "Nov. 16, 2022 5:04 PM"). A moment outside EARLIEST..LATEST is None."""
    if value is None:
        return None
    if isinstance(value, time.struct_time):  # feedparser's *_parsed values are UTC
        try:
            moment = datetime(*value[:6], tzinfo=UTC)
        except ValueError:
            return None
    elif isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = written_datetime(text)
    if moment is None or not EARLIEST <= moment.date() <= LATEST:
        return None
    return moment


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


# --- text, names, amendment numbers -----------------------------------------------------------


def text(value):
    """A field as text, outer whitespace trimmed; None for a blank."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def cell_text(value):
    """A spreadsheet cell read as text: numbers typed into a text column lose their float look
    (94709.0 -> '94709'), dates become ISO, blanks become None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return text(value)


def contributor_name(last, first=None, title=None, suffix=None):
    """'LAST, FIRST SUFFIX' as the CAL format orders a name split into parts; organisations have
    only a last name. The title (Mr., Dr.) is left out: it is not part of who gave. None when
    every part is blank."""
    last = last.strip() if last else ""
    first = first.strip() if first else ""
    name = f"{last}, {first}" if last and first else (last or first)
    if name and suffix and (suffix := suffix.strip()):
        name = f"{name} {suffix}"
    return name or None


def amendment_number(raw, field="amendment"):
    """An amendment number: '000' -> 0, '002' -> 2, 2.0 -> 2, 'Original' -> 0, 'Amendment' -> 1,
    'Amendment 2' -> 2; a blank is 0 (an original). Negative, fractional, huge or unreadable
    numbers are a BadValue (a wrong number would change which version of a report counts)."""
    if raw is None or isinstance(raw, bool):
        if raw is None:
            return 0
        raise BadValue(field, "is not an amendment number", raw)
    if isinstance(raw, int | float):
        if not math.isfinite(raw) or raw != int(raw) or not 0 <= raw < 1000:
            raise BadValue(field, "is not an amendment number", raw)
        return int(raw)
    written = str(raw).strip().lower()
    if not written or written in ("original", "orig", "o", "n", "new"):
        return 0
    if written.isdigit():
        number = int(written)
    elif "amend" in written:
        digits = re.findall(r"\d+", written)
        if len(digits) > 1:
            raise BadValue(field, "is not an amendment number", raw)
        number = int(digits[0]) if digits else 1
    elif re.fullmatch(r"\d+\.0+", written):
        number = int(float(written))
    else:
        raise BadValue(field, "is not an amendment number", raw)
    if number >= 1000:
        raise BadValue(field, "is not an amendment number", raw)
    return number


TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


def true_false(raw, field="flag"):
    """A yes/no field ('True' / 'False' in the ISBE files) as True or False, None for a blank or
    the 'NA' a failed export writes; anything else is a BadValue (a flag read wrong would change
    which report counts)."""
    written = (raw or "").strip().lower() if not isinstance(raw, bool) else str(raw).lower()
    if written in TRUE_WORDS:
        return True
    if written in FALSE_WORDS:
        return False
    if written in ("", "na"):
        return None
    raise BadValue(field, "is not True or False", raw)


def is_memo(value):
    """1 when the row is a memo entry (CAL Memo_Code "X", or true), else 0."""
    if isinstance(value, bool):
        return int(value)
    written = text(value)
    return 1 if written and written.upper() in ("X", "TRUE", "Y") else 0


@lru_cache(maxsize=65536)
def zip_code(raw):
    """A ZIP code as filed, tidied: outer spaces and a dangling dash dropped ('19047-' -> '19047',
    ' 19145' -> '19145'), nine digits written as ZIP+4 ('913201730' -> '91320-1730'); None for a
    blank. Anything else is kept as written (a foreign postcode)."""
    written = (raw or "").strip().rstrip("-").strip()
    if len(written) == 9 and written.isdigit():
        return f"{written[:5]}-{written[5:]}"
    return written or None


@lru_cache(maxsize=65536)
def one_line(raw):
    """Text with every run of whitespace (line breaks inside a quoted field, the spaces a name is
    padded with) made one space; None for a blank."""
    written = " ".join((raw or "").split())
    return written or None
