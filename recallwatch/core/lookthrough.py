"""Look-through: who gave the money a committee passed on to a campaign's committee.

A campaign committee's counted contributions (current = 1, counted = 1) come from people and
organisations, and from other committees. When the giver is a committee we hold (its own receipts
are in `contributions`), each dollar it passed on is attributed to that committee's own donors in
proportion to what each of them had given it by the date of the transfer. The result is the table
`original_givers`, rebuilt whole at the end of every run (`compute_lookthrough`).

Which contributions come from a committee we hold: the row's entity code is COM, PTY or SCC
(committee, party, small contributor committee: `totals.normalize_entity_code`), and
1. an FPPC id written in the contributor's name ("Sample PAC (ID# 1234567)", "FPPC #1234567") is
   the `fppc_id` of a committees row, or else
2. the contributor's name, folded (case, accents, punctuation, "&" = "and", the id left out), is
   the folded name of a committees row.
A committee held under two sources (two rows with the same FPPC id or name) is looked through as
the row with the most counted receipts (then the smaller id), so its donors are not counted twice.
A committee's money given to itself is not looked through.

The rules:
- `levels` (the LOOKTHROUGH_LEVELS setting, default 1): how many committees deep a dollar is
  followed. A committee's giver that is itself a committee, beyond the last level, stays the
  original giver of its part ("not looked through").
- The period before a transfer: the giving committee's receipts dated on or before the transfer's
  date (all its dated receipts when the transfer has no date; undated receipts are left out).
  Donors' weights are what each gave net of refunds in that period (a net of zero or less weighs
  nothing); each earlier committee transfer into it weighs its amount.
- Unexplained: what a committee had received by the date, less what it had already passed on
  (to any committee we hold, in date order), covers at most that much of a transfer; the rest, and
  all of a transfer from a committee with no receipts held, stays with the committee itself
  (`unexplained` = 1). A transfer of zero or less (a refund) stays with the committee as given.
- Cycles: a dollar that comes back to a committee already on its path (or to the recipient) stops
  there and stays with that committee (`cycle` = 1).
So every recipient's rows add up to its counted contributions, to the cent (tests/test_lookthrough.py).
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass

from recallwatch.core.ids import fold, stable_id

COMMITTEE_ENTITY_CODES = ("COM", "PTY", "SCC")
DEFAULT_LEVELS = 1
FPPC_ID_IN_NAME = re.compile(r"\b(?:fppc|i\.?\s?d\.?)\s*(?:no\.?|number|#)?\s*[:#]?\s*(\d{6,9})\b", re.IGNORECASE)

NOTE_NO_RECEIPTS = "unexplained: the committee has no receipts held before the transfer"
NOTE_SHORT = "unexplained: the committee had received less than it passed on"
NOTE_CYCLE = "cycle: the money came back to a committee already on its path"
NOTE_LEVELS = "a committee not looked through (beyond LOOKTHROUGH_LEVELS)"
NOTE_REFUND = "a transfer of zero or less: not looked through"


def committee_name_key(name):
    """'SAMPLE JUSTICE FUND (ID# 1234567)' and 'Sample Justice Fund' -> 'sample justice fund'."""
    without_id = FPPC_ID_IN_NAME.sub(" ", name or "")
    return " ".join(re.findall(r"[^\W_]+", fold(without_id).replace("&", " and ")))


def fppc_id_in(name):
    found = FPPC_ID_IN_NAME.search(name or "")
    return found[1] if found else None


@dataclass(frozen=True)
class Receipt:
    """A counted contribution: to `recipient`, from a donor or from the committee `giver_committee`."""

    id: str
    recipient: str
    donor_id: str | None
    contributor_name: str
    amount: float
    date: str | None
    giver_committee: str | None = None

    @property
    def donor_key(self):
        return self.donor_id or f"name:{self.contributor_name}"


class Committees:
    """The committees we hold: names, and which one a contributor's name (and entity code) names."""

    def __init__(self, db):
        self.names = {}
        by_key = defaultdict(set)
        for committee_id, name, fppc_id in db.execute("SELECT id, name, fppc_id FROM committees"):
            self.names[committee_id] = name
            if fppc_id and str(fppc_id).strip():
                by_key[("fppc", str(fppc_id).strip())].add(committee_id)
            if committee_name_key(name):
                by_key[("name", committee_name_key(name))].add(committee_id)
        receipts = receipt_counts(db, {c for ids in by_key.values() if len(ids) > 1 for c in ids})
        self.by_key = {key: min(ids, key=lambda c: (-receipts.get(c, 0), c)) for key, ids in by_key.items()}

    def giver(self, entity_code, contributor_name):
        """The committee a contribution came from, or None (a person, a business, a committee we do not hold)."""
        if entity_code not in COMMITTEE_ENTITY_CODES:
            return None
        fppc_id = fppc_id_in(contributor_name)
        if fppc_id and ("fppc", fppc_id) in self.by_key:
            return self.by_key[("fppc", fppc_id)]
        return self.by_key.get(("name", committee_name_key(contributor_name)))


