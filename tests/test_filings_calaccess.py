"""filings_calaccess: real CAL-ACCESS sample tables (tests/fixtures/filings_calaccess/samples: the first
120 rows of each table in ../shared/samples/calaccess, bytes untouched) and a crafted export built
from real rows so that ids join (crafted/: amendments, a late report, the format's quirks)."""

import io
import zipfile

import pytest

from crawlers.filings_calaccess import RowProblem, decode, records, table_rows, text_records
from tests.crawl import FIXTURES, crawl, file_url

SAMPLES = FIXTURES / "filings_calaccess" / "samples"
CRAFTED = FIXTURES / "filings_calaccess" / "crafted"


def data_rows(path):
    """The data rows of a table file, split the simplest way (the other route to the counts)."""
    lines = path.read_bytes().split(b"\r\n")
    return [line.split(b"\t") for line in lines[1:] if line]


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    result = crawl("filings_calaccess", tmp_path_factory.mktemp("samples"), f"url={file_url(SAMPLES)}")
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="module")
def crafted_folder(tmp_path_factory):
    """A folder holding the crafted tables zipped as the real export lays them out."""
    folder = tmp_path_factory.mktemp("crafted")
    with zipfile.ZipFile(folder / "dbwebexport.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for table in sorted(CRAFTED.iterdir()):
            archive.write(table, f"CalAccess/DATA/{table.name}")
    return folder


@pytest.fixture(scope="module")
def crafted(crafted_folder):
    result = crawl("filings_calaccess", crafted_folder, f"url={file_url(crafted_folder / 'dbwebexport.zip')}")
    assert result.returncode == 0, result.output
    return result


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
    assert db["rejects"].count == 0  # the real rows are all well-formed
    assert samples.last_run("filings_calaccess")["status"] == "ok"


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


def test_records_end_with_crlf_even_across_read_chunks():
    table = b"A\tB\r\nx\ty\r\nline\nbreak\tz\r\n\x1a"
    assert list(records(io.BytesIO(table), chunk_size=3)) == [(1, b"A\tB"), (2, b"x\ty"), (3, b"line\nbreak\tz")]
    assert list(records(io.BytesIO(b"A\nb\n"), chunk_size=2)) == [(1, b"A"), (2, b"b")]


def test_bytes_are_cleaned_and_decoded():
    assert decode(b"Mu\xf1oz\x00\x1a") == "Muñoz"
    assert decode("Muñoz".encode()) == "Muñoz"


def test_records_are_decoded_a_block_at_a_time_as_they_would_be_one_by_one():
    utf8 = b"A\tB\r\nMu\xc3\xb1oz\tx\r\nline\nbreak\tw\r\n"
    mixed = utf8 + b"Mu\xf1oz\ty\r\n"  # one Windows-1252 record: the block is decoded record by record
    dropped = utf8 + b"N\x00U\r\x00\nL\tz\r\n\x1a"  # bytes dropped after the split, not before
    for table in (utf8, mixed, dropped):
        one_by_one = [(number, decode(record)) for number, record in records(io.BytesIO(table))]
        assert list(text_records(io.BytesIO(table))) == one_by_one
    assert [text for _, text in text_records(io.BytesIO(dropped))][-1] == "NU\r\nL\tz"


def test_a_row_with_the_wrong_field_count_is_a_problem_with_its_text():
    rows = table_rows("T_CD", io.BytesIO(b"A\tB\r\n1\t2\r\n1\t2\t3\r\n"))
    assert next(rows) == ["A", "B"]
    assert next(rows) == (2, ["1", "2"])
    number, problem = next(rows)
    assert isinstance(problem, RowProblem)
    assert problem.args == ("T_CD line 3: 3 fields, the header has 2", "1\t2\t3")


def test_the_snapshot_replays_the_watchlist_committee_only(tmp_path):
    result = crawl("filings_calaccess", tmp_path)
    assert result.returncode == 0, result.output
    assert result.last_run("filings_calaccess")["status"] == "ok"
    rows = list(result.db.query("select * from committee_totals"))
    assert [(row["source_id"], row["campaign_id"], row["position"]) for row in rows] == [
        ("1449401", "gascon-recall-2022", "support")
    ]  # the parks committee and the lobbying firm are not followed
    assert (rows[0]["total_raised_summary"], rows[0]["late_after_summary"]) == (71650, 40000)
