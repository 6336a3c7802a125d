"""Hostile values in a campfin_transactions CSV written from the real Carto rows
(tests/test_parser_philadelphia.transactions_csv), crawled for real (`scrapy crawl
filings_philadelphia -a url=file://.../campfin_transactions.csv`).

Amounts "NaN", "Infinity", "1e308", "10000000000" (no campaign amount reaches $10bn), "(40.00)",
"$1,000.00"; transaction dates "2099-13-45T04:00:00Z" and "0000-00-00"; a report certified ten
years from now and one whose period ends on 2099-13-45. Each value is read right or its row is
rejected with the exact reason; a filing is stored without a date it cannot read; nothing
impossible reaches a table.
"""

from datetime import date, timedelta

import pytest

from tests.crawl import crawled, file_url
from tests.stored_values import assert_no_hostile_value_stored
from tests.test_parser_philadelphia import CONTRIBUTIONS, EXPENDITURES, LEGACY, real_rows, transactions_csv

TODAY = date.today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
AHEAD = f"{TODAY.year + 10}-{TODAY.month:02d}-{min(TODAY.day, 28):02d}T15:00:00Z"
HOSTILE = ("NaN", "Infinity", "1e308", "10000000000", "2099-13-45", "0000-00-00", AHEAD[:10])
STORED_WITHOUT = "the filing is stored without it"


def hostile_rows():
    teamsters, _, peco, *_ = real_rows(CONTRIBUTIONS)
    hogan, *_, council, _ = real_rows(EXPENDITURES)
    values = [
        ("transaction_amount", "NaN"),
        ("transaction_amount", "Infinity"),
        ("transaction_amount", "1e308"),
        ("transaction_amount", "10000000000"),
        ("transaction_amount", "(40.00)"),
        ("transaction_amount", "$1,000.00"),
        ("transaction_date", "2099-13-45T04:00:00Z"),
        ("transaction_date", "0000-00-00"),
    ]
    rows = [teamsters, peco, hogan]  # lines 2-4, as they are
    for number, (field, raw) in enumerate(values):  # lines 5-12
        rows.append(dict(teamsters, transaction_id=900 + number, **{field: raw}))
    rows.append(dict(hogan, transaction_id=950, transaction_amount="NaN"))  # line 13: money given
    # PECO PAC's report certified ten years ahead; District Council 21's ends on 2099-13-45
    rows = [dict(row, report_certified_date=AHEAD) if row is peco else row for row in rows]
    rows.append(dict(council, report_cycle_end_date="2099-13-45T04:00:00Z"))  # line 14
    return rows


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_philadelphia")
    export = folder / "campfin_transactions.csv"
    export.write_bytes(transactions_csv(hostile_rows()))
    return crawled("filings_philadelphia", folder, f"url={file_url(export)}")


def test_each_hostile_value_is_read_right_or_rejected_with_its_reason(hostile):
    rejects = sorted((row["item_type"], row["reason"]) for row in hostile.db["rejects"].rows)
    assert rejects == sorted([
        ("filings", f"report 12596: report_certified_date is outside 1970-01-01..{TOMORROW}: '{AHEAD}'; "
                    f"{STORED_WITHOUT}"),
        ("filings", "report 12587: report_cycle_end_date is not a real date: '2099-13-45T04:00:00Z'; "
                    f"{STORED_WITHOUT}"),
        ("contributions", "line 5: transaction_amount is not a finite number: 'NaN'"),
        ("contributions", "line 6: transaction_amount is not a finite number: 'Infinity'"),
        ("contributions", "line 7: transaction_amount is written with an exponent: '1e308'"),
        ("contributions", "line 8: transaction_amount is larger than any campaign amount ($10,000,000,000 or more): "
                          "'10000000000'"),
        ("contributions", "line 11: transaction_date is not a real date: '2099-13-45T04:00:00Z'"),
        ("contributions", "line 12: transaction_date is not a real date: '0000-00-00'"),
        ("contributions_made", "line 13: transaction_amount is not a finite number: 'NaN'"),
    ])  # fmt: skip
    amounts = dict(hostile.db.execute("select id, amount from contributions").fetchall())
    assert amounts == {
        "philadelphia:carto:1876789": 20.0,
        "philadelphia:carto:1884114": 11.0,
        "philadelphia:carto:904": -40.0,
        "philadelphia:carto:905": 1000.0,
    }
    filings = {row["id"]: row for row in hostile.db["filings"].rows}
    assert (filings["philadelphia:carto:12596"]["filed"], filings["philadelphia:carto:12587"]["period_end"]) == (
        None, None,
    )  # fmt: skip
    assert filings["philadelphia:carto:12587"]["filed"] == "2026-04-01"  # stored with the dates it could read
    assert hostile.last_run("filings_philadelphia")["status"] == "partial"


def test_no_infinite_number_or_impossible_date_reaches_any_table(hostile):
    db = hostile.db
    assert assert_no_hostile_value_stored(db, HOSTILE, TOMORROW) > 10


@pytest.fixture(scope="module")
def hostile_legacy(tmp_path_factory):
    """Blarney Pac's real filing set (tests/fixtures/.../legacy) with hostile values added, in a
    folder named by an impossible date."""
    folder = tmp_path_factory.mktemp("hostile_legacy")
    real = LEGACY / "Blarney Pac" / "20111205"
    impossible = folder / "records" / "Blarney Pac" / "20991345"
    impossible.mkdir(parents=True)
    for path in real.iterdir():
        (impossible / path.name).write_bytes(path.read_bytes())
    first = (real / "contrib.txt").read_bytes().split(b"\n")[0]
    rows = [
        first.replace(b'"20111101",1000', b'"20111101",Infinity'),
        first.replace(b'"20111101",1000', b'"20111101",1e308'),
        first.replace(b'"20111101",1000', b'"20991345",1000'),
        first.replace(b'"20111101",1000', b'"20111101",(40.00)'),
        first.replace(b'"20111101",1000,"",,', b'"20111101",1000,"20111102",NaN,'),
    ]
    (impossible / "contrib.txt").write_bytes(b"\n".join(rows) + b"\n")
    return crawled("filings_philadelphia", folder, f"url={file_url(folder / 'records')}")


def test_hostile_values_in_a_legacy_filing_set(hostile_legacy):
    db = hostile_legacy.db
    contrib = "Blarney Pac/20991345/contrib.txt"
    assert sorted(row["reason"] for row in db["rejects"].rows) == [
        f"{contrib} line 1: CONTAMT1 is not a finite number: 'Infinity'",
        f"{contrib} line 2: CONTAMT1 is written with an exponent: '1e308'",
        f"{contrib} line 3: CONTDATE1 is not a real date: '20991345'",
        f"{contrib} line 5: CONTAMT2 is not a finite number: 'NaN'",
        f"Blarney Pac/20991345: submitted (the folder's date) is not a real date: '20991345'; {STORED_WITHOUT}",
    ]
    assert db.execute("select amount, date from contributions").fetchall() == [(-40.0, "2011-11-01")]
    filing = db["filings"].get("philadelphia:2005088:2011:6:20991345")
    assert (filing["filed"], filing["amendment"]) == (None, 1)  # an amendment (AMMEND "Y") without its original
    assert db.execute("select count(*) from filings where filed > ?", [TOMORROW]).fetchone()[0] == 0
