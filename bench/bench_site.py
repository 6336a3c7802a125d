"""The site under load: p50/p95 latency of every canned query on a database of 5,000,000 contributions.

Builds the snapshot database (every spider, as `make crawl-snapshot`), then adds generated records
with SQLite itself (recursive CTEs, the project's schema and indexes from recallwatch/core/schema.py):
--committees committees in the source systems (30 of them linked to the watched campaigns, the rest
not, as in a county's or the state's full export), 10 filings each (Form 460 with a summary line 5),
--donors donors (each with an interest) and --contributions contributions spread evenly over committees,
filings, donors and four years of dates, --transfers contributions from committees of no campaign to the
watched ones (looked through into original_givers, timed) and --ies independent expenditures on the
watched campaigns. Then serves it with `make serve` (the published settings and plugins) on
127.0.0.1 and runs --clients client threads, each with its own keep-alive connection, issuing every
canned query with its example parameters (tests/site.py EXAMPLES) as `.json?_shape=array`.
Prints p50/p95/max per query and, as the baseline measured in the same run, `/-/versions.json` and
`select 1`, with each query's p95 over the baseline's. Target: p95 under 300 ms at 8 clients.

    .venv/bin/python bench/bench_site.py [--contributions 5000000] [--clients 8] [--requests 80]
                                         [--keep DIR]   # keep (and reuse) the generated database
"""

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import emit, figure  # noqa: E402
from recallwatch.core.lookthrough import compute_lookthrough  # noqa: E402
from recallwatch.core.schema import INDEXES, open_database  # noqa: E402
from tests.site import EXAMPLES, build_snapshot_db, serve  # noqa: E402

WATCHED = ["boudin-recall-2021-second", "gascon-recall-2022", "gascon-recall-2021"]
WATCHED_PER_CAMPAIGN = 10
FILINGS_PER_COMMITTEE = 10
# Harder parameters than the examples: many generated rows match, up to the query's limit.
HARDER = {
    "new_contributions (since 2021-01-01, $1,000+)": (
        "new_contributions",
        {"since": "2021-01-01", "min_amount": "1000"},
    ),
    "top_donors (gascon-recall-2022)": ("top_donors", {"campaign": "gascon-recall-2022"}),
    "money_by_interest (gascon-recall-2022)": ("money_by_interest", {"campaign": "gascon-recall-2022"}),
    "original_givers (gascon-recall-2022)": ("original_givers", {"campaign": "gascon-recall-2022"}),
    "outside_spending (boudin-recall-2021-second)": ("outside_spending", {"campaign": "boudin-recall-2021-second"}),
    "new_outside_spending (since 2021-01-01, $1,000+)": (
        "new_outside_spending",
        {"since": "2021-01-01", "min_amount": "1000"},
    ),
}

