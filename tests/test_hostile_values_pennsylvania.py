"""Hostile values in a real-format Pennsylvania export, crawled for real (`scrapy crawl
filings_pennsylvania -a url=file://.../2025.zip`).

The export is the real 2025 rows (tests/fixtures/filings_pennsylvania/samples_2025) with values
replaced: amounts "NaN", "Infinity", "1e308" in every money file and a summary line; dates
"2099-13-45" (ISO) and "20991345" (the export's own form); a submitted date that is not a date.
Each row is read right or rejected with the exact reason; a filing is stored without a date it
cannot read; nothing non-finite or impossible reaches a table.
"""

import zipfile

import pytest

from tests.crawl import crawled, file_url
from tests.stored_values import assert_no_hostile_value_stored
from tests.test_parser_pennsylvania import file_bytes, lines_of, with_values

HOSTILE = ("NaN", "Infinity", "1e308", "2099-13-45", "20991345")
STORED_WITHOUT = "the filing is stored without it"


def hostile_files():
    header, (amgen, york, *others) = lines_of("filer")
    files = {"filer_2025.txt": file_bytes(header, [
        with_values(header, amgen, BEGINNING="NaN"),
        with_values(header, york, SubmittedDate="2099-13-45"),
        *others,
    ])}  # fmt: skip
    header, (first, second, *_) = lines_of("contrib")
    files["contrib_2025.txt"] = file_bytes(header, [
        first,
        with_values(header, second, CONTAMT1="NaN"),
        with_values(header, second, CONTAMT1="Infinity"),
        with_values(header, second, CONTAMT1="1e308"),
        with_values(header, second, CONTAMT1="10000000000.00"),
        with_values(header, second, CONTDATE1="2099-13-45"),
        with_values(header, second, CONTDATE1="20991345"),
        with_values(header, second, CONTDATE2="20250230", CONTAMT2="5.00"),
        with_values(header, second, CONTAMT1="(40.00)"),  # read: -40
    ])  # fmt: skip
    header, (fee, *_) = lines_of("expense")
    paid = {"EXPDESC": "Contribution"}
    files["expense_2025.txt"] = file_bytes(header, [
        with_values(header, fee, EXPAMT="Infinity", **paid),
        with_values(header, fee, EXPDATE="2099-13-45", **paid),
        with_values(header, fee, **paid),
    ])  # fmt: skip
    header, (receipt, *_) = lines_of("receipt")
    files["receipt_2025.txt"] = file_bytes(header, [receipt, with_values(header, receipt, RECAMT="1e308")])
    header, (debt, *_) = lines_of("debt")
    files["debt_2025.txt"] = file_bytes(header, [debt, with_values(header, debt, DBTDATE="20991345")])
    return files


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_pennsylvania")
    export = folder / "2025.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(hostile_files().items()):
            archive.writestr(name, data)
    return crawled("filings_pennsylvania", folder, f"url={file_url(export)}")


def test_each_hostile_value_is_read_right_or_rejected_with_its_reason(hostile):
    rejects = sorted((row["item_type"], row["reason"]) for row in hostile.db["rejects"].rows)
    assert rejects == sorted([
        ("filings", "filer_2025.txt line 2: BEGINNING is not a finite number: 'NaN'; the summary line is not stored"),
        ("filings", f"filer_2025.txt line 3: SUBMITTEDDATE is not a real date: '2099-13-45'; {STORED_WITHOUT}"),
        ("contributions", "contrib_2025.txt line 3: CONTAMT1 is not a finite number: 'NaN'"),
        ("contributions", "contrib_2025.txt line 4: CONTAMT1 is not a finite number: 'Infinity'"),
        ("contributions", "contrib_2025.txt line 5: CONTAMT1 is written with an exponent: '1e308'"),
        ("contributions", "contrib_2025.txt line 6: CONTAMT1 is larger than any campaign amount "
                          "($10,000,000,000 or more): '10000000000.00'"),
        ("contributions", "contrib_2025.txt line 7: CONTDATE1 is not a real date: '2099-13-45'"),
        ("contributions", "contrib_2025.txt line 8: CONTDATE1 is not a real date: '20991345'"),
        ("contributions", "contrib_2025.txt line 9: CONTDATE2 is not a real date: '20250230'"),
        ("contributions_made", "expense_2025.txt line 2: EXPAMT is not a finite number: 'Infinity'"),
        ("contributions_made", "expense_2025.txt line 3: EXPDATE is not a real date: '2099-13-45'"),
        ("contributions", "receipt_2025.txt line 3: RECAMT is written with an exponent: '1e308'"),
        ("contributions", "debt_2025.txt line 3: DBTDATE is not a real date: '20991345'"),
    ])  # fmt: skip
    db = hostile.db
    # the first real row (10.00) and the accounting-style refund
    assert sorted(row[0] for row in db.execute("select amount from contributions where schedule = 'ID'")) == [
        -40.0,
        10.0,
    ]
    assert db["contributions_made"].count == 1
    assert db["filings"].get("pennsylvania:2004174:2025:2:422794")["filed"] is None
    lines = {row["line"] for row in db.query("select line from filing_summaries where filing_id like '%:433213'")}
    assert lines == {"MONETARY", "INKIND"}
    assert hostile.last_run("filings_pennsylvania")["status"] == "partial"


def test_no_infinite_number_or_impossible_date_reaches_any_table(hostile):
    db = hostile.db
    assert assert_no_hostile_value_stored(db, HOSTILE) > 20
