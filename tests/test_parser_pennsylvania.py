"""recallwatch/parsers/pennsylvania.py on the real rows (tests/fixtures/filings_pennsylvania: the
2025 export's rows and Philadelphia's 2011 legacy files, bytes untouched; README.md there), and on
real rows with one value changed (`with_values`) for what the samples do not show: a second
version of a report, three date/amount pairs, cp437 and latin-1 bytes, hostile values."""

import csv
import io
import re

import pytest

from recallwatch.core.batch import RecordBatch
from recallwatch.core.items import Rejected
from recallwatch.core.watchlist import CampaignLink
from recallwatch.parsers import pa_layout
from recallwatch.parsers.pennsylvania import FilingSetReader, decode, fallback_codec, file_rows, form_type
from tests.crawl import FIXTURES

SAMPLES = FIXTURES / "filings_pennsylvania" / "samples_2025"
LEGACY = FIXTURES / "filings_pennsylvania" / "legacy_2011"
TOKEN = re.compile(r'"(?:[^"]|"")*"|[^,]*')


def lines_of(kind):
    """The header line and the data lines of a 2025 sample file (bytes, line ends dropped)."""
    header, *rows = (SAMPLES / f"{kind}_2025.txt").read_bytes().replace(b"\r\n", b"\n").split(b"\n")
    return header, [row for row in rows if row]


def with_values(header, line, **changes):
    """A real line with some columns changed, keeping its quoting (text quoted, numbers not);
    a changed value is written quoted when the original was."""
    names = [name.upper() for name in header.decode().split(",")]
    tokens = [match.group(0) for match in TOKEN.finditer(line.decode("latin-1"))][::2][: len(names)]
    for name, value in changes.items():
        index = names.index(name.upper())
        quoted = tokens[index].startswith('"')
        tokens[index] = f'"{value}"' if quoted else str(value)
    return ",".join(tokens).encode("latin-1")


def file_bytes(header, rows, newline=b"\r\n"):
    return newline.join([header, *rows]) + newline


def read(kind, data, reader=None):
    reader = reader or FilingSetReader("file:test")
    return list(reader.read_file(kind, io.BytesIO(data), f"{kind}.txt"))


def rows_of(outputs, table=None):
    """The rows of the batches of a table (by default: the money, not the stand-in filings)."""
    tables = (table,) if table else ("contributions", "contributions_made")
    found = []
    for output in outputs:
        if isinstance(output, RecordBatch) and output.table in tables:
            found += [dict(zip(output.fields, row, strict=True)) for row in output.rows]
    return found


def rejects_of(outputs):
    return [output.reason for output in outputs if isinstance(output, Rejected)]


# -- reading files


def test_a_2025_file_is_read_by_its_header_whatever_the_case_of_its_names():
    rows = file_rows("contrib", io.BytesIO((SAMPLES / "contrib_2025.txt").read_bytes()))
    columns = next(rows)
    assert columns[:6] == ("CAMPAIGNFINANCEID", "FILERID", "EYEAR", "SUBMITTEDDATE", "CYCLE", "SECTION")
    data = list(rows)
    assert len(data) == 10
    number, values = data[0]
    assert number == 2  # the header is line 1
    assert values[6] == "Ms. Tamara Kammann" and values[19:21] == ["20250703", "10.00"]


def test_the_filer_header_ending_in_lf_and_its_rows_in_crlf_are_read_alike():
    rows = file_rows("filer", io.BytesIO((SAMPLES / "filer_2025.txt").read_bytes()))
    assert next(rows)[0] == "CAMPAIGNFINANCEID"  # spelled CampaignfinanceID
    data = list(rows)
    assert len(data) == 10
    assert all(len(values) == 22 and not values[-1].endswith("\r") for _, values in data)


def test_a_legacy_file_has_no_header_and_the_legacy_columns():
    rows = file_rows("expense", io.BytesIO((LEGACY / "expense.txt").read_bytes()))
    assert next(rows) == pa_layout.LEGACY_COLUMNS["expense"]
    data = list(rows)
    # 59 lines, each ending with a comma (a 13th empty field that is not a column)
    assert len(data) == 59 and all(len(values) == 12 for _, values in data)
    assert data[0][1][:4] == ["8200412", "2011", "6", "Rick Outman for State Representative"]
    assert data[0][1][10] == "-125"


def test_quoted_fields_may_hold_doubled_quotes_bare_line_feeds_and_commas():
    header, (first, *_) = lines_of("debt")
    odd = with_values(header, first, DBTDESC='Loan ""bridge"" from candidate,\nrepaid later')
    data = list(file_rows("debt", io.BytesIO(file_bytes(header, [odd, first]))))[1:]
    assert [number for number, _ in data] == [3, 4]  # the record of line 2 runs onto line 3
    assert data[0][1][13] == 'Loan "bridge" from candidate,\nrepaid later'


