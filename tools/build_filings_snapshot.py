"""Build the snapshot's bulk exports: small files in the REAL formats, holding SAMPLE data.

    .venv/bin/python tools/build_filings_snapshot.py

- filings_netfile_export: NetFile's yearly efile_{AID}_{YYYY}.zip (one .xlsx inside, the real
  sheet names and headers, dates as Excel serial numbers) for Los Angeles County (the Gascón
  recalls) and San Francisco (the Boudin recall), 2021 and 2022;
- filings_calaccess: CAL-ACCESS's dbwebexport.zip (CalAccess/DATA/*.TSV: tab-separated, CRLF, no
  quoting, the real headers, "M/D/YYYY 12:00:00 AM" dates, a lowercase code, a NUL and a \\x1a byte
  as the real export has).

Committees are named "(sample data)" and every donor is obviously fictional; the recall dates
are the real ones (../shared/samples/recall_facts.json). Each file is recorded with
`scrapy record` at the URL the spider requests. Run it again after changing the data here.
"""

import io
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

REPO = Path(__file__).resolve().parent.parent
NETFILE_URL = "https://public.netfile.com/pub2/excel/{agency}Browsable/efile_{agency}_{year}.zip"
CALACCESS_URL = "https://campaignfinance.cdn.sos.ca.gov/dbwebexport.zip"
# Fixed timestamp inside the zips, so rebuilding unchanged data gives byte-identical files.
ZIP_TIME = (2023, 1, 1, 0, 0, 0)

COVER = (
    "Filer_ID Filer_NamL Report_Num Committee_Type Rpt_Date From_Date Thru_Date Elect_Date tblCover_Office_Cd "
    "tblCover_Offic_Dscr Rec_Type Form_Type"
).split()
TRANSACTION = (
    "Tran_ID Entity_Cd Tran_NamL Tran_NamF Tran_NamT Tran_NamS Tran_Adr1 Tran_Adr2 Tran_City Tran_State Tran_Zip4 "
    "Tran_Emp Tran_Occ Tran_Self Tran_Type Tran_Date Tran_Date1 Tran_Amt1 Tran_Amt2 Tran_Dscr Cmte_ID Tres_NamL "
    "Tres_NamF Tres_NamT Tres_NamS Tres_Adr1 Tres_Adr2 Tres_City Tres_State Tres_Zip Intr_NamL Intr_NamF Intr_NamT "
    "Intr_NamS Intr_Adr1 Intr_Adr2 Intr_City Intr_State Intr_Zip4 Intr_Emp Intr_Occ Intr_Self Cand_NamL Cand_NamF "
    "Cand_NamT Cand_NamS tblDetlTran_Office_Cd tblDetlTran_Offic_Dscr Juris_Cd Juris_Dscr Dist_No Off_S_H_Cd "
    "Bal_Name Bal_Num Bal_Juris Sup_Opp_Cd Memo_Code Memo_RefNo BakRef_TID XRef_SchNm XRef_Match Loan_Rate Int_CmteId"
).split()
LATE_497 = (
    "Filer_ID Filer_NamL Report_Num Committee_Type Rpt_Date From_Date Thru_Date Elect_Date Rec_Type Form_Type "
    "Tran_ID Entity_Cd Enty_NamL Enty_NamF Enty_NamT Enty_NamS Enty_Adr1 Enty_Adr2 Enty_City Enty_ST Enty_Zip4 "
    "Ctrib_Emp Ctrib_Occ Ctrib_Self Elec_Date Ctrib_Date Date_Thru Amount Cmte_ID Cand_NamL Cand_NamF Cand_NamT "
    "Cand_NamS Office_Cd Offic_Dscr Juris_Cd Juris_Dscr Dist_No Off_S_H_Cd Bal_Name Bal_Num Bal_Juris Memo_Code "
    "Memo_RefNo Rpt_ID_Num"
).split()
SUMMARY = [*COVER, "Line_Item", "Amount_A", "Amount_B", "Amount_C"]
SHEETS = {
    "A-Contributions": [*COVER, *TRANSACTION],
    "C-Contributions": [*COVER, *TRANSACTION],
    "I-Contributions": [*COVER, *TRANSACTION],
    "F496P3-Contributions": [*COVER, *TRANSACTION],
    "Summary": SUMMARY,
    "497": LATE_497,
}
DATE_COLUMNS = {"Rpt_Date", "From_Date", "Thru_Date", "Elect_Date", "Tran_Date", "Ctrib_Date", "Elec_Date"}
MONEY_COLUMNS = {"Tran_Amt1", "Tran_Amt2", "Amount", "Amount_A", "Amount_B", "Amount_C"}

