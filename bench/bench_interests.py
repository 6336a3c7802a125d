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
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.figures import emit, figure  # noqa: E402
from recallwatch.core.interests import CLASSES, UNKNOWN, Interests, classify  # noqa: E402
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    args = parser.parse_args()
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