def test_a_row_with_the_wrong_number_of_fields_is_rejected_and_the_rest_read():
    header, (first, second, *_) = lines_of("receipt")
    data = list(file_rows("receipt", io.BytesIO(file_bytes(header, [first, first + b',"extra"', second]))))[1:]
    assert isinstance(data[1][1], Rejected)
    assert data[1][1].reason == "receipt.txt line 3: 15 fields, the layout has 14"
    assert [isinstance(values, list) for _, values in data] == [True, False, True]


@pytest.mark.parametrize(
    ("kind", "header_layout", "data", "expected"),
    [
        ("contrib", True, b"Caf\x82 Jos\x82 \xa0ngel", "Café José ángel"),  # cp437 (encoding_check_2025.tsv)
        ("expense", True, b"Caf\x82", "Café"),
        ("debt", True, "Café".encode(), "Café"),  # UTF-8 files stay UTF-8
        ("contrib", False, b"Caf\xe9 Jos\xe9", "Café José"),  # legacy: latin-1
        ("contrib", False, "Cozen O’Connor".encode(), "Cozen O’Connor"),  # UTF-8 in a legacy file (2011)
        ("contrib", True, "Cozen O’Connor".encode(), "Cozen O’Connor"),
    ],
)
def test_each_file_is_decoded_by_one_rule(kind, header_layout, data, expected):
    assert decode(data, kind, header_layout) == expected


def test_the_utf8_quote_of_a_legacy_file_is_read():
    rows = list(file_rows("contrib", io.BytesIO((LEGACY / "contrib.txt").read_bytes())))[1:]
    employers = {values[11] for _, values in rows}
    assert "Cozen O’Connor" in employers


# -- filings and committees


def test_filer_rows_become_filings_summary_lines_and_committees():
    outputs = read("filer", (SAMPLES / "filer_2025.txt").read_bytes())
    assert rejects_of(outputs) == []
    committees = {row["source_id"]: row for row in rows_of(outputs, "committees")}
    assert len(committees) == 10
    assert committees["2004174"]["name"] == "YORK CO FED OF DEM WOMEN"  # padded to 60 in the file
    assert committees["9800204"]["committee_type"] == pa_layout.FILER_TYPES["3"]
    filings = {row["id"]: row for row in rows_of(outputs, "filings")}
    amgen = filings["pennsylvania:2004206:2025:7:433213"]
    assert (amgen["report_id"], amgen["form_type"], amgen["filed"], amgen["amendment"]) == (
        "pennsylvania:2004206:2025:7", "PA-C7", "2026-01-28", 0)  # fmt: skip
    summaries = {(row["filing_id"], row["line"]): row["amount_period"] for row in rows_of(outputs, "filing_summaries")}
    assert summaries[("pennsylvania:2004206:2025:7:433213", "BEGINNING")] == 369198.36
    assert summaries[("pennsylvania:2004206:2025:7:433213", "MONETARY")] == 988.80
    assert summaries[("pennsylvania:2004206:2025:7:433213", "INKIND")] == 0.0


def test_versions_of_a_report_are_ordered_by_submitted_date_then_finance_id():
    header, (amgen, *_) = lines_of("filer")
    later = with_values(header, amgen, CampaignfinanceID="433300", SubmittedDate="2026-02-10", AMMEND="Y")
    same_day = with_values(header, amgen, CampaignfinanceID="433214", AMMEND="Y")
    filings = rows_of(read("filer", file_bytes(header, [later, amgen, same_day])), "filings")
    order = {row["source_filing_id"]: row["amendment"] for row in filings}
    assert order == {"433213": 0, "433214": 1, "433300": 2}


def test_a_legacy_amendment_comes_after_the_original_and_takes_the_rows():
    # Friends of Joe Duda's real amended filer row, and the original it amends
    amended = next(line for line in (LEGACY / "filer.txt").read_bytes().split(b"\n") if line.startswith(b"1776139,"))
    original = amended.replace(b'"Y","N"', b'"N","N"')
    reader = FilingSetReader("file:test")
    filings = rows_of(read("filer", amended + b"\n" + original, reader), "filings")
    assert {row["id"]: row["amendment"] for row in filings} == {
        "pennsylvania:1776139:2011:6:v0": 0,
        "pennsylvania:1776139:2011:6:v1": 1,
    }
    contributions = rows_of(read("contrib", (LEGACY / "contrib.txt").read_bytes(), reader), "contributions")
    duda = {row["filing_id"] for row in contributions if row["filing_id"].startswith("pennsylvania:1776139")}
    assert duda == {"pennsylvania:1776139:2011:6:v1"}


