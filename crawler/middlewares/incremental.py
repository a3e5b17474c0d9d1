"""Incremental crawling: do not download an article archived recently; re-check older ones cheaply.

A downloader middleware for requests marked ``archive_article``: it looks the URL up in the crawl's
URL index (pipelines.write.url_index: one read per domain and crawl, none per URL); if the URL was checked
less than ARCHIVE_REFRESH_AFTER ago, the request is
dropped before download; otherwise it becomes a conditional request (If-None-Match,
If-Modified-Since), and a 304 answer only updates the check time (and, when the crawl keeps raw pages,
is written to the WARC segment as a revisit of the page's last capture).

Settings: ARCHIVE_URI, ARCHIVE_REFRESH_AFTER, ARCHIVE_URL_INDEX_*, AWS_*.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, replace
from datetime import datetime, timedelta

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler import config
from crawler import stats as names
from crawler.errors import SettingError, StorageError
from crawler.extraction import EXTRACTOR
from crawler.middlewares.exchange import exchange_of
from crawler.record import now_utc, utc_iso
from crawler.stats import Stats
from crawler.warc import metadata_of, not_modified
from pipelines.extensions import capture_of, url_index_of
from pipelines.write.url_index import UrlIndex, UrlState, is_fresh

logger = logging.getLogger(__name__)

ARTICLE = "archive_article"  # request meta flag: this request fetches an article page
URL_STATE = "archive_url_state"  # request meta: the URL's state in the archive, if it has one
# request meta: the state of the URL first asked for, before any redirect (a ``moved`` version's)
ASKED_STATE = "archive_asked_state"
REVISIT = "archive_revisit"  # request meta flag: due on the revisit schedule, however recently checked


class IncrementalMiddleware:
    def __init__(
        self, index: UrlIndex, stats: Stats, refresh_after: timedelta, crawler: Crawler | None = None
    ) -> None:
        self.index = index
        self.stats = stats
        self.refresh_after = refresh_after
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        refresh_after = config.duration(crawler.settings, "ARCHIVE_REFRESH_AFTER")
        index = url_index_of(crawler)
        if index is None:
            raise SettingError(
                "EXTENSIONS: pipelines.extensions.CrawlUrlIndex is disabled; incremental crawling needs it"
            )
        return cls(index, crawler.stats, refresh_after, crawler)

    async def process_request(self, request: Request) -> None:
        if not request.meta.get(ARTICLE):
            return
        try:
            if self.index.loaded(request.url):  # from memory: no thread hop for every request
                state = self.index.get(request.url)
            else:
                state = await maybe_deferred_to_future(deferToThread(self.index.get, request.url))
        except StorageError as exc:
            logger.warning("Cannot read the archive state of %s, fetching it: %s", request.url, exc)
            return
        if not request.meta.get(REVISIT) and is_fresh(state, now_utc(), self.refresh_after):
            self.stats.inc_value(names.FRESH)
            raise IgnoreRequest(f"archived recently: {request.url}")
        if state is not None:
            request.meta[URL_STATE] = state
            request.meta.setdefault(ASKED_STATE, state)  # kept through redirects
            if state.etag:
                request.headers["If-None-Match"] = state.etag
            if state.last_modified:
                request.headers["If-Modified-Since"] = state.last_modified

    async def process_response(self, request: Request, response: Response) -> Response:
        state: UrlState | None = request.meta.get(URL_STATE)
        if response.status != 304 or state is None:
            return response
        checked_at = now_utc()
        self._capture_not_modified(request, response, state, checked_at)
        self.index.checked(replace(state, checked_at=utc_iso(checked_at)))
        self.stats.inc_value(names.NOT_MODIFIED)
        raise IgnoreRequest(f"not modified: {request.url}")

    def _capture_not_modified(
        self, request: Request, response: Response, state: UrlState, fetched_at: datetime
    ) -> None:
        """A 304 answer, kept as a revisit of the page's last capture when the crawl keeps raw pages."""
        capture = capture_of(self.crawler) if self.crawler is not None else None
        if capture is None or state.capture is None:
            return
        spider = self.crawler.spider if self.crawler is not None else None
        context = {
            "spider": getattr(spider, "name", None),
            "job_id": getattr(spider, "job_id", None),
            "requested_url": request.url,
            "listing": None,
        }
        metadata = metadata_of(asdict(EXTRACTOR), state.id, None, not_modified=True, **context)
        capture.append(not_modified(exchange_of(response, fetched_at, request), metadata, state.capture))
