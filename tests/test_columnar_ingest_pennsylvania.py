"""The column path of the Pennsylvania contrib file (recallwatch/parsers/pennsylvania_columns.py,
the default) stores exactly what the per-row path (`PENNSYLVANIA_COLUMNAR=0`) stores.

Crawled both ways, every table compared row by row, rejects included (the comparison of
tests/test_columnar_ingest.py): the real 2025 rows, the legacy 2011 files (no header, LF) and a
hostile export (the real rows with NaN, Infinity, 1e308, $10 billion, impossible dates, three
gifts a row, accents in cp437 and UTF-8, a line break inside quotes, blank lines, rows with the
wrong number of fields, identical rows). And read by the parser both ways (rows in order, rejects
with their reasons and raw rows, the reader's counters), with blocks of a few lines so that records
straddle their ends, on each of those files, an empty file, a header alone and a scheduled run's
filter.
"""

import io

import pyarrow as pa
import pytest

from recallwatch.core.batch import ColumnBatch, RecordBatch
from recallwatch.core.items import Rejected
from recallwatch.parsers import pennsylvania_columns
from recallwatch.parsers.pennsylvania import CONTRIBUTION_FIELDS, FilingSetReader, built_rows
from recallwatch.parsers.pennsylvania_columns import ContribColumns
from recallwatch.parsers.value_columns import one_line_column, zip_column
from recallwatch.parsers.values import one_line, zip_code
from tests.crawl import FIXTURES, crawled, file_url
from tests.test_columnar_ingest import table_rows
from tests.test_parser_pennsylvania import file_bytes, lines_of, with_values

PENNSYLVANIA = FIXTURES / "filings_pennsylvania"
COMPARED_TABLES = ("contributions", "filings", "committees", "donors", "filing_summaries", "rejects")
SPIDER = "filings_pennsylvania"

CONTRIB_HOSTILE = [
    {"CONTAMT1": "NaN"}, {"CONTAMT1": "Infinity"}, {"CONTAMT1": "-inf"}, {"CONTAMT1": "1e308"},
    {"CONTAMT1": "10000000000.00"}, {"CONTAMT1": "9999999999.99"}, {"CONTAMT1": "12.345"},
    {"CONTAMT1": "(40.00)"}, {"CONTAMT1": "$1,250.00"}, {"CONTAMT1": "40.00-"}, {"CONTAMT1": " 12.50 "},
    {"CONTAMT1": "-0"}, {"CONTAMT1": "+5"}, {"CONTAMT1": ""}, {"CONTAMT1": "0"}, {"CONTAMT1": ".5"},
    {"CONTDATE1": "2099-13-45"}, {"CONTDATE1": "20991345"}, {"CONTDATE1": "20250230"}, {"CONTDATE1": "0"},
    {"CONTDATE1": ""}, {"CONTDATE1": "2025-07-03"}, {"CONTDATE1": "18991231"},
    {"CONTDATE2": "20250801", "CONTAMT2": "5.00", "CONTDATE3": "20250901", "CONTAMT3": "7.50"},
    {"CONTDATE2": "0", "CONTAMT2": "5.00"}, {"CONTDATE3": "20250901", "CONTAMT3": "0"},
    {"CONTDATE2": " 0 ", "CONTAMT2": "0.00"}, {"CONTDATE2": "20250230", "CONTAMT2": "5.00"},
    {"CONTDATE3": "20250901", "CONTAMT3": "NaN"}, {"CONTRIBUTOR": ""}, {"CONTRIBUTOR": "  "},
    {"CONTRIBUTOR": "  SMITH   JOHN  "}, {"FILERID": ""}, {"FILERID": " 2004206 "}, {"SECTION": ""},
    {"SECTION": "ic"}, {"CYCLE": "11"}, {"ZIPCODE": "19047-"}, {"ZIPCODE": " 191302431 "},
    {"ZIPCODE": "A1B 2C3"}, {"ZIPCODE": " - "}, {"CITY": "  New   York "}, {"STATE": ""}, {"ENAME": "  "},
    {"CAMPAIGNFINANCEID": "999999"}, {"SUBMITTEDDATE": "2099-13-45", "CAMPAIGNFINANCEID": "999998"},
]  # fmt: skip
RAW_NAMES = [b"Jos\x82 Caf\x82", "José Café".encode(), b"SMITH\tJOHN", b"LINE\nBREAK", b"BARE\rCR", b"SMI\x00TH"]


