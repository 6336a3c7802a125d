"""How many threads SQLite may sort with (`PRAGMA threads`): an index built after a bulk load sorts
its parts on every core. Its own module so that the bulk writer process reads it without loading the
schema (and with it Scrapy's items)."""

import os

SORT_THREADS = min(os.cpu_count() or 1, 8)  # SQLite's own limit is 8 (SQLITE_MAX_WORKER_THREADS)
