"""Donor resolution: the same giver across filings, committees and sources gets one `donors` row,
and every contribution names it in `donor_id`. The raw name stays on the contribution row.

Who is the same giver (the rule, deliberately conservative - a false merge puts one person's
money in another's total, a missed merge only splits a total in two):
- a person (entity code IND): the same last name and first given name, as parsed by nameparser
  from whatever order the filer wrote ("SMITH, JOHN A." = "John Smith"; middle names, titles and
  suffixes set aside), the same 5-digit ZIP code and the same employer;
- an organisation (COM, OTH, PTY, SCC): the same name once cleanco has removed its legal form
  ("ACME INC" = "Acme, Inc." = "Acme Incorporated"). An item with no entity code is an
  organisation when cleanco finds a legal form in its name, else a person.
Names and employers are compared accent-, case- and punctuation-insensitively.

The donor id is a hash of that match key, so it is the same on every run and from every source,
whatever order rows arrive in. The donor's display name is the most readable spelling seen
(mixed case before ALL CAPS, then alphabetical), so it does not depend on arrival order either.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from cleanco import basename
from itemadapter import ItemAdapter
from nameparser import HumanName
from nameparser.config import CONSTANTS

from recallwatch.core.ids import fold, stable_id
from recallwatch.core.items import Contribution, Donor
from recallwatch.runtime.run import Run

PERSON_CODES = {"IND"}
ORGANIZATION_CODES = {"COM", "OTH", "PTY", "SCC"}
# nameparser's own vocabulary, for names the filer already split into last and first.
TITLES = CONSTANTS.titles
SUFFIXES = CONSTANTS.suffix_acronyms | CONSTANTS.suffix_not_acronyms
# Employer answers that name no employer.
NO_EMPLOYER = {"", "n a", "na", "none", "not applicable", "information requested", "requested", "unknown"}


@dataclass(frozen=True)
class DonorIdentity:
    kind: str
    match_key: str
    zip: str | None = None
    employer: str | None = None

    @property
    def id(self):
        return stable_id("donor", self.match_key)


def comparable(text):
    """'Acme, Inc.' -> 'acme inc'; 'MARÍA' -> 'maria'."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text or "")).split())


@lru_cache(maxsize=100_000)
def organization_key(name):
    """'ACME INC', 'Acme, Inc.', 'The Acme Company LLC' -> 'acme', 'acme', 'acme company'."""
    key = comparable(basename(name or ""))
    if key.startswith("the "):
        key = key[4:]
    return key or comparable(name)


@lru_cache(maxsize=100_000)
def has_legal_form(name):
    return comparable(basename(name or "")) != comparable(name)


@lru_cache(maxsize=100_000)
def person_key(name):
    """(last, first) of a person's name in any order: 'SMITH, JOHN A.' and 'John Smith' ->
    ('smith', 'john')."""
    parsed = HumanName(name or "")
    first_words = comparable(parsed.first).split()
    return comparable(parsed.last), (first_words[0] if first_words else "")


@lru_cache(maxsize=100_000)
def split_person_key(last, first):
    """(last, first) of a name the filer already split (CAL Tran_NamL / Tran_NamF): the same
    answer as `person_key`, without parsing (nameparser takes ~0.2 ms a name, too slow for a
    10-million-row export): titles, middle names and suffixes are set aside using nameparser's
    own lists of titles and suffixes."""
    first_words = comparable(first).split()
    while len(first_words) > 1 and first_words[0] in TITLES:
        first_words.pop(0)
    last_words = comparable(last).split()
    while len(last_words) > 1 and last_words[-1] in SUFFIXES:
        last_words.pop()
    return " ".join(last_words), (first_words[0] if first_words else "")


def employer_key(employer):
    key = organization_key(employer) if employer else ""
    return "" if key in NO_EMPLOYER else key


def zip5(zip_code):
    digits = re.sub(r"\D", "", zip_code or "")
    return digits[:5]


def donor_kind(entity_code, name):
    code = (entity_code or "").strip().upper()
    if code in PERSON_CODES:
        return "person"
    if code in ORGANIZATION_CODES:
        return "organization"
    return "organization" if has_legal_form(name) else "person"


