"""filings_philadelphia, crawled for real (`scrapy crawl filings_philadelphia -a url=file://...`):

- the 22 real 2011 legacy e-filing folders (tests/fixtures/filings_philadelphia/legacy/), as they
  are, and with an original added for each of the 7 amended filings (the same files with AMMEND
  "N", filed a week earlier: built from the real ones) and two bad rows;
- a real Carto SQL JSON answer (tests/fixtures/filings_philadelphia/carto/).
"""

import shutil
from datetime import date, timedelta

import pytest

from tests.crawl import crawl, crawled, file_url
from tests.test_parser_philadelphia import CONTRIBUTIONS, EXPENDITURES, LEGACY

# The 7 filings with AMMEND="Y" (folder, FILERID)
AMENDED = {
    "Blarney Pac/20111205": "2005088",
    "Friends of Joe Duda/20111207": "1776139",
    "Barbara A McDermott/20111206": "1776325",
    "Ward 55 Democratic Executive Committee/20111202": "2000278",
    "Joseph J Duda/20111207": "1776248",
    "Comm. to Elect Wali Diop Rahman/20111208": "2011026",
    "SQUILLA FOR COUNCIL/20111207": "1776312",
}


def week_before(day):
    """'20111205' -> '20111128'."""
    return (date.fromisoformat(f"{day[:4]}-{day[4:6]}-{day[6:]}") - timedelta(days=7)).strftime("%Y%m%d")


def counted_by_filer(db):
    return dict(
        db.execute(
            "select committees.source_id, round(sum(amount), 2) from contributions "
            "join committees on committees.id = contributions.committee_id "
            "where current = 1 and counted = 1 group by 1"
        ).fetchall()
    )


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("legacy")
    return crawled("filings_philadelphia", folder, f"url={file_url(LEGACY)}")


@pytest.fixture(scope="module")
def amended(tmp_path_factory):
    """The 7 amended filings, each with its original a week earlier, and two bad rows."""
    folder = tmp_path_factory.mktemp("amended")
    root = folder / "records"
    for amendment in AMENDED:
        filer, day = amendment.split("/")
        shutil.copytree(LEGACY / amendment, root / amendment)
        original = root / filer / week_before(day)
        shutil.copytree(LEGACY / amendment, original)
        filer_txt = original / "filer.txt"
        filer_txt.chmod(0o644)
        filer_txt.write_bytes(filer_txt.read_bytes().replace(b'"Y",', b'"N",', 1))
    contrib = root / "Blarney Pac/20111205/contrib.txt"
    contrib.chmod(0o644)
    contrib.write_bytes(
        contrib.read_bytes()
        + b'2005088,2011,6,"IC","Nobody PAC","","","philadelphia","PA","","","","","","","AK","",'
        + b'"20111104",NaN,"",,"",,""\n'
        + b'2005088,2011,6,"IC","Short row"\n'
    )
    return crawled("filings_philadelphia", folder, f"url={file_url(root)}")


@pytest.fixture(scope="module")
def carto_json(tmp_path_factory):
    folder = tmp_path_factory.mktemp("carto")
    result = crawled("filings_philadelphia", folder, f"url={file_url(CONTRIBUTIONS)}")
    result.expenditures = crawl("filings_philadelphia", folder, f"url={file_url(EXPENDITURES)}")
    assert result.expenditures.returncode == 0, result.expenditures.output
    return result


def test_every_legacy_filing_and_row_is_stored(legacy):
    db = legacy.db
    assert db["filings"].count == db["committees"].count == 22
    # 813 contrib rows (one gift each: no second or third date/amount pair in these files),
    # 13 receipt rows and 38 debt rows
    assert db["contributions"].count == 813 + 13 + 38
    counted = db.execute("select count(*), round(sum(amount), 2) from contributions where counted = 1").fetchone()
    assert counted == (813, 658208.72)  # the sum of CONTAMT1 over every contrib.txt
    assert db["rejects"].count == 0
    assert legacy.last_run("filings_philadelphia")["status"] == "ok"


def test_untermeyers_loan_is_not_a_receipt(legacy):
    loan = legacy.db.execute(
        "select amount, date, counted, not_counted_reason from contributions where schedule = 'IV' "
        "and contributor_name = 'Michael W. Untermeyer'"
    ).fetchone()
    assert loan == (60000.0, "2011-03-08", 0, "debt or loan (Schedule IV): not a contribution")
    # Untermeyer for City Council: 43 contributions, $5,455; not the $60,000 loan, not the $600 receipt
    assert counted_by_filer(legacy.db)["1776295"] == 5455.0
    receipt = legacy.db.execute("select counted, not_counted_reason from contributions where amount = 600 and "
                                "schedule = 'I-E'").fetchone()  # fmt: skip
    assert receipt == (0, "other receipt (Schedule I part E): not a contribution")


def test_comcasts_refund_is_a_negative_contribution_made(legacy):
    db = legacy.db
    made = db.execute(
        "select recipient_name, amount, date, description, current from contributions_made where amount < 0"
    ).fetchall()
    assert made == [("Rick Outman for State Representative", -125.0, "2011-10-25", "2012 Primary Contribution", 1)]
    # Comcast's 30 expense rows are all contributions to committees: $92,175 (-125 included)
    comcast = db.execute(
        "select count(*), round(sum(amount), 2) from contributions_made join committees "
        "on committees.id = giver_committee_id where committees.source_id = '8200412'"
    ).fetchone()
    assert comcast == (30, 92175.0)


