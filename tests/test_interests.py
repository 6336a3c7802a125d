"""Who the money is (recallwatch/core/interests.py, donor_interests.py): labelled real givers one by
one, hostile names, the curated file, and the end-of-run step over a database."""

import pytest
import yaml

from recallwatch.core.donor_interests import classify_donors
from recallwatch.core.interests import Giver, Interests, classify
from recallwatch.core.schema import open_database
from recallwatch.parsers.news_relevance import donor_spellings
from tests.crawl import FIXTURES, crawl, file_url
from tests.interest_labels import giver_of, load_labels

CURATED = Interests.load("data/interests.yml")
LABELS = {(row["source_file"], row["row"]): row for row in load_labels()}
PHILADELPHIA = "philadelphia/records_ftp_2011_cycle6/"


@pytest.mark.parametrize(
    ("source_file", "row", "interest", "sector"),
    [
        # police unions, whatever code they are filed under
        ("calaccess/RCPT_CD.TSV", "742", "law enforcement", "law enforcement"),  # LA Police Protective League PAC
        ("calaccess/S497_CD.TSV", "364", "law enforcement", "law enforcement"),  # CA Association of Highway Patrolmen
        ("calaccess/S497_CD.TSV", "553", "law enforcement", "law enforcement"),  # Torrance Police Officers Assn. PAC
        # a party filed as COM, and as PTY; a ward committee; a candidate's year-named committee
        ("calaccess/S497_CD.TSV", "16", "party", None),
        ("calaccess/S497_CD.TSV", "799", "party", None),
        (PHILADELPHIA + "Philadelphia Democratic Campaign Committee Of/20111206/contrib.txt", "8", "party", None),
        (PHILADELPHIA + "Philadelphia Democratic Campaign Committee Of/20111206/contrib.txt", "44", "candidate", None),
        (PHILADELPHIA + "26TH WARD DEMOCRATIC EXECUTIVE COMMITTEE/20111208/contrib.txt", "2", "candidate", None),
        ("calaccess/S497_CD.TSV", "70", "candidate", None),  # Kuehl For Senate
        ("calaccess/S497_CD.TSV", "743", "candidate", None),  # Friends of the Sheriff: not a sheriffs' union
        # a union known by its initials (IBEW COPE) in a Pennsylvania section IC
        (PHILADELPHIA + "Philadelphia Democratic Campaign Committee Of/20111206/contrib.txt", "28", "labor", None),
        # credit unions and railroads named Union are businesses
        ("calaccess/S497_CD.TSV", "327", "business", "finance"),
        ("calaccess/RCPT_CD.TSV", "618", "business", "transport"),
        ("calaccess/EXPN_CD.TSV", "854", "business", None),  # Sir Michaels Party Rentals: no party
        # a ballot measure coalition naming both parties
        ("calaccess/S497_CD.TSV", "814", "ideological", None),
        # people: a police officer is an individual in law enforcement; a person filed as OTH
        ("calaccess/RCPT_CD.TSV", "690", "individual", "law enforcement"),
        ("calaccess/RCPT_CD.TSV", "426", "individual", "transport"),
        ("philadelphia/carto_campfin_contributions_sample_2026-04-25.json", "3", "individual", None),
        # an Illinois transfer in (2A) from a committee whose name says nothing: unknown, not guessed
        ("illinois/Receipts_sample.txt", "2", "unknown", None),
    ],
)
def test_labelled_givers(source_file, row, interest, sector):
    labelled = LABELS[(source_file, row)]
    assert labelled["interest"] == interest  # the label itself, so the case reads as what it checks
    found = classify(giver_of(labelled), CURATED)
    assert (found.interest, found.sector) == (interest, sector), found


@pytest.mark.parametrize(
    ("giver", "interest"),
    [
        (Giver("SHERIFF, JOHN", "IND", occupation="Attorney"), "individual"),  # a surname, not an office
        (Giver("Police, Mary", kind="person"), "individual"),  # no code: a person's own name never decides
        (Giver("Union Bank of California", "OTH"), "business"),
        (Giver("Western Union Company", "OTH"), "business"),
        (Giver("Copeland Realty Inc", "OTH"), "business"),  # COPE is a whole word only
        (Giver("Unionville Farms", "OTH"), "business"),
        (Giver("Metro Democratic Socialists of America", "COM"), "ideological"),
        (Giver("Police Accountability Now", "COM"), "ideological"),
        (Giver("PÓLICE OFFICERS' ASS'N OF SAN JOSÉ", "COM"), "law enforcement"),  # accents, case, punctuation
        (Giver("Villanueva for Sheriff 2022", "COM"), "candidate"),
        (Giver("Committee to Elect a Police Chief", "COM"), "candidate"),
        (Giver("Friends of the Earth Action", "COM"), "unknown"),  # not a candidate's friends
        (Giver("Fraternal Order of Police Lodge 5", None, entity_code_raw="Union"), "law enforcement"),
        (Giver("Sir Michaels Party Rentals", "OTH"), "business"),
        (Giver("", None), "unknown"),
        (Giver("\x00;DROP TABLE donors", None), "unknown"),
    ],
)
def test_hostile_names(giver, interest):
    assert classify(giver, CURATED).interest == interest


