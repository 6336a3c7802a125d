"""What counts in the totals of the Illinois State Board of Elections files (source "illinois").

Receipts are stored under the D-2 part they are filed in (Receipts.D2Part), and those of an A-1
report under "A1":
- 1A individual contributions, 2A transfers in (from other committees), 5A in-kind contributions
  count: they are what D-2 lines IndivContrib, XferIn and InKind total;
- 3A loans received are not contributions (a loan is owed back);
- 4A other receipts (interest, refunds of deposits, sales of assets...) are not contributions:
  nobody gave them; D-2 totals keep them apart (OtherRct);
- any other code (the export writes "NA" where a row broke) is not counted: the reason names it;
- A1: a large contribution reported on an A-1 within days of receiving it. Illinois law lists it
  again on the next D-2 report (a quarterly, or the pre-election or final report), so it is not
  counted once the committee's current D-2 whose period covers its date is filed, and counted
  until then.

A version of a report has no amendment number: `amendment` is numbered by the time ISBE received
each version (RcvdDateTime; then its document id), and a version ISBE marks Archived is never current.
"""

from recallwatch.core.totals import SOURCE_RULES, SourceRules

SOURCE = "illinois"
# The D-2 reports (form_type codes of recallwatch/parsers/illinois.py) whose period covers an A-1
D2_FORMS = ("D2Q", "D2S", "D2P", "D2A", "D2F")

ILLINOIS = SourceRules(
    contribution_schedules=("1A", "2A", "5A", "A1"),
    not_contribution_reasons={
        "3A": "loan received (D-2 part 3A): not a contribution",
        "4A": "other receipt (D-2 part 4A: interest, refunds, sales): not a contribution",
    },
    late_report_schedules=("A1",),
    covering_forms=D2_FORMS,
    late_report_reason="A-1 large contribution, listed again on the D-2 report {filing_id} that covers its date",
    # the time received (RcvdDateTime); then ISBE's document ids, which grow with it
    version_order="COALESCE(received_at, filed), CAST(source_filing_id AS INTEGER), id",
)

SOURCE_RULES[SOURCE] = ILLINOIS
