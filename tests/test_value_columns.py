"""The column readers (recallwatch/parsers/value_columns.py) agree with the row readers of
values.py on a table of normal and hostile values: a value a column reader reads is read to the
row reader's value; every value the row reader refuses is flagged (and so goes to the row reader,
which rejects it with its reason); the usual spellings are read by the columns themselves."""

import math

import pyarrow as pa
import pytest

from recallwatch.parsers.value_columns import money_column, name_column, read_distinct, trimmed
from recallwatch.parsers.values import BadValue, amendment_number, contributor_name, date_value, money

# Read by the column reader itself: CAL-ACCESS's spellings
PLAIN_AMOUNTS = ["1250.00", "1250.5", "1250", "-40", "-0", "0", ".5", "12.", "0012.30", "9999999999.99", " 12.50 ", ""]
OTHER_AMOUNTS = [
    "(40.00)", "$1,250.50", "40.00-", "+5", "12.345", "1.005", "\xa012", "12\xa0", "\u0661\u0662\u0663",
    "\t12", "12\x0b",
]  # fmt: skip
HOSTILE_AMOUNTS = [
    "NaN", "nan", "-NaN", "Infinity", "-inf", "inf", "1e308", "1E5", "1e-5", "10000000000", "10000000000.00",
    "-10000000000", "99999999999999999999", "1,25", "--5", "abc", "1.2.3", "$", "-", ".", "0x10", "1_000",
]  # fmt: skip


def row_money(raw):
    try:
        return money(raw)
    except BadValue:
        return BadValue


@pytest.mark.parametrize("raw", PLAIN_AMOUNTS + OTHER_AMOUNTS + HOSTILE_AMOUNTS)
def test_money_column_agrees_with_money(raw):
    amounts, flagged = money_column(pa.array([raw]))
    amount, flag = amounts[0].as_py(), flagged[0].as_py()
    expected = row_money(raw)
    if not flag:
        assert amount == expected and (amount is None or math.copysign(1, amount) == math.copysign(1, expected))
    if expected is BadValue:
        assert flag, f"{raw!r} is refused by money() and must be flagged"
    if raw in PLAIN_AMOUNTS:
        assert not flag, f"{raw!r} is read by the column itself"


def test_money_column_of_a_null_is_a_blank():
    amounts, flagged = money_column(pa.array([None, "5"], pa.string()))
    assert amounts.to_pylist() == [None, 5.0] and flagged.to_pylist() == [False, False]


DATES = [
    "2/3/2000 12:00:00 AM", "12/31/2021 12:00:00 AM", "2022-03-01", "2099-13-45", "0000-00-00",
    "2/30/2020 12:00:00 AM", "13/1/2020", "1/1/1899", "", "   ", "March 1, 2022", "12",
]  # fmt: skip


AMENDMENTS = ["0", "001", "abc", "-1", "", "Amendment 2", "1000", "2.0"]


def row_read(read, raw):
    try:
        return read(raw)
    except BadValue:
        return BadValue


@pytest.mark.parametrize(
    ("read", "values", "result_type"),
    [(date_value, DATES, pa.string()), (amendment_number, AMENDMENTS, pa.int64())],
)
def test_read_distinct_is_the_row_reader_on_each_distinct_value(read, values, result_type):
    column = pa.array(values * 3)  # repeated: each distinct value read once, spread over its rows
    read_values, flagged = read_distinct(column, read, result_type)
    for raw, value, flag in zip(values * 3, read_values.to_pylist(), flagged.to_pylist(), strict=True):
        expected = row_read(read, raw)
        assert flag == (expected is BadValue)
        assert value == (None if flag else expected)


@pytest.mark.parametrize(
    ("last", "first", "suffix"),
    [("SMITH", "JOHN", ""), ("ACME INC", "", ""), ("", "JOHN", "JR"), ("", "", ""), ("", "", "JR"),
     ("DOE", "JANE", "III"), (" DOE ", "  JANE", " III ")],
)  # fmt: skip
def test_name_column_agrees_with_contributor_name(last, first, suffix):
    columns = (trimmed(pa.array([value])) for value in (last, first, suffix))
    name = name_column(*columns)[0].as_py()
    assert (name or None) == contributor_name(last, first, suffix=suffix)
