"""``scrapy crawl feed -a url=FEED[,FEED...]`` or ``-a urls=FILE``: archive the articles feeds list.

RSS 2.0, RSS 1.0/RDF and Atom. Each entry's own title and date go with the request as fallbacks and
cross-checks for the page's metadata.
"""

from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawler.errors import BrokenSource
from crawler.spiders.discovery import SourceSpider
from crawler.spiders.sources import parse_feed


class FeedSpider(SourceSpider):
    name = "feed"
    listing_source = "feed"

    def parse_source(self, response: Response) -> Iterator[scrapy.Request]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        try:
            parsed = parse_feed(response.body, response.url, content_type)
        except BrokenSource as error:
            self.broken(response.url, error)
            return
        if parsed.problem:
            self.broken(response.url, BrokenSource(parsed.problem, f"kept {len(parsed.entries)} entries"))
        yield from self.follow_entries(parsed.entries)
