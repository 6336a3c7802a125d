"""Waiting before a retry.

Scrapy's RetryMiddleware re-schedules a request that failed with a retryable status (500, 503,
429...) at once, and ignores a `Retry-After` header. Two downloader middlewares hold a retried
request back before it is downloaded:
- RetryAfterMiddleware (every spider): the seconds a 429 or 503 answer asked for in `Retry-After`
  (seconds or an HTTP date), at most RETRY_AFTER_MAX; a server that asks for longer gets its
  retries sooner, and if it still refuses the document ends in `rejects` as `HTTP 429`.
- RetryBackoffMiddleware (spiders of services that answer 500 intermittently under load: NetFile
  Connect2, Socrata; see `enable_backoff`): RETRY_BACKOFF_BASE * 2^(attempt - 1) seconds, at most
  RETRY_BACKOFF_MAX, or what Retry-After asked for if that is longer.
"""

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)

MIDDLEWARE_PATH = "recallwatch.runtime.backoff.RetryBackoffMiddleware"
RETRY_AFTER_PATH = "recallwatch.runtime.backoff.RetryAfterMiddleware"
RETRY_AFTER = "retry_after"  # request.meta: seconds the last answer asked to wait
# After the retry middleware (550) has built the retried request, before the snapshot and the
# fetch recorder (950, 960) see it.
MIDDLEWARE_PRIORITY = 600


def backoff_delay(attempt, base, maximum):
    """Seconds to wait before retry number `attempt` (1 = first retry)."""
    if attempt < 1:
        return 0.0
    return min(maximum, base * 2 ** (attempt - 1))


def retry_after_seconds(value, now=None):
    """Seconds a `Retry-After` header value asks to wait (delay-seconds or an HTTP date), or None
    when it says nothing readable."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def enable_backoff(settings):
    """Put the backoff middleware in place of the Retry-After one in a crawler's settings (call
    from a spider's update_settings); it honours Retry-After too."""
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares[RETRY_AFTER_PATH] = None
    middlewares[MIDDLEWARE_PATH] = MIDDLEWARE_PRIORITY
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")


class RetryAfterMiddleware:
    def __init__(self, crawler):
        self.stats = crawler.stats
        self.retry_after_max = crawler.settings.getfloat("RETRY_AFTER_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def delay(self, request):
        """Seconds to hold `request` back before it is downloaded."""
        if not request.meta.get("retry_times"):
            return 0.0
        return request.meta.get(RETRY_AFTER) or 0.0

    async def process_request(self, request):
        delay = self.delay(request)
        if delay > 0:
            logger.info("Waiting %.2fs before retry %d of %s", delay, request.meta["retry_times"], request.url)
            self.stats.inc_value("backoff/delayed_requests")
            from twisted.internet import reactor  # imported late: the crawler installs it first

            await maybe_deferred_to_future(deferLater(reactor, delay))
        return None

    def process_response(self, request, response):
        # Runs before the retry middleware (lower priority number) copies the request for its
        # retry, so the retried request carries what this answer asked for.
        asked = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
        if response.status in (429, 503) and asked is not None:
            request.meta[RETRY_AFTER] = min(asked, self.retry_after_max)
        else:
            request.meta.pop(RETRY_AFTER, None)
        return response


class RetryBackoffMiddleware(RetryAfterMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.base = crawler.settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.maximum = crawler.settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def delay(self, request):
        backoff = backoff_delay(request.meta.get("retry_times", 0), self.base, self.maximum)
        return max(backoff, super().delay(request))
