"""The rules that make a committee's totals right, shared by every filings source.

A spider stores what the filings say, as filed; these rules then decide, in SQL over the whole
source, what counts. They run at the end of every run of a filings spider (crawlers/filings_base.py
names its source; recallwatch/runtime/end_of_run.py runs `RULES` in order, in one transaction),
or directly: `totals.apply_totals_rules(db, "my_source")` (idempotent; safe to run again).

What a spider must store for the rules to work (field names of recallwatch/core/items.py):
- filings: `source`, `report_id` (the same for every version of one report; unique within the
  source), `amendment` (0 = original, then 1, 2...), `form_type` ("F460" for a Form 460,
  "F497", "F496"...), `period_start` / `period_end` (ISO dates; a Form 460's period), `filed`.
- contributions: `source`, `filing_id` (a filings.id), `committee_id` (may be left empty when
  only the filing knows it: it is filled in from the filing here), `schedule` ("A", "C", "I",
  "497", "F496P3", "B1"...; see `schedule_code`), `memo` (1 for Memo_Code X), `amount` (as filed:
  refunds stay negative), `cumulative_ytd` (Tran_Amt2 / CUM_YTD: stored, never summed), `date`.
  `entity_code` through `normalize_entity_code`. `counted` and `not_counted_reason` are set here,
  for every row of the source (a value set at parse time is overwritten by the same rule).
- filing_summaries: Form 460 Summary lines with `form_type` "F460", `line` "5" = total
  contributions received (the `committee_totals` view reads it).

The rules:
1. Every version of a report is kept. Only the latest amendment counts: `filings.current` = 1 for
   it and 0 for the others, each superseded version's `superseded_by` names the next version.
   `contributions.current` follows its filing (and stays empty while the filing is unknown).
2. `counted` = 1 when the row is money received that belongs in a total, else 0 with
   `not_counted_reason`: memo entries (Memo_Code X) are not money received; loans (B1, B2, H)
   and miscellaneous increases to cash (I) are not contributions; late reports (Form 497 part 1,
   Form 496 part 3) are not counted once the committee's current Form 460 covering the date is
   filed, since the law requires the 460 to list them again on Schedule A.
3. Totals sum `amount` of rows with current = 1 and counted = 1. Nothing is ever deleted.

Other sources (Illinois, Pennsylvania, Philadelphia) spell their schedules and reports their own
way: each registers a `SourceRules` in SOURCE_RULES (from its module beside this one), which says
which of its schedules are money received, why the others are not, which rows are late reports and
which report's period covers them. A source without an entry follows the California rules.
"""

from dataclasses import dataclass, field

from recallwatch.core.ids import fold

# The contributor entity codes of the CAL format, and other spellings seen in the data.
ENTITY_CODES = ("IND", "COM", "OTH", "PTY", "SCC")
ENTITY_CODE_ALIASES = {
    # CAL-ACCESS and older filings name the kind of committee instead of "COM"
    "RCP": "COM",  # recipient committee
    "CTL": "COM",  # candidate-controlled committee
    "BMC": "COM",  # ballot measure committee
    "MDI": "COM",  # major donor / independent expenditure committee
}

# Schedules whose rows are money received.
CONTRIBUTION_SCHEDULES = ("A", "C", "497", "F496P3")
# Late reports: filed within days of a contribution, and listed again on the next Form 460.
LATE_REPORT_SCHEDULES = ("497", "F496P3")
FORM_460 = "F460"

MEMO_REASON = "memo entry (Memo_Code X): not money received"
NOT_CONTRIBUTION_REASONS = {
    "B1": "loan received (Schedule B1): not a contribution",
    "B2": "loan guarantee (Schedule B2): not a contribution",
    "H": "loan made (Schedule H): not a contribution",
    "I": "miscellaneous increase to cash (Schedule I): not a contribution",
}
LATE_REPORT_REASON = "late report, listed again on the Form 460 {filing_id} that covers its date"

# How each source spells a schedule or form code -> the code contributions are stored under.
SCHEDULE_SPELLINGS = {"F497P1": "497", "F497": "497", "S497": "497", "496P3": "F496P3", "F496P3": "F496P3"}


