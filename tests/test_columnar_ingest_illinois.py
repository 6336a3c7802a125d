"""The column path of ISBE Receipts.txt (recallwatch/parsers/illinois_columns.py, the default)
stores exactly what the per-row path (`ILLINOIS_COLUMNAR=0`) stores: the same export is crawled both
ways (the column path's rows written by the bulk writer process, the default, and in the crawl
process, `BULK_WRITER=0`) and every table is compared row by row, rejects included (run ids, times
and fetch ids apart), with the comparison of tests/test_columnar_ingest.py.

The exports: the real sample rows (tests/fixtures/filings_illinois/samples), the crafted export
(crafted), the broken rows (broken: records split by a newline, a stray tab, NA codes and amounts)
and a hostile one: the crafted export whose Receipts.txt has its clean rows many times over and
among them rows with hostile values (NaN, Infinity, 1e308, $10 billion, three decimals, accounting
spellings, impossible dates, no name, no amount, Latin-1 and UTF-8 letters, lowercase codes), lines
the columns leave to the per-row path (NUL, \\x1a, a stray CR, no-break spaces, 30 and 15 fields,
blank lines) and an ID filed twice. The parser is also compared directly, on blocks small enough
that their edges fall everywhere, CRLF line ends, a scheduled run's filter and empty files.
"""

import re
import shutil

import pytest

from recallwatch.core.batch import ColumnBatch
from recallwatch.core.items import Contribution, Rejected
from recallwatch.parsers.illinois import CONTRIBUTION_FIELDS, FILES, IsbeReader
from recallwatch.parsers.illinois_columns import BLOCK_BYTES, ReceiptColumns
from tests.crawl import FIXTURES, crawled, file_url
from tests.test_columnar_ingest import (
    COMPARED_TABLES,
    assert_every_path_stores_the_rows_of_the_per_row_path,
)
from tests.test_hostile_values_illinois import add_rows

ILLINOIS = FIXTURES / "filings_illinois"
CRAFTED = ILLINOIS / "crafted"
ALL_TABLES = (*COMPARED_TABLES, "contributions_made", "independent_expenditures")

HOSTILE = [
    {"Amount": "NaN"}, {"Amount": "Infinity"}, {"Amount": "-inf"}, {"Amount": "1e308"}, {"Amount": "1E5"},
    {"Amount": "10000000000"}, {"Amount": "9999999999.99"}, {"Amount": "12.345"}, {"Amount": "(40.00)"},
    {"Amount": "$1,000.00"}, {"Amount": "40.00-"}, {"Amount": " 12.50 "}, {"Amount": "-0"}, {"Amount": "+5"},
    {"Amount": "12."}, {"Amount": ".5"}, {"Amount": "1,25"}, {"Amount": "NA"}, {"Amount": "\xa012"},
    {"Amount": "", "LoanAmount": "5000"}, {"Amount": "", "LoanAmount": "NaN"}, {"Amount": "", "LoanAmount": ""},
    {"Amount": "", "LoanAmount": "", "AggregateAmount": ""}, {"AggregateAmount": "NaN"},
    {"AggregateAmount": "$5.00"}, {"AggregateAmount": ""}, {"AggregateAmount": " 1500"}, {"AggregateAmount": "0"},
    {"RcvDate": "2099-13-45 00:00:00"}, {"RcvDate": "0000-00-00 00:00:00"}, {"RcvDate": "2020-02-30 00:00:00"},
    {"RcvDate": ""}, {"RcvDate": "13/1/2020"}, {"RcvDate": "1899-12-31 00:00:00"}, {"RcvDate": "2019-02-01"},
    {"LastOnlyName": "", "FirstName": ""}, {"LastOnlyName": "", "FirstName": "Ann"}, {"FirstName": "  JOHN  "},
    {"LastOnlyName": "Jos\xc3\xa9"}, {"LastOnlyName": "Mu\xf1oz"}, {"City": "Ni\xf1o\xa0"}, {"Employer": "\xb5Corp"},
    {"State": "il"}, {"State": "\xdf"}, {"State": "\xff"}, {"State": "  "}, {"D2Part": "2a"}, {"D2Part": " 1a "},
    {"D2Part": ""}, {"D2Part": "NA"}, {"D2Part": "\xdf"}, {"ETransID": " E1 "}, {"City": "  "},
    {"FiledDocID": "70004"}, {"CommitteeID": "39999"}, {"CommitteeID": " 30001 "}, {"Zip": "60601-1234"},
    {"Occupation": "a\x00b"}, {"Employer": "x\x1ay"}, {"Employer": "x\ry"}, {"Employer": "x\x85y"},
]  # fmt: skip


