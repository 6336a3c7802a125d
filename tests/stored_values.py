"""The check every hostile-values suite makes on the database a hostile crawl left: no number that
is not finite or is $10 billion or more, no impossible or out-of-range date, and none of the
hostile raw strings in any table but `rejects` (which keeps the raw rows)."""

import math
import re
from datetime import date, timedelta

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def assert_no_hostile_value_stored(db, hostile_strings, tomorrow=None):
    """Returns how many date values it checked (a test asserts it checked enough). No filing may be
    filed later than tomorrow."""
    tomorrow = tomorrow or (date.today() + timedelta(days=1)).isoformat()
    checked = 0
    for table in db.table_names():
        for column in db[table].columns:
            for (value,) in db.execute(f"select [{column.name}] from [{table}]"):
                if isinstance(value, float):
                    assert math.isfinite(value) and abs(value) < 1e10, (table, column.name, value)
                elif isinstance(value, str) and (match := ISO_DATE.match(value)):
                    day = date(*map(int, match.groups()))  # raises on 2099-13-45 or 0000-00-00
                    assert date(1900, 1, 1) <= day <= date(2100, 12, 31), (table, column.name, value)
                    checked += 1
                if table != "rejects" and isinstance(value, str):
                    assert not any(raw in value for raw in hostile_strings), (table, column.name, value)
    assert db.execute("select count(*) from filings where filed > ?", [tomorrow]).fetchone()[0] == 0
    return checked
