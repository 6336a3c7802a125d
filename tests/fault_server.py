"""A misbehaving copy of the sources, on 127.0.0.1, for the fault-injection tests.

`FaultServer` answers every recorded document of the snapshot (snapshot/<spider>/recordings.yml)
over real HTTP, and can answer a chosen document with a fault instead (`FAULTS`). A crawl reaches
it through `MirrorDownloadHandler`, a download handler given to the crawl with
`-s DOWNLOAD_HANDLERS=...`: every http(s) request is sent to the server (the original scheme and
host in the `X-Mirror-Origin` header), and the response comes back under the original URL, so the
spiders, their links and their ids are exactly those of a crawl of the real sites; only the
transport misbehaves.

    with FaultServer() as server:
        server.plan = {"https://www.lavote.gov/.../raw-count": "http_500"}
        crawl(spider, tmp_path, replay=False, settings=server.crawl_settings())
"""

import gzip
import json
import re
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from recallwatch.runtime.snapshot import Snapshot, recording_key

REPO = Path(__file__).resolve().parent.parent
ORIGIN_HEADER = "X-Mirror-Origin"
SLOW_SECONDS = 6  # longer than the DOWNLOAD_TIMEOUT the fault tests use
MAINTENANCE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Site under maintenance</title></head>"
    b"<body><h1>Site under maintenance</h1><p>We will be back shortly.</p></body></html>"
)

# fault name -> what the crawler should make of it: "recovers" (the document's rows stored as from a
# clean answer), "stored" (stored, the bad bytes replaced), "rejected" (a reject, none of its rows)
FAULTS = {
    "http_503_then_ok": "recovers",
    "http_500_then_ok": "recovers",
    "http_429_then_ok": "recovers",
    "http_500": "rejected",
    "slow": "rejected",
    "reset": "rejected",
    "truncated": "rejected",
    "wrong_content_type": "recovers",
    "missing_content_type": "recovers",
    "bad_gzip": "rejected",
    "html_instead": "rejected",
    "invalid_utf8": "stored",
    "empty": "rejected",
    "redirect_loop": "rejected",
}