def hostile_receipts(path, copies=20):
    """Receipts.txt of the crafted export: its clean rows `copies` times (new IDs), each hostile
    change on a copy of a clean row, an ID filed twice, then lines with the wrong number of fields
    and blank lines (in the middle of the file: a block holds them with clean rows)."""
    lines = path.read_bytes().decode("latin-1").split("\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    repeated = [f"{10_000 + copy}{index:02}" + row[row.index("\t") :] for copy in range(1, copies)
                for index, row in enumerate(rows)]  # fmt: skip
    path.write_bytes(("\n".join([header, *rows, *repeated]) + "\n").encode("latin-1"))
    changes = [("9001", {"ID": str(20_000 + index), **change}) for index, change in enumerate(HOSTILE)]
    add_rows(path, [*changes, ("9004", {"Amount": "77.77"})])  # ID 9004 again: the last row counts
    cells = rows[0].split("\t")
    odd = ["\t".join([*cells, "extra"]), "\t".join(cells[:15]), "", "   ", "\t".join(cells[:4]) + "\r"]
    more = [str(30_000 + index) + row[row.index("\t") :] for index, row in enumerate(rows)]
    with open(path, "ab") as out:
        out.write(("\n".join([*odd, *more]) + "\n").encode("latin-1"))


def hostile_export(folder):
    export = folder / "hostile"
    shutil.copytree(CRAFTED, export)
    hostile_receipts(export / "Receipts.txt")
    return export


@pytest.fixture(scope="module", params=["samples", "crafted", "broken", "hostile"])
def both_paths(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"illinois_columnar_{request.param}")
    export = hostile_export(folder) if request.param == "hostile" else ILLINOIS / request.param
    results = {}
    # the column path through the bulk writer (the default), the same written in the crawl
    # process, and the per-row path
    paths = {"columns": ("1", "1"), "columns_in_process": ("1", "0"), "rows": ("0", "1")}
    for path, (columnar, bulk_writer) in paths.items():
        results[path] = crawled("filings_illinois", folder / path, f"url={file_url(export)}",
                                settings={"ILLINOIS_COLUMNAR": columnar, "BULK_WRITER": bulk_writer})  # fmt: skip
    return request.param, results


@pytest.mark.parametrize("table", ALL_TABLES)
def test_both_paths_store_the_same_rows(both_paths, table):
    assert_every_path_stores_the_rows_of_the_per_row_path(both_paths[1], table)


def test_both_paths_count_the_same(both_paths):
    _, results = both_paths
    runs = [results[path].last_run("filings_illinois") for path in ("columns", "rows")]
    columns, rows = ((run["status"], run["items"], run["rejects"]) for run in runs)
    assert columns == rows
    assert columns[0] in ("ok", "partial")  # partial: the run has rejects
    # The setting is obeyed: the column reader counts what it read in the run's stats (logged)
    assert "'recallwatch/illinois_receipts_by_columns'" in results["columns"].output
    assert "'recallwatch/illinois_receipts_by_columns'" not in results["rows"].output


@pytest.mark.parametrize("both_paths", ["hostile"], indirect=True)
def test_hostile_rows_are_rejected_with_their_reasons(both_paths):
    _, results = both_paths
    stored = results["columns"].db
    reasons = {row["reason"] for row in stored["rejects"].rows}
    # The line numbers are the file's: the crafted file's 15 rows 20 times, then the hostile rows from line 302
    for line, ending in (
        (302, "amount is not a finite number: 'NaN'"),
        (305, "amount is written with an exponent: '1e308'"),
        (307, "amount is larger than any campaign amount ($10,000,000,000 or more): '10000000000'"),
        (319, "amount is not an amount of money: 'NA'"),
        (323, "no amount"),
        (325, "cumulative_ytd is not a finite number: 'NaN'"),
        (330, "date is not a real date: '2099-13-45 00:00:00'"),
        (332, "date is not a real date: '2020-02-30 00:00:00'"),
        (335, "date is outside 1900-01-01..2100-12-31: '1899-12-31 00:00:00'"),
        (337, "no contributor name"),
        (364, "30 fields, the header has 29"),
        (365, "15 fields, the header has 29"),
    ):
        assert f"Receipts.txt line {line}: {ending}" in reasons, (line, ending)
    assert not list(stored.query("select * from contributions where abs(amount) >= 1e10 or amount != amount"))
    assert not list(stored.query("select * from contributions where date < '1900' or date > '2101'"))
    names = {row["contributor_last"] for row in stored.query("select contributor_last from contributions")}
    assert {"JosÃ©", "Muñoz"} <= names  # Latin-1, as ISBE writes (UTF-8 bytes read as Latin-1)
    (twice,) = stored.query("select amount from contributions where id = 'illinois:R9004'")
    assert twice["amount"] == 77.77
    # The 300 clean rows and many hostile ones are read by the columns; a few ("(40.00)", "$1,000.00",
    # a NUL...) by the per-row builder
    counts = dict(re.findall(r"'recallwatch/illinois_receipts_(by_\w+)': (\d+)", results["columns"].output))
    assert int(counts["by_columns"]) > 300 and 0 < int(counts["by_builder"]) < len(HOSTILE)


