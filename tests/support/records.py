"""Records and the archive pipeline, for tests that archive without a crawl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.utils.test import get_crawler

from pipelines.archive import ArchivePipeline
from pipelines.storage import ArchiveStore
from pipelines.write.spool import Spool
from pipelines.write.url_index import UrlIndex


def make_record(url: str = "https://news.example.com/2024/05/01/breakwater.html", **changes: Any) -> Any:
    """A valid, unarchived ArticleRecord for ``url``; ``changes`` override any field."""
    from dataclasses import replace

    from crawler.extraction import EXTRACTOR
    from crawler.record import ArticleRecord, HttpInfo, PageDate, content_sha256
    from crawler.urls import canonicalize, domain_of, record_id

    title = changes.pop("title", "Breakwater to be rebuilt")
    text = changes.pop(
        "text", "The harbour authority will rebuild the eastern breakwater.\n\nWork starts in May."
    )
    published = PageDate(
        "2024-05-01T09:30:00+01:00",
        "json-ld",
        "2024-05-01T08:30:00Z",
        "2024-05-01T09:30:00",
        "second",
        "explicit",
    )
    record = ArticleRecord(
        id=record_id(url),
        url=url,
        requested_url=url,
        canonical_url=canonicalize(url),
        domain=domain_of(url),
        title=title,
        text=text,
        authors=["Jane Roe"],
        agencies=[],
        published_at=published.utc,
        published_date="2024-05-01",
        modified_at=None,
        dates={"published": published, "modified": None},
        fetched_at="2026-11-25T10:00:00Z",
        archived_at=None,
        language="en",
        description=None,
        site_name="Harbour Courier",
        tags=[],
        image=None,
        content_sha256=content_sha256(title, text),
        http=HttpInfo(200, "text/html; charset=utf-8", '"abc"', None),
        spider="article",
        job_id="test-job",
        extractor=EXTRACTOR,
    )
    return replace(record, **changes)


def pipeline(store: ArchiveStore, spool_dir: Path, attempts: int = 3) -> ArchivePipeline:
    """The crawl's pipeline, with a URL index of its own (as a crawl of its own would have)."""
    return ArchivePipeline(
        store,
        Spool(spool_dir, store.uri),
        get_crawler().stats,
        threads=1,
        attempts=attempts,
        backoff=0,
        index=UrlIndex(store),
    )
