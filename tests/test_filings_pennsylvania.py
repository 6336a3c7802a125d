"""filings_pennsylvania, crawled for real (`scrapy crawl filings_pennsylvania -a url=file://...`):
the real 2025 rows (samples_2025/), Philadelphia's real 2011 legacy files joined into one set
(legacy_2011/), a crafted 2025 zip made of real rows with values changed (a second version of a
report, three date/amount pairs, cp437 bytes, a refund, bad rows), and the snapshot's configured
run (the 2021 Krasner primary). Figures are worked out by hand in the comments."""

import zipfile

import pytest

from tests.crawl import FIXTURES, crawled, file_url
from tests.test_parser_pennsylvania import SAMPLES, file_bytes, lines_of, with_values

PA = FIXTURES / "filings_pennsylvania"
SPIDER = "filings_pennsylvania"
AMGEN_ORIGINAL = "pennsylvania:2004206:2025:7:433213"
AMGEN_AMENDED = "pennsylvania:2004206:2025:7:433300"


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    return crawled(SPIDER, tmp_path_factory.mktemp("samples"), f"url={file_url(PA / 'samples_2025')}")


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    return crawled(SPIDER, tmp_path_factory.mktemp("legacy"), f"url={file_url(PA / 'legacy_2011')}")


def crafted_files():
    """{member: bytes} of a 2025 export: Amgen PAC's annual report (real) and its amendment."""
    header, (amgen, *others) = lines_of("filer")
    amended = with_values(header, amgen, CampaignfinanceID="433300", SubmittedDate="2026-02-10", AMMEND="Y")
    files = {"filer_2025.txt": file_bytes(header, [amgen, amended, *others])}

    header, rows = lines_of("contrib")
    on_amendment = [with_values(header, row, CampaignFinanceID="433300") for row in rows[:5]]
    files["contrib_2025.txt"] = file_bytes(header, [
        *rows,  # the original's ten rows: 249.01
        *on_amendment,  # 10 + 20 + 70.26 + 43.75 + 20 = 164.01
        # one row, three gifts: 10 + 25.50 - 5.00 = 30.50
        with_values(header, on_amendment[0], CONTDATE2="20250801", CONTAMT2="25.50", CONTDATE3="20250901",
                    CONTAMT3="-5.00"),
        # a name in cp437 bytes, as the 2025 contrib file writes it: 20.00
        with_values(header, on_amendment[1], CONTRIBUTOR="JOSE_CAFE").replace(b"JOSE_CAFE",
                                                                             "José Café".encode("cp437")),
        with_values(header, on_amendment[2], CONTAMT1="-70.26"),  # a refund: -70.26
        with_values(header, on_amendment[3], CONTAMT1="NaN"),  # rejected
        on_amendment[4] + b',"extra"',  # rejected: 27 fields
        with_values(header, on_amendment[4], CYCLE="10"),  # a 24-hour report: stored, not counted
    ])  # fmt: skip

    header, rows = lines_of("expense")
    paid = {"EXPNAME": "Friends of Sample Candidate", "EXPDESC": "Contribution"}
    files["expense_2025.txt"] = file_bytes(header, [
        *rows,  # credit card fees: not stored
        with_values(header, rows[0], FILERID="2004206", CampaignFinanceID="433213", EXPAMT="400.00", **paid),
        with_values(header, rows[0], FILERID="2004206", CampaignFinanceID="433300", EXPAMT="500.00", **paid),
    ])  # fmt: skip
    for kind in ("receipt", "debt"):
        files[f"{kind}_2025.txt"] = (SAMPLES / f"{kind}_2025.txt").read_bytes()
    return files


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crafted")
    export = folder / "2025.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in crafted_files().items():
            archive.writestr(f"2025/{name}", data)  # a year kept its files in a subfolder
    return crawled(SPIDER, folder, f"url={file_url(export)}")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    return crawled(SPIDER, tmp_path_factory.mktemp("snapshot"))


def totals_by_source_id(db):
    return {row["source_id"]: row for row in db.query("select * from committee_totals")}


# -- the real rows


def test_the_real_2025_rows_are_all_stored(samples):
    db = samples.db
    # contrib: 10 rows of Amgen PAC's annual report (slots 2 and 3 empty): 10 gifts, all counted
    assert db["contributions"].count_where("schedule = 'ID' and counted = 1 and current = 1") == 10
    # receipt (part E) and debt rows: stored, not counted, each with its reason
    reasons = dict(db.execute("select schedule, not_counted_reason from contributions where counted = 0").fetchall())
    assert set(reasons) == {"E", "DEBT"}
    assert reasons["DEBT"].startswith("debt or loan owed")
    assert db["contributions"].count_where("schedule in ('E', 'DEBT')") == 20
    # 10 filer rows + the 6 filings the receipt and debt rows name that the filer sample lacks
    assert db["filings"].count == 16
    assert db["filing_summaries"].count == 30
    assert db["contributions_made"].count == 0  # the expense rows are credit card fees
    assert db["rejects"].count == 0
    totals = totals_by_source_id(db)
    # 10 + 20 + 70.26 + 43.75 + 20 + 10 + 15 + 30 + 10 + 20
    assert totals["2004206"]["total_raised"] == 249.01
    assert totals["2004206"]["which_source_label"].startswith("itemized contributions only")
    # the candidate's $102,000 of loans (debt file) are in no total
    assert totals["20250029"]["total_raised"] is None
    assert db["committees"].get(totals["2004174"]["committee_id"])["name"] == "YORK CO FED OF DEM WOMEN"
    assert {row["zip"] for row in db.query("select zip from contributions where schedule = 'ID'")} == {"91320-1730"}


