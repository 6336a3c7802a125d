"""The one reader of each value (recallwatch/parsers/values.py): money, dates, names, amendment
numbers, as every source writes them, and the hostile values each refuses with its reason."""

import ast
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from recallwatch.parsers import values
from recallwatch.parsers.values import (
    BadValue,
    amendment_number,
    cell_date,
    cell_text,
    contributor_name,
    date_value,
    filed_date,
    is_memo,
    money,
    true_false,
    written_date,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (43101.0, "2018-01-01"),  # an Excel serial number in a cell not styled as a date
        (43101, "2018-01-01"),
        (date(2017, 11, 13), "2017-11-13"),
        (datetime(2017, 11, 13, 0, 0), "2017-11-13"),
        ("2/3/2000 12:00:00 AM", "2000-02-03"),  # CAL-ACCESS
        ("10/27/2000 7:32:57 PM", "2000-10-27"),
        ("2022-03-01T00:00:00.000", "2022-03-01"),  # Socrata
        ("2022-03-01T17:20:55-07:00", "2022-03-01"),  # NetFile Connect2
        ("March 1, 2022", "2022-03-01"),
        ("20250703", "2025-07-03"),  # Pennsylvania DOS (CONTDATE1, EXPDATE...)
        (" 20250703 ", "2025-07-03"),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_each_source_writes_them(value, expected):
    assert cell_date(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("02/30/2022", "date is not a real date: '02/30/2022'"),
        ("2099-13-45", "date is not a real date: '2099-13-45'"),
        ("0000-00-00", "date is not a real date: '0000-00-00'"),
        ("20991345", "date is not a real date: '20991345'"),  # Pennsylvania's compact form, impossible
        ("0", "date is not a real date: '0'"),  # an unused Pennsylvania date slot is skipped, never read
        ("12", "date is not a real date: '12'"),  # dateparser alone would make it a date this month
        (0.0, "date is not a spreadsheet date: 0.0"),
        (float("nan"), "date is not a spreadsheet date: nan"),
        (1e308, "date is not a spreadsheet date: 1e+308"),
        ("1850-01-01", "date is outside 1900-01-01..2100-12-31: '1850-01-01'"),
    ],
)
def test_impossible_dates_are_refused_with_the_field_and_the_raw_value(value, reason):
    with pytest.raises(BadValue) as refused:
        cell_date(value)
    assert str(refused.value) == reason


def test_a_number_is_a_date_only_in_a_spreadsheet():
    with pytest.raises(BadValue, match="date is not a date: 45000"):
        date_value(45000)


def test_filed_dates_lie_between_1970_and_tomorrow():
    today = date(2026, 12, 3)
    assert filed_date("2026-12-04", today=today) == "2026-12-04"  # the filer's day may be ahead
    assert filed_date("1970-01-01", today=today) == "1970-01-01"
    for raw in ("2036-12-03", "2026-12-05", "1969-12-31"):
        with pytest.raises(BadValue, match=f"filed is outside 1970-01-01..2026-12-04: '{raw}'"):
            filed_date(raw, today=today)


def test_written_dates_in_running_text():
    assert written_date("Tuesday, November 9, 2021") == "2021-11-09"
    assert written_date("July 2022") == "2022-07-01"  # a month alone means its first day
    assert written_date("no date here") is None


def test_money_as_each_source_writes_it():
    written = [250.0, 7, "1250.00", "1,250.50", "$40", "$ 1,000.00", "(40.00)", "$(40.00)", "40.00-", "-75.33"]
    assert [money(v) for v in written] == [250.0, 7.0, 1250.0, 1250.5, 40.0, 1000.0, -40.0, -40.0, -40.0, -75.33]
    assert [money(v) for v in ("", "  ", None)] == [None, None, None]


def test_money_is_rounded_to_cents_once():
    assert money(1250.005) == 1250.01
    assert money("0.1") + money("0.2") == pytest.approx(0.3)
    assert str(money("-0.001")) == "0.0"  # never a negative zero


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("NaN", "amount is not a finite number: 'NaN'"),
        ("Infinity", "amount is not a finite number: 'Infinity'"),
        ("-inf", "amount is not a finite number: '-inf'"),
        (float("nan"), "amount is not a finite number: nan"),
        (float("inf"), "amount is not a finite number: inf"),
        ("1e308", "amount is written with an exponent: '1e308'"),
        ("1E5", "amount is written with an exponent: '1E5'"),
        (1e308, "amount is larger than any campaign amount ($10,000,000,000 or more): 1e+308"),
        ("12,345,678,901", "amount is larger than any campaign amount ($10,000,000,000 or more): '12,345,678,901'"),
        ("n/a", "amount is not an amount of money: 'n/a'"),
        ("1,25,0", "amount is not an amount of money: '1,25,0'"),
        ("1_000", "amount is not an amount of money: '1_000'"),  # float() would read it
        (True, "amount is not an amount of money: True"),
    ],
)
def test_hostile_amounts_are_refused_with_the_field_and_the_raw_value(value, reason):
    with pytest.raises(BadValue) as refused:
        money(value)
    assert str(refused.value) == reason
    assert refused.value.field == "amount" and refused.value.raw is value