def test_a_candidate_filer_is_linked_as_the_candidate_with_the_office_in_words():
    calls = []

    def link(filer_id, name, on_date, candidate=None, office=None):
        calls.append((filer_id, name, on_date, candidate, office))
        return CampaignLink()

    header, (amgen, *_) = lines_of("filer")
    candidate = with_values(header, amgen, FILERID="9990001", FILERTYPE="1", FILERNAME="Larry Krasner", OFFICE="PH2",
                            EYEAR="2021", CYCLE="3")  # fmt: skip
    read("filer", file_bytes(header, [amgen, candidate]), FilingSetReader("file:test", link=link))
    # A report is tied to the election it reports on: cycle 3 (post-primary) to the 2021 primary
    assert sorted(calls) == [
        ("2004206", "Amgen Inc. Political Action Committee", "2025-12-31", None, None),
        ("9990001", "Larry Krasner", "2021-04-01", "Larry Krasner", "District Attorney, City of Philadelphia"),
    ]


# -- money


def test_each_date_amount_pair_is_a_gift_and_empty_slots_are_skipped():
    header, (first, *_) = lines_of("contrib")
    three = with_values(header, first, CONTDATE2="20250801", CONTAMT2="25.50", CONTDATE3="20250901", CONTAMT3="-5.00")
    reader = FilingSetReader("file:test")
    gifts = rows_of(read("contrib", file_bytes(header, [first, three]), reader))
    assert [(row["amount"], row["date"]) for row in gifts] == [
        (10.0, "2025-07-03"),  # the real row: slots 2 and 3 hold "0" / 0
        (10.0, "2025-07-03"),  # the same donor's row with three pairs: three gifts
        (25.5, "2025-08-01"),
        (-5.0, "2025-09-01"),  # a refund stays negative
    ]
    assert len({row["id"] for row in gifts}) == 4
    assert reader.stats["empty_slots"] == 2
    assert gifts[0]["zip"] == "91320-1730" and gifts[0]["schedule"] == "ID" and gifts[0]["employer"] == "Amgen Inc."


def test_legacy_rows_with_empty_slots_give_one_gift_each():
    gifts = rows_of(read("contrib", (LEGACY / "contrib.txt").read_bytes()))
    assert len(gifts) == 209  # 209 rows, none with a second pair
    sections = {}
    for row in gifts:
        sections[row["schedule"]] = sections.get(row["schedule"], 0) + 1
    assert sections == {"IA": 1, "IB": 171, "IC": 4, "ID": 29, "IIF": 2, "IIG": 2}


def test_identical_rows_of_a_filing_keep_distinct_ids_stable_across_runs():
    data = (SAMPLES / "expense_2025.txt").read_bytes().replace(b"CREDIT CARD FEE", b"Contribution")
    made = rows_of(read("expense", data))
    ids = [row["id"] for row in made]
    assert len(made) == 10 and len(set(ids)) == 10  # two rows are identical (1.80, 2025-03-02)
    assert ids == [row["id"] for row in rows_of(read("expense", data))]


def test_receipts_and_debts_are_stored_under_schedules_that_do_not_count():
    receipts = rows_of(read("receipt", (SAMPLES / "receipt_2025.txt").read_bytes()))
    debts = rows_of(read("debt", (SAMPLES / "debt_2025.txt").read_bytes()))
    assert {row["schedule"] for row in receipts} == {"E"} and len(receipts) == 10
    assert {row["schedule"] for row in debts} == {"DEBT"} and len(debts) == 10
    assert debts[1]["contributor_name"] == "James Insco" and debts[1]["amount"] == 50000.0


def test_only_expenses_paid_as_contributions_are_contributions_made():
    reader = FilingSetReader("file:test")
    made = rows_of(read("expense", (LEGACY / "expense.txt").read_bytes(), reader))
    assert reader.stats["expenses_not_contributions"] == 59 - len(made)
    outman = made[0]
    assert (outman["recipient_name"], outman["amount"], outman["date"], outman["form"]) == (
        "Rick Outman for State Representative", -125.0, "2011-10-25", "EXP")  # fmt: skip
    assert all(re.search("contrib|donation", row["description"], re.I) for row in made)


