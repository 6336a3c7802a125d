"""The end of a run, in a written order (recallwatch/runtime/end_of_run.py): the steps, pinned by
name, run in that order on a real crawl, the store's last rows before the totals rules, and
`counted` from one rule for every row."""

import ast
import json
import logging
import re

import pytest
from scrapy.utils.test import get_crawler

import settings as project
from recallwatch.core import totals
from recallwatch.core.schema import INDEXES, open_database
from recallwatch.runtime import end_of_run
from recallwatch.runtime.end_of_run import STEPS, Step
from recallwatch.runtime.run import Run
from tests.crawl import FIXTURES, crawl, file_url

ORDER = [
    "flush_store",
    "create_deferred_indexes",
    "close_warc_archive",
    "mark_current_filings",
    "mark_current_contributions",
    "mark_counted_rows",
    "mark_late_reports",
    "ensure_filer_committees",
    "mark_current_money_out",
    "link_contributions_made",
    "create_deferred_rule_indexes",
    "read_donor_classes",
    "wait_for_deferred_rule_indexes",
    "compute_lookthrough",
    "classify_donors",
    "record_run_status",
]


def test_the_steps_are_in_the_written_order():
    assert [step.name for step in STEPS] == ORDER


def test_the_totals_steps_are_the_totals_rules_in_their_order_in_one_transaction():
    rules = [step for step in STEPS if step.transaction == "totals_rules"]
    assert [step.name for step in rules] == [rule.__name__ for rule in totals.RULES]
    # consecutive: one transaction, after the archive, before the contributions' deferred indexes
    assert ORDER.index(rules[0].name) == ORDER.index("close_warc_archive") + 1
    assert ORDER.index(rules[-1].name) == ORDER.index("create_deferred_rule_indexes") - 1


def end_of_run_steps(result, spider):
    return json.loads(result.last_run(spider)["stats"])["recallwatch/end_of_run"]


def test_a_filings_crawl_runs_every_step_in_order_and_the_rules_see_the_last_rows(tmp_path):
    """Every row waits for the end of the run (a batch larger than the source, no timed flush), and
    the API source leaves `counted` and `current` to the totals rules: they still find every row
    stored, so the store's last flush came first."""
    settings = {"STORE_BATCH_SIZE": "1000000", "STORE_FLUSH_SECONDS": "0"}
    result = crawl("filings_datasf", tmp_path, settings=settings)
    assert result.returncode == 0, result.output[-3000:]
    assert end_of_run_steps(result, "filings_datasf") == ORDER
    db = result.db
    assert db["contributions"].count > 0
    assert db["contributions"].count_where("counted is null or current is null or donor_id is null") == 0
    assert db["filings"].count_where("current is null") == 0
    assert db["fetches"].count_where("complete = 1") == db["fetches"].count_where("status = 200")
    assert result.last_run("filings_datasf")["status"] == "ok"


def test_a_first_bulk_load_gets_its_indexes_and_those_of_contributions_after_the_rules(tmp_path):
    export = f"url={file_url(FIXTURES / 'filings_calaccess' / 'samples')}"
    result = crawl("filings_calaccess", tmp_path, export)
    assert result.returncode == 0, result.output[-3000:]
    assert end_of_run_steps(result, "filings_calaccess") == ORDER
    # what each step built (Scrapy's stats dump in the log)
    built_last = re.search(r"'recallwatch/end_of_run/create_deferred_rule_indexes': (\[[^\]]*\])", result.output)
    assert built_last and set(ast.literal_eval(built_last.group(1))) <= set(end_of_run.RULE_TABLES)
    assert "contributions" in ast.literal_eval(built_last.group(1))
    built_first = re.search(r"'recallwatch/end_of_run/create_deferred_indexes': (\[[^\]]*\])", result.output)
    built_first = ast.literal_eval(built_first.group(1))
    assert not set(built_first) & set(end_of_run.RULE_TABLES) and "filings" in built_first
    for table, columns in INDEXES:
        assert columns in [index.columns for index in result.db[table].indexes], (table, columns)


def test_a_spider_without_filings_runs_the_same_steps(tmp_path):
    result = crawl("registrar_sfelections", tmp_path)
    assert result.returncode == 0, result.output[-3000:]
    assert end_of_run_steps(result, "registrar_sfelections") == ORDER
    assert result.last_run("registrar_sfelections")["status"] == "ok"


