"""Money paid out in CAL-ACCESS: contributions made (Form 461 part 5, Schedule D, Form 497 part 2)
and independent expenditures (Form 496, Form 465 part 3), crawled from
tests/fixtures/filings_calaccess/money_out/.

The EXPN_CD, S497_CD and S496_CD rows are real rows of ../shared/samples (bytes untouched: CRLF,
trailing tabs, the 0x1A byte in a MEMO_REFNO, a 13-field S496 row with "(Cumulative: $31,125.00)"
in MEMO_CODE), but one: the amendment 0 of filing 718966 is its real amendment 1 row with another
amount. The cover pages (CVR_CAMPAIGN_DISCLOSURE_CD) are crafted in the real format, so that each
row has a filer: the samples are random rows that rarely join."""

import math

import pytest

from recallwatch.core import totals
from recallwatch.core.batch import RecordBatch
from recallwatch.core.items import Committee, ContributionMade, Filing
from recallwatch.core.schema import open_database
from recallwatch.core.watchlist import Watchlist
from settings import WATCHLIST as WATCHLIST_PATH
from tests.crawl import FIXTURES, crawl, file_url
from tests.test_parser_calaccess import read, reasons, table_bytes, with_values

WATCHLIST = Watchlist.load(WATCHLIST_PATH)
MONEY_OUT = FIXTURES / "filings_calaccess" / "money_out"
RICHMAN = "richman-netfile"  # a committee of another source with the FPPC id the F461P5 row names


@pytest.fixture(scope="module")
def money_out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("money_out")
    db = open_database(folder / "recalls.db")
    db["committees"].insert_all(
        [
            # crafted: a county-filed committee (NetFile) with the FPPC id a giver names, tied to a campaign
            {"id": RICHMAN, "name": "Richman for Assembly", "source": "netfile_export", "source_id": "990193",
             "fppc_id": "990193", "campaign_id": "gascon-recall-2022", "position": "support", "side": "against",
             "linked_by": "name pattern"},
            # crafted: a committee known by name only (Schedule D row 669623 gives no CMTE_ID)
            {"id": "liu-calaccess", "name": "CAROL LIU FOR ASSEMBLY ", "source": "calaccess", "source_id": "9999999"},
        ]
    )  # fmt: skip
    db.conn.close()
    result = crawl("filings_calaccess", folder, f"url={file_url(MONEY_OUT)}")
    assert result.returncode == 0, result.output[-3000:]
    return result


def made(result):
    return {row["id"]: row for row in result.db.query("select * from contributions_made order by id")}


def test_contributions_made_are_stored_with_the_recipient_as_filed(money_out):
    rows = made(money_out)
    assert set(rows) == {
        "calaccess:719372:0:EXPN:64:F461P5",
        "calaccess:718966:0:EXPN:8:F461P5",
        "calaccess:718966:1:EXPN:8:F461P5",
        "calaccess:677011:0:EXPN:30:D",
        "calaccess:669623:0:EXPN:6:D",
        "calaccess:607249:0:S497:3:F497P2",
        "calaccess:595595:0:S497:1:F497P2",
    }  # the Schedule E row, the 465 part 3 row and the Schedule D row coded IND are not contributions made
    richman = rows["calaccess:719372:0:EXPN:64:F461P5"]
    assert (richman["recipient_name"], richman["recipient_source_id"], richman["amount"], richman["date"]) == (
        "Richman for Assembly",
        "990193",
        1000.0,
        "2000-10-24",
    )
    assert richman["description"] == "Made by Porter Ranch Development Co."
    late = rows["calaccess:607249:0:S497:3:F497P2"]
    assert (late["form"], late["recipient_name"], late["recipient_source_id"], late["amount"]) == (
        "F497P2",
        "JOSE FERNANDEZ FOR STATE ASSEMBLY",
        "992098",
        1050.0,
    )
    assert rows["calaccess:595595:0:S497:1:F497P2"]["recipient_name"] == "committee 991916"  # no name filed


def test_the_giver_is_the_filer_and_its_committee_exists(money_out):
    rows = made(money_out)
    assert (
        rows["calaccess:719372:0:EXPN:64:F461P5"]["giver_committee_id"]
        == money_out.db.execute(
            "select id from committees where source = 'calaccess' and source_id = '1000101'"
        ).fetchone()[0]
    )
    # every giver has a committee row (a Form 461 filer is a major donor, not a committee of the watchlist)
    assert money_out.db.execute(
        "select count(*) from contributions_made left join committees on committees.id = giver_committee_id "
        "where committees.id is null"
    ).fetchone() == (0,)
    names = {row["source_id"]: row["name"] for row in money_out.db["committees"].rows_where("source = 'calaccess'")}
    assert names["1000101"] == "Porter Ranch Development Co."