def receipt_counts(db, committee_ids):
    if not committee_ids:
        return {}
    marks = ", ".join("?" * len(committee_ids))
    sql = (
        "SELECT committee_id, COUNT(*) FROM contributions "
        f"WHERE committee_id IN ({marks}) AND current = 1 AND counted = 1 GROUP BY committee_id"
    )
    return dict(db.execute(sql, sorted(committee_ids)).fetchall())


COUNTED_COLUMNS = "id, committee_id, donor_id, contributor_name, entity_code, amount, date"


def as_receipt(row, committees):
    contribution_id, recipient, donor_id, name, entity_code, amount, date = row
    giver = committees.giver(entity_code, name)
    return Receipt(contribution_id, recipient, donor_id, name, amount, date, giver if giver != recipient else None)


class Ledger:
    """Every committee's receipts, read once each, and the transfers between the committees we hold."""

    def __init__(self, db, committees):
        self.db, self.committees = db, committees
        self._receipts = {}
        codes = ", ".join(f"'{code}'" for code in COMMITTEE_ENTITY_CODES)
        rows = db.execute(
            f"SELECT {COUNTED_COLUMNS} FROM contributions "
            f"WHERE entity_code IN ({codes}) AND current = 1 AND counted = 1 AND committee_id IS NOT NULL"
        )
        transfers = [t for t in (as_receipt(row, committees) for row in rows) if t.giver_committee]
        self.transfers = transfers
        self.explained_share = explained_shares(transfers, self.received_by)

    def receipts(self, committee_id):
        if committee_id not in self._receipts:
            rows = self.db.execute(
                f"SELECT {COUNTED_COLUMNS} FROM contributions WHERE committee_id = ? AND current = 1 AND counted = 1",
                [committee_id],
            )
            self._receipts[committee_id] = [as_receipt(row, self.committees) for row in rows]
        return self._receipts[committee_id]

    def before(self, committee_id, date):
        """The committee's dated receipts on or before `date` (all dated ones when `date` is None)."""
        return [r for r in self.receipts(committee_id) if r.date and (date is None or r.date <= date)]

    def received_by(self, committee_id, date):
        return sum(r.amount for r in self.before(committee_id, date))


def explained_shares(transfers, received_by):
    """transfer id -> the share of it (0..1) the giving committee's receipts cover: what it had
    received by the date, less what it had passed on before (in date order, then by id)."""
    shares = {}
    by_giver = defaultdict(list)
    for transfer in transfers:
        by_giver[transfer.giver_committee].append(transfer)
    for giver, given in by_giver.items():
        passed_on = 0.0
        for transfer in sorted(given, key=lambda t: (t.date or "9999", t.id)):
            if transfer.amount > 0:
                available = received_by(giver, transfer.date) - passed_on
                shares[transfer.id] = max(0.0, min(available, transfer.amount)) / transfer.amount
            passed_on += transfer.amount
    return shares


