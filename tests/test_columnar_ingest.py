"""The column path of the CAL-ACCESS receipts (recallwatch/parsers/calaccess_columns.py, the
default) stores exactly what the per-row path (`CALACCESS_COLUMNAR=0`) stores, whether its rows are
written by the bulk writer process (the default) or in the crawl process (`BULK_WRITER=0`): the same
export is crawled each way and every table is compared row by row, rejects included (run ids, times
and fetch ids apart).

The exports: the real sample tables (tests/fixtures/filings_calaccess/samples), the crafted ones
(crafted), and a hostile one: the hostile export of test_hostile_values_calaccess.py with, in
RCPT_CD and S497_CD, the real sample rows and among them rows with hostile values (NaN, Infinity,
1e308, $10 billion, three decimals, accounting spellings, impossible dates, unreadable amendment
numbers, no name), bytes the columns leave to the per-row path (accents, Windows-1252, NUL,
\\x1a, a bare LF), rows with the wrong number of fields, blank lines and an id filed twice.
"""

import io
import json
import zipfile

import pyarrow as pa
import pytest

from pipelines.donors import DonorBook
from pipelines.normalize import normalize_column_batch, normalize_value
from recallwatch.core.batch import ColumnBatch, RecordBatch
from recallwatch.core.items import Contribution, Rejected
from recallwatch.parsers.calaccess import CONTRIBUTION_FIELDS, ExportReader
from recallwatch.parsers.calaccess_columns import ReceiptColumns
from tests.crawl import FIXTURES, crawled, file_url
from tests.test_hostile_values_calaccess import hostile_tables
from tests.test_parser_calaccess import table_bytes, with_values

CALACCESS = FIXTURES / "filings_calaccess"
# Columns that differ between two runs of the same crawl
RUN_COLUMNS = {"run_id", "first_run_id", "rejected_at", "fetch_id", "fetched_at", "last_seen"}
COMPARED_TABLES = ("contributions", "filings", "committees", "donors", "filing_summaries", "rejects")

RCPT_HOSTILE = [
    {"AMOUNT": "NaN"}, {"AMOUNT": "Infinity"}, {"AMOUNT": "-inf"}, {"AMOUNT": "1e308"}, {"AMOUNT": "1E5"},
    {"AMOUNT": "10000000000"}, {"AMOUNT": "9999999999.99"}, {"AMOUNT": "12.345"}, {"AMOUNT": "(40.00)"},
    {"AMOUNT": "$1,000.00"}, {"AMOUNT": "40.00-"}, {"AMOUNT": " 12.50 "}, {"AMOUNT": "-0"}, {"AMOUNT": "+5"},
    {"AMOUNT": ""}, {"AMOUNT": "12."}, {"AMOUNT": ".5"}, {"AMOUNT": "1,25"}, {"CUM_YTD": "NaN"},
    {"CUM_YTD": "$5.00"}, {"CUM_YTD": ""}, {"RCPT_DATE": "2099-13-45"}, {"RCPT_DATE": "0000-00-00"},
    {"RCPT_DATE": "2/30/2020 12:00:00 AM"}, {"RCPT_DATE": ""}, {"RCPT_DATE": "13/1/2020"},
    {"AMEND_ID": "abc"}, {"AMEND_ID": "-1"}, {"AMEND_ID": "Amendment 2"}, {"AMEND_ID": "1000"},
    {"CTRIB_NAML": "", "CTRIB_NAMF": ""}, {"CTRIB_NAML": "", "CTRIB_NAMS": "JR"}, {"CTRIB_NAMF": "  JOHN  "},
    {"ENTITY_CD": "ind"}, {"ENTITY_CD": "XYZ"}, {"ENTITY_CD": " "}, {"FORM_TYPE": "f460"}, {"FORM_TYPE": "E530"},
    {"CTRIB_ST": "ca"}, {"MEMO_CODE": "x"}, {"TRAN_ID": ""}, {"CTRIB_CITY": "  "},
]  # fmt: skip
S497_HOSTILE = [
    {"AMOUNT": "NaN"}, {"AMOUNT": "$1,000.00"}, {"AMOUNT": "1e308"}, {"CTRIB_DATE": "2099-13-45"},
    {"ENTY_NAML": "", "ENTY_NAMF": ""}, {"AMEND_ID": "x"}, {"FORM_TYPE": "F497P2"},
]  # fmt: skip
RAW_ROWS = {  # column -> raw bytes: rows the columns leave to the per-row path
    "CTRIB_NAML": [b"Jos\xc3\xa9", b"Mu\xf1oz", b"SMI\x00TH", b"SMITH\nJR", b"ACME\x1a"],
}


