"""Build the snapshot's Illinois State Board of Elections files: the REAL format (the live files'
headers, tab-separated, no quoting, latin-1, "YYYY-MM-DD HH:MM:SS" dates, zips padded with spaces,
mixed-case states, CRLF in one file and LF in the others, True/False flags), holding SAMPLE data.

    .venv/bin/python tools/build_snapshot_illinois.py            # record them (scrapy record)
    .venv/bin/python tools/build_snapshot_illinois.py FOLDER     # only write the files to FOLDER

- a committee for Kim Foxx (linked to her as candidate): 2019 quarterlies, one of them amended
  (the original Archived), an A-1 whose contribution the next quarterly itemizes again, an A-1 no
  quarterly covers yet, a loan, a refund, an in-kind gift, interest (other receipt), a transfer out;
- a committee for Bill Conway (her primary opponent): big gifts from a fictional donor;
- an independent-expenditure committee: a B-1 against Foxx and one for Conway;
- an unrelated alderman's committee, which a scheduled run leaves out.

Committees are named "(sample data)" and every donor is obviously fictional; the candidates and the
office are the real ones of the 2020 primary. Each file is recorded with `scrapy record` at the
URL the spider requests (the watchlist's `sources: filings_illinois:`).
"""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASE_URL = "https://elections.il.gov/campaigndisclosuredatafiles/"
OFFICE = "Cook County State's Attorney"

HEADERS = {
    "Candidates": "ID LastName FirstName Address1 Address2 City State Zip Office DistrictType District ResidenceCounty "
    "PartyAffiliation RedactionRequested",
    "CmteCandidateLinks": "ID CommitteeID CandidateID",
    "Committees": "ID TypeOfCommittee StateCommittee StateID LocalCommittee LocalID ReferName Name Address1 Address2 "
    "Address3 City State Zip Status StatusDate CreationDate CreationAmount DispFundsReturn DispFundsPolComm "
    "DispFundsCharity DispFunds95 DispFundsDescrip CanSuppOpp PolicySuppOpp PartyAffiliation Purpose",
    "FiledDocs": "ID CommitteeID FiledDocType DocName Amend Comment Pages ElectionType ElectionYear RptPdBegDate "
    "RptPdEndDate RcvdAt RcvdDateTime Source Provider SignerLastOnlyName SignerFirstName SbmttrLastOnlyName "
    "SbmttrFirstName SbmttrAddress1 SbmttrAddress2 SbmttrCity SbmttrState SbmttrZip B9SignerLastOnlyName "
    "B9SignerFirstName Archived Clarification RedactionRequested",
    "D2Totals": "ID CommitteeID FiledDocID BegFundsAvail IndivContribI IndivContribNI XferInI XferInNI LoanRcvI "
    "LoanRcvNI OtherRctI OtherRctNI TotalReceipts InKindI InKindNI TotalInKind XferOutI XferOutNI LoanMadeI "
    "LoanMadeNI ExpendI ExpendNI IndependentExpI IndependentExpNI TotalExpend DebtsI DebtsNI TotalDebts TotalInvest "
    "EndFundsAvail Archived",
    "Receipts": "ID CommitteeID FiledDocID ETransID LastOnlyName FirstName RcvDate Amount AggregateAmount LoanAmount "
    "Occupation Employer Address1 Address2 City State Zip D2Part Description VendorLastOnlyName VendorFirstName "
    "VendorAddress1 VendorAddress2 VendorCity VendorState VendorZip Archived Country RedactionRequested",
    "Expenditures": "ID CommitteeID FiledDocID ETransID LastOnlyName FirstName ExpendedDate Amount AggregateAmount "
    "Address1 Address2 City State Zip D2Part Purpose CandidateName Office Supporting Opposing Archived Country "
    "RedactionRequested",
}
CRLF_FILES = ("FiledDocs",)

FOXX, CONWAY, IE, ALDERMAN = "30001", "30002", "30003", "30009"


def day(text):
    return f"{text} 00:00:00" if text else ""


def candidates():
    return [
        {"ID": "5001", "LastName": "Foxx", "FirstName": "Kimberly M.", "Office": OFFICE, "City": "Chicago"},
        {"ID": "5002", "LastName": "Conway", "FirstName": "William", "Office": OFFICE, "City": "Chicago"},
        {"ID": "5009", "LastName": "Placeholder", "FirstName": "Sam", "Office": "Alderman", "City": "Chicago"},
    ]


def links():
    return [{"ID": "1", "CommitteeID": FOXX, "CandidateID": "5001"},
            {"ID": "2", "CommitteeID": CONWAY, "CandidateID": "5002"},
            {"ID": "3", "CommitteeID": ALDERMAN, "CandidateID": "5009"}]  # fmt: skip


