"""What the feed and sitemap spiders share: fetching sources and counting the broken ones."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import stats as names
from crawler.errors import BrokenSource
from crawler.listing import Listing
from crawler.spiders.base import ArchiveSpider

logger = logging.getLogger(__name__)


class SourceSpider(ArchiveSpider):
    """Base of spiders that read listings (feeds, sitemaps) and archive the articles they name."""

    listing_source = "source"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        async for request in self.as_room_allows(self.source_request(url) for url in self.start_urls):
            yield request

    def source_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_source, errback=self.on_source_error)

    def parse_source(self, response: Response) -> Iterator[scrapy.Request]:
        raise NotImplementedError

    def broken(self, url: str, error: BrokenSource) -> None:
        """Count and log a source that could not be read (or only in part); the crawl goes on."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(names.broken_source(error.reason))
        logger.warning("Broken %s %s: %s", self.listing_source, url, error)

    def follow_entries(self, entries: list[Listing]) -> Iterator[scrapy.Request]:
        assert self.crawler.stats is not None
        for entry in entries:
            self.crawler.stats.inc_value(names.SOURCE_ENTRIES)
            yield self.article_request(entry.url, entry)

    def on_source_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        reason = f"http_{error.response.status}" if isinstance(error, HttpError) else "download_error"
        self.broken(request.url, BrokenSource(reason, str(error)[:200]))