def hostile_rows(header, rows, changes, name_column):
    """The real rows, and after every few of them one with a change (so most blocks mix clean and
    hostile rows), then rows with raw bytes, wrong field counts, blank lines and a repeated id."""
    out = []
    for index, row in enumerate(rows):
        out.append(row)
        if index < len(changes):
            out.append(with_values(header, row, LINE_ITEM=str(900 + index), **changes[index]))
    names, cells = header.split(b"\t"), rows[0].split(b"\t")
    for index, raw in enumerate(RAW_ROWS["CTRIB_NAML"]):
        changed = list(cells)
        changed[names.index(name_column)] = raw
        changed[names.index(b"LINE_ITEM")] = b"%d" % (800 + index)
        out.append(b"\t".join(changed))
    out += [rows[1] + b"\textra", b"\t".join(cells[:5]), b"", b"   "]
    out.append(with_values(header, rows[2], AMOUNT="77.77"))  # the same id as rows[2]: the last one counts
    out += rows[-5:]
    return out


def hostile_export(folder):
    tables = hostile_tables()
    for table, changes, name_column in (
        ("RCPT_CD", RCPT_HOSTILE, b"CTRIB_NAML"),
        ("S497_CD", S497_HOSTILE, b"ENTY_NAML"),
    ):
        sample = (CALACCESS / "samples" / f"{table}.TSV").read_bytes().split(b"\r\n")
        header, rows = sample[0], [line for line in sample[1:] if line]
        joined = [line for line in tables[table].split(b"\r\n")[1:] if line]
        tables[table] = table_bytes(header, joined + hostile_rows(header, rows, changes, name_column))
    export = folder / "dbwebexport.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, data in sorted(tables.items()):
            archive.writestr(f"CalAccess/DATA/{table}.TSV", data)
    return export


def table_rows(db, table):
    columns = [row["name"] for row in db.query(f"select name from pragma_table_info('{table}')")]
    kept = [column for column in columns if column not in RUN_COLUMNS and not (table == "rejects" and column == "id")]
    rows = db.execute(f"select {', '.join(kept)} from [{table}]").fetchall()
    return sorted(rows, key=repr)


@pytest.fixture(scope="module", params=["samples", "crafted", "hostile"])
def both_paths(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"columnar_{request.param}")
    export = hostile_export(folder) if request.param == "hostile" else CALACCESS / request.param
    results = {}
    # the column path through the bulk writer (the default), the same written in the crawl
    # process, and the per-row path
    paths = {"columns": ("1", "1"), "columns_in_process": ("1", "0"), "rows": ("0", "1")}
    for path, (columnar, bulk_writer) in paths.items():
        result = crawled("filings_calaccess", folder / path, f"url={file_url(export)}",
                       settings={"CALACCESS_COLUMNAR": columnar, "BULK_WRITER": bulk_writer})  # fmt: skip
        results[path] = result
    return request.param, results


def assert_every_path_stores_the_rows_of_the_per_row_path(results, table):
    rows = table_rows(results["rows"].db, table)
    assert table_rows(results["columns"].db, table) == rows
    assert table_rows(results["columns_in_process"].db, table) == rows
    if table == "contributions":
        assert rows  # something was stored


@pytest.mark.parametrize("table", COMPARED_TABLES)
def test_both_paths_store_the_same_rows(both_paths, table):
    assert_every_path_stores_the_rows_of_the_per_row_path(both_paths[1], table)


def test_both_paths_count_the_same(both_paths):
    _, results = both_paths
    runs = [results[path].last_run("filings_calaccess") for path in ("columns", "rows")]
    columns, rows = ((run["status"], run["items"], run["rejects"]) for run in runs)
    assert columns == rows
    assert columns[0] in ("ok", "partial")  # partial: the run has rejects
    progress = [json.loads(run["stats"])["recallwatch/progress"] for run in runs]
    assert progress[0]["rows"] == progress[1]["rows"] > 0  # the bulk load's progress, kept in crawl_runs.stats
    assert progress[0]["done_percent"] == 100.0