def committees():
    def committee(ident, kind, name, zip_code="60601     "):
        return {"ID": ident, "TypeOfCommittee": kind, "Name": name, "City": "Chicago", "State": "IL",
                "Zip": zip_code, "Status": "Active", "CreationDate": day("2016-01-04")}  # fmt: skip

    return [
        committee(FOXX, "Candidate", "Friends for Kim Foxx (sample data)"),
        committee(CONWAY, "Candidate", "Conway for State's Attorney (sample data)", "60614-1234"),
        committee(IE, "Independent Expenditure", "Safe Streets Sample PAC (sample data)"),
        committee(ALDERMAN, "Candidate", "Friends of Sam Placeholder (sample data)"),
    ]


def filed(ident, committee, doc, start, end, received, amend=False, archived=False):
    return {"ID": ident, "CommitteeID": committee, "FiledDocType": "05" if doc == "Quarterly" else "30",
            "DocName": doc, "Amend": str(amend), "RptPdBegDate": day(start), "RptPdEndDate": day(end),
            "RcvdAt": "", "RcvdDateTime": received, "Source": "I", "Archived": str(archived),
            "Clarification": "corrected Q2 receipts" if amend else ""}  # fmt: skip


def filed_docs():
    return [
        filed("70001", FOXX, "Quarterly", "2019-01-01", "2019-03-31", "2019-04-15 10:12:01"),
        filed("70002", FOXX, "Quarterly", "2019-04-01", "2019-06-30", "2019-07-15 09:00:00", archived=True),
        filed("70003", FOXX, "Quarterly", "2019-04-01", "2019-06-30", "2019-08-01 16:45:30", amend=True),
        filed("70004", FOXX, "A-1", "", "", "2019-11-20 11:00:00"),
        filed("70005", FOXX, "Quarterly", "2019-10-01", "2019-12-31", "2020-01-15 08:30:00"),
        filed("70006", FOXX, "A-1", "", "", "2020-02-20 13:05:00"),
        filed("70101", CONWAY, "Quarterly", "2019-10-01", "2019-12-31", "2020-01-14 17:59:59"),
        filed("70102", CONWAY, "A-1", "", "", "2020-01-10 12:00:00"),
        filed("70201", IE, "B-1", "", "", "2020-03-01 09:00:00"),
        filed("70301", ALDERMAN, "Quarterly", "2019-10-01", "2019-12-31", "2020-01-15 12:00:00"),
    ]


def totals(ident, committee, doc, archived=False, **lines):
    row = {"ID": ident, "CommitteeID": committee, "FiledDocID": doc, "Archived": str(archived)}
    for line in HEADERS["D2Totals"].split()[3:-1]:
        row[line] = str(lines.get(line, 0))
    return row


def d2_totals():
    return [
        totals("1", FOXX, "70001", IndivContribI=1500, IndivContribNI=300, XferInI=2500, TotalReceipts=4300),
        totals("2", FOXX, "70002", archived=True, IndivContribI=1000, TotalReceipts=1000),
        totals("3", FOXX, "70003", IndivContribI=1000, IndivContribNI=150, LoanRcvI=5000, TotalReceipts=6150),
        totals("4", FOXX, "70005", IndivContribI=10000, InKindI=750, TotalInKind=750, OtherRctI=12.5,
               TotalReceipts=10012.5, XferOutI=1000, ExpendI=300, TotalExpend=1300),
        totals("5", CONWAY, "70101", IndivContribI=502000, TotalReceipts=502000),
        totals("6", ALDERMAN, "70301", IndivContribI=250, TotalReceipts=250),
    ]  # fmt: skip


def receipt(ident, committee, doc, last, first, when, amount, part, archived=False, **more):
    row = {"ID": ident, "CommitteeID": committee, "FiledDocID": doc, "LastOnlyName": last, "FirstName": first,
           "RcvDate": day(when), "Amount": amount, "AggregateAmount": amount, "LoanAmount": "0", "D2Part": part,
           "City": "Chicago", "State": "Il", "Zip": "60601     ", "Archived": str(archived),
           "RedactionRequested": "False"}  # fmt: skip
    row.update(more)
    return row


