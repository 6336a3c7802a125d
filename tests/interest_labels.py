"""The labelled givers of tests/fixtures/interest_labels.csv (real rows of the shared samples, each
classified by a person with a reason), read into the Giver the database would hold for them: the
entity code as the parsers store it (totals.normalize_entity_code, the raw code kept beside it when
it differs), the schedule (CAL form, Illinois D2Part, Pennsylvania section) and the donor's kind
(pipelines/donors.py)."""

import csv
from pathlib import Path

from pipelines.donors import donor_kind
from recallwatch.core.interests import Giver
from recallwatch.core.totals import normalize_entity_code
from recallwatch.parsers.values import money

LABELS = Path(__file__).resolve().parent / "fixtures" / "interest_labels.csv"


def load_labels(split=None):
    with open(LABELS, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [row for row in rows if split in (None, row["split"])]


def giver_of(row):
    raw_code = row["entity_code"].strip()
    code = normalize_entity_code(raw_code)
    return Giver(
        name=row["name"],
        entity_code=code,
        entity_code_raw=raw_code if raw_code and raw_code.upper() != code else None,
        schedule=row["schedule"] or None,
        employer=row["employer"] or None,
        occupation=row["occupation"] or None,
        kind=donor_kind(code, row["name"]),
    )


def amount_of(row):
    return abs(money(row["amount"]) or 0.0)