# Sample givers: (entity code, last name / organisation, first name, city, zip, employer, occupation)
DONORS = {
    "zebulon": ("IND", "Fictitious-Donor", "Zebulon", "Pasadena", "91101", "Imaginary Realty Group", "Developer"),
    "examplar": ("OTH", "Examplar Holdings LLC (sample)", "", "Los Angeles", "90071", "", ""),
    "quinn": ("IND", "Placeholder", "Quinn", "Glendale", "91203", "Self-employed", "Consultant"),
    "ada": ("IND", "Testperson", "Ada", "Long Beach", "90802", "Sample Logistics Co.", "Manager"),
    "pac": ("COM", "Imaginary Public Safety PAC (sample)", "", "Sacramento", "95814", "", ""),
    "union": ("OTH", "Local 000 of the Sample Workers Union", "", "Los Angeles", "90017", "", ""),
    "morgan": ("IND", "Nobody", "Morgan", "San Francisco", "94110", "Example Labs Inc.", "Engineer"),
    "rowan": ("IND", "Madeup", "Rowan", "San Francisco", "94117", "Retired", "Retired"),
    "bakery": ("OTH", "Hypothetical Bakery LLC (sample)", "", "San Francisco", "94103", "", ""),
    "party": ("PTY", "Sample County Party Central Committee", "", "Los Angeles", "90012", "", ""),
}


def gift(donor, day, amount, tran_id, cumulative=None, memo="", tran_type="", description=""):
    return {
        "donor": donor,
        "date": day,
        "amount": amount,
        "tran_id": tran_id,
        "cumulative": amount if cumulative is None else cumulative,
        "memo": memo,
        "tran_type": tran_type,
        "description": description,
    }


def report(start, end, filed, number="000", a=(), c=(), i=(), unitemized=0.0, loans=0.0):
    return {"start": start, "end": end, "filed": filed, "number": number, "A": a, "C": c, "I": i,
            "unitemized": unitemized, "loans": loans}  # fmt: skip


def late(filed, report_id, gifts):
    return {"filed": filed, "report_id": report_id, "gifts": gifts}


