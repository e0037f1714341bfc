"""A real HTTP server on loopback that answers every request with a web page (HTTP 200, HTML):
what a wrong base URL usually lands on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = b"<html><body>Welcome</body></html>"


class _Page(BaseHTTPRequestHandler):
    def _page(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    do_GET = _page
    do_POST = _page

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def html_page_server() -> Iterator[str]:
    """Yield the base URL (``http://127.0.0.1:PORT``) of a server that serves only a web page."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
