"""The interest class and the mega-donor flag of every donor, at the end of a filings run.

One pass over contributions gives each donor its largest row (the entity code, schedule, employer
and occupation the filer wrote there describe the giver) and its counted total; the classifier
(recallwatch/core/interests.py) runs once per donor in Python; only the donors whose values
changed are written. Running it again changes nothing; a run that adds contributions recomputes
every donor they touch (and every other, which is as cheap), so it is safe for incremental runs.

A mega donor gave at least the threshold, counted (current = 1, counted = 1), to one side (for /
against the prosecutor) of one campaign: committees.campaign_id + committees.side.
"""

from recallwatch.core.interests import Giver, classify

# The largest row of each donor (SQLite's bare columns follow the row max() picked) and its total.
# `not indexed`: one pass through the table and a sort is twice as fast as visiting the rows in the
# donor_id index's order (2,000,000 rows of 200,000 donors: 3.9 s against 8.5 s); every row is read anyway.
DONOR_ROWS = """
select donor_id, max(abs(amount)) as largest, entity_code, entity_code_raw, schedule, employer, occupation,
       sum(case when current = 1 and counted = 1 then amount else 0 end) as counted_total
from contributions not indexed where donor_id is not null group by donor_id
"""
MEGA_DONORS = """
select distinct donor_id from (
    select c.donor_id, sum(c.amount) as given
    from contributions c join committees m on m.id = c.committee_id
    where c.committee_id in (select id from committees where campaign_id is not null)
      and c.current = 1 and c.counted = 1 and c.donor_id is not null
    group by c.donor_id, m.campaign_id, m.side
    having given >= ?
)
"""
COLUMNS = ("interest", "sector", "interest_rule", "interest_confidence", "mega_donor", "counted_total")


def donor_values(donor, row, curated, mega):
    giver = Giver(
        name=donor["name"],
        entity_code=row["entity_code"] if row else None,
        entity_code_raw=row["entity_code_raw"] if row else None,
        schedule=row["schedule"] if row else None,
        employer=(row["employer"] if row else None) or donor["employer"],
        occupation=row["occupation"] if row else None,
        kind=donor["kind"],
    )
    interest = classify(giver, curated)
    total = round(row["counted_total"], 2) if row else 0
    return (interest.interest, interest.sector, interest.rule, interest.confidence, int(mega), total)


def classify_donors(db, curated=None, mega_threshold=100_000):
    """Set interest, sector, interest_rule, interest_confidence, mega_donor and counted_total on
    every donor. Returns {"classified": donors written, "mega_donors": how many there are}."""
    return write_donor_classes(db, donor_classes(db, curated, mega_threshold))


def donor_classes(db, curated=None, mega_threshold=100_000):
    """What classify_donors reads and works out, without writing: (the changed donors' update
    rows, how many mega donors there are). The end of a run reads while the bulk writer builds the
    deferred indexes, and writes once they are built."""
    rows = {row["donor_id"]: row for row in db.query(DONOR_ROWS)}
    mega = {donor_id for (donor_id,) in db.execute(MEGA_DONORS, [mega_threshold]).fetchall()}
    updates = []
    for donor in db.query(f"select id, name, kind, employer, {', '.join(COLUMNS)} from donors"):
        values = donor_values(donor, rows.get(donor["id"]), curated, donor["id"] in mega)
        if values != tuple(donor[column] for column in COLUMNS):
            updates.append((*values, donor["id"]))
    return updates, len(mega)


def write_donor_classes(db, classes):
    """Write what donor_classes worked out; returns {"classified": donors written, "mega_donors": N}."""
    updates, mega_donors = classes
    assignments = ", ".join(f"{column} = ?" for column in COLUMNS)
    db.conn.executemany(f"update donors set {assignments} where id = ?", updates)
    return {"classified": len(updates), "mega_donors": mega_donors}
