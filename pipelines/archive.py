"""The archive pipeline: each ArticleRecord becomes a version in the archive, or is found unchanged.

For each record, in a bounded thread pool off the reactor: read the article's state; if the latest
version has the same ``content_sha256``, nothing is written but the URL's check time; otherwise the
next version is claimed in the state (conditional write), its record written, and the claim
committed. A failed write is retried with backoff (botocore retries inside each attempt); a record
that still cannot be archived is kept in the local spool and archived at the next chance: after the
next successful write, at the end of the crawl, at the start of the next run. Nothing extracted is
dropped, and the stats say what happened.

Settings: ARCHIVE_URI, ARCHIVE_SPOOL_DIR, ARCHIVE_WRITE_THREADS, ARCHIVE_WRITE_ATTEMPTS,
ARCHIVE_WRITE_BACKOFF, AWS_*.
"""

from __future__ import annotations

import json
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
from crawler.errors import Conflict, SettingError, StorageError
from crawler.record import ArticleRecord, now_utc, utc_iso
from pipelines.keys import record_key
from pipelines.spool import Spool
from pipelines.state import ArchiveState, ArticleState, UrlState, Version
from pipelines.stores import ArchiveStore, crawl_store

logger = logging.getLogger(__name__)

# A claim that loses this many races in a row means something else is wrong.
_CONFLICT_ATTEMPTS = 8


class ArchivePipeline:
    def __init__(
        self, store: ArchiveStore, spool: Spool, stats: Any, *, threads: int, attempts: int, backoff: float
    ) -> None:
        self.store = store
        self.state = ArchiveState(store)
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
        if threads < 1:
            raise SettingError(f"ARCHIVE_WRITE_THREADS={threads}: must be at least 1")
        if attempts < 1:
            raise SettingError(f"ARCHIVE_WRITE_ATTEMPTS={attempts}: must be at least 1")
        if backoff < 0:
            raise SettingError(f"ARCHIVE_WRITE_BACKOFF={backoff}: must not be negative")
        store = crawl_store(crawler)
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
        outcome, archived = await self._in_thread(self._archive_or_spool, item)
        self.stats.inc_value(outcome)
        if outcome in (names.RECORDS_NEW, names.RECORDS_CHANGED):
            self.stats.inc_value(names.RECORDS_STORED)
        return archived

    # --- worker threads --------------------------------------------------------------------------

    def _with_retries(self, record: ArticleRecord) -> tuple[str, ArticleRecord]:
        for attempt in range(1, self.attempts + 1):
            try:
                return self._archive(record)
            except StorageError as exc:
                self.stats.inc_value(names.store_error("retryable" if exc.retryable else "permanent"))
                if not exc.retryable or attempt == self.attempts:
                    raise
                self.stats.inc_value(names.STORE_RETRIES)
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 8.0))
        raise AssertionError("unreachable")

    def _archive(self, record: ArticleRecord) -> tuple[str, ArticleRecord]:
        for _ in range(_CONFLICT_ATTEMPTS):
            try:
                return self._archive_once(record)
            except Conflict:
                self.stats.inc_value(names.STATE_CONFLICTS)  # another crawler wrote first: read again
        raise StorageError(f"state of {record.id} kept changing while archiving it", retryable=True)

    def _archive_once(self, record: ArticleRecord) -> tuple[str, ArticleRecord]:
        now = utc_iso(now_utc())
        state, token = self.state.article(record.id)
        if state is None:
            state = ArticleState(record.id, record.canonical_url, first_seen_at=now)
        latest = state.latest()
        if latest is not None and latest.content_sha256 == record.content_sha256:
            self._checked(record)
            return names.RECORDS_UNCHANGED, record
        version = state.pending(record.content_sha256)
        if version is None:  # claim the next version before writing its record
            number = max((v.version for v in state.versions), default=0) + 1
            stamped = self._stamp(record, state, number, now, latest)
            version = Version(number, record.content_sha256, record_key(stamped), now)
            state.versions.append(version)
            token = self.state.save_article(state, token)
        else:  # an earlier run claimed this version and stopped before committing it
            stamped = self._stamp(record, state, version.version, version.archived_at, latest)
        # A claim completed after a crash on a later day moves to that fetch day's partition.
        claimed_key, version.key = version.key, record_key(stamped)
        self.store.put(version.key, stamped.to_json())
        if claimed_key != version.key:
            self.store.delete(claimed_key)  # never committed; it may hold the crashed run's copy
        version.committed = True
        self.state.save_article(state, token)
        self._checked(record)
        return (names.RECORDS_NEW if version.version == 1 else names.RECORDS_CHANGED), stamped

    @staticmethod
    def _stamp(
        record: ArticleRecord, state: ArticleState, number: int, archived_at: str, latest: Version | None
    ) -> ArticleRecord:
        return replace(
            record,
            archived_at=archived_at,
            version=number,
            first_seen_at=state.first_seen_at,
            previous_key=latest.key if latest else None,
        )

    def _checked(self, record: ArticleRecord) -> None:
        self.state.save_url(
            UrlState(
                record.requested_url,
                record.id,
                record.fetched_at,
                record.http.etag,
                record.http.last_modified,
            )
        )

    def _archive_or_spool(self, record: ArticleRecord) -> tuple[str, ArticleRecord]:
        try:
            outcome = self._with_retries(record)
        except StorageError as exc:
            try:
                self.spool.save(f"{record.id}-{record.content_sha256[:16]}", record.to_json())
            except OSError:
                logger.exception("Record of %s could neither be archived (%s) nor spooled", record.url, exc)
                return names.RECORDS_LOST, record
            logger.warning("Record of %s spooled for later delivery: %s", record.url, exc)
            return names.RECORDS_SPOOLED, record
        if self.spool.directory.is_dir():
            self._deliver_spooled()  # storage answers again: deliver what waits
        return outcome

    def _deliver_spooled(self) -> None:
        if not self._spool_lock.acquire(blocking=False):
            return  # another thread is delivering
        try:
            for name, path in self.spool.pending():
                try:
                    record = ArticleRecord.from_dict(json.loads(path.read_bytes()))
                    outcome, _ = self._with_retries(record)
                except StorageError as exc:
                    logger.warning("Spooled records still cannot be delivered: %s", exc)
                    return
                except FileNotFoundError:
                    continue
                path.unlink(missing_ok=True)
                self.stats.inc_value(names.RECORDS_DELIVERED_LATE)
                self.stats.inc_value(outcome)
                logger.info("Delivered spooled record %s (%s)", name, outcome.rsplit("/", 1)[-1])
        finally:
            self._spool_lock.release()