def schedule_code(raw):
    """'a' -> 'A', 'F497P1' -> '497'. Form 497 part 2 (contributions made, not received) -> None."""
    code = (raw or "").strip().upper()
    if code == "F497P2":
        return None
    return SCHEDULE_SPELLINGS.get(code, code) or None


def normalize_entity_code(raw):
    """'ind ' -> 'IND', 'RCP' -> 'COM', '' -> None; any other code -> 'OTH' (keep the raw value
    beside it if it matters)."""
    code = (raw or "").strip().upper()
    if not code:
        return None
    if code in ENTITY_CODES:
        return code
    return ENTITY_CODE_ALIASES.get(code, "OTH")


@dataclass(frozen=True)
class SourceRules:
    """What counts in one source's totals (the California rules by default)."""

    contribution_schedules: tuple = CONTRIBUTION_SCHEDULES  # money received that counts
    not_contribution_reasons: dict = field(default_factory=lambda: dict(NOT_CONTRIBUTION_REASONS))
    late_report_schedules: tuple = LATE_REPORT_SCHEDULES  # listed again on a later periodic report
    covering_forms: tuple = (FORM_460,)  # the periodic reports whose period covers a late report
    late_report_reason: str = LATE_REPORT_REASON  # "{filing_id}" = the covering report's id
    # SQL ORDER BY of a report's versions, oldest first, for a source that files no amendment
    # numbers (Illinois): `amendment` is numbered 0, 1, 2... in this order before the latest counts.
    version_order: str | None = None


CALIFORNIA = SourceRules()
# source -> its rules; a source not listed follows CALIFORNIA
SOURCE_RULES = {}


def rules_for(source):
    return SOURCE_RULES.get(source, CALIFORNIA)


def counted_and_reason(schedule, memo, rules=CALIFORNIA):
    """(counted, not_counted_reason) of a row from its own fields: the rule `mark_counted_rows`
    applies in SQL. Late-report rows start counted; `mark_late_reports` uncounts them when a
    periodic report (a Form 460) covers them."""
    if memo:
        return 0, MEMO_REASON
    if schedule in rules.contribution_schedules:
        return 1, None
    return 0, rules.not_contribution_reasons.get(schedule, f"schedule {schedule} is not money received")


def _changed_rows(db, sql, parameters):
    """Run one UPDATE and return how many rows it changed (cursor.rowcount is -1 for a
    statement that starts with WITH)."""
    before = db.conn.total_changes
    db.execute(sql, parameters)
    return db.conn.total_changes - before


def _sql_text(value):
    return "'" + str(value).replace("'", "''") + "'"


def _sql_list(values):
    return ", ".join(_sql_text(value) for value in values) or "NULL"


def _counted_case_sql(rules=CALIFORNIA):
    """`counted_and_reason` as SQL CASE expressions over contributions' columns."""
    contribution_schedules = _sql_list(rules.contribution_schedules)
    reasons = " ".join(
        f"WHEN {_sql_text(code)} THEN {_sql_text(reason)}" for code, reason in rules.not_contribution_reasons.items()
    )
    counted = f"CASE WHEN memo = 1 THEN 0 WHEN schedule IN ({contribution_schedules}) THEN 1 ELSE 0 END"
    reason = (
        f"CASE WHEN memo = 1 THEN {_sql_text(MEMO_REASON)} WHEN schedule IN ({contribution_schedules}) THEN NULL "
        f"ELSE CASE schedule {reasons} ELSE 'schedule ' || COALESCE(schedule, '?') || ' is not money received' END END"
    )
    return counted, reason


def number_versions(db, source, order):
    """`amendment` 0, 1, 2... of each report's versions in `order` (oldest first)."""
    return _changed_rows(
        db,
        f"""
        WITH versions AS (
            SELECT id, ROW_NUMBER() OVER (PARTITION BY report_id ORDER BY {order}) - 1 AS number
            FROM filings WHERE source = :source
        )
        UPDATE filings SET amendment = versions.number
        FROM versions
        WHERE filings.id = versions.id AND filings.amendment IS NOT versions.number
        """,
        {"source": source},
    )


