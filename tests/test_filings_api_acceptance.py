"""Replaying the snapshot of the two API sources, the site answers the questions a reporter asks
of each campaign: total raised per committee, top donors and the share of the top two, donors
who gave to more than one campaign, every raw row behind a donor. The canned queries of
metadata.yml are run through Datasette itself; the expected figures are computed here from the
snapshot's JSON pages by a different route."""

import asyncio
import json

import pytest
import yaml
from datasette.app import Datasette

from tests.crawl import REPO, crawl, crawled

SNAPSHOT = REPO / "snapshot"
BOUDIN, GASCON = "boudin-recall-2021-second", "gascon-recall-2022"
COUNTED_SCHEDULES = {"A", "C"}  # and late reports (497) no Form 460 covers: none in the snapshot


def snapshot_pages(spider, marker):
    folder = SNAPSHOT / spider
    index = yaml.safe_load((folder / "recordings.yml").read_text())
    return [json.loads((folder / e["file"]).read_text()) for e in index if marker in e["url"]]


def datasf_itemized_total(filer_nid):
    """Non-memo money received, straight from the recorded DataSF page."""
    (rows,) = snapshot_pages("filings_datasf", "pitq-e56w")
    return sum(
        float(r["transaction_amount_1"])
        for r in rows
        if r["filer_nid"] == filer_nid and r["form_type"] in COUNTED_SCHEDULES and r.get("memo_code") != "X"
    )


def netfile_itemized_total(filer_local_id):
    """Money received on the latest amendment of each report, from the recorded NetFile pages."""
    (filings_page,) = snapshot_pages("filings_netfile", "list/filing")
    amended = {f["amendedFilingId"] for f in filings_page["filings"] if f["amendedFilingId"]}
    rows = [r for page in snapshot_pages("filings_netfile", "transaction/filer") for r in page["results"]]
    return sum(
        r["tran_Amt1"]
        for r in rows
        if r["filerLocalId"].endswith(filer_local_id)
        and r["form_Type"] in COUNTED_SCHEDULES
        and r["filingId"] not in amended
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("site")
    for spider in ("filings_datasf", "filings_netfile"):
        result = crawled(spider, tmp_path)
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text())
    datasette = Datasette([str(tmp_path / "recalls.db")], metadata=metadata)

    def query(name, **params):
        async def get():
            response = await datasette.client.get(f"/recalls/{name}.json", params={**params, "_shape": "array"})
            assert response.status_code == 200, response.text
            return response.json()

        return asyncio.run(get())

    query.db = result.db
    query.tmp_path = tmp_path
    return query


def by_committee(rows):
    return {r["committee"]: r for r in rows}


def test_total_raised_per_committee(site):
    boudin = by_committee(site("campaign_money", campaign=BOUDIN))
    support = boudin["Demo Neighbors for the Recall of Chesa Boudin (sample data)"]
    assert support["position"] == "support"
    assert support["itemized_total"] == datasf_itemized_total("900001") == 450500.0
    # line 5 of two Form 460 summaries, unitemized money included; the late 497 is listed again on
    # the second 460 and counted once
    assert support["total_raised"] == 349750.0 + 105400.0
    assert support["total_raised_from"] == "Form 460 summary line 5 (latest amendments) + late reports after it"
    oppose = boudin["Demo Committee to Stop the Recall of Chesa Boudin (sample data)"]
    assert oppose["position"] == "oppose"
    assert oppose["total_raised"] == oppose["itemized_total"] == datasf_itemized_total("900002") == 100500.0
    assert oppose["total_raised_from"] == "itemized contributions only (no summary page in this source)"
    assert boudin["all support committees"]["total_raised"] == support["total_raised"]

    gascon = by_committee(site("campaign_money", campaign=GASCON))
    gascon_support = gascon["Demo Committee to Recall District Attorney George Gascón 2022 (sample data)"]
    assert gascon_support["itemized_total"] == netfile_itemized_total("770001") == 105250.0  # amendment only
    assert gascon["Demo Coalition Against the Recall of George Gascón (sample data)"]["total_raised"] == 41000.0


