"""``newsarchive reextract``: today's extraction run again on the pages the archive captured, from its
WARC segments, never the network.

Each selected response is read back (pipelines.read.raw), extracted in worker processes on every core (the
crawl's own pool and code: crawler.workers, crawler.page), assembled into a record exactly as the
crawl assembles one (crawler.assemble), and archived by the crawl's Archiver: a record whose content
changed becomes a new version, a page that is an article now gets its first record, an unchanged one
is counted and not written. The record carries the extractor's version. Pages are taken in the order
they were fetched, so an article's versions keep their order; versions are claimed by conditional
writes, so a run that was interrupted is simply run again.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import IO, Any

from crawler import exit_status
from crawler import stats as names
from crawler.admission import Admission, origin_of, skip_reason
from crawler.assemble import Fetch, assemble, with_listing
from crawler.config import project_settings
from crawler.errors import UsageError
from crawler.extraction import EXTRACTOR, Article, ExtractOptions
from crawler.listing import Listing
from crawler.page import PageResult, PageTask
from crawler.record import ArticleRecord
from crawler.stats import Counts
from crawler.wording import plural
from crawler.workers import ExtractionPool, admission, available_cores, extract_options
from pipelines.commands.common import Progress, check_filters, open_archive
from pipelines.read.raw import Capture, RawPage, captures, read_page, segment_days
from pipelines.read.records import FETCHED, Query
from pipelines.storage import ArchiveStore
from pipelines.write.delivery import Archiver
from pipelines.write.spool import Spool
from pipelines.write.versions import ArchiveState

NEW, CHANGED, UNCHANGED = (
    names.OUTCOMES[key] for key in (names.RECORDS_NEW, names.RECORDS_CHANGED, names.RECORDS_UNCHANGED)
)


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "reextract",
        parents=[common, filters],
        help="extract the captured pages again (from the WARC segments, never the network)",
    )
    parser.add_argument("--dry-run", action="store_true", help="count what would change; write nothing")
    parser.add_argument(
        "--processes", type=int, default=0, help="extraction processes (default: one per core)"
    )
    parser.set_defaults(run=run, check=check_filters)


def run(options: argparse.Namespace, out: IO[str]) -> int:
    """Extract the selected captured pages again and archive what changed; summary on stderr."""
    started = time.monotonic()
    settings = project_settings()
    store = open_archive(options.archive)
    chosen = selected(store, options.query)
    progress = Progress(len(chosen), sys.stderr, "pages")
    spool = Spool(settings.get("ARCHIVE_SPOOL_DIR"), store.uri)
    pool = ExtractionPool.from_settings(settings, options.processes or available_cores())
    try:
        done = reextract(
            store,
            Archiver(store, spool, Counts()),
            chosen,
            options.query,
            pool=pool,
            options=extract_options(settings),
            admission=admission(settings),
            readers=options.workers,
            dry_run=options.dry_run,
            step=progress.step,
        )
    finally:
        pool.close()
        progress.done()
    skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(done.skipped.items())) or "none"
    verb = "would write" if options.dry_run else "wrote"
    print(
        f"reextracted {plural(done.pages, 'page')} with {EXTRACTOR.version}: {verb}"
        f" new {done.outcomes['new']}, changed {done.outcomes['changed']};"
        f" unchanged {done.outcomes['unchanged']}; skipped {sum(done.skipped.values())} ({skipped})"
        f" in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return exit_status.OK


@dataclass
class Reextraction:
    """What a run did: records by outcome, pages skipped by reason."""

    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def pages(self) -> int:
        return sum(self.outcomes.values()) + sum(self.skipped.values())


def selected(store: ArchiveStore, query: Query) -> list[Capture]:
    """The captured responses a query selects by fetch time and domain, oldest first. A segment
    opened before midnight holds pages of the next day: its day's folder is read too."""
    if query.by != FETCHED:
        raise UsageError("--by published: reextract selects pages by when they were fetched")
    days = [day for day in segment_days(store) if query.days_wanted(day) or query.days_wanted(_next_day(day))]
    chosen = []
    for capture in captures(store, days):
        if capture.revisit or not capture.page:
            continue  # its body is the response it refers to, extracted on its own; a page's script's
        if query.domains and capture.domain not in query.domains:
            continue
        moment = capture.fetched_at
        if (query.since and moment < query.since) or (query.before and moment >= query.before):
            continue
        chosen.append(capture)
    return chosen


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def reextract(
    store: ArchiveStore,
    archiver: Archiver,
    chosen: list[Capture],
    query: Query,
    *,
    pool: ExtractionPool,
    options: ExtractOptions,
    readers: int,
    admission: Admission | None = None,
    dry_run: bool = False,
    step: Callable[[], None] = lambda: None,
) -> Reextraction:
    done = Reextraction()
    admission = admission or Admission()
    state = ArchiveState(store)
    window = 2 * max(1, pool.workers) + readers
    with ThreadPoolExecutor(max_workers=readers) as reading:
        pages = (reading.submit(read_page, store, c.segment, c.offset, c.length) for c in chosen)
        for page, result in _in_order(pages, pool, options, window):
            step()
            if not _wanted(page, query):
                continue
            outcome = _archive(page, result, admission, archiver, state, dry_run)
            if outcome.startswith("skipped:"):
                done.skipped[outcome[len("skipped:") :]] += 1
            else:
                done.outcomes[outcome] += 1
    return done


