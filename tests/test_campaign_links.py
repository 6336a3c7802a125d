"""Campaign links from the filings' own fields (measure, candidate, office, support/oppose) before
the committee's name: CAL-ACCESS cover pages and CVR2 rows, NetFile export 496 rows; and the
independent expenditures of the NetFile export's 496 sheet."""

import pytest

from recallwatch.core.items import Committee, ContributionMade, IndependentExpenditure, Rejected
from recallwatch.core.watchlist import Watchlist
from recallwatch.parsers.calaccess import COMMITTEE_FIELDS
from recallwatch.parsers.netfile_xlsx import Export, open_workbook, parse_workbook
from settings import WATCHLIST as WATCHLIST_PATH
from tests.netfile_workbook import efile_workbook, real_rows
from tests.test_parser_calaccess import batches, joined_tables, lines_of, read, table_bytes, with_values
from tests.test_parser_netfile_xlsx import BRK_2017, of_type

WATCHLIST = Watchlist.load(WATCHLIST_PATH)
BOUDIN_MEASURE = "Recall of District Attorney Chesa Boudin"


def calaccess_link(filer_id, name, on_date, **named):
    return WATCHLIST.link("filings_calaccess", filer_id, name, on_date, **named)


def committees_of(outputs):
    return {row[3]: dict(zip(COMMITTEE_FIELDS, row, strict=True)) for row in batches(outputs, Committee)}


# -- CAL-ACCESS


def test_a_cover_pages_measure_links_its_committee_before_its_name():
    """The real cover page of the Family Action PAC (filer 1225424), with the ballot measure fields
    of a committee against the Boudin recall: linked by measure, its name matches no pattern."""
    header, (chiang, family, miguda) = lines_of("CVR_CAMPAIGN_DISCLOSURE_CD")
    measure = with_values(header, family, BAL_NAME=BOUDIN_MEASURE, BAL_NUM="H", SUP_OPP_CD="O",
                          THRU_DATE="3/31/2022 12:00:00 AM")  # fmt: skip
    covers = table_bytes(header, [chiang, measure, miguda])
    _, outputs = read(joined_tables(CVR_CAMPAIGN_DISCLOSURE_CD=covers), link=calaccess_link)
    family_pac = committees_of(outputs)["1225424"]
    assert (family_pac["campaign_id"], family_pac["position"], family_pac["side"], family_pac["linked_by"]) == (
        "boudin-recall-2021-second",
        "oppose",
        "for",  # opposing the recall is for the prosecutor
        "ballot measure",
    )
    chiang_committee = committees_of(outputs)["1276675"]
    assert chiang_committee["campaign_id"] is None and chiang_committee["linked_by"] is None


def test_a_cover_pages_cvr2_measure_links_it_too():
    """A CVR2 row (real format: the header of ../shared/samples/calaccess_extra) listing the measure
    of the 2011 Family Action PAC report (filing 1605244)."""
    header = (
        b"FILING_ID\tAMEND_ID\tLINE_ITEM\tREC_TYPE\tFORM_TYPE\tTRAN_ID\tENTITY_CD\tTITLE\tMAIL_CITY\tMAIL_ST\t"
        b"MAIL_ZIP4\tF460_PART\tCMTE_ID\tENTY_NAML\tENTY_NAMF\tENTY_NAMT\tENTY_NAMS\tENTY_CITY\tENTY_ST\tENTY_ZIP4\t"
        b"ENTY_PHON\tENTY_FAX\tENTY_EMAIL\tTRES_NAML\tTRES_NAMF\tTRES_NAMT\tTRES_NAMS\tCONTROL_YN\tOFFICE_CD\t"
        b"OFFIC_DSCR\tJURIS_CD\tJURIS_DSCR\tDIST_NO\tOFF_S_H_CD\tBAL_NAME\tBAL_NUM\tBAL_JURIS\tSUP_OPP_CD"
    )
    blank = b"\t".join([b""] * len(header.split(b"\t")))
    row = with_values(header, blank, FILING_ID="1605244", AMEND_ID="0", LINE_ITEM="1", REC_TYPE="CVR2",
                      FORM_TYPE="F460", ENTITY_CD="BNM", BAL_NAME=BOUDIN_MEASURE, SUP_OPP_CD="S")  # fmt: skip
    _, outputs = read(joined_tables(CVR2_CAMPAIGN_DISCLOSURE_CD=table_bytes(header, [row])), link=calaccess_link)
    family_pac = committees_of(outputs)["1225424"]
    assert (family_pac["campaign_id"], family_pac["position"], family_pac["side"], family_pac["linked_by"]) == (
        "boudin-recall-2021-second",
        "support",
        "against",
        "ballot measure",
    )