def test_only_the_latest_amendment_is_current(money_out):
    rows = made(money_out)
    assert rows["calaccess:718966:1:EXPN:8:F461P5"]["current"] == 1
    assert rows["calaccess:718966:0:EXPN:8:F461P5"]["current"] == 0  # 3,000 replaced by 3,526
    current = money_out.db.execute("select sum(amount) from contributions_made where current = 1").fetchone()[0]
    # 1,000 + 3,526 + 750 + 500 + 1,050 + 5,000
    assert current == 11826.0


def test_the_recipient_is_joined_by_fppc_id_across_sources_else_by_name(money_out):
    rows = made(money_out)
    richman = rows["calaccess:719372:0:EXPN:64:F461P5"]
    assert (richman["recipient_committee_id"], richman["campaign_id"], richman["position"]) == (
        RICHMAN,
        "gascon-recall-2022",
        "support",
    )
    assert rows["calaccess:669623:0:EXPN:6:D"]["recipient_committee_id"] == "liu-calaccess"  # folded name
    assert rows["calaccess:677011:0:EXPN:30:D"]["recipient_committee_id"] is None  # no committee 962771 stored
    assert set(totals.apply_totals_rules(money_out.db, "calaccess").values()) == {0}  # idempotent


def ies(result):
    return {row["id"]: row for row in result.db.query("select * from independent_expenditures order by id")}


def test_form_496_line_items_are_independent_expenditures_of_the_cover_pages_target(money_out):
    rows = ies(money_out)
    assert set(rows) == {
        "calaccess:1712187:0:S496:4:F496",
        "calaccess:1712187:1:S496:1:F496",
        "calaccess:1712187:1:S496:5:F496",
        "calaccess:897390:0:S496:1:F496",  # MEMO_REFNO is a 0x1A byte: dropped
        "calaccess:669354:0:EXPN:8:F465P3",
        "calaccess:595081:0:EXPN:16:D",  # Schedule D, EXPN_CODE IND
    }  # the 13-field row (free text in MEMO_CODE) is rejected with its text
    spender = money_out.db.execute("select id from committees where source_id = '1000106'").fetchone()[0]
    boudin = rows["calaccess:1712187:1:S496:5:F496"]
    assert (boudin["committee_id"], boudin["campaign_id"], boudin["position"], boudin["side"]) == (
        spender,
        "boudin-recall-2021-second",
        "oppose",
        "for",
    )
    assert (boudin["linked_by"], boudin["target_name"], boudin["amount"], boudin["description"]) == (
        "ballot measure",
        "Recall of District Attorney Chesa Boudin",
        256.05,
        "Phone Banking; 11/3 - 11/5",
    )
    # only the latest amendment counts: 1.48 + 256.05, not amendment 0's 150
    assert money_out.db.execute(
        "select round(sum(amount), 2) from independent_expenditures where campaign_id = ? and current = 1",
        ["boudin-recall-2021-second"],
    ).fetchone() == (257.53,)
    assert rows["calaccess:897390:0:S496:1:F496"]["target_name"] == "Else Somebody"
    assert rows["calaccess:897390:0:S496:1:F496"]["campaign_id"] is None
    printing = rows["calaccess:669354:0:EXPN:8:F465P3"]
    assert (printing["payee"], printing["amount"], printing["target_name"]) == (
        "Precision Printing and Design",
        790.25,
        "Proposition 38",
    )
    perata = rows["calaccess:595081:0:EXPN:16:D"]
    assert (perata["target_name"], perata["position"], perata["committee_id"], perata["current"]) == (
        "Don Perata for State Senate",
        None,  # no campaign: the position is only known on a campaign's question
        None,  # no cover page names the filer of filing 595081
        None,
    )
    rejects = [row["reason"] for row in money_out.db["rejects"].rows]
    assert rejects == ["S496_CD line 6: 13 fields, the header has 12"]


def test_the_spenders_committee_is_not_tied_to_what_its_496_names(money_out):
    """A 496 cover page names what the money was spent on, not what the committee is for (a
    general-purpose PAC files them too): its expenditures are linked, the committee is not, so its
    whole total raised never lands on one side of the campaign."""
    spender = next(money_out.db["committees"].rows_where("source_id = '1000106'"))
    assert (spender["campaign_id"], spender["linked_by"]) == (None, None)


# -- hostile values in the new tables (the parser, called directly)

HOSTILE_AMOUNTS = ("NaN", "Infinity", "-Infinity", "1e308", "10000000000")


def money_out_rows(table):
    lines = (MONEY_OUT / f"{table}.TSV").read_bytes().split(b"\r\n")
    return lines[0], [line for line in lines[1:] if line]


