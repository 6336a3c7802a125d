"""Exponential backoff between retries.

Scrapy's RetryMiddleware re-schedules a request that failed with a retryable status (500, 503,
429...) at once. Services that answer 500 intermittently under load (NetFile Connect2, Socrata)
recover better when the retry waits: this downloader middleware holds a retried request back for
RETRY_BACKOFF_BASE * 2^(attempt - 1) seconds, at most RETRY_BACKOFF_MAX, before it is downloaded.

Spiders that need it add it to their DOWNLOADER_MIDDLEWARES (see `enable_backoff`).
"""

import logging

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)

MIDDLEWARE_PATH = "recallwatch.backoff.RetryBackoffMiddleware"
# After the retry middleware (550) has built the retried request, before the snapshot and the
# fetch recorder (950, 960) see it.
MIDDLEWARE_PRIORITY = 600


def backoff_delay(attempt, base, maximum):
    """Seconds to wait before retry number `attempt` (1 = first retry)."""
    if attempt < 1:
        return 0.0
    return min(maximum, base * 2 ** (attempt - 1))


def enable_backoff(settings):
    """Add the middleware to a crawler's settings (call from a spider's update_settings)."""
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares[MIDDLEWARE_PATH] = MIDDLEWARE_PRIORITY
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")


class RetryBackoffMiddleware:
    def __init__(self, crawler):
        self.stats = crawler.stats
        self.base = crawler.settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.maximum = crawler.settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        attempt = request.meta.get("retry_times", 0)
        delay = backoff_delay(attempt, self.base, self.maximum)
        if delay > 0:
            logger.info("Backing off %.2fs before retry %d of %s", delay, attempt, request.url)
            self.stats.inc_value("backoff/delayed_requests")
            from twisted.internet import reactor  # imported late: the crawler installs it first

            await maybe_deferred_to_future(deferLater(reactor, delay))
        return None