D = date.fromisoformat
LACO_2021 = [
    {
        "id": "1449101",
        "name": "Committee to Recall District Attorney George Gascón 2021 (sample data)",
        "reports": [
            report(
                D("2021-01-01"),
                D("2021-06-30"),
                D("2021-07-30"),
                unitemized=1830.0,
                a=[
                    gift("zebulon", D("2021-05-24"), 25000.0, "S21A1"),
                    gift("quinn", D("2021-06-02"), 1500.0, "S21A2"),
                    gift("party", D("2021-06-15"), 10000.0, "S21A3"),
                ],
            ),
            report(
                D("2021-07-01"),
                D("2021-12-31"),
                D("2022-01-31"),
                unitemized=940.0,
                a=[
                    gift("ada", D("2021-08-19"), 250.0, "S21A4"),
                    gift("zebulon", D("2021-09-01"), 5000.0, "S21A5", cumulative=30000.0),
                ],
            ),
        ],  # fmt: skip
    },
]
LACO_2022 = [
    {
        "id": "1449201",
        "name": "Recall District Attorney George Gascón 2022 (sample data)",
        "reports": [
            # Q1, filed, then amended: the amendment corrects Examplar's gift and adds one
            report(
                D("2022-01-01"),
                D("2022-03-31"),
                D("2022-04-29"),
                unitemized=4210.0,
                a=[
                    gift("examplar", D("2022-02-03"), 50000.0, "R22A1"),
                    gift("zebulon", D("2022-02-20"), 100000.0, "R22A2"),
                    gift("quinn", D("2022-03-11"), 2000.0, "R22A3"),
                ],
            ),
            report(
                D("2022-01-01"),
                D("2022-03-31"),
                D("2022-05-16"),
                number="001",
                unitemized=4210.0,
                a=[
                    gift("examplar", D("2022-02-03"), 75000.0, "R22A1"),
                    gift("zebulon", D("2022-02-20"), 100000.0, "R22A2"),
                    gift("quinn", D("2022-03-11"), 2000.0, "R22A3"),
                    gift("ada", D("2022-03-30"), 500.0, "R22A4"),
                ],
            ),
            report(
                D("2022-04-01"),
                D("2022-06-30"),
                D("2022-07-29"),
                unitemized=9655.5,
                loans=20000.0,
                a=[
                    gift("pac", D("2022-05-05"), 40000.0, "R22A5"),
                    gift("examplar", D("2022-06-28"), 60000.0, "R22A6", cumulative=135000.0),
                    gift(
                        "quinn",
                        D("2022-06-29"),
                        -500.0,
                        "R22A7",
                        cumulative=1500.0,
                        tran_type="R",
                        description="Returned contribution",
                    ),
                    gift(
                        "zebulon",
                        D("2022-06-10"),
                        15000.0,
                        "R22A8",
                        memo="X",
                        description="Memo: paid by the donor directly to a petition firm, see Schedule C",
                    ),
                ],
                c=[
                    gift("ada", D("2022-05-20"), 1200.0, "R22C1", description="Office space for signature drive"),
                ],
                i=[
                    gift("union", D("2022-06-15"), 310.25, "R22I1", description="Bank interest and refund of deposit"),
                ],
            ),
        ],  # fmt: skip
        "late": [
            late(D("2022-06-29"), "1", [gift("examplar", D("2022-06-28"), 60000.0, "L22-1")]),
            late(D("2022-07-06"), "2", [gift("pac", D("2022-07-05"), 25000.0, "L22-2")]),
        ],
    },
    {
        "id": "1449202",
        "name": "Stop the Gascón Recall, Protect Justice Reform (sample data)",
        "reports": [
            report(
                D("2022-04-01"),
                D("2022-06-30"),
                D("2022-07-29"),
                unitemized=3120.0,
                a=[
                    gift("union", D("2022-05-02"), 150000.0, "N22A1"),
                    gift("morgan", D("2022-05-19"), 1000.0, "N22A2"),
                    gift("bakery", D("2022-06-01"), 2500.0, "N22A3"),
                ],
            ),
        ],  # fmt: skip
    },
    {
        "id": "1449299",
        "name": "Sample Library Parcel Tax Committee (sample data)",  # not on the watchlist
        "reports": [
            report(D("2022-01-01"), D("2022-06-30"), D("2022-07-29"), a=[gift("ada", D("2022-03-01"), 100.0, "P22A1")]),
        ],
    },
]
SFO_2021 = [
    {
        "id": "1449301",
        "name": "Neighbors for Public Safety Supporting the Recall of Chesa Boudin (sample data)",
        "reports": [
            report(
                D("2021-04-28"),
                D("2021-06-30"),
                D("2021-07-30"),
                unitemized=2675.0,
                a=[
                    gift("morgan", D("2021-05-03"), 500.0, "B21A1"),
                    gift("zebulon", D("2021-05-14"), 50000.0, "B21A2"),
                    gift("rowan", D("2021-06-21"), 100.0, "B21A3"),
                ],
            ),
            report(
                D("2021-07-01"),
                D("2021-12-31"),
                D("2022-01-31"),
                unitemized=5120.0,
                a=[
                    gift("examplar", D("2021-10-04"), 100000.0, "B21A4"),
                    gift("bakery", D("2021-11-15"), 5000.0, "B21A5"),
                ],
            ),
        ],  # fmt: skip
    },
]
SFO_2022 = [
    {
        "id": "1449301",
        "name": "Neighbors for Public Safety Supporting the Recall of Chesa Boudin (sample data)",
        "reports": [
            report(
                D("2022-01-01"),
                D("2022-03-31"),
                D("2022-04-28"),
                unitemized=6200.0,
                a=[
                    gift("zebulon", D("2022-01-18"), 150000.0, "B22A1", cumulative=150000.0),
                    gift("rowan", D("2022-02-07"), 250.0, "B22A2"),
                ],
            ),
        ],  # fmt: skip
        "late": [late(D("2022-05-30"), "7", [gift("pac", D("2022-05-29"), 20000.0, "BL22-1")])],
    },
    {
        "id": "1449302",
        "name": "Defend Chesa Boudin, Oppose the Recall (sample data)",
        "reports": [
            report(
                D("2022-01-01"),
                D("2022-03-31"),
                D("2022-04-28"),
                unitemized=8400.0,
                a=[
                    gift("morgan", D("2022-02-14"), 2500.0, "D22A1"),
                    gift("union", D("2022-03-02"), 75000.0, "D22A2"),
                ],
            ),
        ],  # fmt: skip
    },
]
NETFILE_EXPORTS = {("LACO", 2021): LACO_2021, ("LACO", 2022): LACO_2022, ("SFO", 2021): SFO_2021,
                   ("SFO", 2022): SFO_2022}  # fmt: skip


