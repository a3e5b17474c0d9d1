"""What every archiving spider shares: turning a response into an ArticleRecord or a counted skip."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import config
from crawler import stats as names
from crawler.extraction import EXTRACTOR, Article, ExtractOptions, Rejection, dates
from crawler.middlewares.incremental import ARTICLE
from crawler.record import ArticleRecord, HttpInfo, content_sha256, now_utc, parse_utc, utc_iso
from crawler.spiders.sources import listing_date
from crawler.urls import domain_of, parse_url_arguments, record_id
from crawler.workers import ExtractionPool

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listing:
    """What a feed entry or sitemap entry said about an article, kept as fallback and cross-check."""

    source: str  # "feed" or "sitemap"
    url: str
    title: str | None = None
    published: str | None = None  # raw, as the feed or sitemap wrote it


def new_job_id(job_name: str) -> str:
    return f"{job_name}-{now_utc().strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


class ArchiveSpider(scrapy.Spider):
    """Base of the archiving spiders.

    Settings: EXTRACT_MIN_CHARS, EXTRACT_MAX_BYTES, EXTRACT_WORKERS, EXTRACT_TIMEOUT, ARCHIVE_JOB_ID.

    Every spider starts from ``-a url=URL[,URL...]`` or ``-a urls=FILE``.
    """

    job_id: str
    extract_options: ExtractOptions
    extraction: ExtractionPool
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
        spider.extract_options = ExtractOptions(
            min_chars=config.integer(settings, "EXTRACT_MIN_CHARS", minimum=0),
            max_bytes=config.integer(settings, "EXTRACT_MAX_BYTES", minimum=1),
        )
        spider.extraction = ExtractionPool.from_crawler(crawler)
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

    def article_request(self, url: str, listing: Listing | None = None) -> scrapy.Request:
        """A request for an article page; ``listing`` is what a feed or sitemap said about it."""
        meta = {ARTICLE: True, "listing": listing}
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    def skip(self, url: str, reason: str, detail: str, traceback: str | None = None) -> None:
        """Count a page that is not archived and say why, once."""
        names.count_skip(self.crawler.stats, logger, url, reason, detail, traceback)

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleRecord]:
        fetched_at = now_utc()
        headers = {
            key.decode("latin-1").lower(): value.decode("latin-1")
            for key, value in ((k, response.headers.get(k) or b"") for k in response.headers)
        }
        # Whether the page is HTML at all is extraction's decision (crawler.extraction.decode.screen).
        result = await self.extraction.extract(
            response.body, response.url, headers, fetched_at, self.extract_options
        )
        if isinstance(result, Rejection):
            self.skip(response.url, result.reason, result.detail, result.traceback)
            return
        listing = response.meta.get("listing")
        if listing is not None:
            result = self._with_listing(result, listing, fetched_at)
        requested = (response.meta.get("redirect_urls") or [response.url])[0]
        yield ArticleRecord(
            id=record_id(result.canonical_url),
            url=response.url,
            requested_url=requested,
            canonical_url=result.canonical_url,
            domain=domain_of(response.url),
            title=result.title,
            text=result.text,
            authors=result.authors,
            agencies=result.agencies,
            published_at=result.published.utc if result.published else None,
            published_date=result.published.local[:10] if result.published else None,
            modified_at=result.modified.utc if result.modified else None,
            dates={"published": result.published, "modified": result.modified},
            fetched_at=utc_iso(fetched_at),
            archived_at=None,
            language=result.language,
            description=result.description,
            site_name=result.site_name,
            tags=result.tags,
            image=result.image,
            content_sha256=content_sha256(result.title, result.text),
            http=HttpInfo(
                status=response.status,
                content_type=headers.get("content-type"),
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
            ),
            spider=self.name,
            job_id=self.job_id,
            extractor=EXTRACTOR,
            sources=result.sources,
        )

    def _with_listing(self, article: Article, listing: Listing, fetched_at: datetime) -> Article:
        """Fill what the page lacks from its feed or sitemap entry, and check what both give."""
        parsed = listing_date(listing.published, listing.source)
        published = dates.choose([parsed], fetched_at, None) if parsed else None
        if article.published is None and published is not None:
            sources = {**article.sources, "published_at": listing.source}
            article = replace(article, published=published, sources=sources)
        elif published and published.utc and article.published and article.published.utc:
            gap = abs(parse_utc(published.utc) - parse_utc(article.published.utc))
            if gap > timedelta(days=1):
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value(names.CROSSCHECK_MISMATCH)
                logger.info(
                    "Page and %s disagree on when %s was published: %s vs %s",
                    listing.source,
                    listing.url,
                    article.published.utc,
                    published.utc,
                )
        if article.title is None and listing.title:
            article = replace(
                article, title=listing.title, sources={**article.sources, "title": listing.source}
            )
        return article

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if isinstance(error, HttpError):  # before IgnoreRequest, its base class
            status = error.response.status
            self.skip(request.url, f"http_{status}", f"HTTP {status}")
        elif isinstance(error, IgnoreRequest):
            return  # dropped on purpose (archived recently, not modified, robots.txt): counted there
        else:
            self.skip(request.url, "download_error", f"{type(error).__name__}: {error}"[:200])
