"""The HTTP exchange as it happened, for the raw page's WARC records (crawler.warc).

Scrapy's HttpCompressionMiddleware decodes a compressed body and drops its ``Content-Encoding``; a
WARC response record must say what was received. ReceivedHeadersMiddleware sits next to the
downloader (DOWNLOADER_MIDDLEWARES 990), so it sees each response first, and keeps its headers as
received in the request's meta, where ``exchange_of`` finds them.

Settings: ARCHIVE_WARC (off: the middleware is not enabled).
"""

from __future__ import annotations

from datetime import datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response

from crawler import config
from crawler.warc import Exchange

RECEIVED = "archive_received_headers"  # request meta: the response's headers as received


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def exchange_of(response: Response, fetched_at: datetime, request: Request | None = None) -> Exchange:
    """The request sent and the response received for ``response``, with the body as extracted;
    ``request`` for a downloader middleware, which sees a response before Scrapy links the two."""
    request = request or response.request
    assert request is not None, "a response with no request"
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=header_pairs(request.headers),
        status=response.status,
        protocol=response.protocol or "HTTP/1.1",
        response_headers=request.meta.get(RECEIVED) or header_pairs(response.headers),
        body=response.body,
        ip_address=str(response.ip_address) if response.ip_address else None,
        fetched_at=fetched_at,
    )


class ReceivedHeadersMiddleware:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReceivedHeadersMiddleware:
        if not config.boolean(crawler.settings, "ARCHIVE_WARC"):
            raise NotConfigured  # no message: Scrapy would log a WARNING for a feature merely off
        return cls()

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[RECEIVED] = header_pairs(response.headers)
        return response
