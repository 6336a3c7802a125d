"""recallwatch.parsers.calaccess, called directly (no crawl) on real CAL-ACCESS rows.

tests/fixtures/filings_calaccess/joined/: real rows of ../shared/samples/calaccess (bytes untouched,
CRLF, trailing tabs and spaces), picked so that ids join across tables: a filer named in
FILERNAME_CD (with an XREF_FILER_ID that is not its FILER_ID), one named there and again on a cover
page, filers named only on a cover page, filers no table names, a receipt of one of those, a
Form 497 part 2 row (a contribution made), a filing filed "7/29/1940" and a cover page whose period ends
"6/30/3016" (both real)."""

import io
from datetime import date, timedelta

from recallwatch.core.batch import RecordBatch
from recallwatch.core.items import (
    Committee,
    Contribution,
    ContributionMade,
    FilerCommittee,
    Filing,
    FilingSummary,
    Rejected,
)
from recallwatch.core.watchlist import CampaignLink
from recallwatch.parsers.calaccess import (
    CONTRIBUTION_FIELDS,
    CONTRIBUTION_MADE_FIELDS,
    ExportReader,
    decode,
    records,
    table_rows,
    text_records,
)
from tests.crawl import FIXTURES

JOINED = FIXTURES / "filings_calaccess" / "joined"
URL = "file:///dbwebexport.zip"
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def lines_of(table):
    lines = (JOINED / f"{table}.TSV").read_bytes().split(b"\r\n")
    return lines[0], [line for line in lines[1:] if line]


def table_bytes(header, rows):
    return b"\r\n".join([header, *rows]) + b"\r\n"


def with_values(header, row, **values):
    """A real row with some of its values replaced (by column name)."""
    names, cells = header.split(b"\t"), row.split(b"\t")
    for name, value in values.items():
        cells[names.index(name.encode())] = value.encode()
    return b"\t".join(cells)


def read(tables, **reader_options):
    """Everything the reader yields for {table: bytes}: (reader, outputs)."""
    reader = ExportReader(URL, **reader_options)
    outputs = list(reader.read_export(set(tables), lambda table: io.BytesIO(tables[table])))
    return reader, outputs


def joined_tables(**replaced):
    tables = {path.stem: path.read_bytes() for path in JOINED.glob("*.TSV")}
    return {**tables, **replaced}


def batches(outputs, item_class):
    return [row for output in outputs if isinstance(output, RecordBatch) and output.item_class is item_class
            for row in output.rows]  # fmt: skip


def rows_by_id(outputs, item_class, fields):
    return {row[0]: dict(zip(fields, row, strict=True)) for row in batches(outputs, item_class)}


def reasons(outputs):
    return [output.reason for output in outputs if isinstance(output, Rejected)]


# -- records


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


def test_a_row_with_the_wrong_field_count_is_rejected_with_its_text():
    rows = table_rows("RCPT_CD", io.BytesIO(b"A\tB\r\n1\t2\r\n1\t2\t3\r\n"))
    assert next(rows) == ["A", "B"]
    assert next(rows) == (2, ["1", "2"])
    assert next(rows) == (
        3,
        Rejected("RCPT_CD line 3: 3 fields, the header has 2", {"table": "RCPT_CD", "raw": "1\t2\t3"}, "contributions"),
    )


# -- the tables