def mark_current_filings(db, source):
    """Rule 1 for filings: the latest amendment of each report is current (unless the source
    marks it superseded: `archived` = 1); every superseded version points at the version that
    replaced it. Returns the number of filings changed."""
    order = rules_for(source).version_order
    numbered = number_versions(db, source, order) if order else 0
    return numbered + _changed_rows(
        db,
        """
        WITH versions AS (
            SELECT id,
                   ROW_NUMBER() OVER newest_first = 1 AND archived IS NOT 1 AS is_latest,
                   LAG(id) OVER newest_first AS successor
            FROM filings
            WHERE source = :source
            WINDOW newest_first AS (
                PARTITION BY report_id ORDER BY amendment DESC, filed DESC, id DESC
            )
        )
        UPDATE filings
        SET current = versions.is_latest, superseded_by = versions.successor
        FROM versions
        WHERE filings.id = versions.id
          AND (filings.current IS NOT versions.is_latest OR filings.superseded_by IS NOT versions.successor)
        """,
        {"source": source},
    )


def mark_current_contributions(db, source):
    """Rule 1 for contributions: current follows the filing; a row stored without its committee
    takes the filing's."""
    return _changed_rows(
        db,
        """
        UPDATE contributions
        SET current = filings.current,
            committee_id = COALESCE(contributions.committee_id, filings.committee_id)
        FROM filings
        WHERE filings.id = contributions.filing_id
          AND contributions.source = :source
          AND (contributions.current IS NOT filings.current OR contributions.committee_id IS NULL)
        """,
        {"source": source},
    )


def mark_counted_rows(db, source):
    """Rule 2 for every row of the source but late reports (their rule is `mark_late_reports`):
    memo entries, loans and miscellaneous increases are not counted; other money received is.
    Sets `counted` and `not_counted_reason` wherever they differ from the rule, so a value set
    earlier (at parse time, or by an older rule) can never disagree with it."""
    rules = rules_for(source)
    counted, reason = _counted_case_sql(rules)
    # (NOT IN an empty list would be NOT IN (NULL): never true)
    late = f"schedule NOT IN ({_sql_list(rules.late_report_schedules)})" if rules.late_report_schedules else "1"
    return _changed_rows(
        db,
        f"UPDATE contributions SET counted = {counted}, not_counted_reason = {reason} "
        f"WHERE source = :source AND (schedule IS NULL OR {late} OR memo = 1) "
        f"AND (counted IS NOT {counted} OR not_counted_reason IS NOT {reason})",
        {"source": source},
    )


def mark_late_reports(db, source):
    """Rule 2 for late reports: a 497 / 496 part 3 row is not counted when the committee's
    current Form 460 covering its date is filed (it lists the same contribution again); in
    another source, its late reports and the periodic reports that cover them."""
    rules = rules_for(source)
    reason = rules.late_report_reason.replace("'", "''").replace("{filing_id}", "' || covering_460 || '")
    return _changed_rows(
        db,
        f"""
        WITH late AS (
            SELECT contributions.id AS contribution_id,
                   (SELECT filings.id FROM filings
                    WHERE filings.committee_id = contributions.committee_id
                      AND filings.current = 1 AND filings.form_type IN ({_sql_list(rules.covering_forms)})
                      AND filings.period_start <= contributions.date
                      AND contributions.date <= filings.period_end
                    ORDER BY filings.period_end, filings.id LIMIT 1) AS covering_460
            FROM contributions
            WHERE contributions.source = :source
              AND contributions.schedule IN ({_sql_list(rules.late_report_schedules)})
              AND contributions.memo IS NOT 1
        )
        UPDATE contributions
        SET counted = late.covering_460 IS NULL,
            not_counted_reason = CASE WHEN late.covering_460 IS NULL THEN NULL ELSE '{reason}' END
        FROM late
        WHERE contributions.id = late.contribution_id
          AND (contributions.counted IS NOT (late.covering_460 IS NULL)
               OR contributions.not_counted_reason IS NOT
                  (CASE WHEN late.covering_460 IS NULL THEN NULL ELSE '{reason}' END))
        """,
        {"source": source},
    )


