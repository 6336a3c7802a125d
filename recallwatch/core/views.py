"""SQL views of the public database, created (or updated) with the tables by recallwatch/core/schema.py.

`source_status`: one row per spider, its last scheduled run and its last success (see below).

`committee_totals`: one row per committee, what it raised, and where the figure comes from.
- total_raised_summary: the sum of line 5 ("total contributions received", which includes the
  unitemized contributions under $100 that no itemized row shows), column A (this period), over
  the committee's current (latest amendment) Form 460 filings;
- loans_in_summary: line 2 of the same filings (loans received, net of loans repaid in the
  period), which line 5 includes: where loans were repaid, line 5 and so total_raised can be
  smaller than the itemized contributions, even negative, though no contribution was returned;
- late_after_summary: late-report contributions (Form 497 / 496 part 3) that no current Form 460
  covers (made after the last one's period, or whose 460 is not in the source), so are in no
  summary;
- itemized_total: the sum of the committee's itemized contributions that count (current = 1,
  counted = 1; see recallwatch/totals.py);
- total_raised: total_raised_summary + late_after_summary when the source has summary pages,
  else itemized_total; which_source_label says which.
"""

# One row per committee. Each figure is a subquery on that committee's own rows (through the covering
# index on contributions(committee_id, current, counted, ...) and the one on filings(committee_id)), so
# asking for one campaign's committees reads only their rows, never every contribution (a GROUP BY of
# the whole table took 3 s for one campaign at 5 million contributions; this takes milliseconds).
# tests/test_site_performance.py checks it gives the same rows as the plain GROUP BY form.
from recallwatch.core import totals

COUNTED = "contributions.committee_id = committees.id AND contributions.current = 1 AND contributions.counted = 1"
CURRENT_FILING = "filings.committee_id = committees.id AND filings.current = 1"

# The summary line of each source's periodic report that gives total contributions received for
# the period (a Form 460's line 5), and the one that gives loans received (line 2). A source
# without such a line is totalled from its itemized rows. (form_type, line) of filing_summaries.
# Illinois (D2Totals, one line per column of a D-2 report): contributions are the individual
# contributions, transfers in and in-kind contributions, itemized (I) and not (NI), the parts
# whose itemized rows count (recallwatch/core/rules_illinois.py); TotalReceipts is not used, since
# it adds loans and other receipts and leaves in-kind out.
ILLINOIS_CONTRIBUTION_LINES = ("IndivContribI", "IndivContribNI", "XferInI", "XferInNI", "InKindI", "InKindNI")
TOTAL_RECEIVED_LINES = [("F460", "5"), *(("D2", line) for line in ILLINOIS_CONTRIBUTION_LINES)]
LOANS_RECEIVED_LINES = [("F460", "2"), ("D2", "LoanRcvI"), ("D2", "LoanRcvNI")]
# Late-report schedules of every source (listed again on a periodic report when it covers them)
LATE_SCHEDULES = sorted(
    {
        *totals.CALIFORNIA.late_report_schedules,
        *(s for rules in totals.SOURCE_RULES.values() for s in rules.late_report_schedules),
    }
)


LATE_LIST = ", ".join(f"'{schedule}'" for schedule in LATE_SCHEDULES)


def counted(expression):
    return f"(SELECT {expression} FROM contributions WHERE {COUNTED})"


def summary(expression, lines=None):
    lines = TOTAL_RECEIVED_LINES if lines is None else lines
    which = " OR ".join(
        f"(filing_summaries.form_type = '{form}' AND filing_summaries.line = '{line}')" for form, line in lines
    )
    return (
        f"(SELECT {expression} FROM filings JOIN filing_summaries ON filing_summaries.filing_id = filings.id "
        f"WHERE {CURRENT_FILING} AND ({which}))"
    )