def test_real_rows_read_into_filings_committees_summaries_and_contributions():
    reader, outputs = read(joined_tables())
    filings = rows_by_id(outputs, Filing, ("id", "committee_id", "source", "report_id", "form_type", "period_start",
                                           "period_end", "filed", "amendment", "source_url", "source_filing_id",
                                           "filer_id"))  # fmt: skip
    assert {
        id_: (f["form_type"], f["period_start"], f["period_end"], f["filed"], f["filer_id"])
        for id_, f in filings.items()
    } == {  # fmt: skip
        "calaccess:99806:0": ("F490", "1994-05-22", "1994-06-30", None, "1018823"),  # filed 1940: left out
        "calaccess:159756:0": ("F420", "1988-05-22", "1988-06-30", "1988-07-29", "1026634"),
        "calaccess:1144287:0": ("F460", "2005-07-01", "2005-12-31", "2006-01-25", "1260867"),  # "1:59:17 PM"
        "calaccess:1155427:0": ("F497", "2006-03-13", "2006-03-13", "2006-03-14", "1276675"),
        "calaccess:1605244:0": ("F460", "2011-01-01", "2011-06-30", "2011-07-31", "1225424"),
        "calaccess:2054455:0": ("F460", "2016-01-01", None, "2016-07-08", "1363711"),  # period ends in 3016
    }  # the F777 filing (not a campaign statement) is not read
    assert filings["calaccess:1144287:0"]["report_id"] == "calaccess:1144287"
    assert filings["calaccess:1144287:0"]["source_url"] == URL
    assert reasons(outputs) == [
        f"FILER_FILINGS_CD line 3: filed is outside 1970-01-01..{TOMORROW}: '7/29/1940 12:00:00 AM'; "
        "the filing is stored without it",
        "CVR_CAMPAIGN_DISCLOSURE_CD line 4: period_end is outside 1900-01-01..2100-12-31: "
        "'6/30/3016 12:00:00 AM'; the filing is stored without it",
    ]
    assert batches(outputs, FilingSummary) == [
        ("calaccess:647298:0", "E", "4", 169134.16, None),
        ("calaccess:644909:0", "B1", "3", 0.0, None),
    ]
    receipts = rows_by_id(outputs, Contribution, CONTRIBUTION_FIELDS)
    assert set(receipts) == {
        "calaccess:1144287:0:RCPT:1928:A",
        "calaccess:1144287:0:RCPT:1991:A",
        "calaccess:1155427:0:S497:2:F497P1",
    }
    faw = receipts["calaccess:1144287:0:RCPT:1928:A"]
    assert (faw["contributor_name"], faw["amount"], faw["cumulative_ytd"], faw["date"], faw["entity_code"]) == (
        "Faw, Clayton R",
        13.12,
        183.68,
        "2005-07-29",
        "IND",
    )
    late = receipts["calaccess:1155427:0:S497:2:F497P1"]
    assert (late["schedule"], late["amount"], late["date"], late["employer"]) == (
        "497",
        1000.0,
        "2006-03-13",
        "Schwartz,Steinsapir,Dohrmann et al",
    )
    assert reader.skipped == 0
    # the 497 part 2 row: a contribution made (no name filed: named by the recipient's CMTE_ID)
    made = rows_by_id(outputs, ContributionMade, CONTRIBUTION_MADE_FIELDS)
    assert made == {
        "calaccess:595595:0:S497:1:F497P2": {
            "id": "calaccess:595595:0:S497:1:F497P2", "filing_id": "calaccess:595595:0", "source": "calaccess",
            "tran_id": "2901", "form": "F497P2", "recipient_name": "committee 991916", "recipient_source_id": "991916",
            "campaign_id": None, "position": None, "amount": 5000.0, "date": "2000-02-24", "description": None,
            "memo": 0,
        }
    }  # fmt: skip


def test_counted_is_left_to_the_end_of_run_rules():
    assert "counted" not in CONTRIBUTION_FIELDS and "not_counted_reason" not in CONTRIBUTION_FIELDS


