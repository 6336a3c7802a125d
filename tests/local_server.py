"""A throwaway HTTP server on 127.0.0.1 for crawls that must talk to a live service (paging,
retries, slow pages): `respond(path_and_query, headers)` returns (status, body), in its own thread
(a slow answer holds no other); every request is logged."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def local_server(respond, content_type="application/json"):
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/robots.txt":
                status, body = 404, b""
            else:
                requests.append({"path": self.path, "headers": dict(self.headers)})
                status, body = respond(self.path, self.headers)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True  # closing does not wait for an answer still being held
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