def hostile_contrib():
    """The real contrib rows, after every one of them a changed one, then identical rows, raw
    bytes, wrong field counts, blank lines and the real rows again."""
    header, rows = lines_of("contrib")
    out = []
    for index, change in enumerate(CONTRIB_HOSTILE):
        out += [rows[index % len(rows)], with_values(header, rows[index % len(rows)], **change)]
    out += [rows[0], rows[0], rows[0]]  # identical rows: their occurrences make their keys
    out += [with_values(header, rows[3], CONTAMT1="NaN"), rows[0]]  # another filing's reject between
    for raw in RAW_NAMES:
        out.append(with_values(header, rows[1], CONTRIBUTOR="@").replace(b"@", raw))
    out += [rows[2] + b',"extra"', rows[2] + b",", b",".join(rows[2].split(b",")[:5]), b"", b"   ", rows[4]]
    out += [with_values(header, rows[5], CONTRIBUTOR='O""Brien, ""Pat""'), *rows]
    return file_bytes(header, out)


def hostile_export(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for path in (PENNSYLVANIA / "samples_2025").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "contrib_2025.txt").write_bytes(hostile_contrib())
    return folder


@pytest.fixture(scope="module", params=["samples_2025", "legacy_2011", "hostile"])
def both_paths(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"columnar_pennsylvania_{request.param}")
    export = hostile_export(folder / "export") if request.param == "hostile" else PENNSYLVANIA / request.param
    results = {}
    for path, columnar in (("columns", "1"), ("rows", "0")):
        results[path] = crawled(SPIDER, folder / path, f"url={file_url(export)}",
                                settings={"PENNSYLVANIA_COLUMNAR": columnar})  # fmt: skip
    return request.param, results


@pytest.mark.parametrize("table", COMPARED_TABLES)
def test_both_paths_store_the_same_rows(both_paths, table):
    _, results = both_paths
    columns, rows = table_rows(results["columns"].db, table), table_rows(results["rows"].db, table)
    assert columns == rows
    if table == "contributions":
        assert columns  # something was stored


def test_both_paths_count_the_same(both_paths):
    _, results = both_paths
    runs = [results[path].last_run(SPIDER) for path in ("columns", "rows")]
    columns, rows = ((run["status"], run["items"], run["rejects"]) for run in runs)
    assert columns == rows
    assert columns[0] in ("ok", "partial")


@pytest.mark.parametrize("both_paths", ["hostile"], indirect=True)
def test_hostile_rows_are_rejected_with_their_reasons(both_paths):
    _, results = both_paths
    db = results["columns"].db
    reasons = {row["reason"] for row in db["rejects"].rows}
    for ending in (
        "CONTAMT1 is not a finite number: 'NaN'",
        "CONTAMT1 is written with an exponent: '1e308'",
        "CONTAMT1 is larger than any campaign amount ($10,000,000,000 or more): '10000000000.00'",
        "CONTDATE1 is not a real date: '20250230'",
        "CONTAMT3 is not a finite number: 'NaN'",
        "no CONTRIBUTOR",
        "no CONTAMT1",
        "no FILERID",
        "no Section",
        "27 fields, the layout has 26",
    ):
        assert any(reason.startswith("contrib_2025.txt line ") and reason.endswith(ending) for reason in reasons), (
            ending
        )
    assert not list(db.query("select * from contributions where abs(amount) >= 1e10 or amount != amount"))
    names = {row[0] for row in db.execute("select contributor_name from contributions")}
    assert {"José Café", "SMITH JOHN", "LINE BREAK", 'O"Brien, "Pat"'} <= names  # cp437 and UTF-8: per-row


# -- the parser, both ways


