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
import weakref
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from cleanco import basename
from nameparser import HumanName
from nameparser.config import CONSTANTS

from recallwatch.core.batch import ColumnBatch, RecordBatch, arrow, as_batch
from recallwatch.core.ids import fold, stable_id
from recallwatch.core.items import Contribution
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


# The columns of a contribution that decide its donor (donor_identity reads these alone)
IDENTITY_FIELDS = ("contributor_name", "entity_code", "contributor_last", "contributor_first", "zip", "employer")
# A ColumnBatch's identity columns joined into one text per row; normalised values hold no control
# byte, so neither separator can be in a value
KEY_SEPARATOR, NULL_MARK = "\x1f", "\x00"


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


_books = weakref.WeakKeyDictionary()


class DonorBook:
    """Donors met since the last write, each with the most readable name seen; `flush` upserts
    them, keeping the most readable of that name and the one already stored.

    In a crawl one book is shared by the donor stage, which gives contributions their donor, and
    the store, which writes the donors (`write`) in the same transaction as the contributions that
    name them and calls `committed` once that transaction is committed (`DonorBook.of(run)`)."""

    KEPT = 50_000  # identities and written names remembered (bounded: memory stays flat)

    def __init__(self, db):
        self.db = db
        self.pending = {}  # donor id -> (DonorIdentity, best name seen)
        self._identities = {}  # IDENTITY_FIELDS values -> (DonorIdentity, its id)
        self._written = {}  # donor id -> the name this book last wrote
        self._writing = {}

    @classmethod
    def of(cls, run):
        if run not in _books:
            _books[run] = cls(run.db)
        return _books[run]

    def __len__(self):
        return len(self.pending)

    def _remember(self, identity, donor_id, name):
        seen = self.pending.get(donor_id)
        if seen is None:
            self.pending[donor_id] = (identity, name)
        elif seen[1] != name:
            self.pending[donor_id] = (identity, best_name(seen[1], name))

    def add(self, contribution):
        """The donor id of a contribution (dict or item), remembered for the next flush."""
        identity = donor_identity(contribution)
        self._remember(identity, identity.id, contribution.get("contributor_name"))
        return identity.id

    def assign(self, batch):
        """Set `donor_id` on every row of a contributions RecordBatch that names a contributor
        (the same id `add` gives), remembering each donor for the next write. The work is done
        once per distinct contributor of the batch (bulk exports repeat their givers)."""
        if "contributor_name" not in batch.fields:
            return
        present = [name for name in IDENTITY_FIELDS if name in batch.fields]
        at = [batch.fields.index(name) for name in present]
        keys = list(map(itemgetter(*at), batch.rows)) if len(at) > 1 else [(row[at[0]],) for row in batch.rows]
        at_name = present.index("contributor_name")
        identities = self._identities
        if len(identities) > self.KEPT:
            identities.clear()
        donor_of, distinct = {}, set(keys)
        for key in distinct:
            if not key[at_name]:
                continue
            known = identities.get(key)
            if known is None:
                identity = donor_identity(dict(zip(present, key, strict=True)))
                known = identities[key] = (identity, identity.id)
            self._remember(known[0], known[1], key[at_name])
            donor_of[key] = known[1]
        given = batch.fields.index("donor_id") if "donor_id" in batch.fields else None
        if given is None and len(donor_of) == len(distinct):
            donor_ids = list(map(donor_of.__getitem__, keys))
        else:  # rows without a contributor keep the donor they have
            donor_ids = [
                donor_of.get(key, row[given] if given is not None else None)
                for key, row in zip(keys, batch.rows, strict=True)
            ]
        batch.add_column("donor_id", donor_ids)

    def assign_columns(self, batch):
        """`assign` for a ColumnBatch: the work is done once per distinct identity of the batch
        (the identity columns joined into one key per row, dictionary-encoded)."""
        pa, pc = arrow()
        if "contributor_name" not in batch.fields:
            return
        present = [name for name in IDENTITY_FIELDS if name in batch.fields]
        at_name = present.index("contributor_name")
        columns = [batch.column(name) for name in present]
        keys = pc.binary_join_element_wise(*columns, KEY_SEPARATOR, null_handling="replace", null_replacement=NULL_MARK)
        encoded = pc.dictionary_encode(keys)
        encoded = encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded
        identities = self._identities
        if len(identities) > self.KEPT:
            identities.clear()
        donor_ids = []
        for key in encoded.dictionary.to_pylist():
            known = identities.get(key)
            if known is None:
                values = [None if value == NULL_MARK else value for value in key.split(KEY_SEPARATOR)]
                if not values[at_name]:
                    donor_ids.append(None)
                    continue
                identity = donor_identity(dict(zip(present, values, strict=True)))
                known = identities[key] = (identity, identity.id, values[at_name])
            self._remember(*known)
            donor_ids.append(known[1])
        assigned = pc.take(pa.array(donor_ids, pa.string()), encoded.indices)
        if "donor_id" in batch.fields:  # rows without a contributor keep the donor they have
            assigned = pc.coalesce(assigned, batch.column("donor_id"))
        batch.set_column("donor_id", assigned)

    def write(self):
        """Upsert the pending donors whose name is not already the one stored, in the caller's
        transaction; `committed` forgets them once that transaction is committed."""
        written = self._written
        changed = {}
        for donor_id, (identity, name) in self.pending.items():
            if donor_id in written:
                name = best_name(name, written[donor_id])
                if name == written[donor_id]:
                    continue
            changed[donor_id] = (identity, name)
        ids = [donor_id for donor_id in changed if donor_id not in written]
        stored_names = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            placeholders = ", ".join("?" for _ in chunk)
            stored_names.update(self.db.execute(f"select id, name from donors where id in ({placeholders})", chunk))
        rows = []
        for donor_id, (identity, name) in changed.items():
            name = best_name(name, stored_names.get(donor_id))
            rows.append((donor_id, name, identity.kind, identity.match_key, identity.zip, identity.employer))
        self.db.conn.executemany(DONOR_UPSERT, rows)
        self._writing = {row[0]: row[1] for row in rows}

    def committed(self):
        if len(self._written) > self.KEPT:
            self._written.clear()
        self._written.update(self._writing)
        self._writing = {}
        self.pending.clear()

    def flush(self):
        """Upsert the pending donors, in a transaction of their own."""
        with self.db.atomic():
            self.write()
        self.committed()


