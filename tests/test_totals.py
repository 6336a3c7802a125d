"""The totals rules (recallwatch/totals.py) and the committee_totals view, on a real database."""

import pytest

from recallwatch.core import totals
from recallwatch.core.schema import open_database

SOURCE = "test_source"


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "recalls.db")
    database["committees"].insert_all(
        [
            {"id": "cmte-recall", "name": "Recall Committee", "source": SOURCE, "source_id": "1"},
            {"id": "cmte-other", "name": "Other Committee", "source": SOURCE, "source_id": "2"},
        ]
    )
    return database


def add_filing(db, filing_id, report_id, amendment, form_type="F460", start=None, end=None, committee="cmte-recall"):
    db["filings"].insert(
        {
            "id": filing_id,
            "committee_id": committee,
            "source": SOURCE,
            "report_id": report_id,
            "form_type": form_type,
            "period_start": start,
            "period_end": end,
            "amendment": amendment,
        }
    )


def add_contribution(db, contribution_id, filing_id, amount, schedule="A", date="2022-02-01", **fields):
    row = {
        "id": contribution_id,
        "filing_id": filing_id,
        "committee_id": "cmte-recall",
        "source": SOURCE,
        "schedule": schedule,
        "contributor_name": "Doe, Jane",
        "amount": amount,
        "date": date,
        "memo": 0,
    }
    db["contributions"].insert({**row, **fields})


def contribution(db, contribution_id):
    return db["contributions"].get(contribution_id)


def committee_total(db, committee_id="cmte-recall"):
    return next(db.query("select * from committee_totals where committee_id = ?", [committee_id]))


def test_only_the_latest_amendment_counts_and_each_version_points_at_its_successor(db):
    add_filing(db, "v0", "report-1", 0, start="2022-01-01", end="2022-03-31")
    add_filing(db, "v1", "report-1", 1, start="2022-01-01", end="2022-03-31")
    add_filing(db, "v2", "report-1", 2, start="2022-01-01", end="2022-03-31")
    add_contribution(db, "c0", "v0", 100)
    add_contribution(db, "c1", "v1", 150)
    add_contribution(db, "c2", "v2", 175)

    totals.apply_totals_rules(db, SOURCE)

    filings = {row["id"]: row for row in db["filings"].rows}
    assert {fid: row["current"] for fid, row in filings.items()} == {"v0": 0, "v1": 0, "v2": 1}
    assert {fid: row["superseded_by"] for fid, row in filings.items()} == {"v0": "v1", "v1": "v2", "v2": None}
    assert [contribution(db, cid)["current"] for cid in ("c0", "c1", "c2")] == [0, 0, 1]
    assert db["contributions"].count == 3  # nothing deleted
    assert committee_total(db)["itemized_total"] == 175


def test_a_new_amendment_in_a_later_run_supersedes_the_current_version(db):
    add_filing(db, "v0", "report-1", 0)
    add_contribution(db, "c0", "v0", 100)
    totals.apply_totals_rules(db, SOURCE)
    assert contribution(db, "c0")["current"] == 1

    add_filing(db, "v1", "report-1", 1)
    add_contribution(db, "c1", "v1", 90)
    totals.apply_totals_rules(db, SOURCE)

    assert contribution(db, "c0")["current"] == 0
    assert db["filings"].get("v0")["superseded_by"] == "v1"
    assert committee_total(db)["itemized_total"] == 90


def test_rules_are_idempotent(db):
    add_filing(db, "v0", "report-1", 0)
    add_filing(db, "v1", "report-1", 1)
    add_contribution(db, "c0", "v0", 100, counted=None)
    add_contribution(db, "late", "v1", 100, schedule="497", counted=None)
    totals.apply_totals_rules(db, SOURCE)

    assert set(totals.apply_totals_rules(db, SOURCE).values()) == {0}


def test_a_receipt_stored_without_its_committee_takes_the_filings(db):
    add_filing(db, "v0", "report-1", 0, committee="cmte-other")
    add_contribution(db, "c0", "v0", 100, committee_id=None)

    totals.apply_totals_rules(db, SOURCE)

    assert contribution(db, "c0")["committee_id"] == "cmte-other"
    assert contribution(db, "c0")["current"] == 1