def test_every_filer_of_a_filing_gets_a_committee_and_a_name_only_from_the_name_tables():
    _, outputs = read(joined_tables())
    named = {row[3]: row for row in batches(outputs, Committee)}
    unnamed = {row[3]: row for row in batches(outputs, FilerCommittee)}
    assert {filer: row[1] for filer, row in named.items()} == {
        "1225424": "The Family Action PAC",  # the cover page of 2011 is later than FILERNAME_CD's 2000 name
        "1026634": "CALIFORNIA HOSPITAL ASSOCIATION PAC, SPONSORED BY CA ASSOCIATION OF HOSPITALS AND HEALTH "
        "SYSTEMS (CAHHS)",
        "1276675": "John Chiang for California 2006",
        "1363711": "MIGUDA-ARMSTEAD FOR JUDGE 2014",
    }  # the treasurer in FILERNAME_CD is not a committee
    no_link = (None, None, None, None, None)
    assert unnamed == {
        "1018823": ("c85354c02f72c12a", "filer 1018823", "calaccess", "1018823", "1018823", *no_link),
        "1260867": ("cd4820cbaea7ce23", "filer 1260867", "calaccess", "1260867", "1260867", *no_link),
    }
    committees = {row[0] for row in [*named.values(), *unnamed.values()]}
    assert {row[1] for row in batches(outputs, Filing)} <= committees
    # Committees come out after the filings and before the money
    kinds = [output.item_class for output in outputs if isinstance(output, RecordBatch)]
    assert kinds == [Filing, Filing, Committee, FilerCommittee, FilingSummary, Contribution, Contribution,
                     ContributionMade]  # fmt: skip


def test_one_table_alone_still_names_its_filers_committees():
    _, outputs = read({"FILER_FILINGS_CD": (JOINED / "FILER_FILINGS_CD.TSV").read_bytes()})
    assert [row[1] for row in batches(outputs, FilerCommittee)] == ["filer 1018823", "filer 1026634", "filer 1260867"]
    assert batches(outputs, Committee) == []


def test_a_scheduled_run_keeps_the_filers_it_finds_by_name_or_by_id():
    asked = []

    def keep(filer_id, name, on_date):
        asked.append((filer_id, name, on_date))
        return filer_id == "1260867" or (name or "").startswith("John Chiang")

    def link(filer_id, name, on_date, **named):
        return CampaignLink("chiang-2006", "support", "for", "name pattern") if name else CampaignLink()

    _, outputs = read(joined_tables(), keep_filer=keep, link=link)
    assert {row[0] for row in batches(outputs, Filing)} == {"calaccess:1144287:0", "calaccess:1155427:0"}
    assert batches(outputs, Committee) == [
        ("c5a9bfc48a2df35e", "John Chiang for California 2006", "calaccess", "1276675", "1276675", "C",
         "chiang-2006", "support", "for", "name pattern"),
    ]  # fmt: skip
    assert [row[1] for row in batches(outputs, FilerCommittee)] == ["filer 1260867"]
    assert {row[0] for row in batches(outputs, Contribution)} == {
        "calaccess:1144287:0:RCPT:1928:A",
        "calaccess:1144287:0:RCPT:1991:A",
        "calaccess:1155427:0:S497:2:F497P1",
    }
    assert ("1260867", None, None) in asked  # no table names it: asked by its id alone
    assert batches(outputs, FilingSummary) == []  # their filings are not kept
    # Only the kept filings' bad dates are rejects
    assert reasons(outputs) == []


# -- values


