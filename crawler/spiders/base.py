"""What every archiving spider shares: turning a response into an ArticleRecord or a counted skip."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import signals as announced
from crawler import stats as names
from crawler.admission import GIVEN, ORIGIN, Admission, origin_of, skip_reason
from crawler.assemble import Fetch, assemble, farewell, with_listing
from crawler.extraction import Article, ExtractOptions, Rejection
from crawler.job_names import new_job_id
from crawler.listing import Listing
from crawler.middlewares.browser import AUTO, RENDER, REQUESTS, Rendering, RenderSettings, render_request
from crawler.middlewares.exchange import exchange_of
from crawler.middlewares.incremental import ARTICLE, ASKED_STATE, URL_STATE
from crawler.page import PageResult, PageTask, Rendered, capture_page
from crawler.record import GONE, MOVED, WALLS, ArticleRecord, CaptureRef, now_utc, parse_utc
from crawler.urls import domain_of, parse_url_arguments
from crawler.warc import Exchange
from crawler.workers import ExtractionPool, admission, extract_options
from pipelines.extensions import WarcCapture, capture_of
from pipelines.write.url_index import UrlState

logger = logging.getLogger(__name__)


class ArchiveSpider(scrapy.Spider):
    """Base of the archiving spiders.

    Settings: EXTRACT_MIN_CHARS, EXTRACT_MAX_BYTES, EXTRACT_WORKERS, EXTRACT_TIMEOUT, ARCHIVE_JOB_ID,
    ARCHIVE_DISCOVERED_KINDS.

    Every spider starts from ``-a url=URL[,URL...]`` or ``-a urls=FILE``. Each article request says
    where its URL came from (``meta[ORIGIN]``, crawler.admission): what becomes a record depends on it.
    """

    job_id: str
    extract_options: ExtractOptions
    admission: Admission
    extraction: ExtractionPool
    rendering: RenderSettings
    arguments: dict[str, str]

    def __init__(self, url: str | None = None, urls: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Raises ArgumentError before any request: the crawl command prints it as one line.
        self.start_urls = parse_url_arguments(url, urls)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider: ArchiveSpider = super().from_crawler(crawler, *args, **kwargs)
        # The run's arguments, for its manifest (Scrapyd adds private ones starting with "_").
        spider.arguments = {k: str(v) for k, v in kwargs.items() if not k.startswith("_")}
        settings = crawler.settings
        spider.extract_options = extract_options(settings)
        spider.admission = admission(settings)
        spider.extraction = ExtractionPool.from_crawler(crawler)
        spider.rendering = RenderSettings.from_settings(settings)
        # Scrapyd (1.5 and later) passes its job id as the private spider argument ``_job``.
        spider.job_id = (
            settings.get("ARCHIVE_JOB_ID")
            or kwargs.get("_job")
            or new_job_id(settings.get("ARCHIVE_JOB_NAME") or spider.name)
        )
        return spider

    async def as_room_allows(self, requests: Iterable[scrapy.Request]) -> AsyncIterator[scrapy.Request]:
        """Start requests handed over as the crawl has room for them (Scrapy's lazy start).

        Scrapy reads start() to the end at once: a file of a million URLs would become a million
        requests queued in memory. On a shared frontier (REDIS_URL) they go to Redis at once instead,
        where the other workers can take them.
        """
        lazy = not self.settings.get("REDIS_URL")
        for request in requests:
            if lazy and self.crawler.engine.needs_backout():
                await self.crawler.signals.wait_for(signals.scheduler_empty)
            yield request

    def article_request(
        self, url: str, listing: Listing | None = None, origin: str | None = None
    ) -> scrapy.Request:
        """A request for an article page; ``listing`` is what a feed or sitemap said about it, ``origin``
        where the URL came from (by default a URL given, or the listing's kind)."""
        meta = {ARTICLE: True, "listing": listing, ORIGIN: origin or origin_of(listing)}
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    def skip(self, url: str, reason: str, detail: str, traceback: str | None = None) -> None:
        """Count a page that is not archived and say why, once."""
        names.count_skip(self.crawler.stats, logger, url, reason, detail, traceback)

    @property
    def capture(self) -> WarcCapture | None:
        """The crawl's WARC capture (an extension, built after the spider), or None when it is off."""
        if not hasattr(self, "_capture"):
            self._capture = capture_of(self.crawler)
        return self._capture

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleRecord | scrapy.Request]:
        fetched_at = now_utc()
        fetch = self._fetch(response, fetched_at)
        state = response.meta.get(URL_STATE)
        previous = state.capture if state is not None else None
        task = PageTask(
            exchange_of(response, fetched_at),
            self.extract_options,
            capture=self.capture is not None,
            previous=previous,
            context=fetch.context(),
            admission=self.admission,
        )
        # Whether the page is HTML at all is extraction's decision (crawler.extraction.decode.screen).
        page = await self.extraction.process(task)
        capture = self._keep(task, page, previous)
        why = self.rendering.why(response.url, page.result)
        if why is not None:  # once more, in the browser: the HTML was kept as it came
            self.crawler.stats.inc_value(names.render_asked(why))
            rendering = Rendering(task.exchange, fetch, capture, why)
            priority = response.request.priority if response.request is not None else 0
            meta = dict(response.meta)
            yield render_request(rendering, self.parse_rendered, self.on_render_error, meta, priority)
            return
        if self.rendering.mode == AUTO:
            self.crawler.stats.inc_value(names.RENDER_STATIC)
        async for record in self._archived(response, page.result, fetch, capture):
            yield record

    async def parse_rendered(self, response: Response) -> AsyncIterator[ArticleRecord]:
        """A page the browser rendered: its DOM extracted, and kept as a conversion of the page."""
        rendering: Rendering = response.meta[RENDER]
        fetch = rendering.fetch
        dom = Exchange(
            url=rendering.page.url,
            method="GET",
            request_headers=[],
            status=rendering.page.status,
            protocol=rendering.page.protocol,
            response_headers=[("Content-Type", "text/html; charset=utf-8")],
            body=response.text.encode("utf-8"),
            ip_address=None,
            fetched_at=now_utc(),
        )
        task = PageTask(
            dom,
            self.extract_options,
            capture=self.capture is not None,
            context={**fetch.context(), "rendered": rendering.why},
            admission=self.admission,
            rendered=Rendered(rendering.capture, response.meta.get(REQUESTS) or []),
        )
        page = await self.extraction.process(task)
        result = page.result
        if isinstance(result, Article):
            result = replace(result, sources={**result.sources, "rendered": rendering.why})
        async for record in self._archived(response, result, fetch, self._keep(task, page, None)):
            yield record

    def _keep(self, task: PageTask, page: PageResult, previous: CaptureRef | None) -> CaptureRef | None:
        """The page's WARC records appended to the crawl's segment; where its response is."""
        if self.capture is None:
            return None
        # A worker that crashed or timed out returned no records: they are made here instead.
        captured = page.captured or capture_page(task, page.result)
        try:
            capture = self.capture.append(captured)
        except OSError as exc:  # the spool's disk: the record is still archived, without its page
            self.crawler.stats.inc_value(names.WARC_FAILED)
            logger.error("Could not keep the raw page of %s: %s", task.exchange.url, exc)
            return None
        return previous if captured.revisit else capture  # the response with the body: a revisit has none

    async def _archived(
        self, response: Response, result: Article | Rejection, fetch: Fetch, capture: CaptureRef | None
    ) -> AsyncIterator[ArticleRecord]:
        """The record of an extracted page, or its skip counted."""
        archived = isinstance(result, Article) and self.admission.archives(result.kind, fetch.origin)
        self.crawler.signals.send_catch_log(
            announced.page_extracted, url=fetch.url, result=result, archived=archived
        )
        if isinstance(result, Rejection):
            self.skip(fetch.url, result.reason, result.detail, result.traceback)
            return
        self.crawler.stats.inc_value(names.kind(result.kind))
        if result.kind in WALLS:
            self.crawler.stats.inc_value(names.wall(domain_of(fetch.url), result.kind))
        if not archived:
            why = f"{result.kind} page from {fetch.origin.replace('_', ' ')}: {'; '.join(result.evidence)}"
            self.skip(fetch.url, skip_reason(result.kind), why)
            return
        if fetch.listing is not None:
            result, disagreement = with_listing(result, fetch.listing, fetch.fetched_at)
            if disagreement is not None:
                self._disagree(fetch, result, disagreement)
        record = assemble(result, fetch, capture)
        yield record
        moved = self._moved(response, record)
        if moved is not None:
            self.crawler.stats.inc_value(names.versions_of(MOVED))
            yield moved

    def on_render_error(self, failure: Failure) -> None:
        """A page the browser could not render, twice: counted, with why."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if isinstance(error, IgnoreRequest):
            return  # dropped on purpose by a middleware, which counted it
        detail = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:200]
        self.skip(request.url, "render_failed", detail)

    def _fetch(self, response: Response, fetched_at: datetime) -> Fetch:
        headers = {
            key.decode("latin-1").lower(): value.decode("latin-1")
            for key, value in ((k, response.headers.get(k) or b"") for k in response.headers)
        }
        return Fetch(
            url=response.url,
            requested_url=(response.meta.get("redirect_urls") or [response.url])[0],
            status=response.status,
            headers=headers,
            fetched_at=fetched_at,
            spider=self.name,
            job_id=self.job_id,
            listing=response.meta.get("listing"),
            origin=response.meta.get(ORIGIN) or GIVEN,
        )

    def _moved(self, response: Response, record: ArticleRecord) -> ArticleRecord | None:
        """A ``moved`` version of the archived article whose URL redirected permanently (301, 308) to
        this other article."""
        asked: UrlState | None = response.meta.get(ASKED_STATE)
        redirects = response.meta.get("redirect_urls") or []
        permanent = [code for code in response.meta.get("redirect_reasons") or [] if code in (301, 308)]
        if asked is None or not redirects or asked.url != redirects[0] or asked.id == record.id:
            return None
        if not permanent:
            return None
        fetch = replace(self._fetch(response, parse_utc(record.fetched_at)), status=permanent[0])
        why = f"HTTP {permanent[0]} to {response.url}"
        return farewell(asked.id, MOVED, fetch, why, moved_to=response.url)

    def _disagree(self, fetch: Fetch, article: Article, listed: str) -> None:
        assert fetch.listing is not None and article.published is not None
        self.crawler.stats.inc_value(names.CROSSCHECK_MISMATCH)
        logger.info(
            "Page and %s disagree on when %s was published: %s vs %s",
            fetch.listing.source,
            fetch.listing.url,
            article.published.utc,
            listed,
        )

    def on_error(self, failure: Failure) -> Iterator[ArticleRecord]:
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        known: UrlState | None = request.meta.get(URL_STATE)
        if isinstance(error, HttpError) and error.response.status in (404, 410) and known is not None:
            # An archived article's URL answers that it is no more: a ``gone`` version.
            status = error.response.status
            self.crawler.stats.inc_value(names.versions_of(GONE))
            yield farewell(known.id, GONE, self._fetch(error.response, now_utc()), f"HTTP {status}")
            return
        if isinstance(error, HttpError):  # before IgnoreRequest, its base class
            status = error.response.status
            self.skip(request.url, f"http_{status}", f"HTTP {status}")
            self.crawler.signals.send_catch_log(announced.page_failed, url=error.response.url, status=status)
        elif isinstance(error, IgnoreRequest):
            return  # dropped on purpose (archived recently, not modified, robots.txt): counted there
        else:
            self.skip(request.url, "download_error", f"{type(error).__name__}: {error}"[:200])