def test_empty_files_leave_a_filing_without_rows(legacy):
    # 1776 PAC (UFCW): contrib.txt and debt.txt are 0 bytes; one receipt of $1.79
    db = legacy.db
    pac = db.execute("select id from committees where source_id = '8200631'").fetchone()[0]
    assert db.execute("select count(*) from filings where committee_id = ?", [pac]).fetchone()[0] == 1
    rows = db.execute("select schedule, amount from contributions where committee_id = ?", [pac]).fetchall()
    assert rows == [("I-E", 1.79)]
    totals = next(db.query("select * from committee_totals where source_id = '8200631'"))
    assert totals["itemized_total"] is None


def test_each_amended_filing_is_the_one_that_counts(amended):
    db = amended.db
    filings = {row["id"]: row for row in db["filings"].rows}
    assert len(filings) == 14
    for folder, filer_id in AMENDED.items():
        filer, day = folder.split("/")
        latest = filings[f"philadelphia:{filer_id}:2011:6:{day}"]
        original = filings[f"philadelphia:{filer_id}:2011:6:{week_before(day)}"]
        assert (latest["amendment"], latest["current"]) == (1, 1), folder
        assert (original["amendment"], original["current"], original["superseded_by"]) == (0, 0, latest["id"])
    # Counted once, from the amendment: Blarney Pac 1,000 + 10,000 + 20,000; Friends of Joe Duda's 18
    # rows $5,566.95; Ward 55: 100 + 600 + 4,000 + 5,075 + 2,500 + 1,000; SQUILLA's 81 rows $37,310.
    # McDermott, Joseph J Duda (two debts only) and Wali Diop Rahman filed no contribution.
    assert counted_by_filer(db) == {"2005088": 31000.0, "1776139": 5566.95, "2000278": 13275.0, "1776312": 37310.0}
    stale = db.execute("select count(*) from contributions where current = 0").fetchone()[0]
    assert stale == 3 + 18 + 6 + 81 + 2  # every row of the originals (Joseph J Duda's 2 debts too)


def test_bad_legacy_rows_are_rejected_with_their_reason(amended):
    rejects = sorted(row["reason"] for row in amended.db["rejects"].rows)
    assert rejects == [
        "Blarney Pac/20111205/contrib.txt line 4: CONTAMT1 is not a finite number: 'NaN'",
        "Blarney Pac/20111205/contrib.txt line 5: 5 fields, the layout has 24",
    ]
    assert amended.last_run("filings_philadelphia")["status"] == "partial"


def test_a_carto_json_answer(carto_json):
    db = carto_json.db
    # contributions: 4 x $20 to the Teamsters PAC, $11 to PECO PAC; expenditures: PECO PAC's 4 x $500
    # and District Council 21 PAC's $2,500 to candidates' committees
    assert counted_by_filer(db) == {"8400128": 80.0, "8200616": 11.0}
    made = db.execute("select round(sum(amount), 2), count(*), sum(current) from contributions_made").fetchone()
    assert made == (4500.0, 5, 5)
    assert db["committees"].count == 3
    filing = db["filings"].get("philadelphia:carto:12596")  # PECO PAC's report, in both answers
    assert (filing["period_start"], filing["period_end"], filing["filed"], filing["current"]) == (
        "2026-01-01", "2026-03-30", "2026-04-07", 1,
    )  # fmt: skip
    assert carto_json.last_run("filings_philadelphia")["status"] == "ok"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """The configured run, replayed from the snapshot (tools/build_snapshot_philadelphia.py)."""
    return crawled("filings_philadelphia", tmp_path_factory.mktemp("snapshot"))


def test_the_snapshot_gives_both_krasner_primaries_their_committees(snapshot):
    totals = {
        row["committee"]: (row["campaign_id"], row["position"], row["itemized_total"])
        for row in snapshot.db.query("select * from committee_totals")
    }
    assert totals == {
        # 200 + 2,900 + 10,000 + 800 (in kind)
        "Krasner for District Attorney 2017 (sample data)": ("krasner-primary-2017", "support", 13900.0),
        "Friends of Joe Khan (sample data)": ("krasner-primary-2017", "oppose", 1500.0 + 400.0),
        # 250 + 1,000 + 5,000 + 500 + 1,200 (in kind) + 2,900 + 100: the 2,900 of the 24-hour report
        # counts once, on the post-primary report that lists it again
        "Krasner for District Attorney 2021 (sample data)": ("krasner-primary-2021", "support", 10950.0),
        "Vega for District Attorney (sample data)": ("krasner-primary-2021", "oppose", 2900.0 + 750.0 + 3000.0),
        "Imaginary Retired Officers PAC (sample data)": (None, None, 250000.0 + 1000.0),
    }
    late = snapshot.db.execute("select counted, not_counted_reason from contributions where schedule = 'LATE'")
    assert late.fetchall() == [
        (0, "24-hour report, listed again on the campaign finance report philadelphia:carto:21104 that covers its date")
    ]
    ie = snapshot.db.execute(
        "select target_name, campaign_id, position, side, amount, current from independent_expenditures"
    ).fetchall()
    assert ie == [("Larry Krasner", "krasner-primary-2021", "oppose", "against", 180000.0, 1)]
    made = snapshot.db.execute("select recipient_name, amount from contributions_made").fetchall()
    assert made == [("Vega for District Attorney (sample data)", 5000.0)]  # office supplies are not stored


def test_a_zip_of_the_legacy_folders_reads_as_the_folder(legacy, tmp_path):
    archive = shutil.make_archive(str(tmp_path / "records_ftp_2011_cycle6"), "zip", LEGACY.parent, LEGACY.name)
    zipped = crawl("filings_philadelphia", tmp_path, f"url={file_url(archive)}")
    assert zipped.returncode == 0, zipped.output
    for table in ("committees", "filings", "contributions", "contributions_made"):
        query = f"select id from {table} order by id"
        assert zipped.db.execute(query).fetchall() == legacy.db.execute(query).fetchall(), table
    assert zipped.db["rejects"].count == 0
