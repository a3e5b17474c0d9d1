"""The archive pipeline: each ArticleRecord becomes a version in the archive, or waits in the spool.

The Scrapy side of pipelines.write.delivery.Archiver: records are archived in a bounded thread pool off the
reactor. A record whose write fails after retries is kept in the local spool and the crawl goes on;
while storage is down, records go straight to the spool, and storage is probed every
ARCHIVE_SPOOL_RETRY_INTERVAL seconds (by the next record, or by a timer when none comes). Spooled
records are delivered as soon as storage answers again, at the end of the crawl, at the start of the
next run, or by ``newsarchive flush``. Nothing extracted is dropped, and the stats say what happened.

Settings: ARCHIVE_URI, ARCHIVE_SPOOL_DIR, ARCHIVE_WRITE_THREADS, ARCHIVE_WRITE_ATTEMPTS,
ARCHIVE_WRITE_BACKOFF, ARCHIVE_SPOOL_RETRY_INTERVAL, ARCHIVE_STORE_CONNECT_TIMEOUT,
ARCHIVE_STORE_READ_TIMEOUT, AWS_*.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.signalmanager import SignalManager
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from crawler import config
from crawler import signals as announced
from crawler import stats as names
from crawler.record import ArticleRecord
from crawler.stats import Stats
from crawler.wording import plural
from pipelines.extensions import WarcCapture, capture_of, crawl_archive, url_index_of
from pipelines.storage import ArchiveStore
from pipelines.write.delivery import Archiver, Delivery
from pipelines.write.spool import Spool
from pipelines.write.url_index import UrlIndex

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(
        self,
        store: ArchiveStore,
        spool: Spool,
        stats: Stats,
        *,
        threads: int,
        attempts: int,
        backoff: float,
        retry_interval: float = 0.0,
        capture: WarcCapture | None = None,
        index: UrlIndex | None = None,
        signals: SignalManager | None = None,
    ) -> None:
        self.store = store
        self.capture = capture
        self.signals = signals  # where ``record_archived`` is announced (crawler.signals)
        self.spool = spool
        self.stats = stats
        self.archiver = Archiver(
            store,
            spool,
            stats,
            attempts=attempts,
            backoff=backoff,
            retry_interval=retry_interval,
            index=index,
        )
        self.retry_interval = retry_interval
        self.pool = ThreadPool(minthreads=1, maxthreads=threads, name="archive-writer")
        self._timer: LoopingCall | None = None
        self._retrying = False
        self.in_flight = 0  # records handed to the writer threads and not archived or spooled yet

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        settings = crawler.settings
        archive = crawl_archive(crawler)
        return cls(
            archive.store,
            archive.spool,
            crawler.stats,
            threads=config.integer(settings, "ARCHIVE_WRITE_THREADS", minimum=1),
            attempts=config.integer(settings, "ARCHIVE_WRITE_ATTEMPTS", minimum=1),
            backoff=config.number(settings, "ARCHIVE_WRITE_BACKOFF", minimum=0),
            retry_interval=config.number(settings, "ARCHIVE_SPOOL_RETRY_INTERVAL", minimum=0),
            capture=capture_of(crawler),
            index=url_index_of(crawler),
            signals=crawler.signals,
        )

    def _in_thread(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        return maybe_deferred_to_future(deferToThreadPool(reactor, self.pool, function, *args, **kwargs))

    async def open_spider(self) -> None:
        self.pool.start()
        self.stats.set_value(names.ARCHIVE_URI, self.store.uri)
        logger.info("Archiving to %s", self.store.uri)
        waiting = self.spool.count() + self.spool.count_objects()
        if waiting:
            logger.info(
                "%s waiting for delivery from %s",
                plural(waiting, "spooled entry", "spooled entries"),
                self.spool.directory,
            )
        # Always: a killed run may have left records half-written (pipelines.write.inflight); no request
        # unless it did or something waits.
        await self._in_thread(self.archiver.deliver_spooled)
        if self.retry_interval > 0:
            self._timer = LoopingCall(self._retry_spooled)
            self._timer.start(self.retry_interval, now=False)

    def _retry_spooled(self) -> None:
        """Timer: while records wait and no record write finds storage back, probe it ourselves."""
        if self._retrying or not (self.archiver.outage.down or self.spool.count()):
            return
        self._retrying = True

        def finished(result: Any) -> None:
            self._retrying = False

        deferred = deferToThreadPool(reactor, self.pool, self.archiver.deliver_spooled, probe=True)
        deferred.addBoth(finished)

    async def close_spider(self) -> None:
        try:
            if self._timer is not None and self._timer.running:
                self._timer.stop()
            done: Delivery = await self._in_thread(self.archiver.deliver_spooled, wait=True, probe=True)
            pending = self.spool.count()
            self.stats.set_value(names.SPOOL_PENDING, pending)
            if pending:
                logger.error(
                    "%s waiting in the spool %s for delivery (%s)",
                    plural(pending, "record"),
                    self.spool.directory,
                    done.error or "not delivered",
                )
        finally:
            self.pool.stop()
            self.archiver.inflight.close()

    async def process_item(self, item: Any) -> Any:
        """Archive in a writer thread; the response waits meanwhile in Scrapy's scraper slot.

        That wait is the back-pressure: while records wait here, their responses fill the slot
        (SCRAPER_SLOT_MAX_ACTIVE_SIZE) and the engine stops downloading, so slow storage slows the
        crawl instead of piling records up in memory. The stats keep the most records ever waiting.
        """
        if not isinstance(item, ArticleRecord):
            return item
        self.in_flight += 1
        self.stats.max_value(names.RECORDS_IN_FLIGHT_MAX, self.in_flight)
        try:
            outcome, archived = await self._in_thread(self._store, item)
        finally:
            self.in_flight -= 1
        self.archiver.count(outcome)
        if self.signals is not None and outcome in names.OUTCOMES:
            self.signals.send_catch_log(
                announced.record_archived,
                url=item.url,
                outcome=names.OUTCOMES[outcome],
                kind=item.kind,
                spider=item.spider,
            )
        return archived

    def _store(self, record: ArticleRecord) -> tuple[str, ArticleRecord]:
        """In a writer thread: the raw page the record points to is made durable first, so no stored
        record points to bytes a crash could lose (pipelines.extensions.WarcCapture)."""
        if self.capture is not None and record.capture is not None:
            self.capture.sync(record.capture)
        return self.archiver.archive_or_spool(record)

    # The delivery steps, as the pipeline's own tests call them (in the calling thread).

    def _archive_or_spool(self, record: ArticleRecord) -> tuple[str, ArticleRecord]:
        return self.archiver.archive_or_spool(record)

    def _deliver_spooled(self) -> Delivery:
        return self.archiver.deliver_spooled()