def parsed(folder, columnar, keep_ids=None, batch_rows=5000, block_bytes=BLOCK_BYTES):
    """(the contributions in order, the other rows in order, the rejects (reason, raw) sorted, and
    the lines given to the per-row builder) of an export read by one path."""
    reader = IsbeReader("file:x", keep_ids=keep_ids)
    if columnar:
        reader.table_readers.update(ReceiptColumns(reader, block_bytes).readers())
    built = []
    build_row = reader.build_row
    reader.build_row = lambda table, build, number, values: (
        built.append(number) or build_row(table, build, number, values)
    )
    present = {path.stem for path in folder.glob("*.txt")} & set(FILES)
    contributions, others, rejects = [], [], []
    for output in reader.read_export(present, lambda table: open(folder / f"{table}.txt", "rb"), batch_rows):
        if isinstance(output, Rejected):
            rejects.append((output.reason, output.record["raw"], output.item_type))
            continue
        if isinstance(output, ColumnBatch):  # and counted, not_counted_reason: see with_counted
            rows = list(ColumnBatch(Contribution, output.data.select(list(CONTRIBUTION_FIELDS))).rows())
        else:
            rows = output.rows
        if output.item_class is Contribution:
            contributions += rows
            assert len(output) <= batch_rows
        else:
            others += [(output.item_class.__name__, row) for row in rows]
    return contributions, others, sorted(rejects), built


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_export(tmp_path_factory.mktemp("illinois_parsed"))


@pytest.mark.parametrize(
    "options",
    [{}, {"block_bytes": 256, "batch_rows": 7}, {"block_bytes": 4096, "batch_rows": 100}, {"keep_ids": ["30002"]}],
    ids=["one_block", "tiny_blocks", "small_blocks", "scheduled_run"],
)
def test_the_parser_reads_the_same_both_ways(hostile, options):
    columns, by_rows = parsed(hostile, True, **options), parsed(hostile, False, **options)
    assert columns[:3] == by_rows[:3]
    assert columns[2]  # rejected rows, with the same reasons and raw rows
    if not options:
        assert len(columns[0]) > 300


def test_crlf_line_ends_read_the_same(hostile, tmp_path):
    export = tmp_path / "crlf"
    shutil.copytree(hostile, export)
    receipts = export / "Receipts.txt"
    receipts.write_bytes(receipts.read_bytes().replace(b"\n", b"\r\n"))
    for options in ({}, {"block_bytes": 300, "batch_rows": 9}):
        assert parsed(export, True, **options)[:3] == parsed(export, False, **options)[:3]


def test_the_columns_read_the_clean_rows_themselves(hostile):
    """The per-row builder gets the hostile rows only (some of which the columns read themselves:
    ' 12.50 ', '-0', '12.', a blank Amount with a LoanAmount...), not the 300 clean ones."""
    contributions, _, _, built = parsed(hostile, True)
    receipts = [number for number in built if number > 300]  # the lines before are FiledDocs and others
    assert len(contributions) > 300
    assert 0 < len(receipts) < len(HOSTILE) + 5


@pytest.mark.parametrize("name", ["empty", "header_only", "header_without_line_end", "blank_lines", "no_line_end"])
def test_short_files_read_the_same(tmp_path, name):
    header, *rows = (CRAFTED / "Receipts.txt").read_bytes().split(b"\n")
    data = {
        "empty": b"",
        "header_only": header + b"\n",
        "header_without_line_end": header,
        "blank_lines": header + b"\n\n\r\n" + rows[0] + b"\n\n",
        "no_line_end": header + b"\n" + rows[0] + b"\n" + rows[1],
    }[name]
    (tmp_path / "Receipts.txt").write_bytes(data)
    results = []
    for columnar in (True, False):
        try:
            results.append(parsed(tmp_path, columnar)[:3])
        except ValueError as problem:  # no header: not an ISBE file
            results.append(str(problem))
    assert results[0] == results[1]
    if name == "empty":
        assert results[0].startswith("not an ISBE Receipts.txt file")


def test_a_header_naming_a_column_twice_is_read_row_by_row(tmp_path):
    data = (CRAFTED / "Receipts.txt").read_bytes().replace(b"\tAddress2\t", b"\tAddress1\t", 1)
    (tmp_path / "Receipts.txt").write_bytes(data)
    columns, by_rows = parsed(tmp_path, True), parsed(tmp_path, False)
    assert columns[:3] == by_rows[:3] and len(columns[3]) == 15  # every row built one by one
