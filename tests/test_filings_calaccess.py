"""filings_calaccess: real CAL-ACCESS sample tables (tests/fixtures/filings_calaccess/samples: the first
120 rows of each table in ../shared/samples/calaccess, bytes untouched), real rows picked so that ids
join (joined/: see tests/test_parser_calaccess.py) and a crafted export built from real rows
(crafted/: amendments, a late report, the format's quirks)."""

import zipfile
from datetime import date, timedelta

import pytest

from tests.crawl import FIXTURES, crawl, crawled, file_url
from tests.test_parser_calaccess import JOINED, lines_of, table_bytes, with_values

SAMPLES = FIXTURES / "filings_calaccess" / "samples"
CRAFTED = FIXTURES / "filings_calaccess" / "crafted"
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def data_rows(path):
    """The data rows of a table file, split the simplest way (the other route to the counts)."""
    lines = path.read_bytes().split(b"\r\n")
    return [line.split(b"\t") for line in lines[1:] if line]


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    return crawled("filings_calaccess", tmp_path_factory.mktemp("samples"), f"url={file_url(SAMPLES)}")


@pytest.fixture(scope="module")
def crafted_folder(tmp_path_factory):
    """A folder holding the crafted tables zipped as the real export lays them out."""
    folder = tmp_path_factory.mktemp("crafted")
    export_zip(folder, CRAFTED.iterdir())
    return folder


def export_zip(folder, tables):
    """dbwebexport.zip in folder, laid out as the real one, of the table files given."""
    export = folder / "dbwebexport.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in sorted(tables):
            archive.write(table, f"CalAccess/DATA/{table.name}")
    return export


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    folder = tmp_path_factory.mktemp("joined")
    return crawled("filings_calaccess", folder, f"url={file_url(export_zip(folder, JOINED.iterdir()))}")


@pytest.fixture(scope="module")
def crafted(crafted_folder):
    return crawled("filings_calaccess", crafted_folder, f"url={file_url(crafted_folder / 'dbwebexport.zip')}")


def test_the_sample_tables_are_all_stored(samples):
    receipts = data_rows(SAMPLES / "RCPT_CD.TSV")
    late = [row for row in data_rows(SAMPLES / "S497_CD.TSV") if row[4] == b"F497P1"]
    covers = {(row[0], row[1]) for row in data_rows(SAMPLES / "CVR_CAMPAIGN_DISCLOSURE_CD.TSV")}
    campaign_filings = {
        (row[1], row[4]) for row in data_rows(SAMPLES / "FILER_FILINGS_CD.TSV") if row[3].startswith(b"F4")
    }
    db = samples.db
    assert db["contributions"].count_where("schedule != '497'") == len(receipts) == 120
    assert db["contributions"].count_where("schedule = '497'") == len(late) == 97
    assert db["filings"].count == len(covers | campaign_filings)
    assert db["filing_summaries"].count == len(data_rows(SAMPLES / "SMRY_CD.TSV")) == 120
    # One real row was filed "7/29/1940", before any filing we read: stored without its filed date
    rejects = [(row["item_type"], row["reason"]) for row in db["rejects"].rows]
    assert rejects == [
        (
            "filings",
            f"FILER_FILINGS_CD line 54: filed is outside 1970-01-01..{TOMORROW}: '7/29/1940 12:00:00 AM'; "
            "the filing is stored without it",
        )
    ]
    filing = db["filings"].get("calaccess:99806:0")
    assert (filing["filed"], filing["period_start"], filing["period_end"]) == (None, "1994-05-22", "1994-06-30")
    assert samples.last_run("filings_calaccess")["status"] == "partial"


def test_sample_dates_amounts_and_codes_are_read(samples):
    row = samples.db.execute(
        "select contributor_name, date, amount, entity_code, schedule, filing_id from contributions "
        "where id = 'calaccess:591352:0:RCPT:22:A'"
    ).fetchone()
    assert row == ("Dunn, Philip R.", "2000-02-03", 250.0, "IND", "A", "calaccess:591352:0")
    codes = dict(samples.db.execute("select entity_code, count(*) from contributions group by 1").fetchall())
    assert set(codes) <= {"IND", "COM", "OTH", "PTY", "SCC", None}


