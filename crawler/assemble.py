"""From an extracted Article and the fetch it came from to the ArticleRecord: the one place a record
is put together, for the crawl (crawler.spiders.base) and for re-extraction from the archive's WARC
segments (``newsarchive reextract``), so both give the same record for the same page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from crawler.admission import GIVEN
from crawler.extraction import EXTRACTOR, Article, dates
from crawler.listing import Listing
from crawler.record import ArticleRecord, CaptureRef, HttpInfo, content_sha256, parse_utc, utc_iso
from crawler.urls import domain_of, record_id


@dataclass(frozen=True)
class Fetch:
    """How a page was fetched, as its record tells it."""

    url: str  # after redirects
    requested_url: str
    status: int
    headers: dict[str, str]  # lower-case names
    fetched_at: datetime
    spider: str
    job_id: str
    listing: Listing | None = None
    origin: str = GIVEN  # where the URL came from (crawler.admission)

    def context(self) -> dict[str, Any]:
        """What the page's WARC metadata record keeps of the fetch, for re-extraction."""
        return {
            "spider": self.spider,
            "job_id": self.job_id,
            "requested_url": self.requested_url,
            "listing": asdict(self.listing) if self.listing else None,
            "origin": self.origin,
        }


def with_listing(article: Article, listing: Listing, fetched_at: datetime) -> tuple[Article, str | None]:
    """Fill what the page lacks from its feed or sitemap entry; and the listing's publication time
    when it is more than a day from the page's (the caller counts the disagreement)."""
    parsed = listing.date()
    published = dates.choose([parsed], fetched_at, None) if parsed else None
    disagreement = None
    if article.published is None and published is not None:
        sources = {**article.sources, "published_at": listing.source}
        article = replace(article, published=published, sources=sources)
    elif (
        published
        and published.utc
        and article.published
        and article.published.utc
        and abs(parse_utc(published.utc) - parse_utc(article.published.utc)) > timedelta(days=1)
    ):
        disagreement = published.utc
    if article.title is None and listing.title:
        article = replace(article, title=listing.title, sources={**article.sources, "title": listing.source})
    return article, disagreement


def farewell(
    article_id: str, kind: str, fetch: Fetch, evidence: str, moved_to: str | None = None
) -> ArticleRecord:
    """The version that says an archived article is ``gone`` (its URL answers 404/410) or ``moved``
    (it redirects permanently to ``moved_to``): no title, no text, the last text stays in the version
    before it."""
    return ArticleRecord(
        id=article_id,
        url=fetch.requested_url,
        requested_url=fetch.requested_url,
        canonical_url=fetch.requested_url,
        domain=domain_of(fetch.requested_url),
        title=None,
        text="",
        authors=[],
        agencies=[],
        published_at=None,
        published_date=None,
        modified_at=None,
        dates={"published": None, "modified": None},
        fetched_at=utc_iso(fetch.fetched_at),
        archived_at=None,
        language=None,
        description=None,
        site_name=None,
        tags=[],
        image=None,
        content_sha256=content_sha256(None, moved_to or ""),
        http=HttpInfo(fetch.status, fetch.headers.get("content-type"), etag=None, last_modified=None),
        spider=fetch.spider,
        job_id=fetch.job_id,
        extractor=EXTRACTOR,
        kind=kind,
        kind_evidence=[evidence],
        moved_to=moved_to,
    )


def assemble(article: Article, fetch: Fetch, capture: CaptureRef | None) -> ArticleRecord:
    return ArticleRecord(
        id=record_id(article.canonical_url),
        url=fetch.url,
        requested_url=fetch.requested_url,
        canonical_url=article.canonical_url,
        domain=domain_of(fetch.url),
        title=article.title,
        text=article.text,
        authors=article.authors,
        agencies=article.agencies,
        published_at=article.published.utc if article.published else None,
        published_date=article.published.local[:10] if article.published else None,
        modified_at=article.modified.utc if article.modified else None,
        dates={"published": article.published, "modified": article.modified},
        fetched_at=utc_iso(fetch.fetched_at),
        archived_at=None,
        language=article.language,
        description=article.description,
        site_name=article.site_name,
        tags=article.tags,
        image=article.image,
        content_sha256=content_sha256(article.title, article.text),
        http=HttpInfo(
            status=fetch.status,
            content_type=fetch.headers.get("content-type"),
            etag=fetch.headers.get("etag"),
            last_modified=fetch.headers.get("last-modified"),
        ),
        spider=fetch.spider,
        job_id=fetch.job_id,
        extractor=EXTRACTOR,
        sources=article.sources,
        kind=article.kind,
        kind_evidence=article.evidence,
        fingerprint=article.fingerprint,
        capture=capture,
    )