def test_amounts_and_dates_of_the_money_tables_are_read_or_the_row_is_rejected():
    header, (faw, welch) = lines_of("RCPT_CD")
    receipts = [
        with_values(header, faw, AMOUNT="(40.00)", LINE_ITEM="1"),
        with_values(header, faw, AMOUNT="$1,000.00", LINE_ITEM="2"),
        with_values(header, faw, AMOUNT="NaN", LINE_ITEM="3"),
        with_values(header, faw, AMOUNT="Infinity", LINE_ITEM="4"),
        with_values(header, faw, AMOUNT="1e308", LINE_ITEM="5"),
        with_values(header, welch, RCPT_DATE="2099-13-45", LINE_ITEM="6"),
        with_values(header, welch, RCPT_DATE="0000-00-00", LINE_ITEM="7"),
        with_values(header, welch, CUM_YTD="NaN", LINE_ITEM="8"),
        with_values(header, welch, AMOUNT="", LINE_ITEM="9"),
        with_values(header, welch, AMEND_ID="A", LINE_ITEM="10"),
    ]
    smry_header, (smry, _) = lines_of("SMRY_CD")
    summaries = [with_values(smry_header, smry, AMOUNT_A="Infinity"), with_values(smry_header, smry, AMOUNT_B="1e308")]
    _, outputs = read({"RCPT_CD": table_bytes(header, receipts), "SMRY_CD": table_bytes(smry_header, summaries)})
    assert {row[0]: row[15] for row in batches(outputs, Contribution)} == {
        "calaccess:1144287:0:RCPT:1:A": -40.0,
        "calaccess:1144287:0:RCPT:2:A": 1000.0,
    }
    assert batches(outputs, FilingSummary) == []
    assert reasons(outputs) == [
        "SMRY_CD line 2: amount_period is not a finite number: 'Infinity'",
        "SMRY_CD line 3: amount_ytd is written with an exponent: '1e308'",
        "RCPT_CD line 4: amount is not a finite number: 'NaN'",
        "RCPT_CD line 5: amount is not a finite number: 'Infinity'",
        "RCPT_CD line 6: amount is written with an exponent: '1e308'",
        "RCPT_CD line 7: date is not a real date: '2099-13-45'",
        "RCPT_CD line 8: date is not a real date: '0000-00-00'",
        "RCPT_CD line 9: cumulative_ytd is not a finite number: 'NaN'",
        "RCPT_CD line 10: no amount",
        "RCPT_CD line 11: amendment is not an amendment number: 'A'",
    ]
    rejected = next(output for output in outputs if isinstance(output, Rejected) and "'NaN'" in output.reason)
    assert rejected.record == {"table": "RCPT_CD", "raw": receipts[2].decode()}
    assert rejected.item_type == "contributions"


def test_a_filing_is_stored_without_a_date_it_cannot_read_but_not_without_its_amendment():
    header, (_, _, _, unnamed_460) = lines_of("FILER_FILINGS_CD")
    ten_years_ahead = date.today().replace(year=date.today().year + 10)
    far = f"{ten_years_ahead.month}/{ten_years_ahead.day}/{ten_years_ahead.year} 12:00:00 AM"
    rows = [
        with_values(header, unnamed_460, FILING_DATE=far),
        with_values(header, unnamed_460, FILING_SEQUENCE="1", RPT_START="0000-00-00", RPT_END="2099-13-45"),
        with_values(header, unnamed_460, FILING_SEQUENCE="second"),
    ]
    _, outputs = read({"FILER_FILINGS_CD": table_bytes(header, rows)})
    assert {row[0]: (row[5], row[6], row[7], row[8]) for row in batches(outputs, Filing)} == {
        "calaccess:1144287:0": ("2005-07-01", "2005-12-31", None, 0),
        "calaccess:1144287:1": (None, None, "2006-01-25", 1),
    }
    assert reasons(outputs) == [
        f"FILER_FILINGS_CD line 2: filed is outside 1970-01-01..{TOMORROW}: '{far}'; the filing is stored without it",
        "FILER_FILINGS_CD line 3: period_start is not a real date: '0000-00-00'; the filing is stored without it",
        "FILER_FILINGS_CD line 3: period_end is not a real date: '2099-13-45'; the filing is stored without it",
        "FILER_FILINGS_CD line 4: amendment is not an amendment number: 'second'",
    ]


def test_a_committee_name_with_an_unreadable_date_is_kept_without_it():
    header, (_, family, hospital) = lines_of("FILERNAME_CD")
    table = table_bytes(header, [with_values(header, family, EFFECT_DT="02/30/2000"), hospital])
    _, outputs = read({"FILERNAME_CD": table})
    assert [row[1] for row in batches(outputs, Committee)] == [
        "FAMILY ACTION PAC, THE",
        "CALIFORNIA HOSPITAL ASSOCIATION PAC, SPONSORED BY CA ASSOCIATION OF HOSPITALS AND HEALTH SYSTEMS (CAHHS)",
    ]
    assert reasons(outputs) == [
        "FILERNAME_CD line 2: effective_date is not a real date: '02/30/2000'; the committee's name is kept without it"
    ]
