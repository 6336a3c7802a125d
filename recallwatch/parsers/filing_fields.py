"""Reading the field values of the campaign-finance APIs (DataSF / Socrata, NetFile Connect2).

Both publish the CAL format's transaction fields as JSON, each with its own spelling and types:
money as a decimal string ("4841006.0") or a number, dates as "2022-03-01T00:00:00.000" or
"2022-03-01", the memo code as "X" or a boolean. The values themselves are read by
recallwatch/parsers/values.py (the one reader of each value); this module knows the fields.
"""

import re

from recallwatch.core.totals import CONTRIBUTION_SCHEDULES, normalize_entity_code, schedule_code
from recallwatch.parsers.values import date_value, text

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


def period_in_title(title, field="period"):
    """'FPPC Form 460 (1/1/2018 - 12/31/2018)' -> ('2018-01-01', '2018-12-31')."""
    match = PERIOD_IN_TEXT.search(title or "")
    if not match:
        return None, None
    return date_value(match.group(1), field), date_value(match.group(2), field)
