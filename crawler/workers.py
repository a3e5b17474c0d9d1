"""Extraction off the reactor: a pool of worker processes that runs ``crawler.page.process_page``
(extraction, and the page's WARC records when the crawl keeps them).

Scrapy runs on one thread, and trafilatura needs tens of milliseconds of CPU a page: extracting in
the spider callback uses one core and stalls downloads while it parses. Here each page goes to one
of EXTRACT_WORKERS processes (pebble's ProcessPool) and the callback awaits the result, so the
reactor keeps downloading and storing meanwhile. A worker that crashes, or runs longer than
EXTRACT_TIMEOUT seconds on a page, is killed and replaced; that page is skipped with a reason and
the crawl goes on. Workers are recycled after a number of pages so no leak in a parser can grow
for the length of a crawl.

How many pages wait for a worker is bounded by Scrapy itself: a callback in progress holds its
response in the scraper's slot, and the engine stops downloading while the slot is full
(SCRAPER_SLOT_MAX_ACTIVE_SIZE), so a slow pool slows the crawl instead of filling memory.

Settings: EXTRACT_WORKERS (0: extract in the crawler's own thread), EXTRACT_TIMEOUT, EXTRACT_MIN_CHARS,
EXTRACT_MAX_BYTES, ARCHIVE_DISCOVERED_KINDS.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from crawler import config
from crawler.admission import Admission
from crawler.extraction import ExtractOptions, Rejection
from crawler.page import PageResult, PageTask, process_page

logger = logging.getLogger(__name__)

PageProcessor = Callable[[PageTask], PageResult]

# A worker is replaced after this many pages: memory a parser leaks cannot grow with the crawl.
PAGES_PER_WORKER = 2000


def extract_options(settings: BaseSettings) -> ExtractOptions:
    """What extraction is asked (EXTRACT_MIN_CHARS, EXTRACT_MAX_BYTES), for the crawl and reextract."""
    return ExtractOptions(
        min_chars=config.integer(settings, "EXTRACT_MIN_CHARS", minimum=0),
        max_bytes=config.integer(settings, "EXTRACT_MAX_BYTES", minimum=1),
    )


def admission(settings: BaseSettings) -> Admission:
    """What each origin archives (ARCHIVE_DISCOVERED_KINDS), for the crawl and reextract."""
    try:
        return Admission.of_kinds(settings.getlist("ARCHIVE_DISCOVERED_KINDS"))
    except ValueError as exc:
        raise config.invalid(settings, "ARCHIVE_DISCOVERED_KINDS", str(exc)) from None


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), which a container may limit."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class ExtractionPool:
    """Extraction in worker processes, one pool per crawl, shut down when the engine stops."""

    def __init__(self, workers: int, timeout: float, function: PageProcessor = process_page) -> None:
        self.workers = workers
        self.timeout = timeout
        self.function = function  # tests hand in one that crashes or hangs on purpose
        self._pool: ProcessPool | None = None
        if workers:
            # forkserver: workers fork from a clean process that has imported the extraction code
            # once, not from the crawler with its reactor and threads.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["crawler.page"])
            self._pool = ProcessPool(max_workers=workers, max_tasks=PAGES_PER_WORKER, context=context)

    @classmethod
    def from_settings(cls, settings: BaseSettings, workers: int | None = None) -> ExtractionPool:
        """A pool as EXTRACT_WORKERS and EXTRACT_TIMEOUT say (``workers``, if given, instead)."""
        if workers is None:
            auto = str(settings.get("EXTRACT_WORKERS")).strip().lower() == "auto"
            workers = available_cores() if auto else config.integer(settings, "EXTRACT_WORKERS", minimum=0)
        return cls(workers, config.seconds(settings, "EXTRACT_TIMEOUT"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPool:
        """The crawl's pool (its spider builds it once), closed when the engine stops."""
        pool = cls.from_settings(crawler.settings)
        crawler.signals.connect(pool.close, signal=signals.engine_stopped)
        return pool

    def submit(self, task: PageTask) -> Future[PageResult]:
        """Hand a page to a worker; the future ends with the page's result, or a worker's failure."""
        assert self._pool is not None, "the pool is closed, or extraction runs in the crawler's thread"
        return self._pool.schedule(self.function, args=(task,), timeout=self.timeout)

    def result_of(self, future: Future[PageResult]) -> PageResult:
        """A finished future's result; a worker that crashed or ran out of time is a Rejection."""
        try:
            return future.result(timeout=0)
        except FutureTimeout:
            return PageResult(Rejection("extract_timeout", f"extraction took more than {self.timeout:g} s"))
        except ProcessExpired as exc:
            return PageResult(
                Rejection("extract_crashed", f"extraction worker died: exit code {exc.exitcode}")
            )

    async def process(self, task: PageTask) -> PageResult:
        """Process a page in a worker while the reactor goes on; in the crawler's thread if none."""
        if self._pool is None:
            return self.function(task)
        from twisted.internet import reactor  # the crawl's own reactor, installed by Scrapy by now

        future = self.submit(task)
        finished: Deferred[None] = Deferred()
        future.add_done_callback(lambda _: reactor.callFromThread(finished.callback, None))
        await maybe_deferred_to_future(finished)
        return self.result_of(future)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()  # the engine has stopped: no page is left to extract
            self._pool.join()
            self._pool = None
