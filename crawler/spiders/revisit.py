"""``scrapy crawl revisit [-a domain=HOST]``: fetch archived articles again as they come due on the
revisit schedule (ARCHIVE_REVISIT_AFTER, pipelines.write.revisits), to see how they change.

The URLs come from the archive's URL index, read once per domain as a crawl reads it; each due URL
is asked for with the conditional headers of its last check (ETag, Last-Modified), so an unchanged
page costs one request to its site and no storage request but the index's flush. What a page became
(a new version and what changed, a paywall teaser, ...) is archived as for a URL given; revisits go
through the crawl's politeness rules like any request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import scrapy
from scrapy.crawler import Crawler

from crawler import config
from crawler.admission import REVISIT
from crawler.errors import ArgumentError
from crawler.middlewares.incremental import REVISIT as DUE
from crawler.record import now_utc
from crawler.spiders.base import ArchiveSpider
from pipelines.extensions import url_index_of
from pipelines.write.revisits import due, parse_schedule


class RevisitSpider(ArchiveSpider):
    name = "revisit"

    def __init__(self, domain: str | None = None, **kwargs: Any) -> None:
        if kwargs.get("url") or kwargs.get("urls"):
            raise ArgumentError("the revisit spider takes its URLs from the archive: -a domain=HOST at most")
        scrapy.Spider.__init__(self, **kwargs)
        self.start_urls = []
        self.domain = (domain or "").strip().lower() or None

    schedule: list[timedelta]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> RevisitSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, RevisitSpider)
        try:  # checked before any request: one line and exit status 2
            spider.schedule = parse_schedule(crawler.settings.get("ARCHIVE_REVISIT_AFTER"))
        except ValueError as exc:
            raise config.invalid(crawler.settings, "ARCHIVE_REVISIT_AFTER", str(exc)) from None
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        async for request in self.as_room_allows(self._due(self.schedule)):
            yield request

    def _due(self, schedule: list[timedelta]) -> Iterator[scrapy.Request]:
        index = url_index_of(self.crawler)
        if index is None:
            return
        now = now_utc()
        for domain in [self.domain] if self.domain else index.domains():
            for state in index.states(domain):
                if due(state, now, schedule):
                    request = self.article_request(state.url, origin=REVISIT)
                    request.meta[DUE] = True
                    yield request
