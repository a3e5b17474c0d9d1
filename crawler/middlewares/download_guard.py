"""Name the pages Scrapy drops on its own, so every page not archived has a reason in the stats.

Scrapy cancels a download larger than DOWNLOAD_MAXSIZE, ignores a compressed body that inflates
beyond it, and gives up on redirect loops, each without a reason the crawl can count (the spider
sees a bare IgnoreRequest or a cancellation). This downloader middleware sits next to the
downloader, sees those responses and errors first, and counts them as skip reasons:

- ``too_large``: over DOWNLOAD_MAXSIZE, by its Content-Length or as it arrives, or after decompression
  (a gzip bomb), checked with a bounded inflate before Scrapy's HttpCompressionMiddleware inflates it;
- ``redirect_loop``: a redirect back to a URL of the same chain, or more than REDIRECT_MAX_TIMES;
- ``bad_redirect``: a redirect to a scheme other than http and https (ftp:, file:, data:, javascript:);
- ``url_too_long``: a redirect to a URL longer than URLLENGTH_LIMIT, which Scrapy would follow, since
  only its spider middleware looks at a URL's length.

Scrapy's UrlLengthMiddleware (a spider middleware) drops requests for URLs longer than
URLLENGTH_LIMIT, start URLs and URLs found in feeds and sitemaps alike, under a counter of its own
that the summary and the manifest never show. UrlLengthGuardMiddleware takes its place and counts
them as ``url_too_long``.

Settings: DOWNLOAD_MAXSIZE, REDIRECT_MAX_TIMES, URLLENGTH_LIMIT.
"""

from __future__ import annotations

import logging
import zlib
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.urllength import UrlLengthMiddleware

from crawler import config
from crawler import stats as names
from crawler.stats import Stats

logger = logging.getLogger(__name__)

_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
_LOGGED_URL_CHARS = 200  # of a URL too long to request: enough to find where it came from


def inflated_size_exceeds(body: bytes, encodings: list[str], limit: int) -> bool:
    """Whether inflating ``body`` (gzip/deflate, possibly several layers) gives more than ``limit``
    bytes; stops reading as soon as it does, so a bomb costs ``limit`` bytes of memory at most."""
    data = body
    for encoding in reversed(encodings):
        if encoding not in ("gzip", "x-gzip", "deflate"):
            return False  # br, zstd: left to Scrapy
        # 47: a gzip or zlib header, detected; deflate without header is tried after.
        for wbits in (47, -15):
            inflater = zlib.decompressobj(wbits)
            try:
                out = inflater.decompress(data, limit + 1)
                parts = [out]
                size = len(out)
                while inflater.unconsumed_tail and size <= limit:
                    out = inflater.decompress(inflater.unconsumed_tail, min(_CHUNK, limit + 1 - size))
                    parts.append(out)
                    size += len(out)
            except zlib.error:
                continue
            if size > limit:
                return True
            data = b"".join(parts)
            break
        else:
            return False  # not valid compressed data: Scrapy decides
    return False


class DownloadGuardMiddleware:
    def __init__(self, stats: Stats, max_size: int, max_redirects: int, max_url_length: int = 0) -> None:
        self.stats = stats
        self.max_size = max_size
        self.max_redirects = max_redirects
        self.max_url_length = max_url_length  # 0: no limit, as for Scrapy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadGuardMiddleware:
        settings = crawler.settings
        return cls(
            crawler.stats,
            config.integer(settings, "DOWNLOAD_MAXSIZE", minimum=0),
            config.integer(settings, "REDIRECT_MAX_TIMES", minimum=0),
            config.integer(settings, "URLLENGTH_LIMIT", minimum=0),
        )

    def _skip(self, request: Request, reason: str, detail: str) -> IgnoreRequest:
        return names.refuse_request(self.stats, logger, request, reason, detail)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in _REDIRECTS and "Location" in response.headers:
            self._check_redirect(request, response)
            return response
        encodings = [
            value.decode("latin-1").strip().lower()
            for header in response.headers.getlist("Content-Encoding")
            for value in header.split(b",")
            if value.strip()
        ]
        limit = request.meta.get("download_maxsize", self.max_size)
        if (
            encodings
            and limit
            and request.method != "HEAD"
            and inflated_size_exceeds(response.body, encodings, limit)
        ):
            raise self._skip(request, "too_large", f"{len(response.body)} bytes inflate to more than {limit}")
        return response

    def _check_redirect(self, request: Request, response: Response) -> None:
        location = (response.headers.get("Location") or b"").decode("latin-1").strip()
        target = urljoin(request.url, location)
        scheme = urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            raise self._skip(request, "bad_redirect", f"to {scheme or 'no'} scheme")
        if 0 < self.max_url_length < len(target):
            detail = f"redirect to {len(target)} characters, over URLLENGTH_LIMIT {self.max_url_length}"
            raise self._skip(request, "url_too_long", detail)
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target.split("#")[0] in (url.split("#")[0] for url in chain):
            raise self._skip(request, "redirect_loop", f"back to {target}")
        if len(chain) > self.max_redirects:
            raise self._skip(request, "redirect_loop", f"more than {self.max_redirects} redirects")

    def process_exception(self, request: Request, exception: Exception) -> None:
        # Scrapy cancels a download over DOWNLOAD_MAXSIZE: with a message when Content-Length told
        # it in advance, with none when the body grew past it (a size limit is its only reason to).
        limit = request.meta.get("download_maxsize", self.max_size)
        message = str(exception)
        if isinstance(exception, DownloadCancelledError) and limit and (not message or "max size" in message):
            raise self._skip(request, "too_large", f"over DOWNLOAD_MAXSIZE ({limit} bytes)")


class UrlLengthGuardMiddleware(UrlLengthMiddleware):
    """Scrapy's UrlLengthMiddleware, with a URL over URLLENGTH_LIMIT counted as the skip reason
    ``url_too_long`` and logged once, its start only."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if len(request.url) <= self.maxlength:
            return request
        detail = f"{len(request.url)} characters, over URLLENGTH_LIMIT {self.maxlength}"
        names.count_skip(
            self.crawler.stats, logger, request.url[:_LOGGED_URL_CHARS] + "...", "url_too_long", detail
        )
        return None
