"""Values of the CAL formats: dates written four ways, money, names, report numbers."""

from datetime import date, datetime

import pytest

from recallwatch.parsers.cal_format import amendment_number, cell_text, contributor_name, is_memo, iso_date, money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (43101.0, "2018-01-01"),  # an Excel serial number in a cell not styled as a date
        (43101, "2018-01-01"),
        (date(2017, 11, 13), "2017-11-13"),
        (datetime(2017, 11, 13, 0, 0), "2017-11-13"),
        ("2/3/2000 12:00:00 AM", "2000-02-03"),  # CAL-ACCESS
        ("10/27/2000 7:32:57 PM", "2000-10-27"),
        ("2022-03-01T00:00:00.000", "2022-03-01"),
        ("02/30/2022", None),
        ("", None),
        (None, None),
        (0.0, None),
    ],
)
def test_dates(value, expected):
    assert iso_date(value) == expected


def test_money_keeps_refunds_negative():
    assert [money(v) for v in (250.0, "1,250.50", "$40", "(40.00)", "-75.33", "", "n/a")] == [
        250.0, 1250.5, 40.0, -40.0, -75.33, None, None,
    ]  # fmt: skip


def test_cells_read_as_text():
    assert [cell_text(v) for v in ("000", 94709.0, 12.5, " Berkeley ", "", None)] == [
        "000", "94709", "12.5", "Berkeley", None, None,
    ]  # fmt: skip


def test_names_report_numbers_and_memo_codes():
    assert contributor_name("Arreguin", "Jesse") == "Arreguin, Jesse"
    assert contributor_name("Smith", "John", "Mr.", "Jr.") == "Smith, John Jr."
    assert contributor_name("ACME INC", "") == "ACME INC"
    assert [amendment_number(v) for v in ("000", "002", 1.0, "Pending", None)] == [0, 2, 1, 0, 0]
    assert [is_memo(v) for v in ("X", "x", "", None)] == [1, 1, 0, 0]
