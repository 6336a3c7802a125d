"""Scrapy settings for RecallWatch.

What differs per deployment comes from the environment (RECALLWATCH_*), so nothing secret or
machine-specific lives in the repo. Every setting can also be given with `-s NAME=value`.
"""

import os
from pathlib import Path

from scrapy.settings import default_settings

PROJECT_DIR = Path(__file__).resolve().parent


def env(name, default):
    return os.environ.get(f"RECALLWATCH_{name}", default)


BOT_NAME = "recallwatch"
SPIDER_MODULES = ["crawlers"]
SPIDER_LOADER_CLASS = "crawlers.loader.SpiderLoader"  # imports only the spider asked for
NEWSPIDER_MODULE = "crawlers"
COMMANDS_MODULE = "recallwatch.commands"

# Where the data goes
DATABASE = env("DATABASE", str(PROJECT_DIR / "data" / "recalls.db"))
WATCHLIST = env("WATCHLIST", str(PROJECT_DIR / "data" / "watchlist.yml"))
# Who the big givers are (recallwatch/core/interests.py); a donor who gave at least this much, counted,
# to one side of one campaign is a mega donor; a story naming a donor who gave at least
# DONOR_MENTION_THRESHOLD (counted, in all) is linked to the donor
INTERESTS = env("INTERESTS", str(PROJECT_DIR / "data" / "interests.yml"))
MEGA_DONOR_THRESHOLD = float(env("MEGA_DONOR_THRESHOLD", "100000"))
DONOR_MENTION_THRESHOLD = float(env("DONOR_MENTION_THRESHOLD", "10000"))
STORE_BATCH_SIZE = int(env("STORE_BATCH_SIZE", "500"))
# Rows are also written when the oldest waiting one has waited this long (0: only full batches)
STORE_FLUSH_SECONDS = float(env("STORE_FLUSH_SECONDS", "5"))
# How many committees deep the end of a run follows money passed on to a campaign (recallwatch/core/lookthrough.py)
LOOKTHROUGH_LEVELS = int(env("LOOKTHROUGH_LEVELS", "1"))
# Bulk exports: CAL-ACCESS and Illinois receipts and Pennsylvania contributions read column by column
# (0: row by row, the same rows and rejects);
# a long load logs its progress every BULK_PROGRESS_SECONDS (0: never) and keeps it in the run's stats
CALACCESS_COLUMNAR = env("CALACCESS_COLUMNAR", "1") not in ("0", "false", "False", "")
ILLINOIS_COLUMNAR = env("ILLINOIS_COLUMNAR", "1") not in ("0", "false", "False", "")
PENNSYLVANIA_COLUMNAR = env("PENNSYLVANIA_COLUMNAR", "1") not in ("0", "false", "False", "")
BULK_PROGRESS_SECONDS = float(env("BULK_PROGRESS_SECONDS", "10"))
# Rows of ColumnBatches written in one transaction (pipelines/store.py), by the bulk writer process
# (recallwatch/runtime/bulk_writer.py; 0: in the crawl process, as tuples)
STORE_BULK_ROWS = int(env("STORE_BULK_ROWS", "20000"))
BULK_WRITER = env("BULK_WRITER", "1") not in ("0", "false", "False", "")

# Limits on what a fetched document may be (a larger one is rejected with the reason): pages and
# API answers (the export spiders allow more), and what an export zip may expand to
DOWNLOAD_MAXSIZE = int(env("DOWNLOAD_MAXSIZE", str(64 * 1024 * 1024)))
DOWNLOAD_WARNSIZE = int(env("DOWNLOAD_WARNSIZE", str(16 * 1024 * 1024)))
EXPORT_MAX_UNCOMPRESSED_BYTES = int(env("EXPORT_MAX_UNCOMPRESSED_BYTES", str(32 * 1024**3)))
EXPORT_MAX_RATIO = float(env("EXPORT_MAX_RATIO", "200"))

# News pages are read (trafilatura, metadata, relevance) in this many worker processes beside the
# crawl (empty: one per core; 0: in the crawl's own process), with at most this many pages being
# read or waiting to be handed back at once (0: four per worker)
NEWS_EXTRACT_WORKERS = env("NEWS_EXTRACT_WORKERS", "")
NEWS_EXTRACT_MAX_IN_FLIGHT = int(env("NEWS_EXTRACT_MAX_IN_FLIGHT", "0"))
# Seconds a worker may spend on one page before it is killed and the page read again alone (0: no
# limit; pages read in the crawl's own process have none)
NEWS_EXTRACT_TIMEOUT = float(env("NEWS_EXTRACT_TIMEOUT", "120"))

