"""Look-through (recallwatch/core/lookthrough.py): a committee's money passed on to a campaign's
committee is attributed to that committee's own donors. Every figure below is worked out by hand in
the comments; the rows of each recipient add up to its counted contributions."""

import json

import pytest

from recallwatch.core.lookthrough import (
    NOTE_CYCLE,
    NOTE_LEVELS,
    NOTE_NO_RECEIPTS,
    NOTE_SHORT,
    Committees,
    committee_name_key,
    compute_lookthrough,
)
from recallwatch.core.schema import open_database

CAMPAIGN = "gascon-recall-2022"


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "recalls.db")


def committee(db, committee_id, name, campaign_id=None, fppc_id=None, position=None, side=None):
    db["committees"].insert(
        {"id": committee_id, "name": name, "source": "s", "source_id": committee_id, "fppc_id": fppc_id,
         "campaign_id": campaign_id, "position": position, "side": side}
    )  # fmt: skip


def gave(db, to, name, amount, date, entity_code="IND", donor_id=None, counted=1):
    row_id = f"{to}-{name}-{date}-{amount}"
    db["contributions"].insert(
        {"id": row_id, "filing_id": "f", "committee_id": to, "source": "s", "schedule": "A",
         "donor_id": donor_id if donor_id is not None else f"d-{name}", "contributor_name": name,
         "entity_code": entity_code, "amount": amount, "date": date, "current": 1, "counted": counted}
    )  # fmt: skip


def chain(db):
    """Alice and Bob give to H; H and Carol give to G; G gives to R (the campaign's committee) and
    later to R2; K, which holds no receipts, gives to R too."""
    committee(db, "R", "Recall Committee", CAMPAIGN, position="support", side="against")
    committee(db, "R2", "Second Recall Committee", CAMPAIGN, position="support", side="against")
    committee(db, "G", "G Political Action Committee", fppc_id="1234567")
    committee(db, "H", "H Committee & Friends")
    committee(db, "K", "K Committee")
    gave(db, "H", "Alice", 3000, "2022-01-01")
    gave(db, "H", "Bob", 1000, "2022-01-02")
    gave(db, "G", "Carol", 2000, "2022-01-15")
    gave(db, "G", "H COMMITTEE AND FRIENDS", 2000, "2022-02-01", "COM")  # matched by name
    gave(db, "G", "Dave", 1000, "2022-03-15")  # after both transfers: weighs in neither
    gave(db, "G", "Eve", 999, "2022-01-03", counted=0)  # not counted: no weight
    gave(db, "R", "G PAC (ID# 1234567)", 3000, "2022-03-01", "COM")  # matched by its FPPC id
    gave(db, "R", "K Committee", 400, "2022-03-01", "PTY")
    gave(db, "R", "Erin", 500, "2022-03-01")
    gave(db, "R", "Unknown PAC", 250, "2022-03-01", "COM")  # not a committee we hold: a donor
    gave(db, "R2", "G Political Action Committee", 3000, "2022-03-02", "COM")


def rows_of(db, recipient):
    found = db.execute(
        "SELECT name, direct_amount + passed_through_amount, path, cycle, unexplained, note FROM original_givers "
        "WHERE recipient_committee_id = ? ORDER BY levels, name, unexplained",
        [recipient],
    ).fetchall()
    return [(name, round(amount, 2), json.loads(path), cycle, unexplained, note) for name, amount, path, cycle,
            unexplained, note in found]  # fmt: skip


def assert_totals_equal_direct_totals(db):
    """The look-through totals of every recipient (and side) are its counted contributions."""
    direct = dict(db.execute(
        "SELECT cm.id, SUM(c.amount) FROM committees cm JOIN contributions c ON c.committee_id = cm.id "
        "WHERE cm.campaign_id IS NOT NULL AND c.current = 1 AND c.counted = 1 GROUP BY cm.id"
    ).fetchall())  # fmt: skip
    looked = dict(db.execute(
        "SELECT recipient_committee_id, SUM(direct_amount + passed_through_amount) FROM original_givers GROUP BY 1"
    ).fetchall())  # fmt: skip
    assert looked.keys() == direct.keys()
    for recipient, amount in direct.items():
        assert looked[recipient] == pytest.approx(amount, abs=0.005), recipient