@pytest.mark.parametrize(
    ("table", "row_index", "amount_column", "date_column"),
    [
        ("EXPN_CD", 1, "AMOUNT", "EXPN_DATE"),  # Form 461 part 5
        ("S497_CD", 0, "AMOUNT", "CTRIB_DATE"),  # Form 497 part 2
        ("S496_CD", 0, "AMOUNT", "EXP_DATE"),  # Form 496
    ],
)
def test_hostile_amounts_and_dates_of_money_paid_out_are_rejected(table, row_index, amount_column, date_column):
    header, rows = money_out_rows(table)
    row = rows[row_index]
    hostile = [with_values(header, row, **{amount_column: amount}) for amount in HOSTILE_AMOUNTS]
    hostile += [with_values(header, row, **{date_column: day}) for day in ("2099-13-45", "0000-00-00")]
    reader, outputs = read({table: table_bytes(header, hostile)})
    stored = [row for output in outputs if isinstance(output, RecordBatch) for row in output.rows]
    assert stored == []
    found = reasons(outputs)
    assert len(found) == len(hostile)
    for amount, reason in zip(HOSTILE_AMOUNTS, found, strict=False):
        assert reason.startswith(f"{table} line ") and repr(amount) in reason, reason
    assert "'2099-13-45'" in found[-2] and "'0000-00-00'" in found[-1]
    assert not any(isinstance(value, float) and not math.isfinite(value) for row in stored for value in row)


def test_a_scheduled_run_keeps_the_givers_to_a_followed_committee():
    """A scheduled run keeps only the watchlist's filers, and the filings of givers whose contributions
    made go to one of them: here the F461P5 row paying a crafted recall committee (the real row with
    the recipient's name replaced) keeps its Form 461 and its filer, not the other givers'."""
    header, rows = money_out_rows("EXPN_CD")
    to_recall = with_values(header, rows[1], PAYEE_NAML="Recall District Attorney George Gascon",
                            EXPN_DATE="3/15/2022 12:00:00 AM")  # fmt: skip
    tables = {
        "EXPN_CD": table_bytes(header, [to_recall, *rows[2:]]),
        "CVR_CAMPAIGN_DISCLOSURE_CD": (MONEY_OUT / "CVR_CAMPAIGN_DISCLOSURE_CD.TSV").read_bytes(),
    }

    def link(filer_id, name, on_date, **named):
        return WATCHLIST.link("filings_calaccess", filer_id, name, on_date, **named)

    _, outputs = read(tables, keep_filer=lambda filer_id, name, on_date: False, link=link)
    filings = {row[0] for output in outputs if isinstance(output, RecordBatch) for row in output.rows
               if output.item_class is Filing}  # fmt: skip
    assert filings == {"calaccess:719372:0", "calaccess:1712187:0", "calaccess:1712187:1"}  # + the 496s: linked
    made = [row for output in outputs if isinstance(output, RecordBatch) and output.item_class is ContributionMade
            for row in output.rows]  # fmt: skip
    assert [(row[0], row[7]) for row in made] == [("calaccess:719372:0:EXPN:64:F461P5", "gascon-recall-2022")]
    givers = [row[1] for output in outputs if isinstance(output, RecordBatch) and output.item_class is Committee
              for row in output.rows]  # fmt: skip
    assert "Porter Ranch Development Co." in givers


def test_an_expenditure_listed_again_on_the_periodic_report_counts_once(tmp_path):
    """A Form 496 line, the same spending on the Form 465 part 3 and on Schedule D (crafted rows):
    the 465 counts; a 496 line with another amount counts too."""
    db = open_database(tmp_path / "recalls.db")
    filings = [("f496", "F496"), ("f465", "F465"), ("f460", "F460")]
    db["filings"].insert_all(
        {"id": filing, "committee_id": "spender", "source": "s", "report_id": filing, "form_type": form,
         "amendment": 0}
        for filing, form in filings
    )  # fmt: skip
    spent = [
        ("late", "f496", "F496", 18000.0),
        ("periodic", "f465", "F465P3", 18000.0),
        ("schedule_d", "f460", "D", 18000.0),
        ("other", "f496", "F496", 7500.0),
    ]
    db["independent_expenditures"].insert_all(
        {"id": spent_id, "filing_id": filing, "source": "s", "form": form, "amount": amount, "date": "2022-05-18"}
        for spent_id, filing, form, amount in spent
    )
    totals.apply_totals_rules(db, "s")
    stored = {row["id"]: (row["counted"], row["not_counted_reason"]) for row in db["independent_expenditures"].rows}
    repeat = totals.IE_REPEAT_REASON.format(filing_id="f465")
    assert stored == {
        "late": (0, repeat),
        "periodic": (1, None),
        "schedule_d": (0, repeat),
        "other": (1, None),
    }
    assert {row["committee_id"] for row in db["independent_expenditures"].rows} == {"spender"}
    assert set(totals.apply_totals_rules(db, "s").values()) == {0}