def test_real_497_rows_with_a_sub_byte_are_stored(samples):
    with_sub_byte = [row for row in data_rows(SAMPLES / "S497_CD.TSV") if b"\x1a" in b"\t".join(row)]
    assert len(with_sub_byte) == 4
    for row in with_sub_byte:
        stored = samples.db.execute(
            "select memo, amount from contributions where filing_id = ? and id like '%:S497:' || ? || ':%'",
            [f"calaccess:{row[0].decode()}:{row[1].decode()}", row[2].decode()],
        ).fetchone()
        assert stored == (0, float(row[20]))


def test_malformed_rows_are_rejected_with_the_reason_and_the_raw_row(crafted):
    rejects = {row["reason"]: row for row in crafted.db["rejects"].rows}
    assert set(rejects) == {
        "RCPT_CD line 9: 40 fields, the header has 63",  # line numbers of the file: the header is line 1
        "RCPT_CD line 10: 64 fields, the header has 63",
        "RCPT_CD line 11: amount is not an amount of money: '12O.00'",
    }
    assert '"raw": "3000001\\t1\\t7\\tRCPT' in rejects["RCPT_CD line 9: 40 fields, the header has 63"]["item"]
    assert crafted.db["contributions"].count == 7 + 2  # 10 receipts less the 3 rejected; the 497s of part 1
    assert crafted.last_run("filings_calaccess")["status"] == "partial"


def test_only_the_latest_amendment_counts(crafted):
    filings = {row["id"]: row for row in crafted.db["filings"].rows}
    assert filings["calaccess:3000001:0"]["current"] == 0
    assert filings["calaccess:3000001:0"]["superseded_by"] == "calaccess:3000001:1"
    assert filings["calaccess:3000001:1"]["current"] == 1
    original = crafted.db["contributions"].get("calaccess:3000001:0:RCPT:1:A")
    assert original["current"] == 0


def test_receipts_take_their_committee_from_the_filing(crafted):
    committees = {row["committee_id"] for row in crafted.db["contributions"].rows}
    stored = crafted.db.execute("select id, name, source_id from committees").fetchall()
    assert len(stored) == 1
    assert committees == {stored[0][0]}
    assert stored[0][1:] == ("CRAFTED COMMITTEE TO RECALL A PROSECUTOR", "1400001")  # the latest name


def test_quirks_lowercase_codes_windows_1252_and_nul_bytes(crafted):
    munoz = crafted.db["contributions"].get("calaccess:3000001:1:RCPT:2:A")
    assert (munoz["contributor_name"], munoz["entity_code"], munoz["cumulative_ytd"]) == ("Muñoz, Elena", "IND", 750)
    assert crafted.db["contributions"].get("calaccess:3000001:1:RCPT:6:A")["city"] == "SACRAMENTO"


def test_the_totals_rules_apply(crafted):
    rows = {row["tran_id"] or row["id"]: row for row in crafted.db["contributions"].rows if row["current"]}
    assert (rows["T3"]["counted"], rows["T3"]["not_counted_reason"]) == (
        0,
        "memo entry (Memo_Code X): not money received",
    )
    assert (rows["T4"]["amount"], rows["T4"]["counted"]) == (-50, 1)  # a returned contribution stays negative
    assert rows["T5"]["counted"] == 0  # Schedule I
    late = {row["date"]: row for row in crafted.db.query("select * from contributions where schedule = '497'")}
    assert late["2022-02-20"]["counted"] == 0  # the amended Q1 460 covers it
    assert late["2022-04-08"]["counted"] == 1
    totals = next(crafted.db.query("select * from committee_totals"))
    assert totals["total_raised_summary"] == 1500  # line 5 of the amendment, not the original's 1,000
    assert totals["itemized_total"] == 250 + 500 - 50 + 300 + 2000
    assert totals["total_raised"] == 1500 + 2000