def test_a_three_committee_chain_is_looked_through_two_levels(db):
    chain(db)
    done = compute_lookthrough(db, levels=2)
    # R's 4,150 = G's 3,000 + K's 400 + Erin's 500 + Unknown PAC's 250.
    # G had by 2022-03-01: Carol 2,000 + H's transfer 2,000 = 4,000 (Dave came later, Eve is not
    # counted), so all 3,000 is explained: Carol 3,000 x 2,000/4,000 = 1,500, H's part 1,500.
    # H had by 2022-02-01: Alice 3,000 + Bob 1,000 = 4,000 and passed on only this 2,000: Alice
    # 1,500 x 3/4 = 1,125, Bob 375. K holds no receipts: its 400 stays with K, unexplained.
    assert rows_of(db, "R") == [
        ("Erin", 500, [], 0, 0, None),
        ("K Committee", 400, [], 0, 1, NOTE_NO_RECEIPTS),
        ("Unknown PAC", 250, [], 0, 0, None),
        ("Carol", 1500, ["G Political Action Committee"], 0, 0, None),
        ("Alice", 1125, ["H Committee & Friends", "G Political Action Committee"], 0, 0, None),
        ("Bob", 375, ["H Committee & Friends", "G Political Action Committee"], 0, 0, None),
    ]
    # R2: G's second 3,000 on 2022-03-02. G had received 4,000 by then and had passed on 3,000 to R:
    # 1,000 is explained (Carol 500, H's part 500 = Alice 375 + Bob 125), 2,000 stays with G.
    assert rows_of(db, "R2") == [
        ("G Political Action Committee", 2000, [], 0, 1, NOTE_SHORT),
        ("Carol", 500, ["G Political Action Committee"], 0, 0, None),
        ("Alice", 375, ["H Committee & Friends", "G Political Action Committee"], 0, 0, None),
        ("Bob", 125, ["H Committee & Friends", "G Political Action Committee"], 0, 0, None),
    ]
    assert_totals_equal_direct_totals(db)
    assert done == {"rows": 10, "passed_through": 6}
    # each giver's rank on the side (R and R2 together): Carol 1,500 + 500 and G's 2,000 tie (by name),
    # Alice 1,125 + 375, Bob 375 + 125 and Erin 500 tie, K 400, Unknown PAC 250
    ranks = dict(db.execute("SELECT DISTINCT name, giver_rank FROM original_givers").fetchall())
    assert sorted(ranks, key=ranks.get) == [
        "Carol", "G Political Action Committee", "Alice", "Bob", "Erin", "K Committee", "Unknown PAC",
    ]  # fmt: skip
    assert sorted(ranks.values()) == list(range(1, 8))
    stored = db["original_givers"].get(
        next(db.query("SELECT id FROM original_givers WHERE name = 'Carol' LIMIT 1"))["id"]
    )
    assert (stored["campaign_id"], stored["side"], stored["position"], stored["giver_kind"]) == (
        CAMPAIGN, "against", "support", "donor",
    )  # fmt: skip
    assert stored["original_giver"] == "d-Carol" and stored["passed_through_amount"] == 1500
    assert stored["direct_amount"] == 0 and stored["levels"] == 1


def test_one_level_by_default_leaves_the_committee_behind_a_committee(db):
    chain(db)
    compute_lookthrough(db)
    # G's 3,000 to R: Carol 1,500 and H's 1,500, which stays H's (not looked through at one level)
    assert [row for row in rows_of(db, "R") if row[2]] == [
        ("Carol", 1500, ["G Political Action Committee"], 0, 0, None),
        ("H Committee & Friends", 1500, ["G Political Action Committee"], 0, 0, NOTE_LEVELS),
    ]
    assert_totals_equal_direct_totals(db)


def test_no_look_through_at_level_zero(db):
    chain(db)
    compute_lookthrough(db, levels=0)
    assert ("G Political Action Committee", 3000, [], 0, 0, NOTE_LEVELS) in rows_of(db, "R")
    assert all(not row[2] for row in rows_of(db, "R"))
    assert_totals_equal_direct_totals(db)