def receipts():
    return [
        receipt("9001", FOXX, "70001", "Sample", "Alice", "2019-02-01", "1500", "1A",
                Occupation="Teacher", Employer="Example School District (sample data)"),
        receipt("9002", FOXX, "70001", "Example Teachers Local (sample data)", "", "2019-03-01", "2500", "2A"),
        receipt("9003", FOXX, "70002", "Sample", "Bob", "2019-05-01", "1000", "1A", archived=True),
        receipt("9004", FOXX, "70003", "Sample", "Bob", "2019-05-01", "1200", "1A"),
        receipt("9005", FOXX, "70003", "Fictional Bank (sample data)", "", "2019-06-01", "5000", "3A",
                LoanAmount="5000"),
        receipt("9006", FOXX, "70003", "Sample", "Carol", "2019-06-10", "-200", "1A", Description="refund"),
        receipt("9007", FOXX, "70004", "Testperson", "Dana", "2019-11-18", "10000", "1A", State="iL"),
        receipt("9008", FOXX, "70005", "Testperson", "Dana", "2019-11-18", "10000", "1A"),
        receipt("9009", FOXX, "70005", "Ñandú Sample Print Shop (sample data)", "", "2019-12-01", "750", "5A",
                Description="Printing  of  flyers", VendorLastOnlyName="Sample Printers"),
        receipt("9010", FOXX, "70005", "Sample Savings (sample data)", "", "2019-12-31", "12.5", "4A",
                Description="interest"),
        receipt("9011", FOXX, "70006", "Example", "Evan", "2020-02-18", "5000", "1A"),
        receipt("9020", CONWAY, "70101", "Placeholder", "Rich", "2019-11-01", "500000", "1A",
                Occupation="Investor", Employer="Placeholder Holdings (sample data)"),
        receipt("9021", CONWAY, "70101", "Sample", "Frank", "2019-12-01", "2000", "1A"),
        receipt("9022", CONWAY, "70102", "Placeholder", "Rich", "2020-01-08", "1000000", "1A",
                Occupation="Investor", Employer="Placeholder Holdings (sample data)"),
        receipt("9030", ALDERMAN, "70301", "Sample", "Gina", "2019-11-05", "250", "1A"),
    ]  # fmt: skip


def expenditure(ident, committee, doc, name, when, amount, part, purpose="", **more):
    row = {"ID": ident, "CommitteeID": committee, "FiledDocID": doc, "LastOnlyName": name, "ExpendedDate": day(when),
           "Amount": amount, "AggregateAmount": amount, "City": "Chicago", "State": "IL", "Zip": "60601     ",
           "D2Part": part, "Purpose": purpose, "Supporting": "False", "Opposing": "False", "Archived": "False",
           "RedactionRequested": "False"}  # fmt: skip
    row.update(more)
    return row


def expenditures():
    return [
        expenditure("8001", FOXX, "70005", "Sample Ward Organization (sample data)", "2019-12-15", "1000", "6B",
                    "TRANSFER  OUT"),
        expenditure("8002", FOXX, "70005", "Sample Printing Co (sample data)", "2019-12-10", "300", "8B", "flyers"),
        expenditure("8003", IE, "70201", "Sample Media Buying LLC (sample data)", "2020-02-25", "250000", "9B",
                    "television advertising", CandidateName="Kim Foxx", Office=OFFICE, Opposing="True"),
        expenditure("8004", IE, "70201", "Sample Mail House (sample data)", "2020-02-26", "50000", "9B",
                    "mailers", CandidateName="Bill Conway", Office=OFFICE, Supporting="True"),
    ]  # fmt: skip


FILES = {
    "Candidates": candidates,
    "CmteCandidateLinks": links,
    "Committees": committees,
    "FiledDocs": filed_docs,
    "D2Totals": d2_totals,
    "Receipts": receipts,
    "Expenditures": expenditures,
}


def file_bytes(table, rows):
    names = HEADERS[table].split()
    end = "\r\n" if table in CRLF_FILES else "\n"
    lines = ["\t".join(names)] + ["\t".join(row.get(name, "") for name in names) for row in rows]
    return (end.join(lines) + end).encode("latin-1")


def files():
    """{file name: bytes} of the sample export."""
    return {f"{table}.txt": file_bytes(table, rows()) for table, rows in FILES.items()}


def record(url, path):
    content_type = "text/plain; charset=ISO-8859-1"  # the files are latin-1
    command = [sys.executable, "-m", "scrapy", "record", "filings_illinois", url, str(path), "--content-type",
               content_type]  # fmt: skip
    subprocess.run(command, cwd=REPO, check=True)


def main(argv):
    folder = Path(argv[0]) if argv else REPO / "build" / "illinois"
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files().items():
        (folder / name).write_bytes(body)
        if not argv:
            record(BASE_URL + name, folder / name)


if __name__ == "__main__":
    main(sys.argv[1:])