class FakeSpider:
    name = "test_spider"

    def __init__(self, crawler):
        self.crawler = crawler


@pytest.fixture
def run(tmp_path):
    crawler = get_crawler(settings_dict={"DATABASE": str(tmp_path / "recalls.db"), "WATCHLIST": project.WATCHLIST})
    run = Run.of(crawler)
    run.spider_opened(FakeSpider(crawler))
    return run


def test_a_step_that_fails_is_logged_the_next_steps_run_and_the_run_fails(run, caplog):
    done = []

    def fails(run, spider, reason):
        raise RuntimeError("disk full")

    def note(name):
        return lambda run, spider, reason: done.append(name)

    steps = (
        Step("first", note("first")),
        Step("breaks", fails),
        Step("rule_a", note("rule_a"), "rules"),
        Step("rule_b", fails, "rules"),
        Step("rule_c", note("rule_c"), "rules"),
        Step("record_run_status", end_of_run.record_run_status),
    )
    with caplog.at_level(logging.ERROR):
        end_of_run.finish(run, FakeSpider(run.crawler), "finished", steps=steps)
    assert done == ["first", "rule_a"]  # rule_c is not run once rule_b has failed in their transaction
    assert run.end_of_run_steps == ["first", "breaks", "rule_a", "rule_b", "record_run_status"]
    stored = run.db["crawl_runs"].get(run.id)
    assert stored["status"] == "failed"
    assert stored["status_reason"] == "end of run: breaks failed: RuntimeError: disk full"
    assert "End of run: breaks failed" in caplog.text


def test_a_failed_rule_rolls_back_the_rules_before_it(run):
    run.db["filings"].insert({"id": "f1", "source": "s", "report_id": "r", "amendment": 0, "current": None})

    def fails(run, spider, reason):
        raise RuntimeError("no")

    run.totals_source = "s"
    steps = (
        Step("mark_current_filings", end_of_run.totals_rule(totals.mark_current_filings), "rules"),
        Step("fails", fails, "rules"),
    )
    end_of_run.finish(run, FakeSpider(run.crawler), "finished", steps=steps)
    assert run.db["filings"].get("f1")["current"] is None
    end_of_run.finish(run, FakeSpider(run.crawler), "finished", steps=steps[:1])
    assert run.db["filings"].get("f1")["current"] == 1


# counted: one rule, at the end of the run, for every row of the source

COUNTED_ROWS = [
    # id, schedule, memo, counted and reason as a parser might have set them (wrong on purpose)
    ("a", "A", 0, 0, "stale reason"),
    ("memo", "A", 1, 1, None),
    ("loan", "B1", 0, 1, None),
    ("misc", "I", None, None, None),
    ("late", "497", 0, 0, "stale reason"),
    ("late_memo", "497", 1, None, None),
]


def test_counted_is_set_by_the_rule_for_every_row_whatever_was_stored(tmp_path):
    db = open_database(tmp_path / "recalls.db")
    db["filings"].insert({"id": "f1", "committee_id": "c1", "source": "s", "report_id": "r1", "amendment": 0})
    db["contributions"].insert_all(
        {
            "id": cid,
            "filing_id": "f1",
            "source": "s",
            "schedule": schedule,
            "memo": memo,
            "counted": counted,
            "not_counted_reason": reason,
            "contributor_name": "X",
            "amount": 1.0,
        }
        for cid, schedule, memo, counted, reason in COUNTED_ROWS
    )
    totals.apply_totals_rules(db, "s")
    stored = {row["id"]: (row["counted"], row["not_counted_reason"]) for row in db["contributions"].rows}
    assert stored == {
        "a": (1, None),
        "memo": (0, totals.MEMO_REASON),
        "loan": (0, totals.NOT_CONTRIBUTION_REASONS["B1"]),
        "misc": (0, totals.NOT_CONTRIBUTION_REASONS["I"]),
        "late": (1, None),  # no Form 460 covers it
        "late_memo": (0, totals.MEMO_REASON),
    }
    for cid, schedule, memo, *_ in COUNTED_ROWS:
        if cid != "late":
            assert stored[cid] == totals.counted_and_reason(schedule, memo)
    assert set(totals.apply_totals_rules(db, "s").values()) == {0}