def parsed(files, columnar, block_bytes=None, keep_filer=None):
    """(rows, rejects, filings, counters) of a set's files read by one path: the contributions in
    order, the rejects' reasons and raw rows in order, the filings, the reader's counters."""
    reader = FilingSetReader("file:x", keep_filer=keep_filer)
    if columnar:
        columns = ContribColumns(reader)
        if block_bytes:
            columns.block_bytes = block_bytes
        reader.file_readers.update(columns.readers())
    outputs = []
    for kind, data in files:
        for output in reader.read_file(kind, io.BytesIO(data), f"{kind}.txt", 50):
            if isinstance(output, Rejected):
                outputs.append(("reject", output.reason, output.record["raw"]))
            elif isinstance(output, ColumnBatch):  # and current, counted: see ContribColumns.with_rules
                output = ColumnBatch(output.item_class, output.data.select(list(CONTRIBUTION_FIELDS)))
                outputs += [(output.table, row) for row in output.rows()]
            else:
                assert isinstance(output, RecordBatch)
                outputs += [(output.table, row) for row in output.rows]
    # each in its order (a batch waits for its rows, a reject does not; stand-ins come when needed)
    rows, rejects = ([output for output in outputs if output[0] == kind] for kind in ("contributions", "reject"))
    return rows, rejects, sorted(output for output in outputs if output[0] == "filings"), reader.stats


def set_files(folder, contrib=None):
    files = []
    for kind in ("filer", "contrib"):
        for path in sorted(folder.glob(f"{kind}*")):
            files.append((kind, contrib if kind == "contrib" and contrib is not None else path.read_bytes()))
    return files


SAMPLES, LEGACY = PENNSYLVANIA / "samples_2025", PENNSYLVANIA / "legacy_2011"
HEADER, SAMPLE_ROWS = lines_of("contrib")
FILES = {
    "samples": set_files(SAMPLES),
    "legacy": set_files(LEGACY),
    "hostile": set_files(SAMPLES, hostile_contrib()),
    "hostile_without_filers": [("contrib", hostile_contrib())],  # every filing a stand-in
    "lf": set_files(SAMPLES, hostile_contrib().replace(b"\r\n", b"\n")),
    "no_final_newline": set_files(SAMPLES, file_bytes(HEADER, SAMPLE_ROWS)[:-2]),
    "quote_left_open": set_files(SAMPLES, file_bytes(HEADER, [SAMPLE_ROWS[0] + b',"open', *SAMPLE_ROWS])),
    # identical rows in runs of a filing's rows that blocks cut (counted on from block to block)
    "identical_rows": set_files(
        SAMPLES,
        file_bytes(
            HEADER,
            [
                *SAMPLE_ROWS * 3,
                *[SAMPLE_ROWS[0]] * 7,
                with_values(HEADER, SAMPLE_ROWS[0], CAMPAIGNFINANCEID="999"),
                *SAMPLE_ROWS[:2] * 4,
                *[SAMPLE_ROWS[1]] * 9,
            ],
        ),
    ),
    # bytes other than printable ASCII in lines pyarrow reads alike (no bare CR, no line break in
    # quotes): those rows are read by the csv module where they are, the block's other rows by columns
    "foreign_bytes": set_files(
        SAMPLES,
        file_bytes(
            HEADER,
            [
                *SAMPLE_ROWS,
                *(
                    with_values(HEADER, SAMPLE_ROWS[index], CONTRIBUTOR="@").replace(b"@", raw)
                    for index, raw in enumerate(
                        [b"Jos\x82 Caf\x82", "Jos\u00e9".encode(), b"A\tB", b"SMI\x00TH", b"ACME\x1a", b"\xff\xfe"]
                    )
                ),
                with_values(HEADER, SAMPLE_ROWS[6], CONTAMT1="NaN", CITY="Caf\x82".encode("latin-1").decode("latin-1")),
                *SAMPLE_ROWS,
            ],
        ),
    ),  # fmt: skip
    # rows the per-row builder builds (flagged: "$5.00", an accent) among identical rows: one of
    # another filing between runs of one filing's identical rows, identical flagged rows
    "flagged_among_identical": set_files(
        SAMPLES,
        file_bytes(
            HEADER,
            [
                *[SAMPLE_ROWS[0]] * 3,
                with_values(HEADER, SAMPLE_ROWS[0], CAMPAIGNFINANCEID="999", CONTAMT1="$5.00"),
                *[SAMPLE_ROWS[0]] * 2,
                *[with_values(HEADER, SAMPLE_ROWS[1], CONTAMT1="$5.00")] * 3,
                SAMPLE_ROWS[1],
                *[with_values(HEADER, SAMPLE_ROWS[2], CITY="@").replace(b"@", b"Caf\x82")] * 3,
                *[SAMPLE_ROWS[2]] * 2,
                with_values(HEADER, SAMPLE_ROWS[0], CAMPAIGNFINANCEID="999", CITY="@").replace(b"@", b"Caf\x82"),
                *[SAMPLE_ROWS[0]] * 2,
            ],
        ),
    ),  # fmt: skip
    # a header with a byte that is not ASCII (a BOM): the csv module reads the whole file; one naming
    # a column twice: every line read by the csv module
    "bom_header": set_files(SAMPLES, b"\xef\xbb\xbf" + file_bytes(HEADER, SAMPLE_ROWS)),
    "duplicate_header": set_files(SAMPLES, file_bytes(HEADER.replace(b"ADDRESS2", b"ADDRESS1"), SAMPLE_ROWS)),
    "empty": [("contrib", b"")],
    "header_alone": [("contrib", HEADER + b"\r\n")],
    "legacy_latin1": set_files(LEGACY, (LEGACY / "contrib.txt").read_bytes().replace(b"Comcast", b"Com\xe7ast")),
}