def test_the_legacy_layout_is_read(legacy):
    db = legacy.db
    by_schedule = dict(db.execute("select schedule, count(*) from contributions group by 1").fetchall())
    assert by_schedule == {"IA": 1, "IB": 171, "IC": 4, "ID": 29, "IIF": 2, "IIG": 2, "E": 3, "DEBT": 1}
    assert db["rejects"].count == 0
    totals = totals_by_source_id(db)
    # Untermeyer's $60,000 loan is in the debt file: not money received
    loan = db.execute("select amount, counted from contributions where schedule = 'DEBT'").fetchone()
    assert loan == (60000.0, 0)
    untermeyer = db.execute(
        "select round(sum(amount), 2) from contributions where schedule not in ('E', 'DEBT') and committee_id = ?",
        [totals["1776295"]["committee_id"]],
    ).fetchone()[0]
    assert totals["1776295"]["total_raised"] == untermeyer == 5455.0
    # Comcast PAC's contributions to candidates: a refunded one is negative
    made = db.execute("select count(*), min(amount) from contributions_made").fetchone()
    assert made == (37, -125.0)
    assert db.execute("select count(*) from contributions_made where current = 1").fetchone()[0] == 37
    # the UTF-8 quote of Cozen O'Connor's legacy rows
    assert db["contributions"].count_where("employer = 'Cozen O’Connor'") > 0


# -- the crafted export


def test_only_the_latest_version_of_a_report_counts(crafted):
    db = crafted.db
    filings = {row["id"]: row for row in db["filings"].rows}
    assert (filings[AMGEN_ORIGINAL]["current"], filings[AMGEN_AMENDED]["current"]) == (0, 1)
    assert filings[AMGEN_ORIGINAL]["superseded_by"] == AMGEN_AMENDED
    assert filings[AMGEN_AMENDED]["amendment"] == 1
    # 164.01 + 30.50 + 20.00 - 70.26 (the original's 249.01 and the 24-hour row do not count)
    assert totals_by_source_id(db)["2004206"]["total_raised"] == 144.25
    assert db["contributions"].count_where("filing_id = ? and current = 0", [AMGEN_ORIGINAL]) == 10
    made = dict(db.execute("select amount, current from contributions_made").fetchall())
    assert made == {400.0: 0, 500.0: 1}


def test_three_pairs_cp437_refunds_and_24_hour_reports(crafted):
    db = crafted.db
    pairs = db.execute(
        "select date, amount from contributions where filing_id = ? and contributor_name = 'Ms. Tamara Kammann' "
        "order by date",
        [AMGEN_AMENDED],
    ).fetchall()
    assert pairs == [("2025-07-03", 10.0), ("2025-07-03", 10.0), ("2025-08-01", 25.5), ("2025-09-01", -5.0)]
    assert db["contributions"].count_where("contributor_name = 'José Café'") == 1
    assert db["contributions"].count_where("amount = -70.26 and counted = 1 and current = 1") == 1
    late = db.execute("select schedule, counted, not_counted_reason from contributions where schedule like '24H%'")
    assert [tuple(row) for row in late] == [
        ("24H-ID", 0, "24-hour report (cycle 10-12): listed again on the 30-day post-election report of the same "
                      "election"),
    ]  # fmt: skip


def test_bad_rows_are_rejected_with_the_reason(crafted):
    rejects = sorted((row["item_type"], row["reason"]) for row in crafted.db["rejects"].rows)
    assert rejects == [
        ("contributions", "contrib_2025.txt line 20: CONTAMT1 is not a finite number: 'NaN'"),
        ("contributions", "contrib_2025.txt line 21: 27 fields, the layout has 26"),
    ]
    assert crafted.last_run(SPIDER)["status"] == "partial"


# -- the snapshot's configured run


def test_the_snapshot_shows_both_sides_of_the_2021_krasner_primary(snapshot):
    db = snapshot.db
    rows = list(db.query("select * from committee_totals where campaign_id = 'krasner-primary-2021'"))
    sides = {row["source_id"]: (row["position"], row["total_raised"]) for row in rows}
    # Krasner: 15,500 (cycle 1) + 11,500 (cycle 2 as amended) + 4,000 (cycle 3: 4,500 - a 500 refund) + 750 in kind
    # Vega: 8,000 + 21,000 (10,000 from the PAC, 6,000 + 5,000 in two pairs) + 1,000; his $5,000 loan does not count
    assert sides == {"9990001": ("support", 31750.0), "9990002": ("oppose", 30000.0)}
    committees = {row["source_id"]: row for row in db["committees"].rows}
    assert (committees["9990001"]["side"], committees["9990001"]["linked_by"]) == ("for", "candidate")
    assert (committees["9990002"]["side"], committees["9990002"]["linked_by"]) == ("against", "candidate")
    assert "9990004" not in committees  # the parks committee: not linked, not listed
    assert committees["9990003"]["campaign_id"] is None  # the PAC is listed by id, for the money it gave
    made = db.execute("select recipient_name, amount, campaign_id, position, current from contributions_made")
    assert [tuple(row) for row in made] == [("Carlos Vega (sample data)", 10000.0, "krasner-primary-2021", "oppose", 1)]
    chain = dict(db.execute("select id, superseded_by from filings where report_id = 'pennsylvania:9990001:2021:2'"))
    assert chain == {"pennsylvania:9990001:2021:2:v0": "pennsylvania:9990001:2021:2:v1",
                     "pennsylvania:9990001:2021:2:v1": None}  # fmt: skip
    assert db["contributions"].count_where("contributor_name = 'José Café-Example'") == 1  # latin-1
    assert snapshot.last_run(SPIDER)["status"] == "ok"
