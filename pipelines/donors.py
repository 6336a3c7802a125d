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

from crawlers.items import Contribution, Donor
from recallwatch.ids import fold, stable_id
from recallwatch.run import Run

PERSON_CODES = {"IND"}
ORGANIZATION_CODES = {"COM", "OTH", "PTY", "SCC"}
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
    full_name = f"{last}, {first}" if last and first else name
    last_key, first_key = person_key(full_name)
    zip_code = zip5(contribution.get("zip"))
    employer = employer_key(contribution.get("employer"))
    match_key = "|".join(["person", last_key, first_key, zip_code, employer])
    return DonorIdentity("person", match_key, zip_code or None, employer or None)


def readability(name):
    """Sort key of a display name: mixed case before ALL CAPS, then alphabetical."""
    return (name == name.upper(), name)


def best_name(*names):
    return min((n for n in names if n), key=readability, default=None)


class DonorPipeline:
    """Sets contributions.donor_id and upserts the donors, in batches (and at the end of the run)."""

    def __init__(self, crawler):
        self.run = Run.of(crawler)
        self.batch_size = crawler.settings.getint("STORE_BATCH_SIZE")
        self.pending = {}  # donor id -> (DonorIdentity, best name seen in this batch)
        self.run.on_close(self.flush)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, Contribution) and item.get("contributor_name"):
            identity = donor_identity(item)
            item["donor_id"] = identity.id
            _, name = self.pending.get(identity.id, (identity, None))
            self.pending[identity.id] = (identity, best_name(name, item["contributor_name"]))
            if len(self.pending) >= self.batch_size:
                self.flush()
        return item

    def flush(self):
        if not self.pending:
            return
        db = self.run.db
        ids = list(self.pending)
        stored_names = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            placeholders = ", ".join("?" for _ in chunk)
            for row in db.query(f"select id, name from donors where id in ({placeholders})", chunk):
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
        with db.atomic():
            db["donors"].upsert_all(rows, pk="id", alter=True)
        self.pending.clear()
