"""What counts in the totals of the Pennsylvania Department of State export (source
"pennsylvania", recallwatch/parsers/pennsylvania.py).

- Counted: the contributions of Schedule I (IA, IB: $50.01 to $250; IC, ID: over $250; from
  political committees and from everyone else) and the in-kind contributions of Schedule II (IIF,
  IIG). Refunds are filed as negative amounts and stay negative: they take money back out.
- Not counted: Schedule I part E "other receipts" (the receipt file: interest, refunds of
  expenses, platform fee credits), which are not contributions; the debt file (Schedule IV:
  unpaid bills and loans, the candidate's own loans among them), which is money owed, not money
  received.
- 24-hour reports (cycles 10 to 12): the large contributions of the last days before an election,
  which the law has listed again on the 30-day post-election report of the same election (cycle
  3, 6 or 9). The export has no report periods, so the rule that un-counts a late report once a
  periodic report covers its date cannot apply: their rows (schedule "24H-<section>") are stored
  and never counted, so they are not counted twice. Until the post-election report is filed they
  are missing from the total; the README says so.
- Totals come from the itemized rows: the report's summary lines (filing_summaries BEGINNING,
  MONETARY, INKIND; form_type "PA-C<cycle>") are stored but not in views.TOTAL_RECEIVED_LINES,
  since MONETARY is "monetary contributions and receipts": it includes the part E other receipts.
- Only the latest version of a report counts (the generic rule: report_id = filer, election year,
  cycle; amendments ordered by SubmittedDate, then CampaignFinanceID).
"""

from recallwatch.core import totals
from recallwatch.core.totals import SourceRules

SOURCE = "pennsylvania"
SECTIONS = ("IA", "IB", "IC", "ID", "IIF", "IIG")
TWENTY_FOUR_HOUR = "24H-"
TWENTY_FOUR_HOUR_REASON = (
    "24-hour report (cycle 10-12): listed again on the 30-day post-election report of the same election"
)

PENNSYLVANIA = SourceRules(
    contribution_schedules=SECTIONS,
    not_contribution_reasons={
        "E": "other receipt (Schedule I part E: interest, refunds, fee credits): not a contribution",
        "DEBT": "debt or loan owed (Schedule IV, the debt file; the candidate's loans among them): not money received",
        **{f"{TWENTY_FOUR_HOUR}{section}": TWENTY_FOUR_HOUR_REASON for section in SECTIONS},
    },
    late_report_schedules=(),
    covering_forms=(),
)

totals.SOURCE_RULES[SOURCE] = PENNSYLVANIA
