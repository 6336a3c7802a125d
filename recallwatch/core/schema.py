"""The public database: every table of DESIGN.md, created on first run (empty ones too).

Tables that hold crawled records take their columns from the Item classes in `recallwatch/core/items.py`,
so adding a field to an item adds the column. The curated and operational tables are declared here.
"""

import sqlite_utils

from recallwatch.core import items
from recallwatch.core.sorting import SORT_THREADS
from recallwatch.core.views import ensure_views

JSON_TYPE_TO_SQL = {"string": str, "integer": int, "number": float}

RECORD_ITEMS = [
    items.Committee,
    items.Filing,
    items.FilingSummary,
    items.Contribution,
    items.Donor,
    items.ContributionMade,
    items.IndependentExpenditure,
    items.OriginalGiver,
    items.Announcement,
    items.PetitionCount,
    items.InvalidReason,
    items.Article,
    items.ArticleMention,
    items.ArticleVersion,
    items.ArticleUrl,
]

CURATED_TABLES = {
    "targets": {
        "columns": {
            "id": str,
            "name": str,
            "aliases": str,
            "office": str,
            "jurisdiction": str,
            "state": str,
            "party": str,
            "took_office": str,
            "notes": str,
        },
        "pk": "id",
    },
    "campaigns": {
        "columns": {
            "id": str,
            "target_id": str,
            "kind": str,
            "title": str,
            "jurisdiction": str,
            "started": str,
            "deadline": str,
            "ended": str,
            "outcome": str,
            "signatures_required": int,
            "election_date": str,
            "support_means": str,
            "office_words": str,
            "opponents": str,
            "proponent": str,
            "sources": str,
            "notes": str,
        },
        "pk": "id",
    },
    "crawl_runs": {
        "columns": {
            "id": str,
            "spider": str,
            "mode": str,
            "started": str,
            "finished": str,
            "duration_s": float,
            "status": str,
            "status_reason": str,
            "items": int,
            "rejects": int,
            "errors": int,
            "requests": int,
            "responses": int,
            "finish_reason": str,
            "stats": str,
        },
        "pk": "id",
    },
    "fetches": {
        "columns": {
            "id": str,
            "url": str,
            "fetched_at": str,
            "last_seen": str,
            "status": int,
            "content_type": str,
            "size": int,
            "sha256": str,
            "spider": str,
            "origin": str,
            "warc_file": str,
            "warc_offset": int,
            "warc_record_id": str,
            "etag": str,
            "last_modified": str,
            "complete": int,
            "links": int,
        },
        "pk": "id",
    },
    "rejects": {
        "columns": {
            "id": str,
            "run_id": str,
            "first_run_id": str,
            "spider": str,
            "url": str,
            "fetch_id": str,
            "item_type": str,
            "reason": str,
            "item": str,
            "rejected_at": str,
        },
        "pk": "id",
    },
}

INDEXES = [
    ("campaigns", ["target_id"]),
    ("committees", ["campaign_id"]),
    ("committees", ["source", "source_id"]),
    ("filings", ["committee_id"]),
    ("filings", ["report_id", "amendment"]),
    ("filings", ["source", "report_id"]),
    ("filings", ["committee_id", "form_type", "current"]),
    # Covers every figure of a committee's counted contributions (committee_totals, top_donors, the
    # campaign queries): its rows are read from the index alone, not from pages all over the table.
    ("contributions", ["committee_id", "current", "counted", "amount", "date", "schedule", "donor_id"]),
    ("contributions", ["filing_id"]),
    ("contributions", ["donor_id"]),
    ("contributions", ["date"]),
    ("contributions_made", ["giver_committee_id"]),
    ("contributions_made", ["recipient_committee_id", "current"]),
    ("contributions_made", ["filing_id"]),
    ("independent_expenditures", ["campaign_id", "current"]),
    ("independent_expenditures", ["committee_id"]),
    ("independent_expenditures", ["filing_id"]),
    # original_givers query: the rows of the givers it lists, and each side's total from the index alone
    ("original_givers", ["campaign_id", "giver_rank", "side"]),
    ("original_givers", ["campaign_id", "side", "direct_amount", "passed_through_amount"]),
    ("petition_counts", ["campaign_id", "as_of"]),
    ("petition_counts", ["announcement_id"]),
    ("announcements", ["published"]),
    ("articles", ["published"]),
    ("article_mentions", ["entity_type", "entity_id"]),
    ("article_versions", ["article_id"]),
    ("article_urls", ["article_id"]),
    ("crawl_runs", ["spider", "started"]),
    ("fetches", ["url"]),
    ("rejects", ["run_id"]),
    ("rejects", ["spider"]),
]

