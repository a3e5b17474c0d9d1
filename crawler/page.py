"""What an extraction worker does with one fetched page: extract it (crawler.extraction) and, when
the crawl keeps raw pages, build its WARC records (crawler.warc), both off the crawler's thread.

No Scrapy import: worker processes load this module and what it imports only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from crawler.admission import GIVEN, Admission, skip_reason
from crawler.extraction import EXTRACTOR, Article, ExtractOptions, Rejection, extract
from crawler.record import CaptureRef
from crawler.urls import record_id
from crawler.warc import Captured, Exchange, capture, capture_rendered, metadata_of


@dataclass(frozen=True)
class Rendered:
    """A page a browser rendered (crawler.middlewares.browser): its task's exchange is the DOM."""

    page: CaptureRef | None  # the response as fetched, which the DOM is a conversion of
    requests: list[Exchange] = field(default_factory=list)  # what its scripts fetched, through the crawl


@dataclass(frozen=True)
class PageTask:
    exchange: Exchange
    options: ExtractOptions
    capture: bool = False
    previous: CaptureRef | None = None  # the URL's last capture: an unchanged payload is a revisit of it
    # spider, job id, listing, origin: for the metadata record
    context: dict[str, Any] = field(default_factory=dict)
    admission: Admission = field(default_factory=Admission)  # what becomes a record, by kind and origin
    rendered: Rendered | None = None


@dataclass(frozen=True)
class PageResult:
    result: Article | Rejection
    captured: Captured | None = None


def process_page(task: PageTask) -> PageResult:
    exchange = task.exchange
    headers = {name.lower(): value for name, value in exchange.response_headers}
    result = extract(exchange.body, exchange.url, headers, exchange.fetched_at, task.options)
    return PageResult(result, capture_page(task, result) if task.capture else None)


def capture_page(task: PageTask, result: Article | Rejection) -> Captured:
    """The page's WARC records, saying what ``result`` made of it."""
    metadata = page_metadata(result, task.context, task.admission)
    if task.rendered is not None:
        return capture_rendered(task.exchange, metadata, task.rendered.page, task.rendered.requests)
    return capture(task.exchange, metadata, task.previous)


def page_metadata(
    result: Article | Rejection, context: dict[str, Any], admission: Admission
) -> dict[str, Any]:
    """The metadata record's content: the extractor, the page's kind, and the record id or the
    reason for the skip."""
    if isinstance(result, Rejection):
        return metadata_of(asdict(EXTRACTOR), None, result.reason, **context)
    context = {**context, "kind": result.kind}
    if admission.archives(result.kind, context.get("origin") or GIVEN):
        return metadata_of(asdict(EXTRACTOR), record_id(result.canonical_url), None, **context)
    return metadata_of(asdict(EXTRACTOR), None, skip_reason(result.kind), **context)
