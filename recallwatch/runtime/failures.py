"""Documents that could not be used end in `rejects` with the reason, and the run goes on.

- `DocumentFailureMiddleware` (spider middleware): an HTTP error status, or an exception raised
  while parsing a page, becomes a reject for that URL and an ERROR in the log.
- `DownloadFailureMiddleware` (downloader middleware, next to the engine so it sees only what
  the retry middleware gave up on): timeouts, refused connections, DNS failures, a response
  larger than DOWNLOAD_MAXSIZE.
- `RedirectMiddleware` and `HttpCompressionMiddleware` replace Scrapy's own: a redirect loop
  (more than REDIRECT_MAX_TIMES hops) and a body that does not decompress are raised while a
  response is processed, where no `process_exception` sees them, and would be dropped silently.
"""

import logging
import os

from scrapy.downloadermiddlewares import httpcompression, redirect
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.url import file_uri_to_path

from recallwatch.runtime.run import Run

logger = logging.getLogger(__name__)


SILENT_ERRORS = {"ResponseDataLossError": "the response was cut short (fewer bytes than its Content-Length)"}


def wrapped_errors(exception):
    """The errors inside Twisted's ResponseFailed (Scrapy raises it as DownloadFailedError), or []."""
    for candidate in (exception, exception.__cause__):
        reasons = getattr(candidate, "reasons", None)
        if reasons:
            return [getattr(reason, "value", reason) for reason in reasons]
    return []


def describe_exception(exception):
    """A reason a person can read: 'ConnectionLost: Connection to the other side was lost…' rather
    than the repr of a list of Twisted failures."""
    name = type(exception).__name__
    if name in SILENT_ERRORS:
        return f"{name}: {SILENT_ERRORS[name]}"
    if inner := wrapped_errors(exception):
        return "; ".join(describe_exception(error) for error in inner)
    message = str(exception).strip() or repr(exception)
    if "download max size" in message or "download maxsize" in message:
        return f"response larger than the size limit (DOWNLOAD_MAXSIZE): {message}"
    return f"{name}: {message}"


class DocumentFailureMiddleware:
    def __init__(self, crawler):
        self.run = Run.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_exception(self, response, exception):
        fetch_id = response.meta.get("fetch_id")
        if isinstance(exception, HttpError):
            reason = f"HTTP {response.status}"
            if "snapshot-miss" in response.flags:
                reason += " (no recording in the snapshot for this URL)"
        else:
            reason = f"could not parse: {describe_exception(exception)}"
        logger.error("%s: %s", response.url, reason, exc_info=not isinstance(exception, HttpError))
        self.run.reject(reason, url=response.url, fetch_id=fetch_id)
        return []


class DownloadFailureMiddleware:
    def __init__(self, crawler):
        self.run = Run.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_exception(self, request, exception):
        if isinstance(exception, IgnoreRequest):
            return None  # a deliberate skip (robots.txt, offsite, not modified), counted in the stats
        self.run.reject(f"download failed: {describe_exception(exception)}", url=request.url)
        return None


class MissingFileMiddleware:
    """Downloader middleware placed before the retry middleware: a missing local file will not
    appear by asking again, so it is not retried."""

    def process_exception(self, request, exception):
        if request.url.startswith("file:") and isinstance(exception, FileNotFoundError | IsADirectoryError):
            request.meta["dont_retry"] = True
        return None


class LocalFileSizeMiddleware:
    """Downloader middleware: a file:// document is held to the same DOWNLOAD_MAXSIZE and
    DOWNLOAD_WARNSIZE as one over HTTP (Scrapy's file handler reads any file whole), so a
    back-filled 157 MB file is rejected with the same reason instead of being read into memory."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.run = Run.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def limit(self, request, name):
        spider_limit = getattr(self.crawler.spider, name.lower(), None)
        return request.meta.get(
            name.lower(), spider_limit if spider_limit is not None else self.crawler.settings.getint(name)
        )

    def process_request(self, request):
        if not request.url.startswith("file:"):
            return None
        try:
            size = os.path.getsize(file_uri_to_path(request.url))
        except OSError:
            return None  # the file handler reports it (MissingFileMiddleware)
        maxsize, warnsize = self.limit(request, "DOWNLOAD_MAXSIZE"), self.limit(request, "DOWNLOAD_WARNSIZE")
        if maxsize and size > maxsize:
            message = f"the file is {size} bytes, larger than download max size ({maxsize})"
            self.run.reject(
                f"download failed: response larger than the size limit (DOWNLOAD_MAXSIZE): {message}", url=request.url
            )
            raise IgnoreRequest(message)
        if warnsize and size > warnsize:
            logger.warning("%s: the file is %s bytes, larger than download warn size (%s)", request.url, size, warnsize)
        return None


class RecordsResponseFailures:
    """Mixin for a downloader middleware whose process_response may raise: the failure becomes a
    reject of the request's URL, and the request is dropped."""

    failure_reason = "download failed"

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.run = Run.of(crawler)
        return middleware

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except Exception as exception:  # noqa: BLE001 - recorded, then the request is dropped
            reason = f"{self.failure_reason}: {describe_exception(exception)}"
            url = self.failed_url(request)
            logger.error("%s: %s", url, reason)
            self.run.reject(reason, url=url)
            raise IgnoreRequest(reason) from exception

    @staticmethod
    def failed_url(request):
        return request.url


class RedirectMiddleware(RecordsResponseFailures, redirect.RedirectMiddleware):
    failure_reason = "redirect failed"

    @staticmethod
    def failed_url(request):
        """The URL the spider asked for, not the last hop of the loop."""
        return (request.meta.get("redirect_urls") or [request.url])[0]


class HttpCompressionMiddleware(RecordsResponseFailures, httpcompression.HttpCompressionMiddleware):
    failure_reason = "could not decompress the response"
