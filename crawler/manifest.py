"""Each run leaves a small manifest in the archive: who ran, with what, when, and what came of it.

    runs/date=YYYY-MM-DD/JOB_ID.json

written when the spider closes (after the pipelines have flushed), so ``newsarchive stats`` and a
person reading the bucket can see every run's outcome without the crawler's logs.

On the shared frontier (crawler.frontier) each process writes its own, JOB_ID.WORKER.json, and the
seed, once every other process has ended, the crawl's, JOB_ID.json: the counts of all processes
summed, each process listed with its exit status, and those lost (crawler.roster).

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

import redis
from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler import outcome
from crawler import stats as names
from crawler.errors import ConfigError, StorageError
from crawler.record import now_utc, utc_iso
from crawler.roster import ProcessResult, Roster
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
        if await maybe_deferred_to_future(deferToThread(self._write, key, manifest)):
            self.crawler.stats.set_value(names.MANIFEST_KEY, key)
        if manifest["frontier"]:
            await maybe_deferred_to_future(deferToThread(self._report, manifest, key))

    def _write(self, key: str, manifest: dict[str, Any]) -> bool:
        """Write a manifest, or spool it when storage is down; True if it is in the archive now."""
        data = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        try:
            self.store.put(key, data)
        except StorageError as exc:
            # Kept in the spool with the records, and delivered with them later.
            try:
                Spool(self.crawler.settings.get("ARCHIVE_SPOOL_DIR"), self.store.uri).save_object(key, data)
            except OSError:
                self.crawler.stats.inc_value(names.MANIFEST_FAILED)
                logger.exception("Could not write the run manifest %s (%s) nor spool it", key, exc)
            else:
                self.crawler.stats.inc_value(names.MANIFEST_SPOOLED)
                logger.error("Could not write the run manifest %s (%s): spooled", key, exc)
            return False
        return True

    def _report(self, manifest: dict[str, Any], key: str) -> None:
        """On the shared frontier: report how this process ended; the seed then waits for the others
        and writes the crawl's manifest (crawler.roster). Blocking: runs in a thread."""
        settings, stats = self.crawler.settings, self.crawler.stats
        name, worker = manifest["frontier"]["name"], manifest["frontier"]["worker"]
        own = ProcessResult(
            worker=worker,
            host=manifest["host"],
            manifest=key,
            exit_status=manifest["exit_status"],
            finish_reason=manifest["finish_reason"],
            articles_found=outcome.articles_found(stats.get_stats()),
            counts=manifest["counts"],
        )
        try:
            roster = Roster.from_crawler(self.crawler)
            roster.report(own)
            if settings.getbool("FRONTIER_JOIN") or manifest["finish_reason"] != "finished":
                return  # a worker; or a seed stopped (SIGTERM) before the crawl was done: no waiting
            logger.info("Frontier %s: waiting for the other processes of crawl %s", name, manifest["job_id"])
            processes, lost = roster.wait_for_others(worker)
        except (redis.RedisError, ConfigError) as exc:
            logger.error("Frontier %s: could not report this run or gather the crawl's: %s", name, exc)
            return
        crawl = crawl_manifest(manifest, processes, lost, settings.getint("ARCHIVE_MIN_RECORDS"))
        crawl_key = manifest_key(self.started_at, manifest["job_id"] or "unknown")
        if self._write(crawl_key, crawl):
            stats.set_value(names.CRAWL_MANIFEST_KEY, crawl_key)
        stats.set_value(names.CRAWL_PROCESSES, len(processes))
        stats.set_value(names.CRAWL_LOST, len(lost))
        stats.set_value(names.CRAWL_EXIT_STATUS, crawl["exit_status"])
        if lost:
            logger.error("Frontier %s: processes lost during the crawl: %s", name, ", ".join(lost))


def crawl_manifest(
    seed: dict[str, Any], processes: list[ProcessResult], lost: list[str], min_records: int
) -> dict[str, Any]:
    """The manifest of a whole crawl on the shared frontier: the seed's, with every process's counts
    summed and each process listed."""
    reasons = {process.finish_reason for process in processes}
    if lost:
        finish_reason = "processes lost"
    elif reasons <= {"finished"}:
        finish_reason = "finished"
    else:
        finish_reason = ", ".join(sorted(reasons - {"finished"}))
    statuses = [process.exit_status for process in processes]
    found = sum(process.articles_found for process in processes)
    return {
        **seed,
        "finished_at": utc_iso(now_utc()),
        "finish_reason": finish_reason,
        "exit_status": outcome.crawl_exit_status(statuses, len(lost), found, min_records),
        "counts": _summed([process.counts for process in processes]),
        "frontier": {
            "name": seed["frontier"]["name"],
            "worker": None,
            "processes": [
                {
                    "worker": p.worker,
                    "host": p.host,
                    "manifest": p.manifest,
                    "exit_status": p.exit_status,
                    "finish_reason": p.finish_reason,
                }
                for p in processes
            ],
            "lost": lost,
        },
    }


def _summed(counts: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts added up, figure by figure; the by-reason tables (skipped, broken_sources) by reason."""
    total: dict[str, Any] = {}
    for figures in counts:
        for name, value in figures.items():
            if isinstance(value, dict):
                table = total.setdefault(name, {})
                for reason, count in value.items():
                    table[reason] = table.get(reason, 0) + count
            else:
                total[name] = total.get(name, 0) + value
    return {name: dict(sorted(v.items())) if isinstance(v, dict) else v for name, v in total.items()}
