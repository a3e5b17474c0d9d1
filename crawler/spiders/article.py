"""``scrapy crawl article -a url=URL[,URL...]`` or ``-a urls=FILE``: archive the given pages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import scrapy

from crawler.spiders.base import ArchiveSpider


class ArticleSpider(ArchiveSpider):
    name = "article"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        async for request in self.as_room_allows(self.article_request(url) for url in self.start_urls):
            yield request
