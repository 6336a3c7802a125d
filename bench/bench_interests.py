"""How well the interest classifier (recallwatch/core/interests.py) tells who a giver is, run by hand:

    .venv/bin/python bench/bench_interests.py [--split test|dev|all]

Against tests/fixtures/interest_labels.csv: real givers of the shared samples (CAL-ACCESS RCPT_CD,
S497_CD, EXPN_CD and filer names; NetFile exports and API; Illinois; Pennsylvania; Philadelphia),
each labelled by hand with a reason. Rules are tuned on the `dev` half; the figures are the `test`
half's. Per class: precision (of the givers put in the class, how many belong) and coverage (of
the givers labelled so, how many it finds); then the share of dollars given a class other than
unknown, and, for the baseline in the same run, the entity code alone (IND = individual, PTY =
party, anything else unknown).

Targets: >= 90% of dollars classified; >= 95% precision on law enforcement and on parties.

    .venv/bin/python bench/bench_interests.py --speed 5000000

Speed of the end-of-run step (recallwatch/core/donor_interests.classify_donors) over a synthetic
database of that many contributions (one donor per 10 rows, a tenth of the committees in a
campaign), against the floor measured in the same run: one grouped pass over the contributions
that reads the same columns and classifies nothing.
"""

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.figures import emit, figure  # noqa: E402
from recallwatch.core.donor_interests import DONOR_ROWS, classify_donors  # noqa: E402
from recallwatch.core.interests import CLASSES, UNKNOWN, Interests, classify  # noqa: E402
from recallwatch.core.schema import open_database  # noqa: E402
from tests.interest_labels import amount_of, giver_of, load_labels  # noqa: E402

CURATED = REPO / "data" / "interests.yml"


def by_code_alone(giver):
    return {"IND": "individual", "PTY": "party"}.get(giver.entity_code or "", UNKNOWN)


def measure(rows, predict):
    predicted, labelled, right = Counter(), Counter(), Counter()
    dollars = classified = 0.0
    for row in rows:
        guess = predict(row)
        predicted[guess] += 1
        labelled[row["interest"]] += 1
        right[guess] += guess == row["interest"]
        dollars += amount_of(row)
        classified += amount_of(row) if guess != UNKNOWN else 0
    return predicted, labelled, right, classified / dollars if dollars else 0.0


NAMES = ["Police Officers Association PAC", "Democratic Party", "Acme Realty LLC", "Friends of Pat Lee", "SMITH, PAT"]


def synthetic_database(path, rows):
    """`rows` contributions of rows // 10 donors to 1,000 committees, 100 of them in a campaign."""
    db = open_database(str(path))
    rng = random.Random(7)
    db["committees"].insert_all(
        {"id": f"c{i}", "name": f"c{i}", "source": "b", "source_id": str(i),
         "campaign_id": "boudin-recall" if i < 100 else None, "side": "against" if i < 100 else None}
        for i in range(1000)
    )  # fmt: skip
    donors = rows // 10
    db["donors"].insert_all(
        ({"id": f"d{i}", "name": f"{NAMES[i % 5]} {i}", "kind": "person" if i % 5 == 4 else "organization"}
         for i in range(donors)),
        batch_size=10_000,
    )  # fmt: skip
    codes = ["COM", "PTY", "OTH", "COM", "IND"]
    db["contributions"].insert_all(
        ({"id": f"x{i}", "filing_id": "f", "source": "b", "schedule": "A", "contributor_name": "n",
          "donor_id": f"d{(d := rng.randrange(donors))}", "committee_id": f"c{rng.randrange(1000)}",
          "amount": rng.choice((100, 1_000, 25_000)), "current": 1, "counted": 1, "entity_code": codes[d % 5],
          "employer": "Self", "occupation": "Investor"}
         for i in range(rows)),
        batch_size=20_000,
    )  # fmt: skip
    return db


def speed(rows):
    with tempfile.TemporaryDirectory() as folder:
        db = synthetic_database(Path(folder) / "speed.db", rows)
        started = time.perf_counter()
        floor_rows = len(db.execute(DONOR_ROWS).fetchall())
        floor = time.perf_counter() - started
        started = time.perf_counter()
        done = classify_donors(db, Interests.load(CURATED), 100_000)
        first = time.perf_counter() - started
        started = time.perf_counter()
        classify_donors(db, Interests.load(CURATED), 100_000)
        again = time.perf_counter() - started
    print(
        f"{rows:,} contributions, {floor_rows:,} donors: grouped pass {floor:.1f} s; classify_donors "
        f"{first:.1f} s ({done['classified']:,} written, {done['mega_donors']:,} mega donors), again {again:.1f} s"
    )
    emit([figure("classify_donors seconds", first, floor, first / floor, None, None, "s")])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    parser.add_argument("--speed", type=int, help="time the end-of-run step over this many contributions")
    args = parser.parse_args()
    if args.speed:
        return speed(args.speed)
    rows = load_labels(None if args.split == "all" else args.split)
    curated = Interests.load(CURATED)
    predicted, labelled, right, dollar_share = measure(rows, lambda row: classify(giver_of(row), curated).interest)
    *_, baseline_share = measure(rows, lambda row: by_code_alone(giver_of(row)))
    print(f"{len(rows)} labelled givers ({args.split})")
    print("| class | labelled | put in class | precision | coverage |")
    print("|---|---:|---:|---:|---:|")
    figures = []
    for name in CLASSES:
        precision = right[name] / predicted[name] if predicted[name] else None
        coverage = right[name] / labelled[name] if labelled[name] else None
        cells = [f"{v:.0%}" if v is not None else "-" for v in (precision, coverage)]
        print(f"| {name} | {labelled[name]} | {predicted[name]} | {cells[0]} | {cells[1]} |")
        if name in ("law enforcement", "party") and precision is not None:
            figures.append(figure(f"precision {name}", precision, None, precision, 0.95, precision >= 0.95))
    accuracy = sum(right.values()) / len(rows)
    print(
        f"all classes: {accuracy:.0%} right; dollars classified: {dollar_share:.1%} "
        f"(entity code alone: {baseline_share:.1%})"
    )
    figures.append(figure("dollars classified", dollar_share, baseline_share, dollar_share, 0.90, dollar_share >= 0.9))
    emit(figures)


if __name__ == "__main__":
    main()
