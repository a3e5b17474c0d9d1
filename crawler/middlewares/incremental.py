"""Incremental crawling: do not download an article archived recently; re-check older ones cheaply.

A downloader middleware for requests marked ``archive_article``: it reads the URL's state in the
archive (one read); if the URL was checked less than ARCHIVE_REFRESH_AFTER ago, the request is
dropped before download; otherwise it becomes a conditional request (If-None-Match,
If-Modified-Since), and a 304 answer only updates the check time.

Settings: ARCHIVE_URI, ARCHIVE_REFRESH_AFTER, AWS_*.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler import config
from crawler import stats as names
from crawler.errors import StorageError
from crawler.record import now_utc, utc_iso
from crawler.stats import Stats
from pipelines.state import ArchiveState, UrlState, is_fresh
from pipelines.stores import crawl_store

logger = logging.getLogger(__name__)

ARTICLE = "archive_article"  # request meta flag: this request fetches an article page
_STATE = "archive_url_state"


class IncrementalMiddleware:
    def __init__(self, state: ArchiveState, stats: Stats, refresh_after: timedelta) -> None:
        self.state = state
        self.stats = stats
        self.refresh_after = refresh_after

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        refresh_after = config.duration(crawler.settings, "ARCHIVE_REFRESH_AFTER")
        return cls(ArchiveState(crawl_store(crawler)), crawler.stats, refresh_after)

    async def process_request(self, request: Request) -> None:
        if not request.meta.get(ARTICLE):
            return
        try:
            state = await maybe_deferred_to_future(deferToThread(self.state.url, request.url))
        except StorageError as exc:
            logger.warning("Cannot read the archive state of %s, fetching it: %s", request.url, exc)
            return
        if is_fresh(state, now_utc(), self.refresh_after):
            self.stats.inc_value(names.FRESH)
            raise IgnoreRequest(f"archived recently: {request.url}")
        if state is not None:
            request.meta[_STATE] = state
            if state.etag:
                request.headers["If-None-Match"] = state.etag
            if state.last_modified:
                request.headers["If-Modified-Since"] = state.last_modified

    async def process_response(self, request: Request, response: Response) -> Response:
        state: UrlState | None = request.meta.get(_STATE)
        if response.status != 304 or state is None:
            return response
        checked = replace(state, checked_at=utc_iso(now_utc()))
        try:
            await maybe_deferred_to_future(deferToThread(self.state.save_url, checked))
        except StorageError as exc:
            logger.warning("Cannot record the check of %s: %s", request.url, exc)
        self.stats.inc_value(names.NOT_MODIFIED)
        raise IgnoreRequest(f"not modified: {request.url}")
