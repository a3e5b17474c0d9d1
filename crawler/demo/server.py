"""A small threaded HTTP server on 127.0.0.1 that serves a directory of pages.

Used by ``make demo`` and by the tests. ``{{BASE}}`` in feeds, sitemaps and robots.txt is replaced by
the server's own address, since absolute URLs there cannot be known in advance. Tests can add routes
with any status, headers and body, and read how often each path was requested. A route can also be
a function that writes the answer itself on the raw connection (``add_handler``): servers that stall
mid-body, cut a response short or wait for a test's signal.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

SITE_DIR = Path(__file__).parent / "site"
_TEMPLATED = {".xml", ".rss", ".txt", ".atom"}
_TYPES = {".html": "text/html; charset=utf-8", ".rss": "application/rss+xml", ".xml": "application/xml"}


def etag_of(body: bytes) -> str:
    """The ETag the site sends with a page, and answers If-None-Match against (304)."""
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class LocalSite:
    """``with LocalSite() as site: site.url`` serves SITE_DIR (or ``root``) until the block ends."""

    def __init__(self, root: Path = SITE_DIR, port: int = 0, host: str = "127.0.0.1") -> None:
        """``host``: a loopback address; 127.0.0.2, 127.0.0.3, ... give sites on other hosts (domains)."""
        self.root = root.resolve()
        self.routes: dict[str, Route] = {}
        self.handlers: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        # Set when the server stops: handlers that stall wait on it, so none outlives the server.
        self.stopping = threading.Event()
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-site", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add_route(self, path: str, status: int = 200, body: bytes = b"", **headers: str) -> str:
        """Serve ``body`` at ``path``; header names use underscores (content_type=...). Returns the URL."""
        self.routes[path] = Route(status, {k.replace("_", "-"): v for k, v in headers.items()}, body)
        return self.url + path

    def add_handler(self, path: str, handler: Callable[[BaseHTTPRequestHandler], None]) -> str:
        """Answer requests for ``path`` with ``handler(request)``, which writes the whole response
        (status line included) to ``request.wfile``. Returns the URL."""
        self.handlers[path] = handler
        return self.url + path

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.stop()

    def _resolve(self, path: str) -> Route:
        route = self.routes.get(path)
        if route is not None:
            return route
        file = (self.root / unquote(path).lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(self.root) or not file.is_file():
            return Route(
                404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>Not found</body></html>"
            )
        body = file.read_bytes()
        if file.suffix in _TEMPLATED:
            body = body.replace(b"{{BASE}}", self.url.encode("ascii"))
        content_type = (
            _TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        )
        return Route(200, {"Content-Type": content_type}, body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with site._lock:
                    site.hits[path] += 1
                handler = site.handlers.get(path)
                if handler is not None:
                    self.close_connection = True
                    handler(self)
                    return
                route = site._resolve(path)
                etag = etag_of(route.body)
                if route.status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                if route.status in (204, 304):  # no body, and no Content-Length either
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    return
                if route.status == 200 and "ETag" not in route.headers:
                    self.send_header("ETag", etag)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the crawler logs what it fetched

        return Handler
