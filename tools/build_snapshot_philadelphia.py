"""Build the snapshot of filings_philadelphia: Carto CSV exports of campfin_transactions (the
documented columns, recallwatch/parsers/philadelphia.TRANSACTION_COLUMNS; UTC `Z` timestamps of
local midnight) for the report years the watchlist lists, holding SAMPLE data.

    .venv/bin/python tools/build_snapshot_philadelphia.py

- 2021: Krasner's committee (candidate fields: District Attorney), Carlos Vega's committee, a
  retired-police PAC that gives to Vega and pays for a mailer against Krasner (an independent
  expenditure), and a mega-donor giving to that PAC; a 24-hour report whose contribution the next
  periodic report lists again (counted once).
- 2017: Krasner's committee and an opponent's (Joe Khan).

Committees are named "(sample data)", every donor is obviously fictional; the election dates are
the real ones. Each file is recorded with `scrapy record` at the URL the spider requests.
"""

import csv
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawlers.filings_philadelphia import DEFAULTS, QUERY  # noqa: E402
from recallwatch.parsers.philadelphia import TRANSACTION_COLUMNS  # noqa: E402
from tools.build_filings_snapshot import record  # noqa: E402

CYCLES = {  # code: (name, start, end, due) of the 2021 and 2017 primaries' reports
    2021: {
        "1": ("Sixth Tuesday Pre-Primary", "2021-01-01", "2021-03-29", "2021-04-06"),
        "2": ("Second Friday Pre-Primary", "2021-03-30", "2021-05-03", "2021-05-07"),
        "10": ("24 Hour Report Pre-Primary", "2021-05-04", "2021-05-18", "2021-05-11"),
        "3": ("Thirty Day Post-Primary", "2021-05-04", "2021-06-07", "2021-06-17"),
    },
    2017: {
        "1": ("Sixth Tuesday Pre-Primary", "2017-01-01", "2017-03-27", "2017-04-04"),
        "2": ("Second Friday Pre-Primary", "2017-03-28", "2017-05-01", "2017-05-05"),
    },
}
ELECTIONS = {2021: "2021-05-18", 2017: "2017-05-16"}

# filer id: (name, type, candidate, office)
COMMITTEES = {
    "9921001": ("Krasner for District Attorney 2021 (sample data)", "Candidate", "LAWRENCE S KRASNER",
                "District Attorney"),
    "9921002": ("Vega for District Attorney (sample data)", "Candidate", "CARLOS VEGA", "District Attorney"),
    "9921003": ("Imaginary Retired Officers PAC (sample data)", "Other PAC", "", ""),
    "9917001": ("Krasner for District Attorney 2017 (sample data)", "Candidate", "LAWRENCE S KRASNER",
                "District Attorney"),
    "9917002": ("Friends of Joe Khan (sample data)", "Candidate", "JOSEPH KHAN", "District Attorney"),
}  # fmt: skip

# (name, type, city, zip, occupation, employer)
DONORS = {
    "zebulon": ("FICTITIOUS-DONOR ZEBULON", "Individual", "PHILADELPHIA", "19103", "DEVELOPER", "IMAGINARY REALTY"),
    "ada": ("TESTPERSON ADA", "Individual", "PHILADELPHIA", "19147", "NURSE", "SAMPLE HOSPITAL"),
    "quinn": ("PLACEHOLDER QUINN", "Individual", "PITTSBURGH", "15213", "CONSULTANT", "SELF"),
    "morgan": ("NOBODY MORGAN", "Individual", "PHILADELPHIA", "19130", "RETIRED", "RETIRED"),
    "mega": ("MONEYBAGS-EXAMPLE MORDECAI", "Individual", "NEW YORK", "10001", "INVESTOR", "EXAMPLE CAPITAL FUND"),
    "union": ("LOCAL 000 SAMPLE WORKERS PAC", "Political Committee", "PHILADELPHIA", "19107", "", ""),
    "printer": ("HYPOTHETICAL PRINT SHOP LLC", "Business", "PHILADELPHIA", "19123", "", ""),
}


def midnight(day):
    """Local midnight in Philadelphia as Carto writes it: UTC, 04:00 in EDT, 05:00 in EST."""
    month = int(day[5:7])
    return f"{day}T{'04' if 3 < month < 11 else '05'}:00:00Z"


