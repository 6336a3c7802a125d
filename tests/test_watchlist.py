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
