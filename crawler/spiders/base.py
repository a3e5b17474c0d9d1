"""What every archiving spider shares: turning a response into an ArticleRecord or a counted skip."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import stats as names
from crawler.errors import SettingError
from crawler.extraction import EXTRACTOR, ExtractOptions, Rejection, extract
from crawler.record import ArticleRecord, HttpInfo, content_sha256, now_utc, utc_iso
from crawler.urls import canonicalize, domain_of, record_id

logger = logging.getLogger(__name__)


def new_job_id(spider_name: str) -> str:
    return f"{spider_name}-{now_utc().strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


class ArchiveSpider(scrapy.Spider):
    """Base of the archiving spiders. Settings: EXTRACT_MIN_CHARS, EXTRACT_MAX_BYTES, ARCHIVE_JOB_ID."""

    job_id: str
    extract_options: ExtractOptions

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider: ArchiveSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        min_chars = settings.getint("EXTRACT_MIN_CHARS")
        max_bytes = settings.getint("EXTRACT_MAX_BYTES")
        if min_chars < 0:
            raise SettingError(f"EXTRACT_MIN_CHARS={min_chars}: must not be negative")
        if max_bytes < 1:
            raise SettingError(f"EXTRACT_MAX_BYTES={max_bytes}: must be positive")
        spider.extract_options = ExtractOptions(min_chars=min_chars, max_bytes=max_bytes)
        spider.job_id = settings.get("ARCHIVE_JOB_ID") or new_job_id(spider.name)
        return spider

    def article_request(self, url: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    def skip(self, url: str, reason: str, detail: str) -> None:
        """Count a page that is not archived and say why, once."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(names.skipped(reason))
        logger.info("Skipped %s: %s (%s)", url, reason, detail)

    def parse_article(self, response: Response) -> Iterator[ArticleRecord]:
        fetched_at = now_utc()
        headers = {
            key.decode("latin-1").lower(): value.decode("latin-1")
            for key, value in ((k, response.headers.get(k) or b"") for k in response.headers)
        }
        if not isinstance(response, TextResponse) and "content-type" in headers:
            self.skip(response.url, "not_html", f"content type {headers['content-type']}")
            return
        result = extract(response.body, response.url, headers, fetched_at, self.extract_options)
        if isinstance(result, Rejection):
            self.skip(response.url, result.reason, result.detail)
            return
        canonical = result.canonical_url or response.url
        requested = (response.meta.get("redirect_urls") or [response.url])[0]
        yield ArticleRecord(
            id=record_id(canonical),
            url=response.url,
            requested_url=requested,
            canonical_url=canonicalize(canonical),
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

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if isinstance(error, HttpError):
            status = error.response.status
            self.skip(request.url, f"http_{status}", f"HTTP {status}")
        else:
            self.skip(request.url, "download_error", f"{type(error).__name__}: {error}"[:200])