def test_the_curated_file_wins_and_a_reporter_can_correct_a_rule(tmp_path):
    found = classify(Giver("L.A. POLICE PROTECTIVE LEAGUE", "COM"), CURATED)
    assert (found.interest, found.rule, found.confidence) == ("law enforcement", "curated:lappl", 1.0)
    assert classify(Giver("Union Pacific Railroad", "OTH")).interest == "business"
    correction = {"givers": [{"id": "up", "name": "UNION PACIFIC RAILROAD", "interest": "labor",
                              "source": "https://example.org/why"}]}  # fmt: skip
    path = tmp_path / "interests.yml"
    path.write_text(yaml.safe_dump(correction))
    assert classify(Giver("Union Pacific Railroad", "OTH"), Interests.load(path)).interest == "labor"


@pytest.mark.parametrize(
    "entry",
    [
        {"id": "x", "name": "X PAC", "interest": "labor"},  # no source
        {"id": "x", "name": "X PAC", "interest": "lobby", "source": "https://example.org"},  # no such class
    ],
)
def test_a_curated_entry_needs_a_source_and_a_known_class(tmp_path, entry):
    path = tmp_path / "interests.yml"
    path.write_text(yaml.safe_dump({"givers": [entry]}))
    with pytest.raises(ValueError):
        Interests.load(path)


def giving_database(tmp_path):
    db = open_database(str(tmp_path / "recalls.db"))
    committees = [  # id, campaign, side
        ("c-for", "boudin-recall", "against"),
        ("c-for-2", "boudin-recall", "against"),
        ("c-no", "boudin-recall", "for"),
        ("c-free", None, None),
    ]
    db["committees"].insert_all(
        {"id": id_, "name": id_, "source": "t", "source_id": id_, "campaign_id": campaign, "side": side}
        for id_, campaign, side in committees
    )
    db["donors"].insert_all(
        [
            {"id": "d-police", "name": "San Francisco Police Officers Association PAC", "kind": "organization"},
            {"id": "d-person", "name": "OBERNDORF, WILLIAM", "kind": "person"},
            {"id": "d-split", "name": "Acme Realty LLC", "kind": "organization"},
            {"id": "d-none", "name": "Never Gave", "kind": "person"},
        ]
    )
    rows = [
        # d-police: 60,000 + 50,000 to two committees on one side = 110,000: a mega donor
        ("d-police", "c-for", 60_000, 1, 1, "COM", None, None),
        ("d-police", "c-for-2", 50_000, 1, 1, "COM", None, None),
        # d-person: 90,000 counted; 50,000 more not counted (superseded amendment): not a mega donor
        ("d-person", "c-for", 90_000, 1, 1, "IND", "Self", "Investor"),
        ("d-person", "c-for", 50_000, 0, 0, "IND", "Self", "Investor"),
        # d-split: 60,000 on each side: 120,000 in all, but under 100,000 to either side
        ("d-split", "c-for", 60_000, 1, 1, "OTH", None, None),
        ("d-split", "c-no", 60_000, 1, 1, "OTH", None, None),
        ("d-split", "c-free", 500_000, 1, 1, "OTH", None, None),  # no campaign: no side
    ]
    db["contributions"].insert_all(
        {"id": f"x{i}", "filing_id": "f", "source": "t", "schedule": "A", "contributor_name": "n", "donor_id": d,
         "committee_id": c, "amount": a, "current": cur, "counted": cnt, "entity_code": code, "employer": emp,
         "occupation": occ}
        for i, (d, c, a, cur, cnt, code, emp, occ) in enumerate(rows)
    )  # fmt: skip
    return db