def test_reading_the_same_export_again_changes_nothing(crafted, crafted_folder):
    tables = ("contributions", "filings", "filing_summaries", "committees")
    before = {table: crafted.db[table].count for table in tables}
    export = f"url={file_url(crafted_folder / 'dbwebexport.zip')}"
    again = crawl("filings_calaccess", crafted_folder, export, settings={"INCREMENTAL": "0"})
    assert again.returncode == 0, again.output
    assert {table: again.db[table].count for table in tables} == before
    assert again.db["contributions"].get("calaccess:3000001:0:RCPT:1:A")["current"] == 0


def test_every_filer_of_a_filing_has_a_committee_and_its_money_is_in_the_totals(joined):
    db = joined.db
    assert db.execute("select id from filings where committee_id not in (select id from committees)").fetchall() == []
    committees = dict(db.execute("select source_id, name from committees").fetchall())
    assert (committees["1260867"], committees["1018823"]) == ("filer 1260867", "filer 1018823")  # named nowhere
    assert committees["1276675"] == "John Chiang for California 2006"  # on its cover page only
    totals = {row["source_id"]: row for row in db.query("select * from committee_totals")}
    # The real F460 of filer 1260867 (FILER_FILINGS_CD only) and its two real receipts of $13.12
    assert (totals["1260867"]["itemized_total"], totals["1260867"]["itemized_rows"]) == (26.24, 2)
    counted = db.execute("select round(sum(amount), 2) from contributions where current = 1 and counted = 1")
    in_totals = db.execute("select round(sum(itemized_total), 2) from committee_totals")
    assert counted.fetchone() == in_totals.fetchone() == (26.24 + 1000,)  # and Chiang's late $1,000


def test_a_committee_known_only_by_its_filer_id_never_replaces_a_name(tmp_path):
    """The name tables and the filings may come in separate runs, in either order."""

    def run(name, table, data):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{table}.TSV").write_bytes(data)
        result = crawled("filings_calaccess", tmp_path, f"url={file_url(tmp_path / name / f'{table}.TSV')}")
        return dict(result.db.execute("select source_id, name from committees").fetchall())

    filings = (JOINED / "FILER_FILINGS_CD.TSV").read_bytes()
    hospital = (
        "CALIFORNIA HOSPITAL ASSOCIATION PAC, SPONSORED BY CA ASSOCIATION OF HOSPITALS AND HEALTH SYSTEMS (CAHHS)"
    )
    assert run("names", "FILERNAME_CD", (JOINED / "FILERNAME_CD.TSV").read_bytes())["1026634"] == hospital
    after_filings = run("filings", "FILER_FILINGS_CD", filings)
    assert (after_filings["1026634"], after_filings["1260867"]) == (hospital, "filer 1260867")
    header, (_, family, _) = lines_of("FILERNAME_CD")
    named_later = with_values(header, family, XREF_FILER_ID="1260867", FILER_ID="1260867", NAML="NAMED LATER PAC")
    assert run("later_names", "FILERNAME_CD", table_bytes(header, [named_later]))["1260867"] == "NAMED LATER PAC"
    assert run("filings_again", "FILER_FILINGS_CD", filings)["1260867"] == "NAMED LATER PAC"


def test_the_snapshot_replays_the_watchlist_committee_only(tmp_path):
    result = crawled("filings_calaccess", tmp_path)
    assert result.last_run("filings_calaccess")["status"] == "ok"
    rows = list(result.db.query("select * from committee_totals"))
    assert sorted((row["source_id"], row["campaign_id"], row["position"]) for row in rows) == [
        ("1449401", "gascon-recall-2022", "support"),
        # givers no pattern names, kept for what they paid the Gascón 2022 recall committee
        ("1449411", None, None),
        ("1449412", None, None),
        ("1449413", None, None),  # kept: its Form 496 names the Boudin recall (the 496, not the committee, is tied)
    ]  # the parks committee and the lobbying firm are not followed
    recall = next(row for row in rows if row["source_id"] == "1449401")
    assert (recall["total_raised_summary"], recall["late_after_summary"]) == (71650, 40000)
    # the givers' rows (the Schedule D row in its amended version), and the 496's amendment
    made = result.db.execute("select sum(amount) from contributions_made where current = 1").fetchone()[0]
    assert made == 60000 + 25000 + 20000
    spent = result.db.execute("select sum(amount) from independent_expenditures where current = 1").fetchone()[0]
    assert spent == 18000 + 7500