def test_a_24_hour_report_row_is_marked_so():
    header, (first, *_) = lines_of("contrib")
    gift = rows_of(read("contrib", file_bytes(header, [with_values(header, first, CYCLE="10")])))[0]
    assert gift["schedule"] == "24H-ID" and gift["filing_id"].startswith("pennsylvania:2004206:2025:10:")


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("CONTAMT1", "NaN", "CONTAMT1 is not a finite number: 'NaN'"),
        ("CONTAMT1", "Infinity", "CONTAMT1 is not a finite number: 'Infinity'"),
        ("CONTAMT1", "1e308", "CONTAMT1 is written with an exponent: '1e308'"),
        ("CONTDATE1", "2099-13-45", "CONTDATE1 is not a real date: '2099-13-45'"),
        ("CONTDATE1", "20991345", "CONTDATE1 is not a real date: '20991345'"),
        ("CONTAMT2", "NaN", "CONTAMT2 is not a finite number: 'NaN'"),
        ("CONTRIBUTOR", "", "no CONTRIBUTOR"),
        ("Section", "", "no Section"),
    ],
)
def test_a_row_with_a_value_it_cannot_read_is_rejected_with_the_column_and_the_raw_value(column, value, reason):
    header, (first, second, *_) = lines_of("contrib")
    outputs = read("contrib", file_bytes(header, [first, with_values(header, second, **{column: value})]))
    assert rejects_of(outputs) == [f"contrib.txt line 3: {reason}"]
    assert len(rows_of(outputs)) == 1


def test_form_types_and_cycle_names():
    assert form_type("7") == "PA-C7"
    assert pa_layout.cycle_name("10") == "24-hour report, pre-primary"
    assert pa_layout.office_words("ph2") == "District Attorney, City of Philadelphia"
    assert pa_layout.office_words("XYZ") == "XYZ" and pa_layout.office_words("") is None
    assert pa_layout.election_day("2021", "5") == "2021-10-01" and pa_layout.election_day("2021", "8") is None


def test_the_sample_rows_split_by_the_csv_module_match_the_files():
    """The other route to the counts: the csv module on the decoded bytes."""
    for kind in ("contrib", "expense", "receipt", "debt", "filer"):
        text = (SAMPLES / f"{kind}_2025.txt").read_bytes().decode("latin-1")
        expected = len(list(csv.reader(io.StringIO(text, newline="")))) - 1
        assert len(list(file_rows(kind, io.BytesIO(text.encode("latin-1"))))) - 1 == expected == 10


def test_a_filer_is_tied_to_the_latest_election_of_its_reports_the_watchlist_knows():
    """Its annual report (cycle 7) is about no election: the post-primary report ties it."""

    def link(filer_id, name, on_date, candidate=None, office=None):
        known = on_date == "2021-04-01"
        return CampaignLink("krasner-primary-2021", "support", "for", "candidate") if known else CampaignLink()

    header, (amgen, *_) = lines_of("filer")
    reports = [
        with_values(header, amgen, CampaignfinanceID=str(433213 + number), FILERID="9990001", FILERTYPE="1",
                    FILERNAME="Larry Krasner", OFFICE="PH2", EYEAR="2021", CYCLE=cycle)
        for number, cycle in enumerate(("3", "7"))
    ]  # fmt: skip
    outputs = read("filer", file_bytes(header, reports), FilingSetReader("file:test", link=link))
    (committee,) = rows_of(outputs, "committees")
    assert (committee["campaign_id"], committee["side"], committee["linked_by"]) == (
        "krasner-primary-2021", "for", "candidate")  # fmt: skip


def test_a_per_filing_set_is_read_whole_with_its_version():
    """Philadelphia's legacy folders (<filer>/<YYYYMMDD>/): one filing per folder, named by it."""
    files = {f"{kind}.txt": (LEGACY / f"{kind}.txt").read_bytes() for kind in pa_layout.FILE_KINDS}
    files["filer.txt"] = next(line for line in files["filer.txt"].split(b"\n") if line.startswith(b"1776139,"))
    reader = FilingSetReader("file:20111207", version="20111207")
    outputs = list(
        reader.read_set({kind: [f"{kind}.txt"] for kind in pa_layout.FILE_KINDS}, lambda name: io.BytesIO(files[name]))
    )
    # the other filers' rows of the joined fixture give stand-in filings; Joe Duda's is the folder's
    (filing,) = [row for row in rows_of(outputs, "filings") if row["filer_id"] == "1776139"]
    assert (filing["id"], filing["filed"], filing["amendment"]) == ("pennsylvania:1776139:2011:6:20111207",
                                                                    "2011-12-07", 1)  # fmt: skip
    duda = [row for row in rows_of(outputs) if row["filing_id"] == filing["id"]]
    assert len(duda) == 18 + 1  # 18 contributions; of 7 expenses, one "Cocktail Party Contribution"


def test_the_code_page_rule_follows_the_2025_encoding_check():
    """The members that are not UTF-8 (contrib, expense) are the ones read in cp437; the others
    are UTF-8, which every file is read as first."""
    lines = (FIXTURES / "filings_pennsylvania" / "encoding_check_2025.tsv").read_text().splitlines()[1:]
    not_utf8 = {pa_layout.file_kind(line.split("\t")[0]) for line in lines if line.split("\t")[1] == "no"}
    assert not_utf8 == {"contrib", "expense"}
    assert {kind for kind in pa_layout.FILE_KINDS if fallback_codec(kind, True) == "cp437"} == not_utf8
