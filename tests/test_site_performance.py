"""The rewritten views and queries (index-friendly forms, for a database of millions of contributions) give
the same rows as their plain forms on the snapshot database, and no canned query reads the whole
contributions table (checked on SQLite's query plan). bench/bench_site.py measures the speed."""

import sqlite3

import pytest

from recallwatch.core.views import COMMITTEE_TOTALS, LATE_LIST, LOANS_RECEIVED_LINES, TOTAL_RECEIVED_LINES
from tests.site import EXAMPLES, metadata


def lines_sql(lines):
    """The summary lines of each source's total (configuration of the view, not its SQL)."""
    return " OR ".join(
        f"(filing_summaries.form_type = '{form}' AND filing_summaries.line = '{line}')" for form, line in lines
    )


# The plain forms, as first written: a GROUP BY over every contribution, then filtered.
PLAIN_COMMITTEE_TOTALS = f"""
WITH itemized AS (
    SELECT committee_id,
           ROUND(SUM(amount), 2) AS itemized_total,
           COUNT(*) AS itemized_rows,
           ROUND(SUM(CASE WHEN schedule IN ({LATE_LIST}) THEN amount ELSE 0 END), 2) AS late_total,
           MIN(date) AS first_contribution,
           MAX(date) AS last_contribution
    FROM contributions
    WHERE current = 1 AND counted = 1
    GROUP BY committee_id
),
summary AS (
    SELECT filings.committee_id,
           ROUND(SUM(filing_summaries.amount_period), 2) AS total_raised_summary,
           COUNT(DISTINCT filings.id) AS summary_filings,
           MIN(filings.period_start) AS summary_from,
           MAX(filings.period_end) AS summary_through
    FROM filings
    JOIN filing_summaries ON filing_summaries.filing_id = filings.id
    WHERE filings.current = 1 AND ({lines_sql(TOTAL_RECEIVED_LINES)})
    GROUP BY filings.committee_id
),
loans AS (
    SELECT filings.committee_id, ROUND(SUM(filing_summaries.amount_period), 2) AS loans_in_summary
    FROM filings
    JOIN filing_summaries ON filing_summaries.filing_id = filings.id
    WHERE filings.current = 1 AND ({lines_sql(LOANS_RECEIVED_LINES)})
    GROUP BY filings.committee_id
)
SELECT committees.id AS committee_id,
       committees.name AS committee,
       committees.source,
       committees.source_id,
       committees.campaign_id,
       campaigns.title AS campaign,
       committees.position,
       committees.side,
       committees.linked_by,
       summary.total_raised_summary,
       loans.loans_in_summary,
       itemized.itemized_total,
       CASE WHEN summary.total_raised_summary IS NOT NULL THEN itemized.late_total END AS late_after_summary,
       CASE
           WHEN summary.total_raised_summary IS NOT NULL
               THEN ROUND(summary.total_raised_summary + COALESCE(itemized.late_total, 0), 2)
           ELSE itemized.itemized_total
       END AS total_raised,
       CASE
           WHEN summary.total_raised_summary IS NOT NULL
               THEN 'Form 460 summary line 5 (latest amendments) + late reports after it'
           WHEN itemized.itemized_total IS NOT NULL
               THEN 'itemized contributions only (no summary page in this source)'
           ELSE 'no contributions filed'
       END AS which_source_label,
       summary.summary_filings,
       summary.summary_from,
       summary.summary_through,
       itemized.itemized_rows,
       itemized.first_contribution,
       itemized.last_contribution
FROM committees
LEFT JOIN campaigns ON campaigns.id = committees.campaign_id
LEFT JOIN summary ON summary.committee_id = committees.id
LEFT JOIN itemized ON itemized.committee_id = committees.id
LEFT JOIN loans ON loans.committee_id = committees.id
"""

PLAIN_CROSS_CAMPAIGN_DONORS = """
select
  d.name as donor,
  d.kind,
  count(distinct cm.campaign_id) as campaigns,
  group_concat(distinct cm.campaign_id || ' (' || cm.position || ')') as gave_to,
  sum(c.amount) as total_given,
  count(*) as contributions,
  count(distinct c.contributor_name) as spellings,
  d.id as donor_id
from contributions c
join committees cm on cm.id = c.committee_id
join donors d on d.id = c.donor_id
where cm.campaign_id is not null
  and c.current = 1 and c.counted = 1
group by d.id
having count(distinct cm.campaign_id) > 1
order by total_given desc
"""

PLAIN_NEW_CONTRIBUTIONS = """
select
  c.date,
  f.filed,
  c.amount,
  d.name as donor,
  c.contributor_name as name_as_filed,
  cm.name as committee,
  cm.campaign_id,
  cm.position,
  c.source,
  f.source_url as filed_document,
  c.donor_id
from contributions c
join committees cm on cm.id = c.committee_id
join filings f on f.id = c.filing_id and f.current = 1
left join donors d on d.id = c.donor_id
where cm.campaign_id is not null
  and (c.date >= :since or f.filed >= :since)
  and c.amount >= cast(:min_amount as real)
  and c.current = 1 and c.counted = 1
order by coalesce(f.filed, c.date) desc, c.amount desc
"""

