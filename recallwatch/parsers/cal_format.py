"""Reading values of the California campaign-finance file formats (the "CAL" format behind the
NetFile Excel export and the CAL-ACCESS bulk tables): dates written four ways, money, names split
into last / first / title / suffix, report numbers.
"""

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

# Excel stores a date as the number of days since 1899-12-30 (the 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\b")  # CAL-ACCESS: "2/3/2000 12:00:00 AM"


def excel_serial_date(number):
    """45000 -> '2023-03-15'. Serial numbers outside 1900..2100 are not dates: None."""
    if not 1 <= number < 73051:
        return None
    return (EXCEL_EPOCH + timedelta(days=int(number))).isoformat()


@lru_cache(maxsize=65536)
def text_date(value):
    """'2/3/2000 12:00:00 AM', '02/03/2000', '2000-02-03', '2000-02-03T00:00:00' -> '2000-02-03'.
    None when the text is not a real date."""
    value = value.strip()
    match = ISO_DATE.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = US_DATE.match(value)
        if not match:
            return None
        month, day, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def iso_date(value):
    """An ISO date from a cell or field: a date/datetime, an Excel serial number, or text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return excel_serial_date(value)
    return text_date(str(value))


def money(value):
    """A dollar amount as a float, or None: 1250.5, '1,250.50', '$1,250.50', '(40.00)' -> -40.0."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "").replace("$", "")
    negative = text.startswith("(") and text.endswith(")")
    try:
        amount = float(text.strip("()"))
    except ValueError:
        return None
    return -amount if negative else amount


def cell_text(value):
    """A cell read as text: numbers typed into a text column lose their float look
    (94709.0 -> '94709'), dates become ISO, blanks become None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return iso_date(value)
    text = str(value).strip()
    return text or None


def contributor_name(last, first=None, title=None, suffix=None):
    """'LAST, FIRST SUFFIX' as the CAL format orders it; organisations have only a last name.
    The title (Mr., Dr.) is left out: it is not part of who gave."""
    last, first, suffix = (part.strip() if part else "" for part in (last, first, suffix))
    name = f"{last}, {first}" if last and first else (last or first)
    if name and suffix:
        name = f"{name} {suffix}"
    return name or None


def amendment_number(report_num):
    """Report_Num / AMEND_ID '000' -> 0, '002' -> 2, 2.0 -> 2; not a number -> 0 (an original)."""
    text = cell_text(report_num)
    return int(text) if text and text.isdigit() else 0


def is_memo(memo_code):
    """Memo_Code 'X' (any case) marks a memo entry."""
    return 1 if (cell_text(memo_code) or "").upper() == "X" else 0