def test_a_receipt_whose_filing_is_unknown_stays_out_of_the_totals(db):
    add_contribution(db, "orphan", "no-such-filing", 100, committee_id=None)

    totals.apply_totals_rules(db, SOURCE)

    assert contribution(db, "orphan")["current"] is None


def test_the_running_total_is_stored_but_never_summed(db):
    add_filing(db, "v0", "report-1", 0)
    add_contribution(db, "first", "v0", 100, cumulative_ytd=100)
    add_contribution(db, "second", "v0", 250, cumulative_ytd=350)

    totals.apply_totals_rules(db, SOURCE)

    assert committee_total(db)["itemized_total"] == 350  # 100 + 250, not 100 + 350


def test_a_late_contribution_is_not_counted_once_a_current_460_covers_its_date(db):
    add_filing(db, "460-q1", "report-q1", 0, start="2022-01-01", end="2022-03-31")
    add_filing(db, "497-feb", "report-497-feb", 0, form_type="F497")
    add_filing(db, "497-apr", "report-497-apr", 0, form_type="F497")
    add_contribution(db, "on-460", "460-q1", 5000, date="2022-02-10")
    add_contribution(db, "late-feb", "497-feb", 5000, schedule="497", date="2022-02-10")
    add_contribution(db, "late-apr", "497-apr", 2000, schedule="497", date="2022-04-02")

    totals.apply_totals_rules(db, SOURCE)

    covered = contribution(db, "late-feb")
    assert covered["counted"] == 0
    assert "460-q1" in covered["not_counted_reason"]
    assert contribution(db, "late-apr")["counted"] == 1
    assert committee_total(db)["itemized_total"] == 7000


def test_a_late_contribution_covered_only_by_a_superseded_460_counts_until_the_amendment_covers_it(db):
    add_filing(db, "460-v0", "report-q1", 0, start="2022-01-01", end="2022-03-31")
    add_filing(db, "460-v1", "report-q1", 1, start="2022-01-01", end="2022-01-31")
    add_filing(db, "497", "report-497", 0, form_type="F497")
    add_contribution(db, "late", "497", 5000, schedule="497", date="2022-02-10")

    totals.apply_totals_rules(db, SOURCE)

    assert contribution(db, "late")["counted"] == 1


def test_memo_rows_are_not_money_received(db):
    add_filing(db, "v0", "report-1", 0)
    add_contribution(db, "money", "v0", 1000)
    add_contribution(db, "memo", "v0", 1000, memo=1)

    totals.apply_totals_rules(db, SOURCE)

    assert contribution(db, "memo")["counted"] == 0
    assert contribution(db, "memo")["not_counted_reason"] == totals.MEMO_REASON
    assert committee_total(db)["itemized_total"] == 1000


def test_refunds_stay_negative_and_reduce_the_total(db):
    add_filing(db, "v0", "report-1", 0)
    add_contribution(db, "gift", "v0", 1000)
    add_contribution(db, "refund", "v0", -400)

    totals.apply_totals_rules(db, SOURCE)

    assert contribution(db, "refund")["amount"] == -400
    assert contribution(db, "refund")["counted"] == 1
    assert committee_total(db)["itemized_total"] == 600


@pytest.mark.parametrize("schedule", ["I", "B1", "H"])
def test_loans_and_miscellaneous_increases_are_not_contributions(db, schedule):
    add_filing(db, "v0", "report-1", 0)
    add_contribution(db, "gift", "v0", 1000)
    add_contribution(db, "other", "v0", 5000, schedule=schedule)

    totals.apply_totals_rules(db, SOURCE)

    assert contribution(db, "other")["counted"] == 0
    assert "not a contribution" in contribution(db, "other")["not_counted_reason"]
    assert committee_total(db)["itemized_total"] == 1000


