"""Hostile input: script tags and SQL-looking text (stored verbatim, as text), a page over the size
limit and a zip bomb in place of an export (rejected with the reason, nothing stored), CAL-ACCESS
rows with embedded tabs and line breaks (the malformed rows rejected, the rest stored)."""

import sqlite3
import struct
import zipfile

import pytest

from tests.crawl import FIXTURES, crawl, crawled, file_url
from tests.local_server import local_server

SQL = "Robert'); DROP TABLE contributions;--"
SHOWN_SCRIPT = '<script>alert("recall")</script>'
HOSTILE_PAGE = f"""<!DOCTYPE html>
<html><head><title>Gascón recall: {SQL} &lt;script&gt;</title>
<script>document.title = "injected by the page";</script></head>
<body><article><h1>Gascón recall: {SQL}</h1>
<time datetime="2022-08-15">August 15, 2022</time>
<p>LOS ANGELES, Calif. (August 15, 2022) – The recall of District Attorney George Gascón drew comments such as
{SHOWN_SCRIPT.replace("<", "&lt;").replace(">", "&gt;")} and {SQL} on the campaign's page, which the
registrar's office said had no bearing on the count of the petition signatures.</p>
<script>document.write("injected by the page");</script>
<p>The petition needed 566,857 valid signatures of registered voters of Los Angeles County to qualify for the
ballot; the count of the signatures submitted by the proponents went on for thirty working days.</p>
<p>Officials said the results would be posted once the random sample of the signatures had been examined.</p>
</article></body></html>
"""


def hostile_file(tmp_path):
    path = tmp_path / "hostile.html"
    path.write_text(HOSTILE_PAGE, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("spider", "table", "title", "text"),
    [("news", "articles", "title", "text"), ("registrar_lavote", "announcements", "title", "body")],
)
def test_script_tags_and_sql_strings_are_stored_verbatim_never_run(tmp_path, spider, table, title, text):
    result = crawled(spider, tmp_path, f"url={file_url(hostile_file(tmp_path))}")
    rows = list(result.db[table].rows)
    assert len(rows) == 1, result.output[-2000:]
    row = rows[0]
    assert SQL in row[title]
    assert SQL in row[text] and SHOWN_SCRIPT in row[text]  # the text the page shows, as text
    assert "injected by the page" not in row[text]  # the page's own scripts are not text
    assert result.db["contributions"].exists()  # parameterised SQL: nothing was executed
    assert result.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert result.last_run(spider)["status"] == "ok"


def test_a_page_over_the_size_limit_is_rejected_with_the_reason(tmp_path):
    huge = b"<html><body>" + b"<p>Gascon recall " + b"x" * 2_000_000 + b"</p></body></html>"
    with local_server(lambda path, headers: (200, huge)) as (base, _):
        result = crawl(
            "news", tmp_path, f"url={base}/huge.html", replay=False, settings={"DOWNLOAD_MAXSIZE": "1000000"}
        )
    assert result.returncode == 0, result.output
    reasons = [row["reason"] for row in result.db.query("select reason from rejects")]
    assert len(reasons) == 1 and "larger than the size limit (DOWNLOAD_MAXSIZE)" in reasons[0], reasons
    assert result.db["articles"].count == 0
    assert result.last_run("news")["status"] in ("partial", "failed")


def zip_bomb(path, member, megabytes=64):
    """A small zip (about 60 KB) whose one member is `megabytes` MB of zeros."""
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(member, "w") as stream:
        for _ in range(megabytes):
            stream.write(zeros)
    return path


@pytest.mark.parametrize(
    ("spider", "name", "member"),
    [
        ("filings_calaccess", "dbwebexport.zip", "CalAccess/DATA/RCPT_CD.TSV"),
        ("filings_netfile_export", "efile_LACO_2022.zip", "efile_LACO_2022.xlsx"),
        ("filings_philadelphia", "records_2011.zip", "Blarney Pac/20111205/contrib.txt"),
        ("filings_pennsylvania", "2021.zip", "2021/contrib_2021.txt"),
    ],
)
def test_a_zip_bomb_in_place_of_an_export_is_rejected_and_nothing_stored(tmp_path, spider, name, member):
    bomb = zip_bomb(tmp_path / name, member).read_bytes()
    assert len(bomb) < 200_000
    with local_server(lambda path, headers: (200, bomb)) as (base, _):
        result = crawl(spider, tmp_path, f"url={base}/{name}", replay=False)
    assert result.returncode == 0, result.output
    reasons = [row["reason"] for row in result.db.query("select reason from rejects")]
    assert len(reasons) == 1, reasons
    assert f"{member} would expand 1,0" in reasons[0] and "(EXPORT_MAX_RATIO): a zip bomb" in reasons[0], reasons
    for table in ("committees", "filings", "contributions", "filing_summaries"):
        assert result.db[table].count == 0
    run = result.last_run(spider)
    assert run["status"] == "partial" and run["items"] == 0 and run["rejects"] == 1