def ensure_filer_committees(db, source):
    """A committee row for every filer of the source's filings, so no counted money is outside
    `committee_totals`: a filing whose committee no table of the source named gets one named
    "filer <id>" (the spider's own committee row, when one comes, replaces it; this never replaces
    a stored row). Returns the number of rows added (counted, not taken from total_changes: the
    full-text index's triggers change rows too)."""
    before = db["committees"].count
    db.execute(
        """
        INSERT INTO committees (id, name, source, source_id)
        SELECT committee_id, 'filer ' || COALESCE(MAX(filer_id), committee_id), source,
               COALESCE(MAX(filer_id), committee_id)
        FROM filings
        WHERE source = :source AND committee_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM committees WHERE committees.id = filings.committee_id)
        GROUP BY committee_id, source
        ON CONFLICT (id) DO NOTHING
        """,
        {"source": source},
    )
    return db["committees"].count - before


# Money paid out: the giver's (or spender's) column of each table, filled in from the filing
MONEY_OUT_TABLES = {"contributions_made": "giver_committee_id", "independent_expenditures": "committee_id"}


def mark_current_money_out(db, source):
    """Rule 1 for money paid out (contributions made, independent expenditures): current follows
    the filing (the latest amendment counts); a row stored without its giver or spender takes the
    filing's filer. Rule 2 for independent expenditures: one listed again on a periodic report
    counts once (`counted`). Any source. Returns the number of rows changed."""
    changed = 0
    for table, payer in MONEY_OUT_TABLES.items():
        changed += _changed_rows(
            db,
            f"""
            UPDATE {table}
            SET current = filings.current, {payer} = COALESCE({table}.{payer}, filings.committee_id)
            FROM filings
            WHERE filings.id = {table}.filing_id
              AND {table}.source = :source
              AND ({table}.current IS NOT filings.current OR {table}.{payer} IS NULL)
            """,
            {"source": source},
        )
    return changed + _mark_repeated_expenditures(db, source)


# An independent expenditure is reported up to three times: within 24 hours on a Form 496, then on
# the periodic report (a Form 465 part 3, and a Form 460 Schedule D line coded IND). The periodic
# report counts; a repeat is the same spender, amount and date on a report ranked lower here.
IE_REPORT_RANK = "CASE {form} WHEN 'F465P3' THEN 3 WHEN 'D' THEN 2 ELSE 1 END"
IE_REPEAT_REASON = "listed again on the periodic report {filing_id} (same spender, amount and date)"


def _mark_repeated_expenditures(db, source):
    """`counted` of the source's independent expenditures: 0, with the reason, for a row that a
    current row of a higher-ranked report repeats (see IE_REPORT_RANK), else 1. One sort of the
    source's rows (a window), not a lookup per row: it runs before the table's indexes are built."""
    rank = IE_REPORT_RANK.format(form="form")
    reason = IE_REPEAT_REASON.replace("'", "''").replace("{filing_id}", "' || top_filing || '")
    return _changed_rows(
        db,
        f"""
        WITH ranked AS (
            SELECT id, committee_id, {rank} AS rank,
                   MAX(CASE WHEN current = 1 THEN {rank} END) OVER same_spending AS top_rank,
                   FIRST_VALUE(filing_id) OVER (same_spending ORDER BY current = 1 DESC, {rank} DESC, filing_id)
                       AS top_filing
            FROM independent_expenditures
            WHERE source = :source
            WINDOW same_spending AS (PARTITION BY committee_id, amount, date)
        ),
        repeats AS (
            SELECT id,
                   committee_id IS NULL OR top_rank IS NULL OR rank >= top_rank AS counted,
                   CASE WHEN committee_id IS NULL OR top_rank IS NULL OR rank >= top_rank THEN NULL
                        ELSE '{reason}' END AS reason
            FROM ranked
        )
        UPDATE independent_expenditures
        SET counted = repeats.counted, not_counted_reason = repeats.reason
        FROM repeats
        WHERE independent_expenditures.id = repeats.id
          AND (independent_expenditures.counted IS NOT repeats.counted
               OR independent_expenditures.not_counted_reason IS NOT repeats.reason)
        """,
        {"source": source},
    )


