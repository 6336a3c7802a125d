"""recallwatch/parsers/philadelphia.py on real rows (tests/fixtures/filings_philadelphia/, copied
from ../shared/samples/philadelphia/ with their quirks):

- carto/: real Carto SQL JSON answers of campfin_contributions and campfin_expenditures (5 rows each);
- a campfin_transactions CSV that `transactions_csv` WRITES from those same real rows under the
  documented column names (donor_* / payee_* renamed entity_*, FIELDS-wave2.md §3.1): no real
  campfin_transactions CSV was available;
- legacy/records_ftp_2011_cycle6/: 22 real 2011 e-filing folders (0-byte files, filer.txt
  without a final newline, trailing commas, UTF-8 quotes, "Philadelkphia").
"""

import csv
import io
import json

import pytest

from recallwatch.core.items import Contribution, ContributionMade, Filing, IndependentExpenditure, Rejected
from recallwatch.core.watchlist import Watchlist
from recallwatch.parsers.philadelphia import (
    TRANSACTION_COLUMNS,
    CartoReader,
    LegacyReader,
    carto_csv_rows,
    carto_json_rows,
    legacy_sets,
)
from tests.crawl import FIXTURES, REPO

CARTO = FIXTURES / "filings_philadelphia" / "carto"
CONTRIBUTIONS = CARTO / "carto_campfin_contributions_sample_2026-04-25.json"
EXPENDITURES = CARTO / "carto_campfin_expenditures_sample_2026-04-25.json"
LEGACY = FIXTURES / "filings_philadelphia" / "legacy" / "records_ftp_2011_cycle6"
WATCHLIST = Watchlist.load(REPO / "data" / "watchlist.yml")


def real_rows(path):
    return json.loads(path.read_bytes())["rows"]


def transactions_csv(rows):
    """A campfin_transactions CSV written from real JSON rows: the documented columns, entity_*."""
    out = io.StringIO()
    writer = csv.DictWriter(out, TRANSACTION_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        renamed = {key.replace("donor_", "entity_").replace("payee_", "entity_"): value for key, value in row.items()}
        writer.writerow({key: "" if value is None else value for key, value in renamed.items()})
    return out.getvalue().encode()


def outputs(parsed):
    """({table: [row dict, ...]}, [Rejected, ...]) of a parser's output."""
    tables, rejects = {}, []
    for out in parsed:
        if isinstance(out, Rejected):
            rejects.append(out)
            continue
        for row in out.rows:
            tables.setdefault(out.item_class.table, []).append(dict(zip(out.fields, row, strict=True)))
    return tables, rejects


def carto(rows, watchlist=None):
    return outputs(CartoReader("file:sample.json", watchlist).read(rows))


def legacy(sets, watchlist=None):
    return outputs(LegacyReader("file:records", watchlist).read(sets))


def legacy_files(root=LEGACY):
    paths = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]
    return {folder: {kind: (root / path).read_bytes() for kind, path in files.items()}
            for folder, files in legacy_sets(paths).items()}  # fmt: skip


# -- Carto


def test_carto_contributions_json():
    tables, rejects = carto(carto_json_rows(json.loads(CONTRIBUTIONS.read_bytes())))
    assert rejects == []
    gifts = tables["contributions"]
    assert [(g["contributor_name"], g["amount"], g["schedule"], g["date"]) for g in gifts] == [
        ("O'ROURKE JOHN", 20.0, "I", "2026-03-30"),  # 2026-03-30T04:00:00Z: midnight in Philadelphia
        ("RYDER FRANCIS", 20.0, "I", "2026-03-30"),
        ("DAVID  MILOWICKI", 11.0, "I", "2026-03-30"),  # as filed, double space and all
        ("MASTROME ANTHONY", 20.0, "I", "2026-03-30"),
        ("WHITE CHARLES", 20.0, "I", "2026-03-30"),
    ]
    assert gifts[0]["id"] == "philadelphia:carto:1876789"
    assert (gifts[0]["entity_code"], gifts[2]["entity_code"]) == ("IND", None)  # "Not Specified"
    filings = {f["id"]: f for f in tables["filings"]}
    teamsters = filings["philadelphia:carto:12569"]
    # report_cycle_start_date 2026-01-01T05:00:00Z (EST), end 2026-03-30T04:00:00Z (EDT)
    assert (teamsters["period_start"], teamsters["period_end"], teamsters["filed"]) == (
        "2026-01-01", "2026-03-30", "2026-03-31",
    )  # fmt: skip
    assert (teamsters["report_id"], teamsters["form_type"], teamsters["amendment"]) == (
        "philadelphia:8400128:2026:1", "CFR", 0,
    )  # fmt: skip
    assert teamsters["source_filing_id"] == "13123"
    committees = {c["source_id"]: c["name"] for c in tables["committees"]}
    assert committees == {"8400128": "TEAMSTERS JOINT COUNCIL NO. 53 PAC", "8200616": "PECO PAC"}