DONOR_FIELDS = ("id", "name", "kind", "match_key", "zip", "employer")
DONOR_UPSERT = (
    f"INSERT INTO donors ({', '.join(DONOR_FIELDS)}) VALUES ({', '.join('?' for _ in DONOR_FIELDS)}) "
    f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{name} = excluded.{name}' for name in DONOR_FIELDS[1:])}"
)


UNASSIGNED_COLUMNS = "rowid, contributor_name, contributor_first, contributor_last, entity_code, zip, employer"


def resolve_unassigned_donors(db, batch_size=5000):
    """Give a donor to every contribution stored without one. Every row that goes through the
    pipelines gets its donor there; this repairs a database written otherwise (by hand, or by a
    version that left bulk rows without a donor). Returns how many were resolved."""
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
    """Sets contributions.donor_id, for every row of every batch. The donors themselves are written
    by the store, in the transaction that stores the contributions naming them."""

    def __init__(self, crawler):
        self.book = DonorBook.of(Run.of(crawler))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        batch = as_batch(item)
        if isinstance(batch, ColumnBatch) and issubclass(batch.item_class, Contribution):
            self.book.assign_columns(batch)
        elif isinstance(batch, RecordBatch) and issubclass(batch.item_class, Contribution):
            self.book.assign(batch)
        return batch