def test_a_zip_that_understates_a_member_size_is_read_no_further_than_it_says(tmp_path):
    """The limits trust the declared sizes: a bomb that declares 1,000 bytes for 64 MB of zeros is
    read 1,000 bytes far, then fails its CRC check: rejected, nothing stored."""
    export = zip_bomb(tmp_path / "dbwebexport.zip", "CalAccess/DATA/RCPT_CD.TSV")
    data = bytearray(export.read_bytes())
    local, central = 0, data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1000)  # uncompressed size in the local header
    struct.pack_into("<I", data, central + 24, 1000)  # and in the central directory
    export.write_bytes(bytes(data))
    result = crawled("filings_calaccess", tmp_path, f"url={file_url(export)}")
    reasons = [row["reason"] for row in result.db.query("select reason from rejects")]
    assert len(reasons) == 1 and reasons[0].startswith("could not parse: BadZipFile: Bad CRC-32"), reasons
    assert result.db["contributions"].count == 0


def test_an_export_over_the_uncompressed_limit_is_rejected(tmp_path):
    export = tmp_path / "dbwebexport.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in sorted((FIXTURES / "filings_calaccess" / "crafted").iterdir()):
            archive.write(table, f"CalAccess/DATA/{table.name}")
    result = crawl(
        "filings_calaccess", tmp_path, f"url={file_url(export)}", settings={"EXPORT_MAX_UNCOMPRESSED_BYTES": "1000"}
    )
    reasons = [row["reason"] for row in result.db.query("select reason from rejects")]
    assert len(reasons) == 1 and "over the limit of 1,000 (EXPORT_MAX_UNCOMPRESSED_BYTES)" in reasons[0], reasons
    assert result.db["contributions"].count == 0


def test_calaccess_rows_with_embedded_tabs_and_line_breaks(tmp_path):
    """A tab inside a value adds a field, and a CRLF inside one splits the row: rejected, with the
    line; a bare LF inside a value (records end with CRLF) stays in the value; the rest are stored."""
    lines = (FIXTURES / "filings_calaccess" / "samples" / "RCPT_CD.TSV").read_bytes().split(b"\r\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    width = len(header.split(b"\t"))
    name_at = header.split(b"\t").index(b"CTRIB_NAML")

    def with_name(row, name):
        values = row.split(b"\t")
        values[name_at] = name
        return b"\t".join(values)

    crafted = [
        with_name(rows[0], b"Tabby\tMcTabface"),
        with_name(rows[1], b"Split\r\nRow"),
        with_name(rows[2], b"Line\nBreak"),
        *rows[3:],
    ]
    table = tmp_path / "RCPT_CD.TSV"
    table.write_bytes(b"\r\n".join([header, *crafted]) + b"\r\n")
    result = crawled("filings_calaccess", tmp_path, f"url={file_url(table)}")
    reasons = sorted(row["reason"] for row in result.db.query("select reason from rejects"))
    split_fields = [name_at + 1, width - name_at]  # the two halves of the split row
    assert reasons == sorted(
        [
            f"RCPT_CD line 2: {width + 1} fields, the header has {width}",
            f"RCPT_CD line 3: {split_fields[0]} fields, the header has {width}",
            f"RCPT_CD line 4: {split_fields[1]} fields, the header has {width}",
        ]
    )
    db = sqlite3.connect(tmp_path / "recalls.db")
    assert db.execute("select count(*) from contributions").fetchone()[0] == len(rows) - 2
    assert (
        db.execute(
            "select count(*) from contributions where contributor_name like '%Line' || char(10) || 'Break%'"
        ).fetchone()[0]
        == 1
    )
    assert result.last_run("filings_calaccess")["status"] == "partial"
