"""``scrapy crawl sitemap -a url=URL [-a since=2021-03-01 | -a max_age=2d]``: archive what sitemaps list.

URL may be a sitemap, a sitemap index (followed recursively), a robots.txt, or a site's home page
(its sitemaps are then found through robots.txt). Google News sitemaps' ``news:publication_date`` and
``news:title``, else ``lastmod``, go with each request as fallbacks and cross-checks; with ``since`` or
``max_age``, entries older than that are skipped without being fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response

from crawler import config
from crawler import stats as names
from crawler.durations import parse_since
from crawler.errors import ArgumentError, BrokenSource
from crawler.listing import Listing
from crawler.record import now_utc
from crawler.spiders.discovery import SourceSpider
from crawler.spiders.sources import decompress, parse_sitemap, sitemaps_in_robots

MAX_INDEX_DEPTH = 5  # sitemap indexes that point to indexes that point to ...


class SitemapSpider(SourceSpider):
    name = "sitemap"
    listing_source = "sitemap"

    def __init__(self, since: str | None = None, max_age: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if since is not None and max_age is not None:
            raise ArgumentError("give -a since or -a max_age, not both")
        self.since: datetime | None = None
        for name, value in (("since", since), ("max_age", max_age)):
            if value is None:
                continue
            if name == "max_age" and not value.strip()[-1:].isalpha():
                raise ArgumentError(f"-a max_age: not a duration: {value!r} (use e.g. 12h, 2d)")
            try:
                self.since = parse_since(value, now_utc())
            except ValueError as exc:
                raise ArgumentError(f"-a {name}: {exc}") from None

    def parse_source(self, response: Response) -> Iterator[scrapy.Request]:
        depth = response.meta.get("sitemap_depth", 0)
        if urlsplit(response.url).path.endswith("/robots.txt"):
            found = sitemaps_in_robots(response.body, response.url)
            if not found:
                self.broken(response.url, BrokenSource("no_sitemap", "robots.txt names no sitemap"))
            for url in found:
                yield self._sitemap_request(url, depth)
            return
        max_size = config.integer(self.crawler.settings, "DOWNLOAD_MAXSIZE", minimum=0)
        try:
            body = decompress(response.body, response.url, max_size)
            parsed = parse_sitemap(body, response.url)
        except BrokenSource as error:
            if error.reason == "not_a_sitemap" and depth == 0:
                # A site's page: its sitemaps are named in robots.txt.
                yield self._sitemap_request(urljoin(response.url, "/robots.txt"), depth)
                return
            self.broken(response.url, error)
            return
        if parsed.problem:
            self.broken(response.url, BrokenSource(parsed.problem, f"kept {len(parsed.entries)} entries"))
        if parsed.kind == "sitemapindex":
            if depth >= MAX_INDEX_DEPTH:
                self.broken(response.url, BrokenSource("too_deep", f"index nested {depth} deep"))
                return
            for entry in parsed.entries:
                yield self._sitemap_request(entry.url, depth + 1)
            return
        yield from self.follow_entries([e for e in parsed.entries if self._recent(e)])

    def _sitemap_request(self, url: str, depth: int) -> scrapy.Request:
        request = self.source_request(url)
        request.meta["sitemap_depth"] = depth
        return request

    def _recent(self, entry: Listing) -> bool:
        """False for entries dated before ``since``; entries without a date are kept."""
        if self.since is None:
            return True
        parsed = entry.date()
        if parsed is None:
            return True
        moment = parsed.moment if parsed.moment.tzinfo else parsed.moment.replace(tzinfo=timezone.utc)
        if moment >= self.since:
            return True
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(names.TOO_OLD)
        return False