def test_a_cycle_is_broken_and_flagged(db):
    """Yara gives X 600 (03-01); X gives Y 300 (03-05); Zed gives Y 300 (03-02); Y gives X 600 (04-10);
    X gives R 1,000 (05-01)."""
    committee(db, "R", "Recall Committee", CAMPAIGN, position="support", side="against")
    committee(db, "X", "X Committee")
    committee(db, "Y", "Y Committee")
    gave(db, "X", "Yara", 600, "2022-03-01")
    gave(db, "Y", "Zed", 300, "2022-03-02")
    gave(db, "Y", "X Committee", 300, "2022-03-05", "COM")
    gave(db, "X", "Y Committee", 600, "2022-04-10", "COM")
    gave(db, "R", "X Committee", 1000, "2022-05-01", "COM")
    compute_lookthrough(db, levels=3)
    # X had received 600 + 600 = 1,200 by 05-01 and passed on 300 before: 900 of the 1,000 is
    # explained, 100 stays with X. The 900: Yara 900 x 600/1,200 = 450, Y's part 450.
    # Y had Zed 300 + X's 300 by 04-10 (all of its 600 to X explained): Zed 225, X's part 225,
    # which comes back to X, already on the path: it stops there, flagged.
    assert rows_of(db, "R") == [
        ("X Committee", 100, [], 0, 1, NOTE_SHORT),
        ("Yara", 450, ["X Committee"], 0, 0, None),
        ("X Committee", 225, ["Y Committee", "X Committee"], 1, 0, NOTE_CYCLE),
        ("Zed", 225, ["Y Committee", "X Committee"], 0, 0, None),
    ]
    assert_totals_equal_direct_totals(db)


def test_money_back_to_the_recipient_is_a_cycle(db):
    committee(db, "R", "Recall Committee", CAMPAIGN, position="support", side="against")
    committee(db, "X", "X Committee")
    gave(db, "R", "Ann", 1000, "2022-01-01")
    gave(db, "X", "Recall Committee", 500, "2022-01-10", "COM")
    gave(db, "X", "Ben", 500, "2022-01-11")
    gave(db, "R", "X Committee", 800, "2022-02-01", "COM")
    compute_lookthrough(db, levels=2)
    # X had 1,000 (R's 500, Ben's 500): Ben 400, and R's own 400 come back (a cycle)
    assert rows_of(db, "R") == [
        ("Ann", 1000, [], 0, 0, None),
        ("Ben", 400, ["X Committee"], 0, 0, None),
        ("Recall Committee", 400, ["X Committee"], 1, 0, NOTE_CYCLE),
    ]
    assert_totals_equal_direct_totals(db)


def test_a_committee_named_by_its_fppc_id_or_its_folded_name(db):
    committee(db, "a", "Sample Justice Fund, Inc.", fppc_id="1400001")
    committee(db, "b1", "Two Sources PAC", fppc_id="1400002")
    committee(db, "b2", "Two Sources PAC", fppc_id="1400002")
    gave(db, "b2", "Ann", 10, "2022-01-01")  # b2 holds the receipts: the one looked through
    committees = Committees(db)
    assert committee_name_key("SAMPLE JUSTICE FUND INC (FPPC #1400001)") == "sample justice fund inc"
    assert committees.giver("COM", "SAMPLE JUSTICE FUND INC") == "a"
    assert committees.giver("SCC", "Whatever Name ID# 1400001") == "a"
    assert committees.giver("PTY", "Two Sources PAC") == "b2"
    assert committees.giver("IND", "Sample Justice Fund, Inc.") is None  # a person's code: not a committee
    assert committees.giver("COM", "Another Fund") is None


def test_a_crawl_of_the_snapshot_fills_original_givers_at_the_end_of_its_run(site_db):
    db = open_database(site_db)
    assert db["original_givers"].count > 0
    assert_totals_equal_direct_totals(db)


def test_a_transfer_nothing_explains_gives_no_row_to_the_committees_donors(db):
    committee(db, "R", "Recall Committee", CAMPAIGN, position="support", side="against")
    committee(db, "G", "G Committee")
    gave(db, "G", "Ann", 100, "2022-01-01")
    gave(db, "R", "G Committee", 100, "2022-02-01", "COM")
    gave(db, "R", "G Committee", 50, "2022-02-02", "COM")
    compute_lookthrough(db)
    # G's 100 explains the first transfer (Ann); the second, with nothing left, stays with G
    assert rows_of(db, "R") == [
        ("G Committee", 50, [], 0, 1, NOTE_SHORT),
        ("Ann", 100, ["G Committee"], 0, 0, None),
    ]
    assert_totals_equal_direct_totals(db)
