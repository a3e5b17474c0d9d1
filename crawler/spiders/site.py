"""``scrapy crawl site -a url=START[,START...] -a depth=N``: follow links within the start URLs' sites.

Every page reached within ``depth`` links (default 2) goes through extraction. Of the start pages
and the pages reached by links, articles are archived (and the kinds ARCHIVE_DISCOVERED_KINDS adds,
crawler.admission); the others (fronts, sections, tag pages, galleries) are counted as skipped
``<kind>_page`` and only followed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor

from crawler.admission import LINK, ORIGIN, SEED
from crawler.errors import ArgumentError
from crawler.record import ArticleRecord
from crawler.spiders.base import ArchiveSpider

DEPTH = "site_depth"


class SiteSpider(ArchiveSpider):
    name = "site"

    def __init__(self, depth: str = "2", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not str(depth).isdigit():
            raise ArgumentError(f"-a depth: not a whole number of links: {depth!r}")
        self.depth = int(depth)
        self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in self.start_urls})
        # The link extractor compares host:port, Scrapy's offsite filter the host name alone.
        netlocs = {urlsplit(u).netloc.lower() for u in self.start_urls}
        self.links = LinkExtractor(allow_domains=sorted(netlocs | set(self.allowed_domains)))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        requests = (
            scrapy.Request(
                url, callback=self.parse_page, errback=self.on_error, meta={DEPTH: 0, ORIGIN: SEED}
            )
            for url in self.start_urls
        )
        async for request in self.as_room_allows(requests):
            yield request

    async def parse_page(self, response: Response) -> AsyncIterator[ArticleRecord | scrapy.Request]:
        # Links first: their downloads start while this page waits for an extraction worker.
        depth = response.meta.get(DEPTH, 0)
        if depth < self.depth and isinstance(response, HtmlResponse):
            for link in self.links.extract_links(response):
                request = self.article_request(link.url, origin=LINK)
                request.callback = self.parse_page
                request.meta[DEPTH] = depth + 1
                yield request
        async for record in self.parse_article(response):
            yield record