def test_a_name_alone_still_links_by_the_name_pattern():
    header, (chiang, family, miguda) = lines_of("CVR_CAMPAIGN_DISCLOSURE_CD")
    named = with_values(header, family, FILER_NAML="Recall District Attorney George Gascon",
                        THRU_DATE="3/31/2022 12:00:00 AM")  # fmt: skip
    covers = table_bytes(header, [chiang, named, miguda])
    _, outputs = read(joined_tables(CVR_CAMPAIGN_DISCLOSURE_CD=covers), link=calaccess_link)
    recall = committees_of(outputs)["1225424"]
    assert (recall["campaign_id"], recall["position"], recall["linked_by"]) == (
        "gascon-recall-2022",
        "support",
        "name pattern",
    )


# -- NetFile export


def parse(xlsx, watchlist=WATCHLIST):
    export = Export("BRK", "https://example.org/efile_BRK_2017.zip")
    return list(parse_workbook(open_workbook(xlsx), export, watchlist=watchlist))


def test_the_real_496_rows_and_schedule_d_lines_coded_ind_are_independent_expenditures():
    items = parse(BRK_2017.read_bytes())
    spent = [item for item in of_type(items, IndependentExpenditure) if item["form"] == "F496"]
    assert len(spent) == 9
    # 2,452.80 + 4,034.32 + 3,872.95 + 377.91 + 9,450.42 + 341.71 + 377.90 + 9,450.42 + 341.71
    assert round(sum(item["amount"] for item in spent), 2) == 30700.14
    # the same three expenditures of 2017 listed again on Schedule D (the end of the run counts them once)
    again = [item for item in of_type(items, IndependentExpenditure) if item["form"] == "D"]
    assert sorted((item["amount"], item["date"]) for item in again) == [
        (2452.8, "2017-02-22"),
        (3872.95, "2017-02-03"),
        (4034.32, "2017-02-15"),
    ]
    assert {item["payee"] for item in again} == {"Para Digital", "Harrison (I), Kate"}
    harrison = next(item for item in spent if item["tran_id"] == "PDT33")
    assert (harrison["target_name"], harrison["date"], harrison["description"], harrison["form"]) == (
        "Kate Harrison",
        "2017-02-15",
        "Mailer",
        "F496",
    )
    assert harrison["campaign_id"] is None  # a Berkeley council race: no campaign of the watchlist
    assert all(item["committee_id"] for item in spent)


def test_the_real_schedule_d_contributions_are_contributions_made():
    made = of_type(parse(BRK_2017.read_bytes()), ContributionMade)
    assert len(made) == 14  # the 17 Schedule D lines but the 3 coded IND; no 497 part 2 in this export
    # 1,000 + 100 + 250 + 50 + 200 + 150 + 250 + 88 + 250 + 250 + 200 + 200 + 250 + 100
    assert sum(item["amount"] for item in made) == 3338.0
    omalley = next(item for item in made if item["amount"] == 1000.0)
    assert (omalley["recipient_name"], omalley["form"], omalley["date"], omalley["recipient_source_id"]) == (
        "Nancy O'Malley for District Attorney 2018",
        "D",
        "2017-09-25",
        None,
    )
    assert omalley["giver_committee_id"]  # the filer of the Form 460


def test_a_496_row_against_the_boudin_recall_links_the_expenditure_not_its_committee():
    (real,) = real_rows("496", 1, export=BRK_2017)
    row = {**real, "Filer_ID": "1999001", "Filer_NamL": "Neighbors Against the Recall",
           "Bal_Name": BOUDIN_MEASURE, "Bal_Num": "H", "Sup_Opp_Cd": "O", "Exp_Date": "2022-05-02",
           "Rpt_Date": "2022-05-03", "Amount": 12500, "Tran_ID": "IE1"}  # fmt: skip
    items = parse(efile_workbook({"496": [row]}))
    (spent,) = of_type(items, IndependentExpenditure)
    assert (spent["campaign_id"], spent["position"], spent["side"], spent["linked_by"]) == (
        "boudin-recall-2021-second",
        "oppose",
        "for",
        "ballot measure",
    )
    assert (spent["target_name"], spent["amount"]) == (f"{BOUDIN_MEASURE} H", 12500.0)
    (committee,) = of_type(items, Committee)
    assert "campaign_id" not in committee  # what it spent on is not what it is for
    export = Export("BRK", "https://example.org/efile_BRK_2017.zip")
    scheduled = parse_workbook(open_workbook(efile_workbook({"496": [row]})), export, WATCHLIST, keep_all=False)
    assert len(of_type(list(scheduled), IndependentExpenditure)) == 1  # a scheduled run keeps the spender


@pytest.mark.parametrize("sheet", ["496", "D-Expenditure"])
@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e308", "10000000000"])
def test_hostile_amounts_of_netfile_money_paid_out_are_rejected(sheet, amount):
    (real,) = real_rows(sheet, 1, export=BRK_2017)
    items = parse(efile_workbook({sheet: [{**real, "Amount": amount}]}))
    assert of_type(items, IndependentExpenditure) == [] and of_type(items, ContributionMade) == []
    (reject,) = [item for item in items if isinstance(item, Rejected)]
    assert reject.reason.startswith(f"{sheet} row 2: amount ") and reject.item_type in (
        "independent_expenditures",
        "contributions_made",
    )