def transaction_row(committee, rpt, form_type, entry):
    code, last, first, city, zip_code, employer, occupation = DONORS[entry["donor"]]
    return {
        "Filer_ID": committee["id"],
        "Filer_NamL": committee["name"],
        "Report_Num": rpt["number"],
        "Committee_Type": "RCP",
        "Rpt_Date": rpt["filed"],
        "From_Date": rpt["start"],
        "Thru_Date": rpt["end"],
        "Rec_Type": "RCPT",
        "Form_Type": form_type,
        "Tran_ID": entry["tran_id"],
        "Entity_Cd": code,
        "Tran_NamL": last,
        "Tran_NamF": first,
        "Tran_City": city,
        "Tran_State": "CA",
        "Tran_Zip4": zip_code,
        "Tran_Emp": employer,
        "Tran_Occ": occupation,
        "Tran_Self": "n",
        "Tran_Type": entry["tran_type"],
        "Tran_Date": entry["date"],
        "Tran_Amt1": entry["amount"],
        "Tran_Amt2": entry["cumulative"],
        "Tran_Dscr": entry["description"],
        "Intr_Self": "n",
        "Memo_Code": entry["memo"],
    }


def summary_rows(committee, rpt):
    """Form 460 Summary lines 1-5: monetary (itemized + unitemized), loans, subtotal, nonmonetary,
    total contributions received."""
    itemized = sum(g["amount"] for g in rpt["A"] if not g["memo"])
    monetary = round(itemized + rpt["unitemized"], 2)
    nonmonetary = sum(g["amount"] for g in rpt["C"])
    lines = {"1": monetary, "2": rpt["loans"], "3": monetary + rpt["loans"], "4": nonmonetary}
    lines["5"] = lines["3"] + lines["4"]
    cover = {"Filer_ID": committee["id"], "Filer_NamL": committee["name"], "Report_Num": rpt["number"],
             "Committee_Type": "RCP", "Rpt_Date": rpt["filed"], "From_Date": rpt["start"], "Thru_Date": rpt["end"],
             "Rec_Type": "SMRY", "Form_Type": "F460"}  # fmt: skip
    return [{**cover, "Line_Item": line, "Amount_A": amount, "Amount_B": amount} for line, amount in lines.items()]


def late_rows(committee, filing):
    for entry in filing["gifts"]:
        code, last, first, city, zip_code, employer, occupation = DONORS[entry["donor"]]
        yield {
            "Filer_ID": committee["id"],
            "Filer_NamL": committee["name"],
            "Report_Num": "000",
            "Rpt_Date": filing["filed"],
            "Rec_Type": "S497",
            "Form_Type": "F497P1",
            "Tran_ID": entry["tran_id"],
            "Entity_Cd": code,
            "Enty_NamL": last,
            "Enty_NamF": first,
            "Enty_City": city,
            "Enty_ST": "CA",
            "Enty_Zip4": zip_code,
            "Ctrib_Emp": employer,
            "Ctrib_Occ": occupation,
            "Ctrib_Date": entry["date"],
            "Amount": entry["amount"],
            "Memo_Code": "",
            "Rpt_ID_Num": filing["report_id"],
        }


def netfile_workbook(committees):
    """The bytes of one efile .xlsx: every sheet the spider reads, real headers, sample rows."""
    rows = {sheet: [] for sheet in SHEETS}
    for committee in committees:
        for rpt in committee["reports"]:
            for schedule in ("A", "C", "I"):
                for entry in rpt[schedule]:
                    rows[f"{schedule}-Contributions"].append(transaction_row(committee, rpt, schedule, entry))
            rows["Summary"].extend(summary_rows(committee, rpt))
        for filing in committee.get("late", []):
            rows["497"].extend(late_rows(committee, filing))
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": datetime(*ZIP_TIME)})
    date_format = workbook.add_format({"num_format": "mm/dd/yyy"})
    money_format = workbook.add_format({"num_format": "0.00"})
    for sheet_name, header in SHEETS.items():
        sheet = workbook.add_worksheet(sheet_name)
        sheet.write_row(0, 0, header)
        for row_number, row in enumerate(rows[sheet_name], start=1):
            for column, name in enumerate(header):
                value = row.get(name, "")
                if isinstance(value, date):
                    sheet.write_datetime(row_number, column, value, date_format)
                elif name in MONEY_COLUMNS and value != "":
                    sheet.write_number(row_number, column, value, money_format)
                else:
                    sheet.write_string(row_number, column, str(value))
    workbook.close()
    return buffer.getvalue()


def zip_of(members):
    """A zip holding {name: bytes}, with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), body, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def record(spider, url, body, content_type):
    """Store the body as the snapshot's recording of url (`scrapy record`)."""
    path = REPO / "build" / url.rsplit("/", 1)[-1]
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(body)
    command = [sys.executable, "-m", "scrapy", "record", spider, url, str(path), "--content-type", content_type]
    subprocess.run(command, cwd=REPO, check=True)
    path.unlink()


