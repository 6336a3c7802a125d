"""The figures a benchmark reports, in the one machine-readable line that bench/run_all.py reads:

    {"figures": [{"figure": ..., "value": ..., "baseline": ..., "ratio": ..., "target": ..., "met": ...}]}

`ratio` is what the target is about (value / baseline unless the figure says otherwise)."""

import json


def figure(name, value, baseline, ratio, target, met, unit=""):
    return {
        "figure": name,
        "value": round(value, 3),
        "baseline": round(baseline, 3) if baseline is not None else None,
        "ratio": round(ratio, 3) if ratio is not None else None,
        "target": target,
        "met": None if target is None else bool(met),  # a figure without a target is for information
        "unit": unit,
    }


def emit(figures):
    print(json.dumps({"figures": figures}), flush=True)