@pytest.mark.parametrize("both_paths", ["hostile"], indirect=True)
def test_hostile_rows_are_rejected_with_their_reasons(both_paths):
    _, results = both_paths
    reasons = {row["reason"] for row in results["columns"].db["rejects"].rows}
    # The line numbers are the file's (both paths give the same reasons: test_both_paths_store_the_same_rows)
    for ending in (
        "amount is not a finite number: 'NaN'",
        "amount is written with an exponent: '1e308'",
        "amount is larger than any campaign amount ($10,000,000,000 or more): '10000000000'",
        "date is not a real date: '2/30/2020 12:00:00 AM'",
        "amendment is not an amendment number: 'abc'",
        "no contributor name",
    ):
        assert any(reason.startswith("RCPT_CD line ") and reason.endswith(ending) for reason in reasons), ending
    assert any(reason.startswith("RCPT_CD line ") and "fields, the header has" in reason for reason in reasons)
    stored = results["columns"].db
    assert not list(stored.query("select * from contributions where abs(amount) >= 1e10 or amount != amount"))
    names = {row["contributor_last"] for row in stored.query("select contributor_last from contributions")}
    assert {"José", "Muñoz", "SMITH"} <= names  # UTF-8, Windows-1252, NUL dropped: read by the per-row path


def test_the_columns_read_the_clean_rows_themselves(tmp_path):
    """Most rows of the hostile table come out of the columns; the per-row path gets the records
    with other bytes (5) and the rows the column rules flag."""
    data = zipfile.ZipFile(hostile_export(tmp_path)).read("CalAccess/DATA/RCPT_CD.TSV")
    (tmp_path / "RCPT_CD.TSV").write_bytes(data)
    reader = ExportReader("file:RCPT_CD.TSV")
    reader.table_readers.update(ReceiptColumns(reader).readers())
    counts = {ColumnBatch: 0, RecordBatch: 0, Rejected: 0}
    for output in reader.read_export({"RCPT_CD"}, lambda table: open(tmp_path / f"{table}.TSV", "rb")):
        counts[type(output)] += len(output) if not isinstance(output, Rejected) else 1
    assert counts[ColumnBatch] > 100
    assert 0 < counts[RecordBatch] < 10
    assert counts[Rejected] > 20


def parsed(table, data, columnar):
    """(rows, reject reasons and raw rows, rows skipped) of a table read by one path."""
    reader = ExportReader("file:x")
    if columnar:
        reader.table_readers.update(ReceiptColumns(reader).readers())
    rows, rejects = [], []
    for output in reader.table_readers.get(table, reader.read)(table, io.BytesIO(data), 5000):
        if isinstance(output, Rejected):
            rejects.append((output.reason, output.record["raw"]))
        else:
            if isinstance(output, ColumnBatch):  # and counted, not_counted_reason: see with_counted
                output = ColumnBatch(Contribution, output.data.select(list(CONTRIBUTION_FIELDS)))
                rows.extend(output.rows())
            else:
                rows.extend(output.rows)
    return rows, rejects, reader.skipped


@pytest.mark.parametrize("table", ["RCPT_CD", "S497_CD"])
def test_a_block_of_printable_rows_with_hostile_values_reads_the_same(table):
    """A table whose every record is printable ASCII with the right field count is one block
    parsed by pyarrow; the rows its column rules flag go to the per-row builder and come back in
    their places: the same rows, in the same order, and the same rejects as the per-row path."""
    sample = (CALACCESS / "samples" / f"{table}.TSV").read_bytes().split(b"\r\n")
    header, rows = sample[0], [line for line in sample[1:] if line]
    changes = RCPT_HOSTILE if table == "RCPT_CD" else S497_HOSTILE
    data = table_bytes(header, [
        *rows[:3], *(with_values(header, rows[index % len(rows)], LINE_ITEM=str(900 + index), **change)
                     for index, change in enumerate(changes)),
        with_values(header, rows[2], AMOUNT="77.77"), *rows[3:],
    ])  # fmt: skip
    columns, by_rows = parsed(table, data, True), parsed(table, data, False)
    assert columns == by_rows
    assert columns[1]  # hostile rows rejected, with the same reasons and raw rows


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.replace(b"\tBAL_NUM\t", b"\tBAL_NAME\t", 1),  # a header naming a column twice
        lambda data: data.replace(b"\r\n", b"\n"),  # LF line ends
        lambda data: data.replace(b"\r\n", b"\r\n\r\n", 3),  # blank records
    ],
    ids=["duplicate_header", "lf_line_ends", "blank_records"],
)
def test_odd_layouts_read_the_same(change):
    data = change((CALACCESS / "samples" / "RCPT_CD.TSV").read_bytes())
    assert parsed("RCPT_CD", data, True) == parsed("RCPT_CD", data, False)