def test_the_sql_rule_and_the_parse_time_rule_agree(db):
    add_filing(db, "v0", "report-1", 0)
    cases = [(schedule, memo) for schedule in ("A", "C", "I", "B1", "H", "497", "F496P3", "E") for memo in (0, 1)]
    for number, (schedule, memo) in enumerate(cases):
        add_contribution(db, f"c{number}", "v0", 10, schedule=schedule, memo=memo, date="2030-01-01")

    totals.apply_totals_rules(db, SOURCE)

    for number, (schedule, memo) in enumerate(cases):
        row = contribution(db, f"c{number}")
        assert (row["counted"], row["not_counted_reason"]) == totals.counted_and_reason(schedule, memo)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("IND", "IND"), ("ind", "IND"), (" com ", "COM"), ("Pty", "PTY"), ("scc", "SCC"), ("OTH", "OTH"),
     ("RCP", "COM"), ("", None), (None, None), ("   ", None), ("XYZ", "OTH")],
)  # fmt: skip
def test_entity_codes_are_normalised(raw, expected):
    assert totals.normalize_entity_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("a", "A"), ("F497P1", "497"), ("F497P2", None), ("f496p3", "F496P3"), ("", None)]
)
def test_schedule_codes(raw, expected):
    assert totals.schedule_code(raw) == expected


def test_total_raised_comes_from_the_latest_summary_line_5_with_the_itemized_total_beside_it(db):
    add_filing(db, "q1-v0", "report-q1", 0, start="2022-01-01", end="2022-03-31")
    add_filing(db, "q1-v1", "report-q1", 1, start="2022-01-01", end="2022-03-31")
    add_filing(db, "q2", "report-q2", 0, start="2022-04-01", end="2022-06-30")
    add_filing(db, "497", "report-497", 0, form_type="F497")
    db["filing_summaries"].insert_all(
        [
            {"filing_id": "q1-v0", "form_type": "F460", "line": "5", "amount_period": 9000, "amount_ytd": 9000},
            {"filing_id": "q1-v1", "form_type": "F460", "line": "5", "amount_period": 10000, "amount_ytd": 10000},
            {"filing_id": "q2", "form_type": "F460", "line": "5", "amount_period": 2500, "amount_ytd": 12500},
            {"filing_id": "q2", "form_type": "F460", "line": "1", "amount_period": 2000, "amount_ytd": 12000},
        ]
    )
    add_contribution(db, "q1-big", "q1-v1", 9500, date="2022-02-01")
    add_contribution(db, "q2-big", "q2", 2000, date="2022-05-01")
    add_contribution(db, "late-july", "497", 1000, schedule="497", date="2022-07-03")

    totals.apply_totals_rules(db, SOURCE)
    row = committee_total(db)

    assert row["total_raised_summary"] == 12500  # amended Q1 (10,000) + Q2 (2,500)
    assert row["itemized_total"] == 12500  # 9,500 + 2,000 + the late July 1,000
    assert row["late_after_summary"] == 1000
    assert row["total_raised"] == 13500
    assert row["which_source_label"].startswith("Form 460 summary line 5")


def test_without_a_summary_the_itemized_total_is_shown_and_labelled(db):
    add_filing(db, "v0", "report-1", 0)
    add_contribution(db, "gift", "v0", 1000)

    totals.apply_totals_rules(db, SOURCE)
    row = committee_total(db)

    assert row["total_raised_summary"] is None
    assert row["total_raised"] == 1000
    assert row["which_source_label"].startswith("itemized contributions only")


def test_a_filing_whose_committee_no_table_named_gets_one_and_its_money_is_in_the_totals(db):
    db["filings"].insert(
        {"id": "f9", "committee_id": "cmte-unnamed", "source": SOURCE, "report_id": "r9", "form_type": "F497",
         "amendment": 0, "filer_id": "1260867"}
    )  # fmt: skip
    add_contribution(db, "c9", "f9", 500.0, schedule="497", committee_id=None)  # as a bulk source stores it
    changed = totals.apply_totals_rules(db, SOURCE)
    assert changed["ensure_filer_committees"] == 1
    committee = db["committees"].get("cmte-unnamed")
    assert (committee["name"], committee["source"], committee["source_id"]) == ("filer 1260867", SOURCE, "1260867")
    row = next(db.query("select * from committee_totals where committee_id = 'cmte-unnamed'"))
    assert row["total_raised"] == 500.0
    assert totals.apply_totals_rules(db, SOURCE)["ensure_filer_committees"] == 0  # never replaced