def test_carto_expenditures_to_committees_are_contributions_made():
    tables, rejects = carto(carto_json_rows(json.loads(EXPENDITURES.read_bytes())))
    assert rejects == []
    made = tables["contributions_made"]
    assert [(m["recipient_name"], m["amount"], m["form"], m["description"]) for m in made] == [
        ("FRIENDS OF JOE HOGAN", 500.0, "EXP", "2026 Primary"),
        ("FRIENDS OF JOE WEBSTER", 500.0, "EXP", "2026 Primary"),
        ("STAATS FOR STATE REP.", 500.0, "EXP", "2026 Primary"),
        ("FRIENDS OF FRANK FARRY", 2500.0, "EXP", "CONTRIBUTION"),  # transaction_amount is numeric here
        ("FRIENDS OF JOE CIRESI", 500.0, "EXP", "2026 Primary"),
    ]
    assert "contributions" not in tables


def test_a_transactions_csv_written_from_the_real_rows_reads_as_the_json_does():
    from_json = {}
    for path in (CONTRIBUTIONS, EXPENDITURES):  # one table per JSON answer
        for table, rows in carto(carto_json_rows(json.loads(path.read_bytes())))[0].items():
            from_json.setdefault(table, []).extend(rows)
    rows = real_rows(CONTRIBUTIONS) + real_rows(EXPENDITURES)
    from_csv, rejects = carto(carto_csv_rows(io.BytesIO(transactions_csv(rows))))
    assert rejects == []
    for table in ("committees", "filings", "contributions", "contributions_made"):
        as_set = {tuple(sorted(row.items())) for row in from_json[table]}
        assert {tuple(sorted(row.items())) for row in from_csv[table]} == as_set, table
    assert len(from_csv["contributions"]) == len(from_csv["contributions_made"]) == 5


def test_an_independent_expenditure_names_its_target_and_side():
    row = dict(real_rows(EXPENDITURES)[3], report_year=2021, transaction_date="2021-04-26T04:00:00Z",
               report_doc_type="Independent Expenditures",
               transaction_description="Mailer opposing Larry Krasner")  # fmt: skip
    tables, rejects = carto(carto_json_rows({"rows": [row]}), WATCHLIST)
    assert rejects == []
    (ie,) = tables["independent_expenditures"]
    assert (ie["target_name"], ie["campaign_id"], ie["position"], ie["side"], ie["linked_by"]) == (
        "Larry Krasner", "krasner-primary-2021", "oppose", "against", "ie target",
    )  # fmt: skip
    assert (ie["payee"], ie["amount"], ie["date"]) == ("FRIENDS OF FRANK FARRY", 2500.0, "2021-04-26")
    row["transaction_description"] = "Radio advertising"  # names no candidate: no campaign
    tables, _ = carto(carto_json_rows({"rows": [row]}), WATCHLIST)
    assert tables["independent_expenditures"][0]["campaign_id"] is None