def weights(receipts):
    """(receipt, weight) of a committee's receipts: each donor's net (over 0) on one of its
    receipts, each committee transfer (over 0) on its own."""
    donors = defaultdict(float)
    first = {}
    for receipt in receipts:
        if receipt.giver_committee:
            continue
        donors[receipt.donor_key] += receipt.amount
        first.setdefault(receipt.donor_key, receipt)
    weighted = [(first[key], net) for key, net in donors.items() if net > 0]
    weighted += [(r, r.amount) for r in receipts if r.giver_committee and r.amount > 0]
    return weighted


class Attribution:
    """The rows of original_givers being built: (recipient, giver, path, flags) -> amounts."""

    def __init__(self):
        self.rows = defaultdict(lambda: [0.0, 0.0])
        self.donor_names = {}

    def add(self, recipient, giver, path, amount, *, direct=False, cycle=0, unexplained=0, note=None):
        key = (recipient, giver, tuple(reversed(path)), cycle, unexplained, note)
        self.rows[key][0 if direct else 1] += amount

    def donor(self, receipt):
        self.donor_names.setdefault(receipt.donor_key, receipt.contributor_name)
        return ("donor", receipt.donor_key)


def look_through(ledger, attribution, transfer, share, visited, path, levels):
    """Attribute `share` dollars of `transfer` (from a committee to path[-1] or the recipient) to
    its giving committee's donors, `levels` committees deep. `path`: the committees crossed so far,
    the recipient's giver first."""
    recipient, giver = visited[0], transfer.giver_committee
    if giver in visited:
        attribution.add(recipient, ("committee", giver), path, share, cycle=1, note=NOTE_CYCLE)
        return
    here = [*path, giver]
    given = weights(ledger.before(giver, transfer.date))
    total = sum(weight for _, weight in given)
    explained = share * ledger.explained_share[transfer.id] if total > 0 else 0.0
    if share - explained:
        note = NOTE_SHORT if total > 0 else NOTE_NO_RECEIPTS
        attribution.add(recipient, ("committee", giver), path, share - explained, unexplained=1, note=note)
    for receipt, weight in given:
        part = explained * weight / total
        if not part:
            continue  # nothing of this transfer is explained: no row for each donor
        if not receipt.giver_committee:
            attribution.add(recipient, attribution.donor(receipt), here, part)
        elif len(here) < levels:
            look_through(ledger, attribution, receipt, part, (*visited, giver), here, levels)
        else:
            attribution.add(recipient, ("committee", receipt.giver_committee), here, part, note=NOTE_LEVELS)


def campaign_committees(db):
    return {
        row[0]: {"campaign_id": row[1], "side": row[2], "position": row[3]}
        for row in db.execute("SELECT id, campaign_id, side, position FROM committees WHERE campaign_id IS NOT NULL")
    }