def donor_identity(contribution):
    """The DonorIdentity of a contribution (a dict or item with the contributions columns)."""
    name = contribution.get("contributor_name")
    kind = donor_kind(contribution.get("entity_code"), name)
    if kind == "organization":
        return DonorIdentity("organization", f"organization|{organization_key(name)}")
    last, first = contribution.get("contributor_last"), contribution.get("contributor_first")
    last_key, first_key = split_person_key(last, first) if last and first else person_key(name)
    zip_code = zip5(contribution.get("zip"))
    employer = employer_key(contribution.get("employer"))
    match_key = "|".join(["person", last_key, first_key, zip_code, employer])
    return DonorIdentity("person", match_key, zip_code or None, employer or None)


def readability(name):
    """Sort key of a display name: mixed case before ALL CAPS, then alphabetical."""
    return (name == name.upper(), name)


def best_name(*names):
    return min((n for n in names if n), key=readability, default=None)


class DonorBook:
    """Donors met since the last flush, each with the most readable name seen; `flush` upserts
    them, keeping the most readable of that name and the one already stored."""

    def __init__(self, db):
        self.db = db
        self.pending = {}  # donor id -> (DonorIdentity, best name seen)

    def __len__(self):
        return len(self.pending)

    def add(self, contribution):
        """The donor id of a contribution (dict or item), remembered for the next flush."""
        identity = donor_identity(contribution)
        _, name = self.pending.get(identity.id, (identity, None))
        self.pending[identity.id] = (identity, best_name(name, contribution.get("contributor_name")))
        return identity.id

    def flush(self):
        if not self.pending:
            return
        ids = list(self.pending)
        stored_names = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            placeholders = ", ".join("?" for _ in chunk)
            for row in self.db.query(f"select id, name from donors where id in ({placeholders})", chunk):
                stored_names[row["id"]] = row["name"]
        rows = []
        for donor_id, (identity, name) in self.pending.items():
            donor = Donor(
                id=donor_id,
                name=best_name(name, stored_names.get(donor_id)),
                kind=identity.kind,
                match_key=identity.match_key,
                zip=identity.zip,
                employer=identity.employer,
            )
            rows.append(ItemAdapter(donor).asdict())
        with self.db.atomic():
            self.db["donors"].upsert_all(rows, pk="id", alter=True)
        self.pending.clear()


UNASSIGNED_COLUMNS = "rowid, contributor_name, contributor_first, contributor_last, entity_code, zip, employer"


def resolve_unassigned_donors(db, batch_size=5000):
    """Give a donor to every contribution stored without one (rows a bulk loader wrote straight
    to the database rather than through the item pipelines). Returns how many were resolved."""
    book = DonorBook(db)
    resolved, last_rowid = 0, 0
    while True:
        rows = list(
            db.query(
                f"select {UNASSIGNED_COLUMNS} from contributions where donor_id is null "
                "and contributor_name is not null and rowid > ? order by rowid limit ?",
                [last_rowid, batch_size],
            )
        )
        if not rows:
            break
        updates = [(book.add(row), row["rowid"]) for row in rows]
        book.flush()
        with db.atomic():
            db.conn.executemany("update contributions set donor_id = ? where rowid = ?", updates)
        resolved += len(rows)
        last_rowid = rows[-1]["rowid"]
    return resolved


class DonorPipeline:
    """Sets contributions.donor_id and upserts the donors, in batches. At the end of the run,
    contributions a bulk loader stored without a donor get one too (setting
    DONORS_RESOLVE_UNASSIGNED, on by default)."""

    def __init__(self, crawler):
        self.run = Run.of(crawler)
        self.batch_size = crawler.settings.getint("STORE_BATCH_SIZE")
        self.resolve_unassigned = crawler.settings.getbool("DONORS_RESOLVE_UNASSIGNED", True)
        self.book = DonorBook(self.run.db)
        self.run.on_close(self.close)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, Contribution) and item.get("contributor_name"):
            item["donor_id"] = self.book.add(item)
            if len(self.book) >= self.batch_size:
                self.book.flush()
        return item

    def close(self):
        self.book.flush()
        if self.resolve_unassigned:
            resolve_unassigned_donors(self.run.db)