GENERATE = [
    # committees: the first 30 belong to the watched campaigns (10 each, both sides), the others to none
    """
    with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < :committees)
    insert into committees (id, name, source, source_id, campaign_id, position)
    select printf('gc%06d', i), printf('Generated committee %d (sample data)', i), 'netfile_export', i,
           case when i < :watched_committees then json_extract(:watched, printf('$[%d]', i / :per_campaign)) end,
           case when i < :watched_committees then case i % 2 when 0 then 'support' else 'oppose' end end
    from n
    """,
    """
    with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < :committees * :filings_per)
    insert into filings (id, committee_id, source, report_id, form_type, period_start, period_end, filed,
                         amendment, current, source_url)
    select printf('gf%06d-%02d', i / :filings_per, i % :filings_per), printf('gc%06d', i / :filings_per),
           'netfile_export', printf('gr%06d-%02d', i / :filings_per, i % :filings_per), 'F460',
           date('2019-01-01', printf('+%d months', (i % :filings_per) * 4)),
           date('2019-01-01', printf('+%d months', (i % :filings_per) * 4 + 4), '-1 day'),
           date('2019-01-01', printf('+%d months', (i % :filings_per) * 4 + 4), '+30 days'),
           0, 1, 'https://example.org/generated/' || i
    from n
    """,
    """
    insert into filing_summaries (filing_id, form_type, line, amount_period, amount_ytd)
    select id, 'F460', '5', 1000 + (rowid % 97) * 100, 1000 + (rowid % 97) * 100
    from filings where id like 'gf%'
    """,
    """
    with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < :donors)
    insert into donors (id, name, kind, match_key, interest, mega_donor)
    select printf('gd%07d', i), printf('Sample Donor %d', i), case when i % 5 = 0 then 'organisation' else 'person' end,
           printf('sample donor %d', i), json_extract(:interests, printf('$[%d]', i % 6)),
           case when i % 10000 = 0 then 1 else 0 end
    from n
    """,
    """
    with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < :contributions)
    insert into contributions (id, filing_id, committee_id, source, schedule, donor_id, contributor_name,
                               entity_code, city, state, zip, amount, date, memo, current, counted)
    select printf('gx%08d', i),
           printf('gf%06d-%02d', i % :committees, (i / :committees) % :filings_per),
           printf('gc%06d', i % :committees), 'netfile_export', 'A',
           printf('gd%07d', (i * 7919) % :donors), printf('SAMPLE DONOR %d', (i * 7919) % :donors),
           'IND', 'Sampletown', 'CA', '90000', 10 + (i * 37) % 5000,
           date('2019-01-01', printf('+%d months', ((i / :committees) % :filings_per) * 4),
                printf('+%d days', i % 120)),
           0, case when i % 20 = 0 then 0 else 1 end, 1
    from n
    """,
    # committees of no campaign passing money on to the watched committees (looked through)
    """
    with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < :transfers)
    insert into contributions (id, filing_id, committee_id, source, schedule, contributor_name, entity_code, amount,
                               date, memo, current, counted)
    select printf('gt%06d', i), printf('gf%06d-%02d', i % :watched_committees, :filings_per - 1),
           printf('gc%06d', i % :watched_committees), 'netfile_export', 'A',
           printf('Generated committee %d (sample data)', :watched_committees + 100 + i), 'COM',
           5000 + (i * 13) % 20000, '2022-06-01', 0, 1, 1
    from n
    """,
    # independent expenditures on the watched campaigns by committees of none, both sides
    """
    with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < :ies)
    insert into independent_expenditures (id, filing_id, committee_id, source, campaign_id, position, side,
                                          target_name, amount, date, current, memo)
    select printf('gie%07d', i), printf('gf%06d-00', :watched_committees + 100 + i % 200),
           printf('gc%06d', :watched_committees + 100 + i % 200), 'netfile_export',
           json_extract(:watched, printf('$[%d]', i % 3)), case i % 2 when 0 then 'support' else 'oppose' end,
           case i % 2 when 0 then 'against' else 'for' end, 'Generated target', 100 + (i * 37) % 20000,
           date('2021-01-01', printf('+%d days', i % 700)), 1, 0
    from n
    """,
]
INTERESTS = ["real estate", "law enforcement", "labor", "technology", "individual", "finance"]


def generate(db_path, contributions, committees, donors, transfers, ies):
    db = open_database(db_path)
    for table in {table for table, _ in INDEXES if table in ("contributions", "filings")}:
        for index in db[table].indexes:
            if not index.name.startswith("sqlite_autoindex"):
                db.execute(f"drop index {index.name}")
    params = {
        "committees": committees,
        "watched_committees": len(WATCHED) * WATCHED_PER_CAMPAIGN,
        "per_campaign": WATCHED_PER_CAMPAIGN,
        "watched": "[" + ",".join(f'"{c}"' for c in WATCHED) + "]",
        "filings_per": FILINGS_PER_COMMITTEE,
        "donors": donors,
        "contributions": contributions,
        "interests": json.dumps(INTERESTS),
        "transfers": transfers,
        "ies": ies,
    }
    for sql in GENERATE:
        started = time.monotonic()
        with db.conn:
            db.execute(sql, {k: v for k, v in params.items() if f":{k}" in sql})
        print(f"  {sql.split('insert into ')[1].split()[0]}: {time.monotonic() - started:.1f} s", flush=True)
    started = time.monotonic()
    db = open_database(db_path)  # the indexes again, as the schema declares them
    print(f"  indexes: {time.monotonic() - started:.1f} s", flush=True)
    started = time.monotonic()
    done = compute_lookthrough(db)  # as the end of a filings run does
    print(f"  look-through (original_givers): {time.monotonic() - started:.1f} s, {done}", flush=True)