# Incremental runs: documents stored completely before are not parsed again (0 = re-parse all)
INCREMENTAL = env("INCREMENTAL", "1") not in ("0", "false", "False", "")

# Provenance: raw documents archived as WARC
ARCHIVE_ENABLED = env("ARCHIVE_ENABLED", "1") not in ("0", "false", "False", "")
ARCHIVE_DIR = env("ARCHIVE_DIR", str(PROJECT_DIR / "data" / "archive"))

# The offline snapshot (recorded responses in the repo); `make demo` and the tests replay it
SNAPSHOT_DIR = env("SNAPSHOT_DIR", str(PROJECT_DIR / "snapshot"))
SNAPSHOT_REPLAY = env("SNAPSHOT_REPLAY", "0") not in ("0", "false", "False", "")
SNAPSHOT_RECORD = False

# Nothing is downloaded at run time: Scrapy's cookie middleware reads the public-suffix list with
# tldextract, which by default fetches the list from the network on first use; an empty URL list
# makes it use the snapshot bundled with the package. (Set before Scrapy imports the middleware.)
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
# DataSF (Socrata) app token: optional, raises the rate limit; sent as X-App-Token
SOCRATA_APP_TOKEN = env("SOCRATA_APP_TOKEN", "")

# Politeness
CONTACT_URL = env("CONTACT_URL", "https://github.com/recallwatch/recallwatch")
USER_AGENT = f"RecallWatch/0.1 (+{CONTACT_URL})"
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = float(env("DOWNLOAD_DELAY", "1.0"))
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = DOWNLOAD_DELAY
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# The longest wait a 429/503 answer's Retry-After gets before the retry (recallwatch/backoff.py)
RETRY_AFTER_MAX = float(env("RETRY_AFTER_MAX", "120"))

DOWNLOADER_MIDDLEWARES = {
    # Closest to the downloader: replay answers before anything else, and every raw response
    # (redirects and retried errors included) is recorded as a fetch.
    "recallwatch.runtime.snapshot.SnapshotMiddleware": 960,
    "recallwatch.runtime.provenance.FetchRecorderMiddleware": 950,
    "recallwatch.runtime.incremental.ConditionalRequestMiddleware": 940,
    "recallwatch.runtime.failures.MissingFileMiddleware": 560,
    # A file:// document gets the size limits an HTTP one gets (before it is read)
    "recallwatch.runtime.failures.LocalFileSizeMiddleware": 930,
    # Scrapy's own, replaced by ones that record a redirect loop or a body that does not decompress
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "recallwatch.runtime.failures.RedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "recallwatch.runtime.failures.HttpCompressionMiddleware": 590,
    # After the retry middleware (550) has built a retried request: wait what Retry-After asked for
    "recallwatch.runtime.backoff.RetryAfterMiddleware": 600,
    # Closest to the engine: only failures the retry middleware gave up on.
    "recallwatch.runtime.failures.DownloadFailureMiddleware": 10,
}
SPIDER_MIDDLEWARES = {
    "recallwatch.runtime.failures.DocumentFailureMiddleware": 55,
    "recallwatch.runtime.provenance.FetchIdMiddleware": 900,
    "recallwatch.runtime.incremental.UnchangedDocumentMiddleware": 800,
}
ITEM_PIPELINES = {
    "pipelines.coverage.FieldCoveragePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.validate.ValidatePipeline": 300,
    "pipelines.link.LinkPipeline": 400,
    "pipelines.donors.DonorPipeline": 500,
    "pipelines.store.StorePipeline": 900,
}
EXTENSIONS = {
    "recallwatch.runtime.run.Run": 0,
}
# The remote control and the telnet console are off (below), and not even imported: Scrapy imports
# every extension it lists, and the remote control's aiohttp server costs every crawl 0.2 s and 8 MB.
# To use one while debugging, add it to EXTENSIONS above and set its *_ENABLED setting.
EXTENSIONS_BASE = {
    path: order
    for path, order in default_settings.EXTENSIONS_BASE.items()
    if path not in ("scrapy.extensions.remote_control.RemoteControl", "scrapy.extensions.telnet.TelnetConsole")
}

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = env("LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"
REMOTE_CONTROL_ENABLED = False
