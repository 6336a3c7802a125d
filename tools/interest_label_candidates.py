"""The givers the interest labels were drawn from (tests/fixtures/interest_labels.csv): a fixed,
deterministic selection of real rows of the shared samples, printed as CSV for a person to label
(class, sector, reason). Run by hand: `python tools/interest_label_candidates.py SAMPLES_DIR`.

Organisations are over-sampled (they are what the rules decide); every Nth person is kept. The
random CAL-ACCESS rows hold few police associations and parties, so every CAL-ACCESS row or filer
name (FILERNAME_CD, the cover pages) with a law-enforcement or party word is added: their labels
measure precision; coverage over them is optimistic, since a word search picked them.
"""

import csv
import io
import json
import re
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

FIELDS = ("source_file", "row", "name", "entity_code", "schedule", "employer", "occupation", "amount")
PERSON_EVERY = 12


def cal_rows(path, last, first, received_forms=None):
    with open(path, encoding="latin-1", newline="") as f:
        for number, row in enumerate(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
            if received_forms and row["FORM_TYPE"] not in received_forms:
                continue
            name = ", ".join(part for part in (row[last].strip(), row[first].strip()) if part)
            yield {
                "row": number,
                "name": name,
                "entity_code": row["ENTITY_CD"].strip(),
                "schedule": row["FORM_TYPE"].strip(),
                "employer": row.get("CTRIB_EMP", "").strip(),
                "occupation": row.get("CTRIB_OCC", "").strip(),
                "amount": row["AMOUNT"].strip(),
            }


def netfile_rows(path, sheet):
    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_name(sheet).to_python()
    header = rows[0]
    for number, values in enumerate(rows[1:], start=2):
        row = dict(zip(header, values, strict=False))
        name = ", ".join(part for part in (str(row["Tran_NamL"]).strip(), str(row["Tran_NamF"]).strip()) if part)
        yield {
            "row": number,
            "name": name,
            "entity_code": str(row["Entity_Cd"]).strip(),
            "schedule": str(row["Form_Type"]).strip(),
            "employer": str(row["Tran_Emp"]).strip(),
            "occupation": str(row["Tran_Occ"]).strip(),
            "amount": row["Tran_Amt1"],
        }


def illinois_rows(path):
    with open(path, encoding="latin-1", newline="") as f:
        for number, row in enumerate(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
            name = ", ".join(part for part in (row["LastOnlyName"].strip(), row["FirstName"].strip()) if part)
            yield {
                "row": number,
                "name": name,
                "entity_code": "",
                "schedule": row["D2Part"].strip(),
                "employer": row["Employer"].strip(),
                "occupation": row["Occupation"].strip(),
                "amount": row["Amount"].strip(),
            }


def pa_rows(path, header):
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        columns = [c.strip().upper() for c in next(reader)] if header else LEGACY_CONTRIB
        for number, values in enumerate(reader, start=2 if header else 1):
            row = dict(zip(columns, values, strict=False))
            yield {
                "row": number,
                "name": row["CONTRIBUTOR"].strip(),
                "entity_code": "",
                "schedule": row["SECTION"].strip(),
                "employer": row["ENAME"].strip(),
                "occupation": row["OCCUPATION"].strip(),
                "amount": row["CONTAMT1"].strip(),
            }


LEGACY_CONTRIB = (
    "FILERID", "EYEAR", "CYCLE", "SECTION", "CONTRIBUTOR", "ADDRESS1", "ADDRESS2", "CITY", "STATE", "ZIPCODE",
    "OCCUPATION", "ENAME", "EADDRESS1", "EADDRESS2", "ECITY", "ESTATE", "EZIPCODE", "CONTDATE1", "CONTAMT1",
    "CONTDATE2", "CONTAMT2", "CONTDATE3", "CONTAMT3", "CONTDESC",
)  # fmt: skip


def carto_rows(path):
    for number, row in enumerate(json.loads(Path(path).read_text())["rows"], start=1):
        yield {
            "row": number,
            "name": row["donor_name"],
            "entity_code": row["donor_type"] or "",
            "schedule": "",
            "employer": row["donor_employer_name"] or "",
            "occupation": row["donor_occupation"] or "",
            "amount": row["transaction_amount"],
        }


def api_rows(path):
    for number, element in enumerate(json.loads(Path(path).read_text()), start=1):
        tran = element["transaction"]
        name = ", ".join(p for p in (tran.get("tranNamL") or "", tran.get("tranNamF") or "") if p)
        yield {
            "row": number,
            "name": name,
            "entity_code": tran.get("entityCd") or "",
            "schedule": tran.get("formType") or "",
            "employer": tran.get("tranEmp") or "",
            "occupation": tran.get("tranOcc") or "",
            "amount": element["calculatedAmount"],
        }


SEARCH_WORDS = re.compile(
    r"police|sheriff|peace ?officer|correctional|probation|fraternal order|district attorney|highway patrol"
    r"|democrat|republican|\bgop\b|\bparty\b|libert",
    re.IGNORECASE,
)
NAME_FILES = {
    "calaccess/RCPT_CD.TSV": ("CTRIB_NAML", "ENTITY_CD", "AMOUNT"),
    "calaccess/S497_CD.TSV": ("ENTY_NAML", "ENTITY_CD", "AMOUNT"),
    "calaccess/EXPN_CD.TSV": ("PAYEE_NAML", "ENTITY_CD", "AMOUNT"),
    "calaccess/FILERNAME_CD.TSV": ("NAML", None, None),
    "calaccess/CVR_CAMPAIGN_DISCLOSURE_CD.TSV": ("FILER_NAML", "ENTITY_CD", None),
    "calaccess_extra/CVR2_CAMPAIGN_DISCLOSURE_CD.TSV": ("ENTY_NAML", "ENTITY_CD", None),
}


def searched_rows(samples, already):
    """Organisations (not IND) whose name has a law-enforcement or party word."""
    for source_file, (name_column, code_column, amount_column) in NAME_FILES.items():
        with open(samples / source_file, encoding="latin-1", newline="") as f:
            for number, row in enumerate(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
                name, code = row[name_column].strip(), (row[code_column].strip() if code_column else "")
                if code == "IND" or not SEARCH_WORDS.search(name) or (source_file, number) in already:
                    continue
                yield {
                    "source_file": source_file,
                    "row": number,
                    "name": name,
                    "entity_code": code,
                    "schedule": row.get("FORM_TYPE", "").strip(),
                    "employer": "",
                    "occupation": "",
                    "amount": row[amount_column].strip() if amount_column else "",
                }


def selected(rows, source_file, organizations_every=1, people_every=PERSON_EVERY):
    people = organizations = 0
    for row in rows:
        if not row["name"]:
            continue
        # CAL code IND, Philadelphia "Individual", Illinois 1A with a first name, a Pennsylvania
        # section for givers other than committees (IB, ID: most are people)
        is_person = (
            row["entity_code"].upper() in ("IND", "INDIVIDUAL")
            or (row["schedule"].upper() == "1A" and "," in row["name"])
            or row["schedule"].upper() in ("IB", "ID")
        )
        if is_person:
            people += 1
            if people % people_every:
                continue
        else:
            organizations += 1
            if organizations % organizations_every:
                continue
        yield {"source_file": source_file, **row}


def candidates(samples):
    receipts = "calaccess/RCPT_CD.TSV"
    yield from selected(cal_rows(samples / receipts, "CTRIB_NAML", "CTRIB_NAMF"), receipts, 5)
    yield from selected(
        cal_rows(samples / "calaccess/S497_CD.TSV", "ENTY_NAML", "ENTY_NAMF", {"F497P1"}), "calaccess/S497_CD.TSV", 8
    )
    yield from selected(
        cal_rows(samples / "calaccess/EXPN_CD.TSV", "PAYEE_NAML", "PAYEE_NAMF"), "calaccess/EXPN_CD.TSV", 40, 1000
    )
    for year in (2017, 2018):
        name = f"netfile_export/efile_BRK_{year}.xlsx"
        yield from selected(netfile_rows(samples / name, "A-Contributions"), name, 2, 40)
    yield from selected(api_rows(samples / "netfile_api/transactions.json"), "netfile_api/transactions.json")
    yield from selected(illinois_rows(samples / "illinois/Receipts_sample.txt"), "illinois/Receipts_sample.txt", 1, 1)
    pennsylvania = samples / "pennsylvania/contrib_2025.sample.txt"
    yield from selected(pa_rows(pennsylvania, True), "pennsylvania/contrib_2025", 1, 1)
    for path in sorted((samples / "philadelphia/records_ftp_2011_cycle6").glob("*/*/contrib.txt")):
        source_file = str(path.relative_to(samples))
        yield from selected(pa_rows(path, False), source_file, 2, 12)
    carto = "philadelphia/carto_campfin_contributions_sample_2026-04-25.json"
    yield from selected(carto_rows(samples / carto), carto, 1, 1)


def main(samples):
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS)
    writer.writeheader()
    chosen = list(candidates(Path(samples)))
    writer.writerows(chosen)
    writer.writerows(searched_rows(Path(samples), {(row["source_file"], row["row"]) for row in chosen}))
    sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main(sys.argv[1])
