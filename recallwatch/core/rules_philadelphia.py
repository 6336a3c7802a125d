"""What counts in the City of Philadelphia's totals (source "philadelphia"; schedules as
recallwatch/parsers/philadelphia.py stores them).

- Counted: contributions received, monetary and in-kind: Schedule I parts A-D (legacy sections
  IA, IB, IC, ID; Carto "Monetary Contributions" = "I") and Schedule II (IIF, IIG; Carto "In-Kind
  Contributions" = "II"), and contributions on 24-hour reports ("LATE") until a periodic report
  covers them.
- Not counted: other receipts (Schedule I part E, receipt.txt: interest, refunds, transfers that
  are not contributions) and debts and loans (Schedule IV, debt.txt: money owed, loans such as a
  candidate's loan to the campaign).
- Late contributions: a contribution made in the last days before an election is reported within
  24 hours on its own report (form "24H"), and the law requires the next periodic report (form
  "CFR") to list it again. A "LATE" row is not counted once the committee's current CFR whose
  period (report_cycle_start_date..report_cycle_end_date) holds its date is filed, so it is never
  counted twice; while no such report is filed it counts. Legacy filings carry no period, so a
  legacy late row always counts (its cycle report lists it again: read both and it is counted
  twice; none of the saved legacy filings is a 24-hour report).
"""

from recallwatch.core import totals

PHILADELPHIA = totals.SourceRules(
    contribution_schedules=("IA", "IB", "IC", "ID", "IIF", "IIG", "I", "II", "LATE"),
    not_contribution_reasons={
        "I-E": "other receipt (Schedule I part E): not a contribution",
        "IV": "debt or loan (Schedule IV): not a contribution",
    },
    late_report_schedules=("LATE",),
    covering_forms=("CFR",),
    late_report_reason="24-hour report, listed again on the campaign finance report {filing_id} that covers its date",
)

totals.SOURCE_RULES["philadelphia"] = PHILADELPHIA