def build_netfile_exports():
    for (agency, year), committees in NETFILE_EXPORTS.items():
        workbook = netfile_workbook(committees)
        body = zip_of({f"efile_{agency}_{year}.xlsx": workbook})
        record("filings_netfile_export", NETFILE_URL.format(agency=agency, year=year), body, "application/zip")


# CAL-ACCESS: the real headers of the tables the spider reads (../shared/samples/FIELDS.md)
CALACCESS_HEADERS = {
    "FILERNAME_CD": (
        "XREF_FILER_ID FILER_ID FILER_TYPE STATUS EFFECT_DT NAML NAMF NAMT NAMS ADR1 ADR2 CITY ST ZIP4 PHON FAX EMAIL"
    ),
    "FILER_FILINGS_CD": (
        "FILER_ID FILING_ID PERIOD_ID FORM_ID FILING_SEQUENCE FILING_DATE STMNT_TYPE STMNT_STATUS SESSION_ID "
        "USER_ID SPECIAL_AUDIT FINE_AUDIT RPT_START RPT_END RPT_DATE FILING_TYPE"
    ),
    "CVR_CAMPAIGN_DISCLOSURE_CD": (
        "FILING_ID AMEND_ID REC_TYPE FORM_TYPE FILER_ID ENTITY_CD FILER_NAML FILER_NAMF FILER_NAMT FILER_NAMS "
        "REPORT_NUM RPT_DATE STMT_TYPE LATE_RPTNO FROM_DATE THRU_DATE ELECT_DATE FILER_CITY FILER_ST "
        "FILER_ZIP4 FILER_PHON FILER_FAX FILE_EMAIL MAIL_CITY MAIL_ST MAIL_ZIP4 TRES_NAML TRES_NAMF TRES_NAMT "
        "TRES_NAMS TRES_CITY TRES_ST TRES_ZIP4 TRES_PHON TRES_FAX TRES_EMAIL CMTTE_TYPE CONTROL_YN SPONSOR_YN "
        "PRIMFRM_YN BRDBASE_YN AMENDEXP_1 AMENDEXP_2 AMENDEXP_3 RPT_ATT_CB CMTTE_ID REPORTNAME RPTFROMDT "
        "RPTTHRUDT EMPLBUS_CB BUS_NAME BUS_CITY BUS_ST BUS_ZIP4 BUS_INTER BUSACT_CB BUSACTVITY ASSOC_CB "
        "ASSOC_INT OTHER_CB OTHER_INT CAND_NAML CAND_NAMF CAND_NAMT CAND_NAMS CAND_CITY CAND_ST CAND_ZIP4 "
        "CAND_PHON CAND_FAX CAND_EMAIL BAL_NAME BAL_NUM BAL_JURIS OFFICE_CD OFFIC_DSCR JURIS_CD JURIS_DSCR "
        "DIST_NO OFF_S_H_CD SUP_OPP_CD EMPLOYER OCCUPATION SELFEMP_CB BAL_ID CAND_ID"
    ),
    "SMRY_CD": ("FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE AMOUNT_A AMOUNT_B AMOUNT_C ELEC_DT"),
    "RCPT_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD CTRIB_NAML CTRIB_NAMF CTRIB_NAMT "
        "CTRIB_NAMS CTRIB_CITY CTRIB_ST CTRIB_ZIP4 CTRIB_EMP CTRIB_OCC CTRIB_SELF TRAN_TYPE RCPT_DATE "
        "DATE_THRU AMOUNT CUM_YTD CUM_OTH CTRIB_DSCR CMTE_ID TRES_NAML TRES_NAMF TRES_NAMT TRES_NAMS "
        "TRES_CITY TRES_ST TRES_ZIP4 INTR_NAML INTR_NAMF INTR_NAMT INTR_NAMS INTR_CITY INTR_ST INTR_ZIP4 "
        "INTR_EMP INTR_OCC INTR_SELF CAND_NAML CAND_NAMF CAND_NAMT CAND_NAMS OFFICE_CD OFFIC_DSCR JURIS_CD "
        "JURIS_DSCR DIST_NO OFF_S_H_CD BAL_NAME BAL_NUM BAL_JURIS SUP_OPP_CD MEMO_CODE MEMO_REFNO BAKREF_TID "
        "XREF_SCHNM XREF_MATCH INT_RATE INTR_CMTEID"
    ),
    "EXPN_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD PAYEE_NAML PAYEE_NAMF PAYEE_NAMT "
        "PAYEE_NAMS PAYEE_CITY PAYEE_ST PAYEE_ZIP4 EXPN_DATE AMOUNT CUM_YTD CUM_OTH EXPN_CHKNO EXPN_CODE "
        "EXPN_DSCR AGENT_NAML AGENT_NAMF AGENT_NAMT AGENT_NAMS CMTE_ID TRES_NAML TRES_NAMF TRES_NAMT TRES_NAMS "
        "TRES_CITY TRES_ST TRES_ZIP4 CAND_NAML CAND_NAMF CAND_NAMT CAND_NAMS OFFICE_CD OFFIC_DSCR JURIS_CD "
        "JURIS_DSCR DIST_NO OFF_S_H_CD BAL_NAME BAL_NUM BAL_JURIS SUP_OPP_CD MEMO_CODE MEMO_REFNO BAKREF_TID "
        "G_FROM_E_F XREF_SCHNM XREF_MATCH"
    ),
    "S496_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID AMOUNT EXP_DATE EXPN_DSCR MEMO_CODE MEMO_REFNO "
        "DATE_THRU"
    ),
    "S497_CD": (
        "FILING_ID AMEND_ID LINE_ITEM REC_TYPE FORM_TYPE TRAN_ID ENTITY_CD ENTY_NAML ENTY_NAMF ENTY_NAMT "
        "ENTY_NAMS ENTY_CITY ENTY_ST ENTY_ZIP4 CTRIB_EMP CTRIB_OCC CTRIB_SELF ELEC_DATE CTRIB_DATE DATE_THRU "
        "AMOUNT CMTE_ID CAND_NAML CAND_NAMF CAND_NAMT CAND_NAMS OFFICE_CD OFFIC_DSCR JURIS_CD JURIS_DSCR "
        "DIST_NO OFF_S_H_CD BAL_NAME BAL_NUM BAL_JURIS MEMO_CODE MEMO_REFNO BAL_ID CAND_ID SUP_OFF_CD "
        "SUP_OPP_CD"
    ),
}
# A state-registered committee (sample) backing the 2022 Gascón recall, and one the watchlist
# does not follow (a scheduled run leaves it out).
CALACCESS_FILERS = [
    ("1449401", "RECIPIENT COMMITTEE", "1/10/2022",
     "Californians for Prosecutor Accountability, Recall Gascón 2022 (sample data)"),
    ("1449499", "RECIPIENT COMMITTEE", "3/2/2015", "Sample Statewide Parks Bond Committee (sample data)"),
    ("1449498", "LOBBYIST", "3/2/2015", "Sample Lobbying Firm (sample data)"),
]  # fmt: skip
# Givers and spenders no pattern of the watchlist names (FICTIONAL): a major donor (Form 461), a
# committee giving late (Form 497 part 2), and an outside committee spending against the Boudin
# recall (Form 496). A scheduled run keeps the givers' filings because what they paid went to the
# Gascón 2022 recall committee, and the spender's because its 496 names the recall.
CALACCESS_GIVERS = {
    "1449411": "Fictional Orchard Holdings LLC (sample data)",
    "1449412": "Imaginary Valley Business PAC (sample data)",
    "1449413": "Pretend Neighbors for Chesa, opposing the recall (sample data)",
}
# (filing id, amendment, form, filer, from, thru, filed)
CALACCESS_FILINGS = [
    ("9100001", 0, "F460", "1449401", "1/1/2022", "3/31/2022", "4/29/2022"),
    ("9100001", 1, "F460", "1449401", "1/1/2022", "3/31/2022", "5/20/2022"),
    ("9100002", 0, "F497", "1449401", "", "", "6/3/2022"),
    ("9100003", 0, "F460", "1449499", "1/1/2022", "6/30/2022", "7/29/2022"),
    ("9100011", 0, "F461", "1449411", "1/1/2022", "3/31/2022", "4/29/2022"),
    ("9100012", 0, "F497", "1449412", "", "", "6/1/2022"),
    ("9100013", 0, "F496", "1449413", "", "", "5/20/2022"),
    ("9100013", 1, "F496", "1449413", "", "", "5/24/2022"),
]
# The Boudin recall as a Form 496 cover page names it (BAL_NAME), opposed
CALACCESS_IE_TARGETS = {"9100013": ("Recall of District Attorney Chesa Boudin", "H", "O")}
# The Gascón 2022 recall committee of the NetFile LACO export: its FPPC id (Filer_ID) and name
GASCON_2022_FPPC_ID = "1449201"
GASCON_2022_NAME = "Recall District Attorney George Gascón 2022 (sample data)"
# (filing id, amendment, line, form, date, amount): contributions made to the Gascón 2022 recall
# committee; the Schedule D row is the state committee's, amended (its first version said 15,000)
CALACCESS_MADE = [
    ("9100011", 0, 1, "F461P5", "3/15/2022", 60000),
    ("9100001", 0, 5, "D", "3/20/2022", 15000),
    ("9100001", 1, 5, "D", "3/20/2022", 20000),
]
CALACCESS_LATE_MADE = [("9100012", 0, 1, "F497P2", "5/31/2022", 25000)]
# (filing id, amendment, line, date, amount, description): the 496's amendment adds a line
CALACCESS_IES = [
    ("9100013", 0, 1, "5/18/2022", 18000, "TV ad (sample)"),
    ("9100013", 1, 1, "5/18/2022", 18000, "TV ad (sample)"),
    ("9100013", 1, 2, "5/19/2022", 7500, "Mailer (sample)"),
]
# (filing id, amendment, line, schedule, donor, date, amount, cumulative, memo)
CALACCESS_RECEIPTS = [
    ("9100001", 0, 1, "A", "zebulon", "2/14/2022", 50000, 50000, ""),
    ("9100001", 0, 2, "A", "party", "3/8/2022", 15000, 15000, ""),
    ("9100001", 1, 1, "A", "zebulon", "2/14/2022", 50000, 50000, ""),
    ("9100001", 1, 2, "A", "party", "3/8/2022", 15000, 15000, ""),
    ("9100001", 1, 3, "A", "ada", "3/30/2022", 1000, 1000, ""),
    ("9100001", 1, 4, "C", "quinn", "3/12/2022", 2500, 2500, ""),
    ("9100003", 0, 1, "A", "rowan", "2/2/2022", 300, 300, ""),
]
CALACCESS_LATE = [("9100002", 0, 1, "F497P1", "examplar", "6/2/2022", 40000)]