def direct_givers(db, attribution, looked_through_ids):
    """Every counted contribution of a campaign committee that is not a committee's transfer: its
    giver's own money (summed by SQL per recipient and donor)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS lookthrough_transfers (id TEXT PRIMARY KEY)")
    db.execute("DELETE FROM lookthrough_transfers")
    db.conn.executemany("INSERT OR IGNORE INTO lookthrough_transfers VALUES (?)", [(i,) for i in looked_through_ids])
    rows = db.execute(
        """
        SELECT c.committee_id, c.donor_id, MIN(c.contributor_name), SUM(c.amount)
        FROM committees cm
        CROSS JOIN contributions c  -- the campaigns' committees first, then their rows by index
        WHERE cm.campaign_id IS NOT NULL AND c.committee_id = cm.id AND c.current = 1 AND c.counted = 1
          AND c.id NOT IN (SELECT id FROM lookthrough_transfers)
        GROUP BY c.committee_id, c.donor_id, CASE WHEN c.donor_id IS NULL THEN c.contributor_name END
        """
    )
    for recipient, donor_id, name, amount in rows:
        receipt = Receipt("", recipient, donor_id, name, amount, None)
        attribution.add(recipient, attribution.donor(receipt), [], amount, direct=True)
    db.execute("DELETE FROM lookthrough_transfers")


def names_of_donors(db, donor_ids, chunk=500):
    ids = sorted(donor_ids)
    names = {}
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        sql = f"SELECT id, name FROM donors WHERE id IN ({', '.join('?' * len(part))})"
        names.update(db.execute(sql, part).fetchall())
    return names


def attribute(db, levels=DEFAULT_LEVELS):
    """The rows of original_givers, as dicts."""
    committees = Committees(db)
    recipients = campaign_committees(db)
    ledger = Ledger(db, committees)
    attribution = Attribution()
    to_campaigns = [t for t in ledger.transfers if t.recipient in recipients]
    direct_givers(db, attribution, [t.id for t in to_campaigns])
    for transfer in to_campaigns:
        if levels >= 1 and transfer.amount > 0:
            look_through(ledger, attribution, transfer, transfer.amount, (transfer.recipient,), [], levels)
        else:
            note = NOTE_LEVELS if levels < 1 else NOTE_REFUND
            giver = ("committee", transfer.giver_committee)
            attribution.add(transfer.recipient, giver, [], transfer.amount, direct=True, note=note)
    donor_ids = {
        giver for (_, (kind, giver), *_) in attribution.rows if kind == "donor" and not giver.startswith("name:")
    }
    donor_names = names_of_donors(db, donor_ids)
    rows = []
    for (recipient, (kind, giver), path, cycle, unexplained, note), (direct, passed) in attribution.rows.items():
        if kind == "committee":
            giver_id, name = giver, committees.names.get(giver) or giver
        else:
            giver_id = None if giver.startswith("name:") else giver
            name = donor_names.get(giver_id) or attribution.donor_names[giver]
        path_names = [committees.names.get(c) or c for c in path]
        rows.append(
            {
                "id": stable_id(recipient, kind, giver, *path, cycle, unexplained, note),
                **recipients[recipient],
                "recipient_committee_id": recipient,
                "original_giver": giver_id,
                "giver_kind": kind,
                "name": name,
                "direct_amount": direct,
                "passed_through_amount": passed,
                "path": json.dumps(path_names, ensure_ascii=False),
                "levels": len(path),
                "cycle": cycle,
                "unexplained": unexplained,
                "note": note,
            }
        )
    return rows


def rank_givers(rows):
    """Set each row's giver_rank: its giver's place on its side of the campaign by total given."""
    totals = defaultdict(float)
    for row in rows:
        totals[giver_of(row)] += row["direct_amount"] + row["passed_through_amount"]
    sides = defaultdict(list)
    for giver, total in totals.items():
        sides[giver[:2]].append((-total, giver[4] or "", giver[3] or "", giver))
    ranks = {}
    for ranked in sides.values():
        ranks.update((entry[-1], rank) for rank, entry in enumerate(sorted(ranked), start=1))
    for row in rows:
        row["giver_rank"] = ranks[giver_of(row)]
    return rows


def giver_of(row):
    return (row["campaign_id"], row["side"], row["giver_kind"], row["original_giver"], row["name"])


def compute_lookthrough(db, levels=DEFAULT_LEVELS):
    """Rebuild original_givers from every source's counted contributions. Returns the number of
    rows and how many carry money passed through a committee (for the run's stats)."""
    with db.atomic():  # the temporary table's writes too: no transaction is left open
        rows = rank_givers(attribute(db, levels))
        db.execute("DELETE FROM original_givers")
        db["original_givers"].insert_all(rows, batch_size=5000)
    return {"rows": len(rows), "passed_through": sum(1 for row in rows if row["levels"])}