class MirrorDownloadHandler(HTTP11DownloadHandler):
    """Sends every request to the server at the MIRROR_URL setting (see the module docstring)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.mirror = crawler.settings.get("MIRROR_URL")

    async def download_request(self, request):
        parts = urlsplit(request.url)
        local = request.replace(
            url=f"{self.mirror}{parts.path or '/'}{'?' + parts.query if parts.query else ''}",
            headers={**request.headers.to_unicode_dict(), ORIGIN_HEADER: f"{parts.scheme}://{parts.netloc}"},
        )
        response = await super().download_request(local)
        return response.replace(url=request.url, request=request)


def recorded_body(entry):
    return Path(entry["path"]).read_bytes()


def strip_loop(path):
    """(path without the redirect loop's counter, the counter)."""
    match = re.search(r"[?&]loop=(\d+)$", path)
    return (path[: match.start()], int(match.group(1))) if match else (path, 0)


def corrupt_utf8(body):
    """Invalid UTF-8 bytes inside the document's text (after the first '>' or '{')."""
    for marker in (b"<body>", b"<p>", b">"):
        at = body.find(marker)
        if at >= 0:
            at += len(marker)
            return body[:at] + b"\xff\xfe\xc3(" + body[at:]
    return body


class FaultServer:
    def __init__(self, snapshot_dir=REPO / "snapshot"):
        self.snapshot = Snapshot(str(snapshot_dir))
        self._plan = {}  # canonical URL -> fault name
        self.hits = {}  # canonical URL -> requests answered
        self.times = {}  # canonical URL -> when each request came (time.monotonic())
        self.lock = threading.Lock()
        self.server = None

    @property
    def plan(self):
        return self._plan

    @plan.setter
    def plan(self, faults):
        """{URL: fault name}: the document at URL answers with that fault."""
        self._plan = {recording_key(url): fault for url, fault in faults.items()}

    def hits_of(self, url):
        return self.hits.get(recording_key(url), 0)

    def times_of(self, url):
        return self.times.get(recording_key(url), [])

    # --- lifecycle ---

    def __enter__(self):
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                server_self.answer(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def crawl_settings(self, **overrides):
        """Settings for a crawl through this server: short timeouts, few and quick retries."""
        handler = "tests.fault_server.MirrorDownloadHandler"
        return {
            "MIRROR_URL": self.url,
            "DOWNLOAD_HANDLERS": json.dumps({"http": handler, "https": handler}),
            "SNAPSHOT_REPLAY": "0",
            "DOWNLOAD_TIMEOUT": "4",
            "RETRY_TIMES": "2",
            "RETRY_BACKOFF_BASE": "0.05",
            "RETRY_BACKOFF_MAX": "0.2",
            "REDIRECT_MAX_TIMES": "5",
            "INCREMENTAL": "0",
            **overrides,
        }

    # --- answering ---

    def answer(self, handler):
        origin = handler.headers.get(ORIGIN_HEADER, "")
        key = recording_key(origin + strip_loop(handler.path)[0])
        with self.lock:
            attempt = self.hits[key] = self.hits.get(key, 0) + 1
            self.times.setdefault(key, []).append(time.monotonic())
        entry = self.snapshot.lookup(key)
        if entry is None:
            return self.send(handler, 404, b"not found", {"Content-Type": "text/plain"})
        headers = dict(entry.get("headers") or {})
        body = recorded_body(entry)
        status = entry.get("status", 200)
        fault = self.plan.get(key)
        if fault is None:
            return self.send(handler, status, body, headers)
        return getattr(self, f"fault_{fault}")(handler, attempt, status, body, headers)

    def send(self, handler, status, body, headers, content_length=None):
        handler.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "transfer-encoding"):
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()

    def error_then_ok(self, handler, attempt, status, body, headers, error, extra=None):
        if attempt <= 2:
            return self.send(handler, error, b"error", {"Content-Type": "text/plain", **(extra or {})})
        return self.send(handler, status, body, headers)

    # --- the faults (one method per name in FAULTS) ---

    def fault_http_503_then_ok(self, handler, attempt, status, body, headers):
        self.error_then_ok(handler, attempt, status, body, headers, 503)

    def fault_http_500_then_ok(self, handler, attempt, status, body, headers):
        self.error_then_ok(handler, attempt, status, body, headers, 500)

    def fault_http_429_then_ok(self, handler, attempt, status, body, headers):
        self.error_then_ok(handler, attempt, status, body, headers, 429, {"Retry-After": "1"})

    def fault_http_500(self, handler, attempt, status, body, headers):
        self.send(handler, 500, b"Internal Server Error", {"Content-Type": "text/plain"})

    def fault_slow(self, handler, attempt, status, body, headers):
        time.sleep(SLOW_SECONDS)
        try:
            self.send(handler, status, body, headers)
        except OSError:
            pass  # the crawler gave up first

    def fault_reset(self, handler, attempt, status, body, headers):
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
        handler.close_connection = True

    def fault_truncated(self, handler, attempt, status, body, headers):
        self.send(handler, status, body[: len(body) // 2], headers, content_length=len(body))
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    def fault_wrong_content_type(self, handler, attempt, status, body, headers):
        self.send(handler, status, body, {**headers, "Content-Type": "application/octet-stream"})

    def fault_missing_content_type(self, handler, attempt, status, body, headers):
        self.send(handler, status, body, {k: v for k, v in headers.items() if k.lower() != "content-type"})

    def fault_bad_gzip(self, handler, attempt, status, body, headers):
        broken = gzip.compress(body)[:20] + b"\x00garbage, not deflate data" * 4
        self.send(handler, status, broken, {**headers, "Content-Encoding": "gzip"})

    def fault_html_instead(self, handler, attempt, status, body, headers):
        self.send(handler, 200, MAINTENANCE_PAGE, {"Content-Type": "text/html; charset=utf-8"})

    def fault_invalid_utf8(self, handler, attempt, status, body, headers):
        textual = re.search(r"text|json|xml", headers.get("Content-Type", ""))
        self.send(handler, status, corrupt_utf8(body) if textual else body, headers)  # a zip has no UTF-8

    def fault_empty(self, handler, attempt, status, body, headers):
        self.send(handler, 200, b"", headers)

    def fault_redirect_loop(self, handler, attempt, status, body, headers):
        path, hops = strip_loop(handler.path)
        separator = "&" if "?" in path else "?"
        self.send(handler, 302, b"", {"Location": f"{path}{separator}loop={hops + 1}"})