def test_top_donors_and_the_share_of_the_top_two(site):
    rows = [r for r in site("top_donors", campaign=BOUDIN) if r["position"] == "support"]
    assert [r["donor"] for r in rows[:2]] == ["Fictitious, Bartholomew", "Example Realty Partners, L.P."]
    assert rows[0]["given"] == 150000.0 + 50000.0  # two Form 460s; the late 497 of the second not again
    assert rows[1]["given"] == 120000.0 + 30000.0  # "EXAMPLE REALTY PARTNERS LP" + "Example Realty Partners, L.P."
    side_total = 455150.0
    assert rows[0]["top_two_pct"] == round(100 * 350000.0 / side_total, 1) == rows[1]["cumulative_pct"]
    refunded = next(r for r in rows if r["donor"] == "DOE-SAMPLE, JORDAN")
    assert (refunded["given"], refunded["contributions"]) == (0.0, 2)  # 1,000 given, 1,000 returned
    assert "EXAMPLE PAYMENT PROCESSOR CO" not in {r["donor"] for r in rows}  # memo entry


def test_donors_who_gave_to_more_than_one_campaign(site):
    rows = {r["donor"]: r for r in site("cross_campaign_donors")}
    assert set(rows) == {
        "Fictitious, Bartholomew",
        "Quillfeather, Zephyrine",
        "Acme Example Holdings, L.L.C.",
        "Sample Justice Fund",
    }
    quillfeather = rows["Quillfeather, Zephyrine"]
    assert quillfeather["total_given"] == 50000.0 + 25000.0 + 10000.0
    assert quillfeather["spellings"] == 3
    # Pat Example of San Francisco (a baker) and Pat Example of Los Angeles are two people
    assert site.db["donors"].count_where("match_key like 'person|example|pat|%'") == 2


def test_every_row_behind_a_donor(site):
    donor_id = site.db.execute("select id from donors where name = 'Quillfeather, Zephyrine'").fetchone()[0]
    rows = site("donor", donor=donor_id)
    assert sorted(r["name_as_filed"] for r in rows) == [
        "QUILLFEATHER, ZEPHYRINE",
        "QUILLFEATHER, ZEPHYRINE Q.",
        "Quillfeather, Zephyrine",
        "Quillfeather, Zephyrine",
    ]
    superseded = [r for r in rows if not r["counts_in_totals"]]
    assert [(r["latest_amendment"], r["amendment"]) for r in superseded] == [(0, 0)]
    assert sum(r["amount"] for r in rows if r["counts_in_totals"]) == 85000.0
    assert all(r["fetched_from"].startswith("https://") and r["sha256"] for r in rows)
    assert all(r["filed_document"] for r in rows)


def test_new_contributions(site):
    rows = site("new_contributions", since="2022-05-01", min_amount="25000")
    assert {(r["donor"], r["amount"]) for r in rows} == {
        ("Fictitious, Bartholomew", 50000.0),  # made 2022-05-19
        ("Fictitious, Bartholomew", 75000.0),  # on the amendment filed 2022-06-02
        ("Quillfeather, Zephyrine", 25000.0),  # filed 2022-06-10
        ("Example Realty Partners, L.P.", 30000.0),
    }


def test_crawling_again_changes_nothing(site):
    before = {t: site.db[t].count for t in ("committees", "filings", "contributions", "donors", "filing_summaries")}
    donors_before = {r["id"]: r["name"] for r in site.db["donors"].rows}
    for spider in ("filings_netfile", "filings_datasf"):  # the other order this time
        assert crawl(spider, site.tmp_path).returncode == 0
    assert {t: site.db[t].count for t in before} == before
    assert {r["id"]: r["name"] for r in site.db["donors"].rows} == donors_before


def test_a_late_report_listed_again_shows_why_it_does_not_count(site):
    donor_id = site.db.execute("select id from donors where name = 'Fictitious, Bartholomew'").fetchone()[0]
    rows = site("donor", donor=donor_id)
    (late,) = [r for r in rows if r["schedule"] == "497"]
    assert late["counts_in_totals"] == 0
    assert late["not_counted_reason"].startswith("late report, listed again on the Form 460")
    assert sum(r["amount"] for r in rows if r["counts_in_totals"]) == 150000.0 + 50000.0 + 75000.0
