"""Loopback sites that ask to be crawled slowly (a robots.txt Crawl-delay, 429 with Retry-After) and
record, at the server, when each request arrived: the politeness tests judge gaps by these times."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from crawler.demo.server import LocalSite
from tests.support.sites import article_html

HTML = "text/html; charset=utf-8"


@dataclass
class Arrivals:
    """(monotonic time, host, path) of every request the sites received, in arrival order."""

    seen: list[tuple[float, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, host: str, path: str) -> None:
        with self.lock:
            self.seen.append((time.monotonic(), host, path))

    def of(self, host: str) -> list[tuple[float, str]]:
        return [(moment, path) for moment, seen_host, path in self.seen if seen_host == host]


def _answer(request: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    request.send_response(status)
    for name, value in {"Content-Type": HTML, "Content-Length": str(len(body)), **headers}.items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


def paced_site(
    site: LocalSite,
    arrivals: Arrivals,
    pages: int,
    *,
    robots: str = "User-agent: *\nAllow: /\n",
    refuse: Callable[[str, int], dict[str, str] | None] = lambda path, seen: None,
) -> list[str]:
    """``pages`` articles on ``site``, and its robots.txt; every request noted in ``arrivals``.
    ``refuse(path, times seen)`` gives the headers of a 429 answer, or None to answer the page.
    Returns the pages' URLs."""
    host = site.url.split("//", 1)[1].split(":", 1)[0]
    counts: dict[str, int] = {}

    def robots_txt(request: BaseHTTPRequestHandler) -> None:
        arrivals.note(host, "/robots.txt")
        _answer(request, 200, robots.encode(), **{"Content-Type": "text/plain"})

    def page(number: int) -> Callable[[BaseHTTPRequestHandler], None]:
        path = f"/paced/{number:03d}.html"

        def answer(request: BaseHTTPRequestHandler) -> None:
            arrivals.note(host, path)
            counts[path] = counts.get(path, 0) + 1
            refused = refuse(path, counts[path])
            if refused is not None:
                _answer(request, 429, b"<html><body>Too many requests</body></html>", **refused)
            else:
                _answer(request, 200, article_html(700 + number).encode("utf-8"))

        return answer

    site.add_handler("/robots.txt", robots_txt)
    return [site.add_handler(f"/paced/{n:03d}.html", page(n)) for n in range(pages)]


def paced_sitemap(site: LocalSite, arrivals: Arrivals, urls: list[str]) -> str:
    """A sitemap of ``urls`` on ``site``, its requests noted in ``arrivals`` as the pages' are."""
    host = site.url.split("//", 1)[1].split(":", 1)[0]
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()

    def sitemap(request: BaseHTTPRequestHandler) -> None:
        arrivals.note(host, "/sitemap.xml")
        _answer(request, 200, body, **{"Content-Type": "application/xml"})

    return site.add_handler("/sitemap.xml", sitemap)
