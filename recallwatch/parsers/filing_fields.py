"""Reading the field values of the campaign-finance APIs (DataSF / Socrata, NetFile Connect2).

Both publish the CAL format's transaction fields as JSON, each with its own spelling and types:
money as a decimal string ("4841006.0") or a number, dates as "2022-03-01T00:00:00.000" or
"2022-03-01", the memo code as "X" or a boolean.
"""

import re

from dateparser import parse as parse_date

from recallwatch.core.totals import CONTRIBUTION_SCHEDULES, normalize_entity_code, schedule_code

# Schedules of money received that are stored. Schedule I (miscellaneous increases to cash) is
# kept so a reader sees it; the totals rules (recallwatch/totals.py) do not count it.
RECEIVED_SCHEDULES = (*CONTRIBUTION_SCHEDULES, "I")

# The filed form each schedule belongs to.
FORM_OF_SCHEDULE = {"A": "F460", "C": "F460", "I": "F460", "F496P3": "F496", "497": "F497"}

FORM_IN_TEXT = re.compile(r"(?:form|fppc)\s*(\d{3})", re.IGNORECASE)
PERIOD_IN_TEXT = re.compile(r"\((\d{1,2}/\d{1,2}/\d{4})\s*-\s*(\d{1,2}/\d{1,2}/\d{4})\)")


def first_value(row, *keys):
    """The first of `keys` that the row holds a non-empty value for."""
    for key in keys:
        value = row.get(key)
        if value is not None and value != "":
            return value
    return None


def text(value):
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def money(value):
    """A dollar amount as a float rounded to cents, or None."""
    if value is None or value == "":
        return None
    try:
        return round(float(str(value).replace(",", "").replace("$", "")), 2)
    except ValueError:
        return None


def iso_date(value):
    """'2022-03-01T00:00:00.000', '2022-03-01', '2022-03-01T17:20:55-07:00' -> '2022-03-01'."""
    value = text(value)
    if value is None:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    parsed = parse_date(value, languages=["en"], settings={"DATE_ORDER": "MDY"})
    return parsed.date().isoformat() if parsed else None


def memo_flag(value):
    """1 when the row is a memo entry (CAL Memo_Code "X", or true), else 0."""
    if isinstance(value, bool):
        return int(value)
    return 1 if text(value) and text(value).upper() in ("X", "TRUE", "Y") else 0


def received_schedule(code):
    """The schedule a money-received row is stored under ('F497P1' -> '497'), or None for other
    rows (expenses, loans, 497 part 2 = contributions made...)."""
    schedule = schedule_code(text(code))
    return schedule if schedule in RECEIVED_SCHEDULES else None


def entity_codes(raw):
    """(entity_code, entity_code_raw): the CAL code, and the code as filed when it differs."""
    code = normalize_entity_code(text(raw))
    return code, (text(raw) if text(raw) and text(raw).upper() != code else None)


def form_of(schedule):
    return FORM_OF_SCHEDULE.get(schedule, "F460")


def form_in_title(title):
    """'FPPC Form 460 (1/1/2018 - 12/31/2018)' -> 'F460'."""
    match = FORM_IN_TEXT.search(title or "")
    return f"F{match.group(1)}" if match else None


def period_in_title(title):
    """'FPPC Form 460 (1/1/2018 - 12/31/2018)' -> ('2018-01-01', '2018-12-31')."""
    match = PERIOD_IN_TEXT.search(title or "")
    if not match:
        return None, None
    return iso_date(match.group(1)), iso_date(match.group(2))


def contributor_name(last, first=None, suffix=None):
    """The contributor as the filer wrote it, in the CAL order 'LAST, FIRST' (organisations
    have only a last name)."""
    last, first = text(last), text(first)
    name = f"{last}, {first}" if last and first else (last or first)
    if name and text(suffix):
        name += f" {text(suffix)}"
    return name
