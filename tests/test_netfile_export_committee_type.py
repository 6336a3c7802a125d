"""A committee's type comes from its latest report that states one: the Summary sheet has no
Committee_Type column, so a committee whose latest report is a summary line kept no type, and the
yearly exports of the same committee wrote its row differently (whichever was read last won)."""

from crawlers.filings_netfile_export import Export, committees_in


class Sheet:
    def __init__(self, rows):
        self.rows = rows

    def iter_rows(self):
        header = sorted({key for row in self.rows for key in row})
        yield header
        for row in self.rows:
            yield [row.get(key, "") for key in header]


class Workbook:
    def __init__(self, sheets):
        self.sheets = sheets
        self.sheet_names = list(sheets)

    def get_sheet_by_name(self, name):
        return Sheet(self.sheets[name])


def test_the_type_comes_from_the_latest_report_that_states_one():
    filer = {"Filer_ID": "1449301", "Filer_NamL": "Neighbors for Public Safety (sample data)"}
    workbook = Workbook(
        {
            "A-Contributions": [
                {**filer, "Committee_Type": "RCP", "Rpt_Date": "2022-01-31", "Thru_Date": "2021-12-31"}
            ],
            "Summary": [{**filer, "Rpt_Date": "2022-04-28", "Thru_Date": "2022-04-23"}],
        }
    )
    [(committee, covered)] = list(committees_in(workbook, Export("SFO", "efile_SFO_2022.zip")))
    assert committee["committee_type"] == "RCP"
    assert committee["name"] == "Neighbors for Public Safety (sample data)"
    assert covered == "2022-04-23"