def test_normalize_gives_a_column_batch_what_it_gives_each_value():
    values = ["ok", " outer ", "", None, "ctl\x00x", "tab\tx", "line\nx", "Jos\u00e9", "\u00a0nb", "lower", "A B"]
    batch = ColumnBatch(Contribution, pa.table({"state": values, "city": values, "id": values}))
    normalize_column_batch(batch)
    for name in ("state", "city", "id"):
        meta = Contribution.fields[name]
        assert batch.column(name).to_pylist() == [normalize_value(name, meta, value) for value in values]
    # printable ASCII throughout (one pass over the bytes says so): outer spaces, empty and lower
    # case are still found value by value
    printable = ["A B", " lead", "trail ", "", None, "lower case", "  ", "X"]
    batch = ColumnBatch(Contribution, pa.table({"state": printable, "city": printable}))
    normalize_column_batch(batch)
    for name in ("state", "city"):
        meta = Contribution.fields[name]
        assert batch.column(name).to_pylist() == [normalize_value(name, meta, value) for value in printable]
    clean = ColumnBatch(Contribution, pa.table({"city": ["A B", "C"], "state": ["CA", "NY"]}))
    normalize_column_batch(clean)
    assert clean.column("city").to_pylist() == ["A B", "C"] and clean.column("state").to_pylist() == ["CA", "NY"]


def test_donors_of_a_column_batch_are_those_of_its_rows():
    fields = ("contributor_name", "entity_code", "contributor_last", "contributor_first", "zip", "employer")
    rows = [
        ("SMITH, JOHN", "IND", "SMITH", "JOHN", "94110", "ACME"),
        ("John Smith", None, None, None, "94110-1234", "Acme Inc"),
        ("ACME INC", "COM", "ACME INC", None, None, None),
        ("Acme, Inc.", None, None, None, None, None),
        ("SMITH, JOHN", "IND", "SMITH", "JOHN", "94110", "ACME"),
    ]
    by_rows = RecordBatch(Contribution, fields, list(rows))
    DonorBook(None).assign(by_rows)
    columns = ColumnBatch(Contribution, pa.table(dict(zip(fields, zip(*rows, strict=True), strict=True))))
    DonorBook(None).assign_columns(columns)
    assert columns.column("donor_id").to_pylist() == [row[-1] for row in by_rows.rows]
    # a donor given before is kept where the row names no contributor
    given = ColumnBatch(Contribution, pa.table({"contributor_name": ["A B", None], "donor_id": ["x", "kept"]}))
    DonorBook(None).assign_columns(given)
    assert given.column("donor_id").to_pylist()[1] == "kept"


@pytest.mark.parametrize(("folder", "kept_ids"), [("joined", "0123456789"), ("joined", "02468"), ("samples", "02468")])
def test_a_scheduled_run_keeps_the_same_rows_both_ways(folder, kept_ids):
    """A scheduled run keeps the filers its watchlist finds (here: by the last digit of their id):
    the columns keep and skip the same receipts as the per-row path."""
    folder = CALACCESS / folder

    def read_all(columnar):
        reader = ExportReader("file:x", keep_filer=lambda filer_id, name, on_date: filer_id[-1:] in kept_ids)
        if columnar:
            reader.table_readers.update(ReceiptColumns(reader).readers())
        present = {path.stem for path in folder.glob("*.TSV")}
        outputs = []
        for output in reader.read_export(present, lambda table: open(folder / f"{table}.TSV", "rb")):
            if isinstance(output, Rejected):
                outputs.append(("reject", output.reason))
            elif isinstance(output, ColumnBatch):
                outputs += [("row", row) for row in output.data.select(list(CONTRIBUTION_FIELDS)).to_pylist()]
            else:
                outputs += [("row", dict(zip(output.fields, row, strict=True))) for row in output.rows]
        return sorted(outputs, key=repr), reader.skipped

    columns, by_rows = read_all(True), read_all(False)
    assert columns == by_rows
    if kept_ids == "0123456789":
        assert any(kind == "row" and "contributor_name" in row for kind, row in columns[0])  # receipts kept
