"""Each run leaves a small manifest in the archive: who ran, with what, when, and what came of it.

    runs/date=YYYY-MM-DD/JOB_ID.json

written when the spider closes (after the pipelines have flushed), so ``newsarchive stats`` and a
person reading the bucket can see every run's outcome without the crawler's logs.

When storage is down, the manifest is kept in the spool (ARCHIVE_SPOOL_DIR) and delivered with
the records.

Settings: ARCHIVE_URI, ARCHIVE_JOB_NAME, ARCHIVE_SPOOL_DIR, AWS_*.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from typing import Any

from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler import outcome
from crawler import stats as names
from crawler.errors import StorageError
from crawler.record import now_utc, utc_iso
from pipelines.spool import Spool
from pipelines.stores import ArchiveStore, crawl_store

logger = logging.getLogger(__name__)
MANIFEST_VERSION = 1


def manifest_key(started_at: str, job_id: str, worker: str | None = None) -> str:
    """One manifest per run; the processes of a crawl on a shared frontier share its job id, so each
    of them is named by its worker id too (crawler.frontier)."""
    name = job_id if worker is None else f"{job_id}.{worker}"
    safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return f"runs/date={started_at[:10]}/{safe_name}.json"


class ManifestExtension:
    def __init__(self, crawler: Any, store: ArchiveStore) -> None:
        self.crawler = crawler
        self.store = store
        self.started_at = utc_iso(now_utc())

    @classmethod
    def from_crawler(cls, crawler: Any) -> ManifestExtension:
        extension = cls(crawler, crawl_store(crawler))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.started_at = utc_iso(now_utc())

    def build(self, spider: Any, reason: str) -> dict[str, Any]:
        stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
        figures = outcome.summary(stats)
        return {
            "manifest_version": MANIFEST_VERSION,
            "job_id": getattr(spider, "job_id", None),
            "job_name": self.crawler.settings.get("ARCHIVE_JOB_NAME") or None,
            "spider": spider.name,
            "arguments": getattr(spider, "arguments", {}),
            "started_at": self.started_at,
            "finished_at": utc_iso(now_utc()),
            "finish_reason": reason,
            "exit_status": outcome.exit_status(stats, self.crawler.settings.getint("ARCHIVE_MIN_RECORDS")),
            "archive": self.store.uri,
            "counts": {
                "pages_fetched": figures["pages_fetched"],
                "new": stats.get(names.RECORDS_NEW, 0),
                "changed": stats.get(names.RECORDS_CHANGED, 0),
                "unchanged": stats.get(names.RECORDS_UNCHANGED, 0),
                "not_modified": stats.get(names.NOT_MODIFIED, 0),
                "fresh": stats.get(names.FRESH, 0),
                "spooled": stats.get(names.RECORDS_SPOOLED, 0),
                "delivered_late": stats.get(names.RECORDS_DELIVERED_LATE, 0),
                "still_spooled": stats.get(names.SPOOL_PENDING, 0),
                "lost": stats.get(names.RECORDS_LOST, 0),
                "skipped": figures["skipped"],
                "broken_sources": figures["broken_sources"],
            },
            "host": socket.gethostname(),
            "pid": os.getpid(),
            # null, or the shared frontier this process worked and its worker id there.
            "frontier": (
                {"name": stats[names.FRONTIER_NAME], "worker": stats.get(names.FRONTIER_WORKER)}
                if stats.get(names.FRONTIER_NAME)
                else None
            ),
        }

    async def spider_closed(self, spider: Any, reason: str) -> None:
        manifest = self.build(spider, reason)
        worker = manifest["frontier"]["worker"] if manifest["frontier"] else None
        key = manifest_key(self.started_at, manifest["job_id"] or "unknown", worker)
        data = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

        def write() -> None:
            try:
                self.store.put(key, data)
            except StorageError as exc:
                # Kept in the spool with the records, and delivered with them later.
                try:
                    Spool(self.crawler.settings.get("ARCHIVE_SPOOL_DIR"), self.store.uri).save_object(
                        key, data
                    )
                except OSError:
                    self.crawler.stats.inc_value(names.MANIFEST_FAILED)
                    logger.exception("Could not write the run manifest %s (%s) nor spool it", key, exc)
                else:
                    self.crawler.stats.inc_value(names.MANIFEST_SPOOLED)
                    logger.error("Could not write the run manifest %s (%s): spooled", key, exc)
            else:
                self.crawler.stats.set_value(names.MANIFEST_KEY, key)

        await maybe_deferred_to_future(deferToThread(write))