class Year:
    """The rows of one report year's export."""

    def __init__(self, year):
        self.year = year
        self.rows = []

    def report(self, filer, cycle, certified, report_id):
        name, start, end, due = CYCLES[self.year][cycle]
        committee, kind, candidate, office = COMMITTEES[filer]
        late = cycle == "10"
        return {
            "filer_id": filer, "filer_name": committee, "filer_type": kind, "filer_candidate_name": candidate,
            "candidate_office": office, "filer_city": "PHILADELPHIA", "filer_state": "PA", "filer_zip": "19107",
            "report_year": self.year, "report_election_date": midnight(ELECTIONS[self.year]),
            "election_type": "Primary", "report_cycle_code": cycle, "report_cycle_name": name,
            "report_cycle_start_date": midnight(start), "report_cycle_end_date": midnight(end),
            "report_cycle_due_date": midnight(due), "report_cycle_label": f"{self.year} {name}",
            "report_type": "24 Hour Report" if late else "Campaign Finance Report",
            "report_certified_date": f"{certified}T15:30:00Z", "report_filing_status": "Filed",
            "report_filing_office": "Both", "termination_report": "False", "report_id": report_id,
            "filing_form_id": report_id + 500,
        }  # fmt: skip

    def gift(self, report, tran, donor, day, amount, in_kind=False):
        name, kind, city, zip_code, occupation, employer = DONORS[donor]
        doc = (
            "CFR - Schedule II - In-Kind Contributions" if in_kind else "CFR - Schedule I - Contributions and Receipts"
        )
        if report["report_cycle_code"] == "10":
            doc = "Late Contributions"
        self.rows.append({
            **report, "transaction_id": tran, "transaction_date": midnight(day), "transaction_amount": amount,
            "transaction_type": "In-Kind Contributions" if in_kind else "Monetary Contributions",
            "transaction_supertype": "Contributions", "report_doc_type": doc.rsplit(" - ", 1)[0],
            "report_doc_type_detail": doc, "entity_name": name, "entity_type": kind, "entity_city": city,
            "entity_state": "NY" if city == "NEW YORK" else "PA", "entity_zip": zip_code,
            "entity_occupation": occupation, "entity_employer_name": employer,
            "label_total": "Total Received (Monetary + In-Kind Contributions)",
        })  # fmt: skip

    def expense(self, report, tran, payee, payee_type, day, amount, description, independent=False):
        doc = "Independent Expenditures" if independent else "CFR - Schedule III - Statement of Expenditures"
        self.rows.append({
            **report, "transaction_id": tran, "transaction_date": midnight(day), "transaction_amount": amount,
            "transaction_type": "Expenditures", "transaction_supertype": "Expenditures",
            "transaction_description": description, "report_doc_type": doc.rsplit(" - ", 1)[0],
            "report_doc_type_detail": doc, "entity_name": payee, "entity_type": payee_type,
            "entity_city": "PHILADELPHIA", "entity_state": "PA", "entity_zip": "19107", "label_total": "Total Paid",
        })  # fmt: skip

    def csv(self):
        out = io.StringIO()
        writer = csv.DictWriter(out, TRANSACTION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for number, row in enumerate(self.rows, 1):
            writer.writerow({"objectid": 800000 + number, **row})
        return out.getvalue().encode()


def year_2021():
    year = Year(2021)
    krasner_1 = year.report("9921001", "1", "2021-04-05", 21101)
    year.gift(krasner_1, 2110001, "ada", "2021-02-11", 250)
    year.gift(krasner_1, 2110002, "quinn", "2021-03-02", 1000)
    year.gift(krasner_1, 2110003, "union", "2021-03-15", 5000)
    krasner_2 = year.report("9921001", "2", "2021-05-06", 21102)
    year.gift(krasner_2, 2110004, "morgan", "2021-04-20", 500)
    year.gift(krasner_2, 2110005, "printer", "2021-04-28", 1200, in_kind=True)
    # A 24-hour report, then the post-primary report lists the same contribution again: counted once
    krasner_late = year.report("9921001", "10", "2021-05-11", 21103)
    year.gift(krasner_late, 2110006, "zebulon", "2021-05-10", 2900)
    krasner_3 = year.report("9921001", "3", "2021-06-15", 21104)
    year.gift(krasner_3, 2110007, "zebulon", "2021-05-10", 2900)
    year.gift(krasner_3, 2110008, "ada", "2021-05-12", 100)

    vega_1 = year.report("9921002", "1", "2021-04-06", 21201)
    year.gift(vega_1, 2120001, "quinn", "2021-02-25", 2900)
    vega_2 = year.report("9921002", "2", "2021-05-07", 21202)
    year.gift(vega_2, 2120002, "morgan", "2021-04-09", 750)
    year.gift(vega_2, 2120003, "union", "2021-04-30", 3000)

    pac_2 = year.report("9921003", "2", "2021-05-07", 21301)
    year.gift(pac_2, 2130001, "mega", "2021-04-01", 250000)
    year.gift(pac_2, 2130002, "morgan", "2021-04-02", 1000)
    year.expense(pac_2, 2130003, "Vega for District Attorney (sample data)", "Candidate Committee", "2021-04-12",
                 5000, "Contribution")  # fmt: skip
    year.expense(pac_2, 2130004, "HYPOTHETICAL PRINT SHOP LLC", "Business", "2021-04-26", 180000,
                 "Independent expenditure: mailers opposing Larry Krasner", independent=True)  # fmt: skip
    year.expense(pac_2, 2130005, "SAMPLE OFFICE SUPPLY CO", "Business", "2021-04-03", 320, "Office supplies")
    return year


def year_2017():
    year = Year(2017)
    krasner_1 = year.report("9917001", "1", "2017-04-03", 17101)
    year.gift(krasner_1, 1710001, "ada", "2017-02-07", 200)
    year.gift(krasner_1, 1710002, "zebulon", "2017-03-01", 2900)
    krasner_2 = year.report("9917001", "2", "2017-05-05", 17102)
    year.gift(krasner_2, 1710003, "union", "2017-04-11", 10000)
    year.gift(krasner_2, 1710004, "printer", "2017-04-20", 800, in_kind=True)
    khan_2 = year.report("9917002", "2", "2017-05-05", 17201)
    year.gift(khan_2, 1720001, "quinn", "2017-04-03", 1500)
    year.gift(khan_2, 1720002, "morgan", "2017-04-25", 400)
    return year


def build():
    for year in (year_2017(), year_2021()):
        url = QUERY.format(base=DEFAULTS["base_url"], table=DEFAULTS["table"], year=year.year)
        record("filings_philadelphia", url, year.csv(), "text/csv; charset=utf-8")


if __name__ == "__main__":
    build()