def test_a_candidate_committee_is_linked_by_its_candidate_fields():
    row = dict(real_rows(CONTRIBUTIONS)[0], filer_candidate_name="LAWRENCE S KRASNER",
               candidate_office="District Attorney", report_election_date="2021-05-18T04:00:00Z")  # fmt: skip
    tables, _ = carto(carto_json_rows({"rows": [row]}), WATCHLIST)
    (committee,) = tables["committees"]
    assert (committee["campaign_id"], committee["position"], committee["side"], committee["linked_by"]) == (
        "krasner-primary-2021", "support", "for", "candidate",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("field", "raw", "reason"),
    [
        ("transaction_amount", "NaN", "row 1: transaction_amount is not a finite number: 'NaN'"),
        ("transaction_amount", "1e308", "row 1: transaction_amount is written with an exponent: '1e308'"),
        ("transaction_date", "2099-13-45T04:00:00Z",
         "row 1: transaction_date is not a real date: '2099-13-45T04:00:00Z'"),
        ("transaction_type", "Balance Forward",
         "row 1: transaction_type 'Balance Forward' is not one this reader knows"),
    ],
)  # fmt: skip
def test_an_unreadable_carto_row_is_rejected_with_its_reason(field, raw, reason):
    row = dict(real_rows(CONTRIBUTIONS)[0], **{field: raw})
    if field == "transaction_type":
        row.update(transaction_supertype="", report_doc_type="", report_doc_type_detail="")
    tables, rejects = carto(carto_json_rows({"rows": [row]}))
    assert [r.reason for r in rejects] == [reason]
    assert "contributions" not in tables


def test_a_filing_with_an_unreadable_date_is_stored_without_it():
    row = dict(real_rows(CONTRIBUTIONS)[0], report_certified_date="2099-13-45T04:00:00Z")
    tables, rejects = carto(carto_json_rows({"rows": [row]}))
    assert [r.reason for r in rejects] == [
        "report 12569: report_certified_date is not a real date: '2099-13-45T04:00:00Z'; "
        "the filing is stored without it"
    ]
    assert tables["filings"][0]["filed"] is None
    assert len(tables["contributions"]) == 1


# -- legacy folders


def test_the_legacy_folders_hold_22_filings_and_every_row():
    tables, rejects = legacy(legacy_files())
    assert rejects == []
    assert len(tables["filings"]) == len(tables["committees"]) == 22
    schedules = {}
    for gift in tables["contributions"]:
        schedules[gift["schedule"]] = schedules.get(gift["schedule"], 0) + 1
    # FIELDS-wave2.md §3.2: IB 493, ID 137, IC 135, IA 20, IIG 15, IIF 13; 13 receipt and 38 debt rows
    assert schedules == {"IB": 493, "ID": 137, "IC": 135, "IA": 20, "IIG": 15, "IIF": 13, "I-E": 13, "IV": 38}


def test_legacy_quirks_are_read():
    tables, _ = legacy(legacy_files())
    gifts = {g["id"]: g for g in tables["contributions"]}
    cozen = [g for g in gifts.values() if g["employer"] == "Cozen O\u2019Connor"]  # UTF-8 E2 80 99
    assert len(cozen) > 10
    made = {m["recipient_name"]: m for m in tables["contributions_made"]}
    assert made["Rick Outman for State Representative"]["amount"] == -125.0  # a refund stays negative
    untermeyer = [
        g for g in gifts.values() if g["contributor_name"] == "Michael W. Untermeyer" and g["schedule"] == "IV"
    ]
    assert [(g["schedule"], g["amount"], g["date"]) for g in untermeyer] == [("IV", 60000.0, "2011-03-08")]
    filings = {f["id"]: f for f in tables["filings"]}
    comcast = filings["philadelphia:8200412:2011:6:20111206"]  # filer.txt without a final newline
    assert (comcast["filed"], comcast["amendment"], comcast["report_id"]) == (
        "2011-12-06", 0, "philadelphia:8200412:2011:6",
    )  # fmt: skip
    ward = next(c for c in tables["committees"] if c["source_id"] == "8400328")
    assert ward["name"] == "17th Ward Democratic Executive Committee"