PLAIN_TOP_DONORS = """
with counted as (
  select c.donor_id, c.amount, cm.position, 'committee report' as known_from
  from contributions c
  join committees cm on cm.id = c.committee_id
  where cm.campaign_id = :campaign
    and c.current = 1 and c.counted = 1
  union all
  select 'committee:' || m.giver_committee_id, m.amount, cm.position, 'giver''s report only'
  from contributions_made m
  join committees cm on cm.id = m.recipient_committee_id
  where cm.campaign_id = :campaign and m.current = 1 and coalesce(m.memo, 0) = 0
    and not exists (
      select 1 from contributions c
      where c.committee_id = m.recipient_committee_id and c.current = 1 and c.counted = 1
        and c.amount = m.amount and c.date = m.date
    )
),
side_totals as (
  select position, sum(total_raised) as side_total
  from committee_totals
  where campaign_id = :campaign
  group by position
),
ranked as (
  select position, donor_id, sum(amount) as given, count(*) as contributions, min(known_from) as known_from,
    row_number() over (partition by position order by sum(amount) desc, donor_id) as rank
  from counted
  group by position, donor_id
)
select
  r.position,
  r.rank,
  coalesce(d.name, g.name) as donor,
  coalesce(d.kind, case when g.id is not null then 'organization' end) as kind,
  r.given,
  r.contributions,
  round(100.0 * r.given / st.side_total, 1) as pct_of_side,
  round(100.0 * sum(r.given) over (partition by r.position order by r.rank) / st.side_total, 1)
    as cumulative_pct,
  round(100.0 * sum(case when r.rank <= 2 then r.given else 0 end) over (partition by r.position)
    / st.side_total, 1) as top_two_pct,
  st.side_total,
  case when r.donor_id like 'committee:%' then null else r.donor_id end as donor_id,
  r.known_from,
  g.id as giver_committee_id
from ranked r
join side_totals st on st.position = r.position
left join donors d on d.id = r.donor_id
left join committees g on 'committee:' || g.id = r.donor_id
order by r.position desc, r.rank
"""


QUERIES = metadata()["databases"]["recalls"]["queries"]


@pytest.fixture(scope="module")
def db(site_db):
    connection = sqlite3.connect(site_db)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def run(db, sql, params=None):
    return [dict(row) for row in db.execute(sql, {"_site_url": "http://localhost", **(params or {})})]


def test_committee_totals_gives_the_rows_of_its_plain_form(db):
    in_order = "select * from ({}) order by committee_id"
    plain = run(db, in_order.format(PLAIN_COMMITTEE_TOTALS))
    assert len(plain) == db.execute("select count(*) from committees").fetchone()[0] > 13
    assert run(db, in_order.format(COMMITTEE_TOTALS)) == plain
    assert run(db, "select * from committee_totals order by committee_id") == plain


def with_gave_to_as_set(rows):
    return [{**row, "gave_to": set(row["gave_to"].split(","))} for row in rows]


def by_total_then_donor(rows):
    return sorted(rows, key=lambda row: (-row["total_given"], row["donor"]))


def test_cross_campaign_donors_gives_the_rows_of_its_plain_form(db):
    plain = by_total_then_donor(with_gave_to_as_set(run(db, PLAIN_CROSS_CAMPAIGN_DONORS)))
    assert len(plain) > 13  # the California donors, and those of the other states' samples
    assert with_gave_to_as_set(run(db, QUERIES["cross_campaign_donors"]["sql"])) == plain


@pytest.mark.parametrize(
    "params",
    [
        EXAMPLES["new_contributions"],
        {"since": "2000-01-01", "min_amount": "0"},
        {"since": "2022-06-03", "min_amount": "100"},
    ],
)
def test_new_contributions_gives_the_rows_of_its_plain_form(db, params):
    plain = run(db, PLAIN_NEW_CONTRIBUTIONS, params)
    rewritten = [{key: row[key] for key in plain[0]} for row in run(db, QUERIES["new_contributions"]["sql"], params)]
    assert plain
    assert sorted(rewritten, key=repr) == sorted(plain, key=repr)
    assert [newest_first(row) for row in rewritten] == [newest_first(row) for row in plain]


def newest_first(row):
    """The order both forms promise (the rewrite breaks ties by id; the plain form leaves them)."""
    return (row["filed"] or row["date"], row["amount"])


@pytest.mark.parametrize("campaign", ["boudin-recall-2021-second", "gascon-recall-2022", "gascon-recall-2021"])
def test_top_donors_gives_the_rows_of_its_plain_form(db, campaign):
    plain = run(db, PLAIN_TOP_DONORS, {"campaign": campaign})
    assert plain
    assert run(db, QUERIES["top_donors"]["sql"], {"campaign": campaign}) == plain


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_no_canned_query_reads_the_whole_contributions_table(db, name):
    params = {"_site_url": "http://localhost", **EXAMPLES[name]}
    plan = [row[3] for row in db.execute("explain query plan " + QUERIES[name]["sql"], params)]
    scans = [step for step in plan if step.startswith("SCAN") and ("contributions" in step or step in ("SCAN c",))]
    assert not scans, plan