def test_every_donor_gets_a_class_and_mega_donors_are_per_side_of_a_campaign(tmp_path):
    db = giving_database(tmp_path)
    done = classify_donors(db, CURATED, 100_000)
    assert done == {"classified": 4, "mega_donors": 1}
    donors = {row["id"]: row for row in db["donors"].rows}
    assert donors["d-police"]["interest"] == "law enforcement"
    assert donors["d-police"]["mega_donor"] == 1
    assert donors["d-police"]["counted_total"] == 110_000
    assert (donors["d-person"]["interest"], donors["d-person"]["interest_rule"]) == (
        "individual",
        "curated:william-oberndorf",
    )
    assert donors["d-person"]["mega_donor"] == 0
    assert donors["d-person"]["counted_total"] == 90_000  # the uncounted 50,000 left out
    assert (donors["d-split"]["interest"], donors["d-split"]["sector"]) == ("business", "real estate")
    assert donors["d-split"]["mega_donor"] == 0
    assert donors["d-none"]["interest"] == "individual" and donors["d-none"]["counted_total"] == 0
    # idempotent: a second pass writes nothing
    assert classify_donors(db, CURATED, 100_000) == {"classified": 0, "mega_donors": 1}
    # incremental: a new counted 10,000 takes d-person to 100,000 on one side
    db["contributions"].insert(
        {"id": "new", "filing_id": "f", "source": "t", "schedule": "A", "contributor_name": "n",
         "donor_id": "d-person", "committee_id": "c-for", "amount": 10_000, "current": 1, "counted": 1}
    )  # fmt: skip
    assert classify_donors(db, CURATED, 100_000) == {"classified": 1, "mega_donors": 2}
    assert db["donors"].get("d-person")["mega_donor"] == 1
    # the threshold is a setting: lower, d-split's 60,000 on a side counts
    classify_donors(db, CURATED, 50_000)
    assert db["donors"].get("d-split")["mega_donor"] == 1


def test_a_filings_crawl_classifies_every_donor(tmp_path):
    export = f"url={file_url(FIXTURES / 'filings_calaccess' / 'samples')}"
    result = crawl("filings_calaccess", tmp_path, export, settings={"MEGA_DONOR_THRESHOLD": "1000"})
    assert result.returncode == 0, result.output[-3000:]
    db = result.db
    assert db["donors"].count > 0
    assert db["donors"].count_where("interest is null or interest_rule is null or mega_donor is null") == 0
    assert "'recallwatch/end_of_run/classify_donors'" in result.output


NEWS_PAGE = FIXTURES / "news" / "donor_story.html"


def test_a_story_naming_a_big_donor_is_linked_to_it(tmp_path):
    """The news spider reads the donors at or over DONOR_MENTION_THRESHOLD (10,000 by default) from
    the database as it starts; the story names two of them in full and a small donor."""
    db = open_database(str(tmp_path / "recalls.db"))
    db["donors"].insert_all(
        [
            {"id": "d-oberndorf", "name": "OBERNDORF, WILLIAM E.", "kind": "person", "counted_total": 600_000},
            {"id": "d-neighbors", "name": "Neighbors for a Better San Francisco", "kind": "organization",
             "counted_total": 1_800_000},
            # named in the story ("Jean Fichtenkort") but under the threshold: not linked
            {"id": "d-small", "name": "Fichtenkort, Jean", "kind": "person", "counted_total": 300},
            # over the threshold, but the story names only a longer word ("Oberndorfs" does not occur)
            {"id": "d-surname", "name": "OBERNDORF, ANNA", "kind": "person", "counted_total": 50_000},
        ]
    )  # fmt: skip
    db.conn.close()
    result = crawl("news", tmp_path, f"url={file_url(NEWS_PAGE)}")
    assert result.returncode == 0, result.output[-3000:]
    mentions = {(row["entity_type"], row["entity_id"]) for row in result.db["article_mentions"].rows}
    assert {("donor", "d-oberndorf"), ("donor", "d-neighbors")} <= mentions
    assert ("donor", "d-small") not in mentions and ("donor", "d-surname") not in mentions
    assert ("target", "chesa-boudin") in mentions


def test_donor_spellings_are_full_names_only():
    assert donor_spellings("OBERNDORF, WILLIAM E.", "person") == ["WILLIAM E. OBERNDORF", "WILLIAM OBERNDORF"]
    assert donor_spellings("Geoffrey Palmer", "person") == ["Geoffrey Palmer"]
    assert donor_spellings("PALMER", "person") == []  # a surname alone
    assert donor_spellings("Acme PAC", "organization") == []  # too short to be told from other words
    assert donor_spellings("Neighbors for a Better San Francisco", "organization") == [
        "Neighbors for a Better San Francisco"
    ]
