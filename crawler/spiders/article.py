"""``scrapy crawl article -a url=URL[,URL...]`` or ``-a urls=FILE``: archive the given pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy

from crawler.spiders.base import ArchiveSpider
from crawler.urls import parse_url_arguments


class ArticleSpider(ArchiveSpider):
    name = "article"

    def __init__(self, url: str | None = None, urls: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Raises ArgumentError before any request: the crawl command prints it as one line.
        self.start_urls = parse_url_arguments(url, urls)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield self.article_request(url)