def test_an_amendment_without_its_original_is_numbered_1_and_later_versions_follow():
    files = legacy_files()
    blarney = files["Blarney Pac/20111205"]
    # The original, filed a week earlier: the same files with AMMEND "N" (built from the real ones)
    original = dict(blarney, filer=blarney["filer"].replace(b'"Y","N"', b'"N","N"', 1))
    tables, _ = legacy({"Blarney Pac/20111205": blarney})
    assert tables["filings"][0]["amendment"] == 1
    tables, _ = legacy({"Blarney Pac/20111128": original, "Blarney Pac/20111205": blarney})
    assert [(f["id"], f["amendment"]) for f in tables["filings"]] == [
        ("philadelphia:2005088:2011:6:20111128", 0),
        ("philadelphia:2005088:2011:6:20111205", 1),
    ]


def test_up_to_three_gifts_per_contrib_row_and_bad_rows_rejected():
    files = legacy_files()
    duda = dict(files["Friends of Joe Duda/20111207"])
    first = duda["contrib"].split(b"\n")[0]
    assert first.endswith(b',"",,"",,""')  # empty CONTDATE2/3 and CONTAMT2/3
    repeat = first.replace(b',"",,"",,""', b',"20111020",25,"",0,""')  # a second gift; a zero third slot
    nan = first.replace(b',"",,"",,""', b',"20111020",NaN,"",,""')
    short = b'1776139,2011,6,"IB","Nobody"'
    duda["contrib"] = b"\n".join([repeat, nan, short])
    tables, rejects = legacy({"Friends of Joe Duda/20111207": duda})
    gifts = [(g["id"].rsplit(":", 2)[-2:], g["amount"], g["date"]) for g in tables["contributions"]
             if g["schedule"] != "IV"]  # fmt: skip
    first_amount = float(first.split(b",")[18])
    assert gifts[:2] == [(["1", "1"], first_amount, gifts[0][2]), (["1", "2"], 25.0, "2011-10-20")]
    assert [r.reason for r in rejects] == [
        "Friends of Joe Duda/20111207/contrib.txt line 2: CONTAMT2 is not a finite number: 'NaN'",
        "Friends of Joe Duda/20111207/contrib.txt line 3: 5 fields, the layout has 24",
    ]


def test_an_unreadable_amendment_flag_rejects_the_filing():
    files = legacy_files()
    blarney = dict(files["Blarney Pac/20111205"])
    blarney["filer"] = blarney["filer"].replace(b'"Y","N"', b'"Q","N"', 1)
    tables, rejects = legacy({"Blarney Pac/20111205": blarney})
    assert [r.reason for r in rejects] == [
        "Blarney Pac/20111205/filer.txt: AMMEND is not Y or N: 'Q'; the filing and its rows are rejected"
    ]
    assert tables == {}


def test_items_are_the_projects_items():
    tables, _ = carto(carto_json_rows(json.loads(EXPENDITURES.read_bytes())))
    assert ContributionMade.table in tables and Filing.table in tables
    assert Contribution.table == "contributions" and IndependentExpenditure.table == "independent_expenditures"


def test_a_legacy_expense_described_as_an_independent_expenditure():
    comcast = dict(legacy_files()["Comcast Corporation Political Action Committee - USA/20111206"])
    outman = comcast["expense"].split(b"\n")[0]
    ie = outman.replace(b'"20111025",-125,"2012 Primary Contribution"',
                        b'"20170502",15000,"Independent expenditure: TV ad against Larry Krasner"')  # fmt: skip
    comcast["expense"] = ie + b"\n"
    tables, rejects = legacy({"Comcast Corporation Political Action Committee - USA/20111206": comcast}, WATCHLIST)
    assert rejects == [] and "contributions_made" not in tables
    (spent,) = tables["independent_expenditures"]
    assert (spent["target_name"], spent["campaign_id"], spent["position"], spent["amount"], spent["payee"]) == (
        "Larry Krasner", "krasner-primary-2017", "oppose", 15000.0, "Rick Outman for State Representative",
    )  # fmt: skip
