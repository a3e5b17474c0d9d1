"""``scrapy crawl article -a url=URL[,URL...]`` or ``-a urls=FILE``: archive the given pages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import scrapy

from crawler.spiders.base import ArchiveSpider


class ArticleSpider(ArchiveSpider):
    name = "article"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield self.article_request(url)