def _in_order(
    pages: Iterator[Future[RawPage]], pool: ExtractionPool, options: ExtractOptions, window: int
) -> Iterator[tuple[RawPage, PageResult]]:
    """Each page with its extraction, in the order given, with up to ``window`` pages in flight."""
    flight: deque[tuple[RawPage, Future[PageResult] | PageResult]] = deque()

    def start(read: Future[RawPage]) -> None:
        page = read.result()
        task = PageTask(page.exchange, options)
        flight.append((page, pool.submit(task) if pool.workers else pool.function(task)))

    for read in pages:
        start(read)
        if len(flight) >= window:
            yield _finished(pool, *flight.popleft())
    while flight:
        yield _finished(pool, *flight.popleft())


def _finished(
    pool: ExtractionPool, page: RawPage, pending: Future[PageResult] | PageResult
) -> tuple[RawPage, PageResult]:
    if isinstance(pending, PageResult):
        return page, pending
    pending.exception()  # waits for it
    return page, pool.result_of(pending)


def _wanted(page: RawPage, query: Query) -> bool:
    if query.spiders and page.metadata.get("spider") not in query.spiders:
        return False
    return not (query.jobs and page.metadata.get("job_id") not in query.jobs)


def _archive(
    page: RawPage,
    result: PageResult,
    admission: Admission,
    archiver: Archiver,
    state: ArchiveState,
    dry_run: bool,
) -> str:
    article = result.result
    if not isinstance(article, Article):
        return f"skipped:{article.reason}"
    origin = _origin(page)
    if not admission.archives(article.kind, origin):
        return f"skipped:{skip_reason(article.kind)}"
    record = _record(page, article, origin)
    if dry_run:
        found, _ = state.article(record.id)
        latest = found.latest() if found else None
        if latest is None:
            return NEW
        return UNCHANGED if latest.content_sha256 == record.content_sha256 else CHANGED
    outcome, _ = archiver.archive(record)
    archiver.count(outcome)
    return names.OUTCOMES[outcome]


def _origin(page: RawPage) -> str:
    """Where the captured page's URL came from, as the crawl kept it (or as can be told from older
    captures' spider and listing)."""
    context = page.metadata
    return str(
        context.get("origin") or origin_of(Listing.from_dict(context.get("listing")), context.get("spider"))
    )


def _record(page: RawPage, article: Article, origin: str) -> ArticleRecord:
    """The record the crawl would have made of the page, with today's extractor."""
    exchange, context = page.exchange, page.metadata
    fetch = Fetch(
        url=exchange.url,
        requested_url=context.get("requested_url") or exchange.url,
        status=exchange.status,
        headers={name.lower(): value for name, value in exchange.response_headers},
        fetched_at=exchange.fetched_at,
        spider=context.get("spider") or "unknown",
        job_id=context.get("job_id") or "unknown",
        listing=Listing.from_dict(context.get("listing")),
        origin=origin,
    )
    if fetch.listing is not None:
        article, _ = with_listing(article, fetch.listing, fetch.fetched_at)
    if context.get("rendered"):  # the DOM a browser made of the page: why it was rendered
        article = replace(article, sources={**article.sources, "rendered": str(context["rendered"])})
    return assemble(article, fetch, page.ref)
