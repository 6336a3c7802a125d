"""Build the snapshot of filings_pennsylvania: the Department of State's 2021 yearly export
(2021.zip) in the REAL legacy layout, holding SAMPLE data.

    .venv/bin/python tools/build_snapshot_pennsylvania.py

The files are the five of the legacy layout (recallwatch/parsers/pa_layout.py LEGACY_COLUMNS): no
header, text quoted, numbers not, LF line ends, dates "YYYYMMDD", expense and debt rows ending with
a comma, latin-1 text, in a `2021/` folder of the zip. The 2021 Democratic primary for
Philadelphia District Attorney:
- Larry Krasner's candidate filing (FILERTYPE 1, office PH2): cycles 1, 2 (filed, then amended:
  the amendment's rows are the ones the export lists) and 3, an interest receipt;
- Carlos Vega's (the opponent): cycles 1, 2, 3, a loan from the candidate (debt file), and an IC
  contribution from a police-union-like PAC;
- that PAC (a fictional name): its contribution to Vega's campaign in its expense file (a
  contribution made), a printing bill (an expense, not stored);
- a township parks committee the watchlist does not follow (a scheduled run leaves it out).

Every donor and the PAC are obviously fictional; the candidates and the office are the real ones.
Recorded with `scrapy record` at the URL the watchlist's `sources: filings_pennsylvania:` lists.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_filings_snapshot import record, zip_of  # noqa: E402

URL = (
    "https://www.pa.gov/content/dam/copapwp-pagov/en/dos/resources/voting-and-elections/campaign-finance/"
    "campaign-finance-data/2021.zip"
)
KRASNER, VEGA, PAC, PARKS = "9990001", "9990002", "9990003", "9990004"
PAC_NAME = "Sample Lodge 000 Police Officers PAC (sample data)"


def filer(filer_id, cycle, name, filer_type, office, beginning, monetary, inkind=0, amended="N"):
    return (filer_id, 2021, cycle, amended, "N", filer_type, name, office, "", "DEM" if office else "",
            "1 Sample Street", "", "Philadelphia", "PA", "19107", "51", "", beginning, monetary, inkind)  # fmt: skip


def gift(filer_id, cycle, section, name, pairs, city="Philadelphia", zip_code="19103", occupation="", employer=""):
    """A contrib row: up to three (date, amount) pairs; unused slots are empty, as in legacy files."""
    slots = [*pairs, *([("", "")] * (3 - len(pairs)))]
    dates_amounts = [value for pair in slots for value in pair]
    return (filer_id, 2021, cycle, section, name, "10 Example Road", "", city, "PA", zip_code, occupation,
            employer, "", "", "", "AK", "", *dates_amounts, "")  # fmt: skip


FILERS = [
    filer(KRASNER, 1, "Larry Krasner (sample data)", 1, "PH2", 0, 15500),
    filer(KRASNER, 2, "Larry Krasner (sample data)", 1, "PH2", 15500, 9000),
    # Cycle 2 amended: a gift the original left out (the export's rows are the amendment's)
    filer(KRASNER, 2, "Larry Krasner (sample data)", 1, "PH2", 15500, 11500, amended="Y"),
    filer(KRASNER, 3, "Larry Krasner (sample data)", 1, "PH2", 27000, 4000, 750),
    filer(VEGA, 1, "Carlos Vega (sample data)", 1, "PH2", 0, 8000),
    filer(VEGA, 2, "Carlos Vega (sample data)", 1, "PH2", 8000, 21000),
    filer(VEGA, 3, "Carlos Vega (sample data)", 1, "PH2", 29000, 1000),
    filer(PAC, 2, PAC_NAME, 2, "", 50000, 20000),
    filer(PARKS, 2, "Sample Township Parks Committee (sample data)", 2, "", 1000, 500),
]
CONTRIBUTIONS = [
    gift(
        KRASNER,
        1,
        "ID",
        "Zebulon Fictitious-Donor",
        [("20210215", 10000)],
        occupation="Developer",
        employer="Imaginary Realty Group",
    ),  # fmt: skip
    gift(KRASNER, 1, "IB", "Quinn Placeholder", [("20210301", 200), ("20210315", 150), ("20210329", 150)]),
    gift(KRASNER, 1, "IC", "Sample Reform Voters PAC (sample data)", [("20210320", 5000)]),
    gift(KRASNER, 2, "ID", "José Café-Example", [("20210420", 1000)], occupation="Chef"),
    gift(KRASNER, 2, "ID", "Ada Testperson", [("20210425", 8000)]),
    gift(KRASNER, 2, "ID", "Rowan Madeup", [("20210430", 2500)]),  # the amendment's addition
    gift(KRASNER, 3, "ID", "Morgan Nobody", [("20210601", 4500)]),
    gift(KRASNER, 3, "ID", "Ada Testperson", [("20210602", -500)]),  # a refund
    gift(KRASNER, 3, "IIG", "Hypothetical Bakery LLC (sample)", [("20210603", 750)]),
    gift(VEGA, 1, "ID", "Imaginary Contractors Inc (sample)", [("20210210", 8000)]),
    gift(VEGA, 2, "IC", PAC_NAME, [("20210420", 10000)]),
    gift(VEGA, 2, "ID", "Examplar Holdings LLC (sample)", [("20210428", 6000), ("20210505", 5000)]),
    gift(VEGA, 3, "IB", "Nobody Special", [("20210601", 250)]),
    gift(VEGA, 3, "ID", "Placeholder Properties (sample)", [("20210605", 750)]),
    gift(PAC, 2, "ID", "Officer Sample Member", [("20210301", 20000)]),
    gift(PARKS, 2, "IB", "Parks Friend Example", [("20210301", 500)]),
]
RECEIPTS = [(KRASNER, 2021, 3, "Sample Savings Bank", "1 Bank Plaza", "", "Philadelphia", "PA", "19103",
             "Interest", "20210531", 12.34)]  # fmt: skip
DEBTS = [(VEGA, 2021, 2, "Carlos Vega", "1 Sample Street", "", "Philadelphia", "PA", "19107", "20210401", 5000,
          "Loan from candidate")]  # fmt: skip
EXPENSES = [
    (PAC, 2021, 2, "Carlos Vega (sample data)", "1 Sample Street", "", "Philadelphia", "PA", "19107", "20210420",
     10000, "Contribution"),
    (PAC, 2021, 2, "Imaginary Print Shop (sample)", "5 Press Lane", "", "Philadelphia", "PA", "19123", "20210422",
     3200, "Mailers"),
]  # fmt: skip


def legacy_value(value):
    """Text quoted, numbers not (an empty slot of a pair is `"",` for its date and `,` for its amount)."""
    if isinstance(value, int | float):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


def legacy_file(rows, trailing_comma=False, final_newline=True):
    lines = []
    for row in rows:
        values = [legacy_value(value) for value in row]
        # an empty amount slot is a bare comma in the real files
        values = ["" if value == '""' and index in (18, 20, 22) and len(row) == 24 else value
                  for index, value in enumerate(values)]  # fmt: skip
        lines.append(",".join(values) + ("," if trailing_comma else ""))
    text = "\n".join(lines) + ("\n" if final_newline else "")
    return text.encode("latin-1")


def export_zip():
    return zip_of({
        "2021/filer_2021.txt": legacy_file(FILERS, final_newline=False),
        "2021/contrib_2021.txt": legacy_file(CONTRIBUTIONS),
        "2021/expense_2021.txt": legacy_file(EXPENSES, trailing_comma=True),
        "2021/receipt_2021.txt": legacy_file(RECEIPTS),
        "2021/debt_2021.txt": legacy_file(DEBTS, trailing_comma=True),
    })  # fmt: skip


if __name__ == "__main__":
    record("filings_pennsylvania", URL, export_zip(), "application/zip")
