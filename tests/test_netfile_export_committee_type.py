"""A committee's type comes from its latest report that states one: a Summary sheet line may leave
Committee_Type blank (the snapshot's Summary sheet has no such column), so a committee whose latest
report is a summary line kept no type, and the yearly exports of the same committee wrote its row
differently (whichever was read last won)."""

from datetime import date

from recallwatch.parsers.netfile_xlsx import Export, committees_in, open_workbook
from tests.netfile_workbook import efile_workbook


def test_the_type_comes_from_the_latest_report_that_states_one():
    filer = {"Filer_ID": "1449301", "Filer_NamL": "Neighbors for Public Safety (sample data)"}
    workbook = efile_workbook(
        {
            "A-Contributions": [
                {**filer, "Committee_Type": "RCP", "Rpt_Date": date(2022, 1, 31), "Thru_Date": date(2021, 12, 31)}
            ],
            "Summary": [{**filer, "Rpt_Date": date(2022, 4, 28), "Thru_Date": date(2022, 4, 23)}],
        }
    )
    [(committee, covered)] = list(committees_in(open_workbook(workbook), Export("SFO", "efile_SFO_2022.zip")))
    assert committee["committee_type"] == "RCP"
    assert committee["name"] == "Neighbors for Public Safety (sample data)"
    assert covered == "2022-04-23"