def link_contributions_made(db, source):
    """Each contribution made of the source, joined to the committee that received it:
    `recipient_committee_id` = the committee (of any source: a county-filed recall committee from
    NetFile has its FPPC id too) whose fppc_id, or same-source source_id, is the recipient id as
    filed, else the one whose name folds to the same text as the recipient's name. Among several,
    one linked to a campaign first. The row takes that committee's campaign and position (else
    keeps those its own fields named). The rows of other sources that no committee was found for
    yet, or whose recipient is a committee of this source, are looked at again: the sources run in
    any order (a CAL-ACCESS giver may be read before the county committee it paid). Returns the
    number of rows changed."""
    db.conn.create_function("fold", 1, fold, deterministic=True)
    db.execute("DROP TABLE IF EXISTS temp.recipient_keys")
    db.execute(
        "CREATE TEMP TABLE recipient_keys (key TEXT PRIMARY KEY, committee_id TEXT, campaign_id TEXT, position TEXT)"
    )
    db.execute(
        """
        INSERT OR IGNORE INTO temp.recipient_keys
        SELECT key, id, campaign_id, position FROM (
            SELECT 'id:' || fppc_id AS key, id, campaign_id, position, 0 AS rank, source = :source AS own
            FROM committees WHERE fppc_id IS NOT NULL AND fppc_id != ''
            UNION ALL
            SELECT 'id:' || source_id, id, campaign_id, position, 1, 1
            FROM committees WHERE source = :source AND source_id IS NOT NULL
            UNION ALL
            SELECT 'name:' || fold(trim(name)), id, campaign_id, position, 2, source = :source
            FROM committees WHERE name IS NOT NULL
        )
        ORDER BY campaign_id IS NULL, rank, own DESC, id
        """,
        {"source": source},
    )
    try:
        return _changed_rows(
            db,
            """
            WITH matched AS (
                SELECT made.id AS made_id,
                       COALESCE(by_id.committee_id, by_name.committee_id) AS committee_id,
                       COALESCE(by_id.campaign_id, by_name.campaign_id) AS campaign_id,
                       COALESCE(by_id.position, by_name.position) AS position
                FROM contributions_made AS made
                LEFT JOIN temp.recipient_keys AS by_id ON by_id.key = 'id:' || made.recipient_source_id
                LEFT JOIN temp.recipient_keys AS by_name ON by_name.key = 'name:' || fold(trim(made.recipient_name))
                WHERE made.source = :source OR made.recipient_committee_id IS NULL
                   OR made.recipient_committee_id IN (SELECT id FROM committees WHERE source = :source)
            )
            UPDATE contributions_made
            SET recipient_committee_id = matched.committee_id,
                campaign_id = COALESCE(matched.campaign_id, contributions_made.campaign_id),
                position = CASE WHEN matched.campaign_id IS NOT NULL THEN matched.position
                                ELSE contributions_made.position END
            FROM matched
            WHERE contributions_made.id = matched.made_id
              AND (contributions_made.recipient_committee_id IS NOT matched.committee_id
                   OR (matched.campaign_id IS NOT NULL
                       AND (contributions_made.campaign_id IS NOT matched.campaign_id
                            OR contributions_made.position IS NOT matched.position)))
            """,
            {"source": source},
        )
    finally:
        db.execute("DROP TABLE IF EXISTS temp.recipient_keys")


# The rules in the order they apply (the end of a run runs them as steps, in this order)
RULES = (
    mark_current_filings,
    mark_current_contributions,
    mark_counted_rows,
    mark_late_reports,
    ensure_filer_committees,
    mark_current_money_out,
    link_contributions_made,
)


def apply_totals_rules(db, source):
    """Apply every rule to one source's filings and contributions, in one transaction.
    Returns how many rows each rule changed (for the log)."""
    with db.atomic():
        return {rule.__name__: rule(db, source) for rule in RULES}


# Each source's own rules, registered in SOURCE_RULES by its module (imported last: they use SourceRules)
from recallwatch.core import rules_illinois, rules_pennsylvania, rules_philadelphia  # noqa: E402, F401, I001