# The secondary indexes a first bulk load keeps up to date as its rows come; the others are built
# after it, in one sorted pass each. Exports list their rows filing by filing, so a filing_id index
# grows at its end, where one on donor or date is written all over the table (1,000,000 receipts
# written by the bulk writer: 6.2 s CPU with the filing_id index, 20.8 s with donor_id and date too).
KEPT_WHILE_LOADING = (["filing_id"],)

# Full-text indexed columns (kept up to date by triggers): the site's search box searches them all.
FULL_TEXT = {
    "articles": ["title", "text"],
    "announcements": ["title", "body"],
    "committees": ["name"],
    "donors": ["name"],
}

# Indexes an earlier schema created that a wider one above now covers.
SUPERSEDED_INDEXES = ["idx_contributions_committee_id_current"]


def item_columns(item_class):
    columns = {}
    for name, meta in item_class.fields.items():
        json_type = meta.get("type", "string")
        if isinstance(json_type, list):
            json_type = next(t for t in json_type if t != "null")
        columns[name] = JSON_TYPE_TO_SQL[json_type]
    return columns


def table_specs():
    specs = dict(CURATED_TABLES)
    for item_class in RECORD_ITEMS:
        key = item_class.key
        specs[item_class.table] = {
            "columns": item_columns(item_class),
            "pk": key[0] if len(key) == 1 else key,
        }
    return specs


def open_database(path):
    """Open (and if needed create) the database: WAL mode, every table, every index."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    # Under WAL, NORMAL never corrupts the database; a power cut may lose the last commits, which the
    # next run fetches again (fetches are only `complete` once their items are stored).
    db.execute("PRAGMA synchronous = NORMAL")
    # Large sorts (an index built after a bulk load, above all) sort their parts on every core
    db.execute(f"PRAGMA threads = {SORT_THREADS}")
    ensure_schema(db)
    return db


def ensure_schema(db):
    for name, spec in table_specs().items():
        table = db[name]
        if not table.exists():
            table.create(spec["columns"], pk=spec["pk"])
        else:
            missing = {c: t for c, t in spec["columns"].items() if c not in table.columns_dict}
            for column, column_type in missing.items():
                table.add_column(column, column_type)
    create_indexes(db)
    for name in SUPERSEDED_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {name}")
    for table, columns in FULL_TEXT.items():
        if not db[table].detect_fts():
            db[table].enable_fts(columns, create_triggers=True)
    # Views last: they read the tables (recallwatch/views.py)
    ensure_views(db)


def index_statements(table=None):
    """The CREATE INDEX IF NOT EXISTS statements of INDEXES (of one table, or all), each index
    named as sqlite-utils names it (idx_<table>_<columns>)."""
    statements = []
    for name, columns in INDEXES:
        if table in (None, name):
            quoted = ", ".join(f'"{column}"' for column in columns)
            statements.append(f'CREATE INDEX IF NOT EXISTS "idx_{name}_{"_".join(columns)}" ON "{name}" ({quoted})')
    return statements


def create_indexes(db, table=None):
    """The secondary indexes of INDEXES (of one table, or all), where they are missing."""
    for statement in index_statements(table):
        db.execute(statement)


def drop_indexes_while_empty(db, table):
    """Drop the secondary indexes of `table` if it holds no row yet, so that a first bulk load
    appends to the table alone; `create_indexes(db, table)` builds them after the load, in one
    sorted pass each (the 4 indexes of contributions, kept up to date row by row, make its inserts
    about 1.7x slower); it keeps those of KEPT_WHILE_LOADING. Returns whether it dropped any. A
    populated table (served live) keeps its indexes."""
    if db.execute(f"SELECT EXISTS (SELECT 1 FROM [{table}])").fetchone()[0]:
        return False
    secondary = [columns for name, columns in INDEXES if name == table and columns not in KEPT_WHILE_LOADING]
    dropped = False
    for index in db[table].indexes:
        if index.columns in secondary:
            db.execute(f"DROP INDEX [{index.name}]")
            dropped = True
    return dropped