def test_the_field_is_named_in_the_reason():
    with pytest.raises(BadValue, match="cumulative_ytd is not a finite number: 'NaN'"):
        money("NaN", "cumulative_ytd")


def test_cells_read_as_text():
    assert [cell_text(v) for v in ("000", 94709.0, 12.5, " Berkeley ", "", None)] == [
        "000", "94709", "12.5", "Berkeley", None, None,
    ]  # fmt: skip


def test_names_and_memo_codes():
    assert contributor_name("Arreguin", "Jesse") == "Arreguin, Jesse"
    assert contributor_name("Smith", "John", "Mr.", "Jr.") == "Smith, John Jr."
    assert contributor_name("ACME INC", "") == "ACME INC"
    assert contributor_name(" ", None) is None
    assert [is_memo(v) for v in ("X", "x", "", None, True)] == [1, 1, 0, 0, 1]


def test_true_false_flags():
    # ISBE writes True / False (Archived, Amend, Supporting, Opposing); a failed export row writes NA
    assert [true_false(v) for v in ("True", "False", "true ", "", "NA", None, True)] == [
        True, False, True, None, None, None, True,
    ]  # fmt: skip
    with pytest.raises(BadValue, match="archived is not True or False: 'Maybe'"):
        true_false("Maybe", "archived")


def test_isbe_date_times_are_read_as_their_date():
    assert date_value("2019-10-15 14:03:22") == "2019-10-15"
    assert filed_date("1998-12-31 12:05:33") == "1998-12-31"
    with pytest.raises(BadValue, match="date is not a real date: '2099-13-45 00:00:00'"):
        date_value("2099-13-45 00:00:00")


def test_amendment_numbers():
    written = ("000", "002", 1.0, 3, "Original", "Amendment", "Amendment 2", "", None)
    assert [amendment_number(v) for v in written] == [0, 2, 1, 3, 0, 1, 2, 0, 0]
    for raw in ("-1", "Pending", 1.5, float("nan"), 1e308, "99999"):
        with pytest.raises(BadValue, match="amendment is not an amendment number"):
            amendment_number(raw)


def test_no_other_module_defines_its_own_money_or_date_reader():
    """One reader per value: no function named like a money or date reader outside values.py."""
    readers = {"money", "iso_date", "text_date", "parse_date", "parse_money", "amendment_number", "contributor_name"}
    found = []
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=REPO, capture_output=True, text=True, check=True)
    for name in tracked.stdout.split():
        path = REPO / name
        if path == Path(values.__file__) or path.parts[-2] == "tests":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name in readers:
                found.append(f"{path.relative_to(REPO)}:{node.name}")
    assert found == []


def test_compact_dates_of_the_pennsylvania_e_filing_files():
    assert date_value("20111025") == "2011-10-25"  # Philadelphia 2011 contrib.txt, CONTDATE1
    with pytest.raises(BadValue, match="date is not a real date: '20111345'"):
        date_value("20111345")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-30T04:00:00Z", "2026-03-30"),  # Carto JSON: local midnight in EDT
        ("2026-01-01T05:00:00Z", "2026-01-01"),  # ... and in EST
        ("2021-05-18T02:00:00Z", "2021-05-17"),  # 10 pm in Philadelphia the evening before
        ("2021-05-18 04:00:00+00", "2021-05-18"),  # a CSV export's way of writing it
        ("2021/05/18 04:00:00+00", "2021-05-18"),
        ("2021-05-18", "2021-05-18"),  # no time: the date as written
    ],
)
def test_moments_with_an_offset_are_dated_in_the_filers_zone(value, expected):
    assert date_value(value, local_tz="America/New_York") == expected


def test_an_impossible_moment_is_refused_in_any_zone():
    with pytest.raises(BadValue, match="transaction_date is not a real date: '2099-13-45T04:00:00Z'"):
        date_value("2099-13-45T04:00:00Z", "transaction_date", local_tz="America/New_York")
    assert filed_date("2026-03-31T11:15:44Z", local_tz="America/New_York", today=date(2026, 4, 25)) == "2026-03-31"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("913201730", "91320-1730"),  # Pennsylvania: nine digits, no dash
        ("17403-2013", "17403-2013"),
        ("19047-", "19047"),  # truncated
        (" 19145", "19145"),  # a leading space (Philadelphia 2011)
        ("", None),
        ("SW1A 1AA", "SW1A 1AA"),
    ],
)
def test_zip_codes_are_tidied(raw, expected):
    assert values.zip_code(raw) == expected


def test_one_line_collapses_padding_and_line_breaks():
    assert values.one_line("YORK CO FED OF DEM WOMEN" + " " * 36) == "YORK CO FED OF DEM WOMEN"
    assert values.one_line("Smith\nJohn ") == "Smith John"
    assert values.one_line("   ") is None