COMMITTEE_TOTALS = f"""
SELECT committee_id, committee, source, source_id, campaign_id, campaign, position, side, linked_by,
       total_raised_summary,
       loans_in_summary,
       itemized_total,
       CASE WHEN total_raised_summary IS NOT NULL THEN late_total END AS late_after_summary,
       CASE
           WHEN total_raised_summary IS NOT NULL THEN ROUND(total_raised_summary + COALESCE(late_total, 0), 2)
           ELSE itemized_total
       END AS total_raised,
       CASE
           WHEN total_raised_summary IS NOT NULL
               THEN 'Form 460 summary line 5 (latest amendments) + late reports after it'
           WHEN itemized_total IS NOT NULL
               THEN 'itemized contributions only (no summary page in this source)'
           ELSE 'no contributions filed'
       END AS which_source_label,
       summary_filings, summary_from, summary_through,
       itemized_rows, first_contribution, last_contribution
FROM (
    SELECT committees.id AS committee_id,
           committees.name AS committee,
           committees.source,
           committees.source_id,
           committees.campaign_id,
           (SELECT campaigns.title FROM campaigns WHERE campaigns.id = committees.campaign_id) AS campaign,
           committees.position,
           committees.side,
           committees.linked_by,
           {summary("ROUND(SUM(filing_summaries.amount_period), 2)")} AS total_raised_summary,
           {summary("ROUND(SUM(filing_summaries.amount_period), 2)", LOANS_RECEIVED_LINES)} AS loans_in_summary,
           {counted("ROUND(SUM(amount), 2)")} AS itemized_total,
           {counted(f"ROUND(SUM(CASE WHEN schedule IN ({LATE_LIST}) THEN amount ELSE 0 END), 2)")} AS late_total,
           {summary("NULLIF(COUNT(DISTINCT filings.id), 0)")} AS summary_filings,
           {summary("MIN(filings.period_start)")} AS summary_from,
           {summary("MAX(filings.period_end)")} AS summary_through,
           {counted("NULLIF(COUNT(*), 0)")} AS itemized_rows,
           {counted("MIN(date)")} AS first_contribution,
           {counted("MAX(date)")} AS last_contribution
    FROM committees
)
"""

# Per spider: how its last scheduled run went and when it last worked. `flagged` = 1 when the last
# run failed (which includes storing nothing where earlier runs stored items) or it never worked.
SOURCE_STATUS = """
        with latest as (
            select spider, max(started) as started from crawl_runs where mode = 'configured' group by spider
        ), latest_good as (
            select spider, max(started) as started from crawl_runs
            where mode = 'configured' and status in ('ok', 'partial') group by spider
        )
        select
            run.spider,
            run.status as last_status,
            run.status_reason as last_status_reason,
            run.started as last_run_started,
            run.duration_s as last_run_duration_s,
            run.items as last_run_items,
            run.rejects as last_run_rejects,
            run.errors as last_run_errors,
            good.started as last_success,
            good.items as last_success_items,
            round(julianday('now') - julianday(good.started), 1) as days_since_success,
            case when run.status = 'failed' or good.started is null then 1 else 0 end as flagged
        from latest
        join crawl_runs run on run.spider = latest.spider and run.started = latest.started
        left join latest_good on latest_good.spider = latest.spider
        left join crawl_runs good on good.spider = latest_good.spider and good.started = latest_good.started
"""

VIEWS = {"committee_totals": COMMITTEE_TOTALS, "source_status": SOURCE_STATUS}


def normalized_sql(sql):
    return " ".join((sql or "").split())


def ensure_views(db):
    """Create every view, or re-create it when its SQL changed (a view holds no data)."""
    for name, sql in VIEWS.items():
        existing = db.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", [name]).fetchone()
        wanted = f"CREATE VIEW {name} AS {sql.strip()}"
        if existing and normalized_sql(existing[0]) == normalized_sql(wanted):
            continue
        with db.atomic():
            db.execute(f"DROP VIEW IF EXISTS {name}")
            db.execute(wanted)
