from recallwatch.core.ids import fold, stable_id
from recallwatch.core.watchlist import Watchlist
from tests.crawl import REPO

WATCHLIST = Watchlist.load(REPO / "data" / "watchlist.yml")


def test_targets_are_found_accent_and_case_insensitively_on_whole_words():
    assert WATCHLIST.targets_mentioned("Recall of D.A. GASCON fails") == ["george-gascon"]
    assert WATCHLIST.targets_mentioned("Gascón and Boudin") == ["george-gascon", "chesa-boudin"]
    assert WATCHLIST.targets_mentioned("Gasconade County news") == []


def test_recall_committees_are_linked_to_the_campaign_of_their_dates_with_a_position():
    name = "Recall District Attorney George Gascón"
    assert WATCHLIST.committee_campaign(name, "2022-03-31") == ("gascon-recall-2022", "support")
    assert WATCHLIST.committee_campaign(name, "2021-06-30") == ("gascon-recall-2021", "support")
    assert WATCHLIST.committee_campaign("Stop the Recall of Chesa Boudin", "2021-12-31") == (
        "boudin-recall-2021-second",
        "oppose",
    )
    assert WATCHLIST.committee_campaign("Friends of the Library", "2022-01-01") == (None, None)


def test_ids_are_stable_and_folding_removes_accents():
    assert stable_id("a", 1, None) == stable_id("a", "1", "")
    assert fold("GASCÓN") == "gascon"


def test_link_ties_a_candidate_committee_to_the_election_of_its_date_and_side():
    foxx = WATCHLIST.link(candidate="FOXX KIMBERLY M", office="State's Attorney", on_date="2019-12-31")
    assert (foxx.campaign_id, foxx.position, foxx.side, foxx.linked_by) == (
        "foxx-primary-2020",
        "support",
        "for",
        "candidate",
    )
    # an opponent's committee opposes the prosecutor's election; the general has another opponent
    conway = WATCHLIST.link(candidate="CONWAY WILLIAM", office="Cook County State's Attorney", on_date="2020-02-01")
    assert (conway.campaign_id, conway.side) == ("foxx-primary-2020", "against")
    assert WATCHLIST.link(candidate="Pat O'Brien", on_date="2020-10-01").campaign_id == "foxx-general-2020"
    # the office words must fit: a Conway running for another office is not tied
    assert WATCHLIST.link(candidate="William Conway", office="Alderman", on_date="2020-02-01").campaign_id is None
    # outside any election's dates nothing ties it
    assert WATCHLIST.link(candidate="Kim Foxx", on_date="2023-01-01").campaign_id is None


def test_link_reads_an_expenditure_against_an_opponent_as_for_the_prosecutor():
    against_vega = WATCHLIST.link(candidate="Carlos Vega", on_date="2021-05-01", support_oppose="O", ie=True)
    assert (against_vega.campaign_id, against_vega.position, against_vega.side, against_vega.linked_by) == (
        "krasner-primary-2021",
        "support",
        "for",
        "ie target",
    )


def test_link_order_curated_then_measure_then_name_pattern():
    curated = WATCHLIST.link(name="PROTECT OUR POLICE PAC")
    assert (curated.campaign_id, curated.position, curated.side, curated.linked_by) == (
        "krasner-primary-2021",
        "oppose",
        "against",
        "curated",
    )
    measure = WATCHLIST.link(
        name="Committee for Safe Streets", measure="Recall of Chesa Boudin", on_date="2022-01-01", support_oppose="O"
    )
    assert (measure.campaign_id, measure.position, measure.side, measure.linked_by) == (
        "boudin-recall-2021-second",
        "oppose",
        "for",
        "ballot measure",
    )
    named = WATCHLIST.link(name="Recall District Attorney George Gascón", on_date="2022-03-31")
    assert (named.campaign_id, named.side, named.linked_by) == ("gascon-recall-2022", "against", "name pattern")
    assert WATCHLIST.link(name="Friends of the Library").campaign_id is None