def calaccess_table(table, rows):
    """A table as CAL-ACCESS writes it: tab-separated, CRLF, no quoting, empty columns kept."""
    header = CALACCESS_HEADERS[table].split()
    lines = ["\t".join(header)]
    for row in rows:
        lines.append("\t".join(str(row.get(name, "")) for name in header))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def ie_target(filing):
    """The BAL_NAME, BAL_NUM and SUP_OPP_CD of a Form 496 cover page."""
    if filing not in CALACCESS_IE_TARGETS:
        return {}
    name, number, code = CALACCESS_IE_TARGETS[filing]
    return {"BAL_NAME": name, "BAL_NUM": number, "SUP_OPP_CD": code}


def calaccess_export():
    def day(text):
        return f"{text} 12:00:00 AM" if text else ""

    names = [{"XREF_FILER_ID": f, "FILER_ID": f, "FILER_TYPE": t, "STATUS": "ACTIVE", "EFFECT_DT": d, "NAML": n}
             for f, t, d, n in CALACCESS_FILERS]  # fmt: skip
    filer_names = {**{f: n for f, _, _, n in CALACCESS_FILERS}, **CALACCESS_GIVERS}
    covers = [
        {"FILING_ID": i, "AMEND_ID": a, "REC_TYPE": "CVR", "FORM_TYPE": form, "FILER_ID": f,
         "FILER_NAML": filer_names[f], "RPT_DATE": day(filed), "FROM_DATE": day(start), "THRU_DATE": day(end),
         "CMTTE_TYPE": "R", "STMT_TYPE": "qt" if form == "F460" else "",
         **ie_target(i)}
        for i, a, form, f, start, end, filed in CALACCESS_FILINGS
    ]  # fmt: skip
    filer_filings = [
        {"FILER_ID": f, "FILING_ID": i, "FORM_ID": form, "FILING_SEQUENCE": a, "FILING_DATE": day(filed),
         "RPT_START": day(start), "RPT_END": day(end)}
        for i, a, form, f, start, end, filed in CALACCESS_FILINGS
    ]  # fmt: skip
    summaries = []
    for filing, amendment, form, _filer, *_ in CALACCESS_FILINGS:
        if form != "F460":
            continue
        rows = [r for r in CALACCESS_RECEIPTS if r[0] == filing and r[1] == amendment]
        monetary = sum(r[6] for r in rows if r[3] == "A") + 3150  # + unitemized gifts under $100
        nonmonetary = sum(r[6] for r in rows if r[3] == "C")
        for line, amount in (("1", monetary), ("3", monetary), ("4", nonmonetary), ("5", monetary + nonmonetary)):
            summaries.append({"FILING_ID": filing, "AMEND_ID": amendment, "LINE_ITEM": line, "REC_TYPE": "SMRY",
                              "FORM_TYPE": "F460", "AMOUNT_A": amount, "AMOUNT_B": amount})  # fmt: skip
    receipts = []
    for filing, amendment, line, schedule, donor, when, amount, cumulative, memo in CALACCESS_RECEIPTS:
        code, last, first, city, zip_code, employer, occupation = DONORS[donor]
        receipts.append({
            "FILING_ID": filing, "AMEND_ID": amendment, "LINE_ITEM": line, "REC_TYPE": "RCPT", "FORM_TYPE": schedule,
            "TRAN_ID": f"RC{filing[-2:]}{line}", "ENTITY_CD": code.lower() if donor == "ada" else code,
            "CTRIB_NAML": last, "CTRIB_NAMF": first, "CTRIB_CITY": city, "CTRIB_ST": "CA", "CTRIB_ZIP4": zip_code,
            "CTRIB_EMP": employer, "CTRIB_OCC": occupation, "RCPT_DATE": day(when), "AMOUNT": amount,
            "CUM_YTD": cumulative, "MEMO_CODE": memo,
        })  # fmt: skip
    late_rows = []
    for filing, amendment, line, form, donor, when, amount in CALACCESS_LATE:
        code, last, first, city, zip_code, employer, occupation = DONORS[donor]
        late_rows.append({
            "FILING_ID": filing, "AMEND_ID": amendment, "LINE_ITEM": line, "REC_TYPE": "S497", "FORM_TYPE": form,
            "TRAN_ID": f"L{filing[-2:]}{line}", "ENTITY_CD": code, "ENTY_NAML": last, "ENTY_NAMF": first,
            "ENTY_CITY": city, "ENTY_ST": "CA", "ENTY_ZIP4": zip_code, "CTRIB_DATE": day(when), "AMOUNT": amount,
            "MEMO_REFNO": "\x1a",  # the real export has stray SUB bytes
        })  # fmt: skip
    for filing, amendment, line, form, when, amount in CALACCESS_LATE_MADE:
        late_rows.append({
            "FILING_ID": filing, "AMEND_ID": amendment, "LINE_ITEM": line, "REC_TYPE": "S497", "FORM_TYPE": form,
            "TRAN_ID": f"M{filing[-2:]}{line}", "ENTITY_CD": "COM", "ENTY_NAML": GASCON_2022_NAME,
            "ENTY_CITY": "Los Angeles", "ENTY_ST": "CA", "CTRIB_DATE": day(when), "AMOUNT": amount,
            "CMTE_ID": GASCON_2022_FPPC_ID,
        })  # fmt: skip
    paid = [
        {"FILING_ID": filing, "AMEND_ID": amendment, "LINE_ITEM": line, "REC_TYPE": "EXPN", "FORM_TYPE": form,
         "TRAN_ID": f"E{filing[-2:]}{line}", "ENTITY_CD": "COM", "PAYEE_NAML": GASCON_2022_NAME,
         "PAYEE_CITY": "Los Angeles", "PAYEE_ST": "CA", "EXPN_DATE": day(when), "AMOUNT": amount,
         "EXPN_CODE": "MON", "CMTE_ID": GASCON_2022_FPPC_ID, "SUP_OPP_CD": "S"}
        for filing, amendment, line, form, when, amount in CALACCESS_MADE
    ]  # fmt: skip
    spent = [
        {"FILING_ID": filing, "AMEND_ID": amendment, "LINE_ITEM": line, "REC_TYPE": "S496", "FORM_TYPE": "F496",
         "TRAN_ID": f"IE{filing[-2:]}{line}", "AMOUNT": amount, "EXP_DATE": day(when), "EXPN_DSCR": description,
         "MEMO_REFNO": f"IE{line} "}  # trailing space, as the real MEMO_REFNO has
        for filing, amendment, line, when, amount, description in CALACCESS_IES
    ]  # fmt: skip
    tables = {
        "FILERNAME_CD": names,
        "FILER_FILINGS_CD": filer_filings,
        "CVR_CAMPAIGN_DISCLOSURE_CD": covers,
        "SMRY_CD": summaries,
        "RCPT_CD": receipts,
        "S497_CD": late_rows,
        "EXPN_CD": paid,
        "S496_CD": spent,
    }
    return zip_of({f"CalAccess/DATA/{table}.TSV": calaccess_table(table, rows) for table, rows in tables.items()})


def build_calaccess_export():
    record("filings_calaccess", CALACCESS_URL, calaccess_export(), "application/zip")


if __name__ == "__main__":
    build_netfile_exports()
    build_calaccess_export()