def build(folder, args):
    db_path = folder / "recalls.db"
    if db_path.exists():
        print(f"reusing {db_path}")
        open_database(db_path)  # the current schema's views and indexes
        return db_path
    started = time.monotonic()
    build_snapshot_db(folder)
    generate(db_path, args.contributions, args.committees, args.donors, args.transfers, args.ies)
    print(f"built {db_path} in {time.monotonic() - started:.0f} s", flush=True)
    return db_path


def paths():
    cases = {name: (name, params) for name, params in EXAMPLES.items()} | HARDER
    queries = {
        label: f"/recalls/{name}.json?" + urllib.parse.urlencode({**params, "_shape": "array"})
        for label, (name, params) in cases.items()
    }
    baseline = {"(baseline) /-/versions.json": "/-/versions.json", "(baseline) select 1": "/recalls.json?sql=select+1"}
    return {**baseline, **queries}


def client(base, work, latencies, errors):
    parsed = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    while True:
        try:
            name, path = work.pop()
        except IndexError:
            break
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        latencies[name].append(time.perf_counter() - started)
        if response.status != 200:
            errors.append((name, response.status))
    connection.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(base, clients, requests):
    named = paths()
    for path in named.values():  # warm up: first run of each query (page cache, statement cache)
        client(base, [("warm", path)], {"warm": []}, [])
    work = [(name, path) for _ in range(requests) for name, path in named.items()]
    work.reverse()
    latencies = {name: [] for name in named}
    errors = []
    threads = [threading.Thread(target=client, args=(base, work, latencies, errors)) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.monotonic() - started


def report(latencies, elapsed, clients):
    baseline = percentile(latencies["(baseline) select 1"], 0.95)
    total = sum(len(values) for values in latencies.values())
    print(f"\n{total} requests, {clients} concurrent clients, {elapsed:.1f} s ({total / elapsed:.0f} req/s)\n")
    print(f"| {'request':34} | p50 ms | p95 ms | max ms | p95 / baseline p95 |")
    print(f"|{'-' * 36}|-------:|-------:|-------:|-------------------:|")
    for name, values in latencies.items():
        p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
        print(f"| {name:34} | {p50:6.1f} | {p95:6.1f} | {max(values) * 1000:6.1f} | {p95 / baseline / 1000:18.1f} |")
    examples = [name for name in latencies if name in EXAMPLES]
    worst = max(examples, key=lambda name: percentile(latencies[name], 0.95))
    p95 = percentile(latencies[worst], 0.95) * 1000
    print(f"\nslowest canned query with its example parameters: {worst}, p95 {p95:.0f} ms (target < 300 ms)")
    figures = []
    for name in examples:
        p95_ms = percentile(latencies[name], 0.95) * 1000
        ratio = p95_ms / (baseline * 1000)
        label = f"site p95 at {clients} clients, {name}"
        figures.append(figure(label, p95_ms, baseline * 1000, ratio, "p95 < 300 ms", p95_ms < 300, unit="ms"))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=5_000_000)
    parser.add_argument("--committees", type=int, default=5_000)
    parser.add_argument("--donors", type=int, default=1_000_000)
    parser.add_argument("--transfers", type=int, default=300, help="committee-to-committee contributions")
    parser.add_argument("--ies", type=int, default=20_000, help="independent expenditures")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=80, help="requests per query")
    parser.add_argument("--keep", help="folder for the generated database (reused when it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db_path = build(folder, args)
        with serve(db_path) as base:
            latencies, errors, elapsed = measure(base, args.clients, args.requests)
        figures = report(latencies, elapsed, args.clients)
        if errors:
            print(f"errors: {errors[:10]}")
            sys.exit(1)
        emit(figures)


if __name__ == "__main__":
    main()