@pytest.mark.parametrize("block_bytes", [None, 700, 150])
@pytest.mark.parametrize("name", sorted(FILES))
def test_both_paths_read_the_same(name, block_bytes):
    """The same rows, in the same order, the same rejects and counters, whatever the blocks."""
    columns, by_rows = parsed(FILES[name], True, block_bytes), parsed(FILES[name], False)
    assert columns == by_rows
    if name == "hostile":
        assert columns[1]


@pytest.mark.parametrize("kept", ["2004206", "none"])
def test_a_scheduled_run_keeps_the_same_rows_both_ways(kept):
    def keep(filer_id, link):
        return filer_id == kept

    files = FILES["hostile"]
    columns, by_rows = parsed(files, True, keep_filer=keep), parsed(files, False, keep_filer=keep)
    assert columns == by_rows
    assert columns[3]["rows_of_other_filers"] > 0


def test_the_columns_read_the_clean_rows_themselves(monkeypatch):
    """Most rows of the hostile file are built by the columns; the per-row builder gets the lines
    with other bytes and the rows the column rules flag. Every contribution comes out in a
    ColumnBatch (a few lines read row by row make no batch of their own)."""
    built_by_rows = []

    def counted(build, kind, name, number, values):
        built_by_rows.append(number)
        return built_rows(build, kind, name, number, values)

    monkeypatch.setattr(pennsylvania_columns, "built_rows", counted)
    reader = FilingSetReader("file:x")
    reader.file_readers.update(ContribColumns(reader).readers())
    counts = {ColumnBatch: 0, RecordBatch: 0, Rejected: 0}
    for kind, data in FILES["hostile"]:
        for output in reader.read_file(kind, io.BytesIO(data), f"{kind}.txt"):
            if kind == "contrib" and getattr(output, "table", "contributions") == "contributions":
                counts[type(output)] += 1 if isinstance(output, Rejected) else len(output)
    assert counts[ColumnBatch] > 90 and counts[RecordBatch] == 0
    assert counts[Rejected] > 20
    assert 20 < len(built_by_rows) < 60  # of 121 lines: the hostile ones


@pytest.mark.parametrize(
    ("column_reader", "row_reader"), [(one_line_column, one_line), (zip_column, zip_code)], ids=["one_line", "zip"]
)
def test_the_column_readers_read_what_the_row_readers_read(column_reader, row_reader):
    values = ["", " ", "  a  b  ", "a", "19047-", " 19047 - ", "913201730", "91320173", "9132017300", "A1B 2C3",
              "-", "--", "12345-6789", " 913201730 ", "x  y   z"]  # fmt: skip
    assert column_reader(pa.array(values)).to_pylist() == [row_reader(value) for value in values]
