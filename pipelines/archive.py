"""The archive pipeline: each ArticleRecord becomes one JSON object in the archive.

Writes run in a bounded thread pool off the reactor. A failed write is retried with backoff (botocore
retries inside each attempt); a record that still cannot be written is kept in the local spool and
delivered at the next chance: after the next successful write, at the end of the crawl, at the start
of the next run. Nothing extracted is dropped, and the stats say what happened.

Settings: ARCHIVE_URI, ARCHIVE_SPOOL_DIR, ARCHIVE_WRITE_THREADS, ARCHIVE_WRITE_ATTEMPTS,
ARCHIVE_WRITE_BACKOFF, AWS_*.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Any

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from crawler import stats as names
from crawler.errors import SettingError, StorageError
from crawler.record import ArticleRecord, now_utc, utc_iso
from pipelines.keys import record_key
from pipelines.spool import Spool
from pipelines.stores import ArchiveStore, open_store

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(
        self, store: ArchiveStore, spool: Spool, stats: Any, *, threads: int, attempts: int, backoff: float
    ) -> None:
        self.store = store
        self.spool = spool
        self.stats = stats
        self.attempts = attempts
        self.backoff = backoff
        self.pool = ThreadPool(minthreads=1, maxthreads=threads, name="archive-writer")
        self._spool_lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        settings = crawler.settings
        threads = settings.getint("ARCHIVE_WRITE_THREADS")
        attempts = settings.getint("ARCHIVE_WRITE_ATTEMPTS")
        backoff = settings.getfloat("ARCHIVE_WRITE_BACKOFF")
        if backoff < 0:
            raise SettingError(f"ARCHIVE_WRITE_BACKOFF={backoff}: must not be negative")
        if threads < 1:
            raise SettingError(f"ARCHIVE_WRITE_THREADS={threads}: must be at least 1")
        if attempts < 1:
            raise SettingError(f"ARCHIVE_WRITE_ATTEMPTS={attempts}: must be at least 1")
        store = open_store(settings.get("ARCHIVE_URI"), settings)
        store.check()
        spool = Spool(settings.get("ARCHIVE_SPOOL_DIR"), store.uri)
        return cls(store, spool, crawler.stats, threads=threads, attempts=attempts, backoff=backoff)

    def _in_thread(self, function: Any, *args: Any) -> Any:
        return maybe_deferred_to_future(deferToThreadPool(reactor, self.pool, function, *args))

    async def open_spider(self) -> None:
        self.pool.start()
        self.stats.set_value(names.ARCHIVE_URI, self.store.uri)
        logger.info("Archiving to %s", self.store.uri)
        await self._in_thread(self._deliver_spooled)

    async def close_spider(self) -> None:
        try:
            await self._in_thread(self._deliver_spooled)
            pending = self.spool.count()
            self.stats.set_value(names.SPOOL_PENDING, pending)
            if pending:
                logger.error("%d record(s) wait in the spool %s for delivery", pending, self.spool.directory)
        finally:
            self.pool.stop()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        record = replace(item, archived_at=utc_iso(now_utc()))
        key = record_key(record)
        outcome = await self._in_thread(self._store_or_spool, key, record.to_json())
        self.stats.inc_value(outcome)
        return record

    # --- worker threads --------------------------------------------------------------------------

    def _put_with_retries(self, key: str, data: bytes) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                self.store.put(key, data)
                return
            except StorageError as exc:
                self.stats.inc_value(names.store_error("retryable" if exc.retryable else "permanent"))
                if not exc.retryable or attempt == self.attempts:
                    raise
                self.stats.inc_value(names.STORE_RETRIES)
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 8.0))

    def _store_or_spool(self, key: str, data: bytes) -> str:
        try:
            self._put_with_retries(key, data)
        except StorageError as exc:
            try:
                self.spool.save(key, data)
            except OSError:
                logger.exception("Record %s could neither be stored (%s) nor spooled", key, exc)
                return names.RECORDS_LOST
            logger.warning("Record %s spooled for later delivery: %s", key, exc)
            return names.RECORDS_SPOOLED
        if self.spool.directory.is_dir():
            self._deliver_spooled()  # storage answers again: deliver what waits
        return names.RECORDS_STORED

    def _deliver_spooled(self) -> None:
        if not self._spool_lock.acquire(blocking=False):
            return  # another thread is delivering
        try:
            for key, path in self.spool.pending():
                try:
                    self._put_with_retries(key, path.read_bytes())
                except StorageError as exc:
                    logger.warning("Spooled records still cannot be delivered: %s", exc)
                    return
                except FileNotFoundError:
                    continue
                path.unlink(missing_ok=True)
                self.stats.inc_value(names.RECORDS_DELIVERED_LATE)
                logger.info("Delivered spooled record %s", key)
        finally:
            self._spool_lock.release()
