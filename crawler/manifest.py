"""Each run leaves a small manifest in the archive: who ran, with what, when, and what came of it.

    runs/date=YYYY-MM-DD/JOB_ID.json   (pipelines.storage.keys)

written when the spider closes (after the pipelines have flushed), so ``newsarchive stats`` and a
person reading the bucket can see every run's outcome without the crawler's logs. The run's exit
status is decided here, once (crawler.exit_status), and left in the stats for the crawl command.

On the shared frontier (crawler.frontier) each process writes its own, JOB_ID.WORKER.json, and the
seed, once every other process has ended, the crawl's, JOB_ID.json: the counts of all processes
summed, each process listed with its exit status, and those lost (crawler.frontier.crawl_manifest).

When storage is down, the manifest is kept in the spool (ARCHIVE_SPOOL_DIR) and delivered with
the records.

Settings: ARCHIVE_URI, ARCHIVE_JOB_NAME, ARCHIVE_MIN_RECORDS, ARCHIVE_SPOOL_DIR, AWS_*.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler import config, exit_status
from crawler import stats as names
from crawler.errors import StorageError
from crawler.frontier.crawl_manifest import crawl_manifest
from crawler.frontier.extension import FrontierExtension, frontier_of
from crawler.frontier.roster import ProcessResult
from crawler.health.figures import Verdict
from crawler.health.monitor import monitor_of
from crawler.job_names import job_name
from crawler.record import encode_json, now_utc, utc_iso
from pipelines.extensions import CrawlArchive, capture_of, crawl_archive
from pipelines.storage import ArchiveStore
from pipelines.storage.keys import manifest_key

logger = logging.getLogger(__name__)
MANIFEST_VERSION = 1


class ManifestExtension:
    def __init__(self, crawler: Crawler, min_records: int) -> None:
        self.crawler = crawler
        self.min_records = min_records
        self.started_at = utc_iso(now_utc())
        self._archive: CrawlArchive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ManifestExtension:
        extension = cls(crawler, config.integer(crawler.settings, "ARCHIVE_MIN_RECORDS", minimum=0))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @property
    def archive(self) -> CrawlArchive:
        """The crawl's store and spool (pipelines.extensions.CrawlArchive, built with this extension)."""
        if self._archive is None:
            self._archive = crawl_archive(self.crawler)
        return self._archive

    @property
    def store(self) -> ArchiveStore:
        return self.archive.store

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = utc_iso(now_utc())

    def job(self, spider: Spider) -> str:
        """The scheduled job a run belongs to (crawler.job_names): the runs a site's history is taken
        from."""
        arguments = [f"{k}={v}" for k, v in sorted(getattr(spider, "arguments", {}).items())]
        return job_name(spider.name, arguments, self.crawler.settings.get("ARCHIVE_JOB_NAME") or "")

    def build(
        self, spider: Spider, reason: str, domains: dict[str, Any] | None, verdict: Verdict | None
    ) -> dict[str, Any]:
        assert self.crawler.stats is not None
        stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
        figures = exit_status.summary(stats)
        monitor = monitor_of(self.crawler)
        return {
            "manifest_version": MANIFEST_VERSION,
            "job_id": getattr(spider, "job_id", None),
            "job_name": self.crawler.settings.get("ARCHIVE_JOB_NAME") or None,
            "job": self.job(spider),
            "spider": spider.name,
            "arguments": getattr(spider, "arguments", {}),
            "started_at": self.started_at,
            "finished_at": utc_iso(now_utc()),
            "finish_reason": reason,
            "exit_status": exit_status.of_run(stats, self.min_records, bool(monitor and monitor.fail)),
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
                # of them, written by a killed run without their state (pipelines.write.inflight)
                "recovered": stats.get(names.RECORDS_RECOVERED, 0),
                "still_spooled": stats.get(names.SPOOL_PENDING, 0),
                "lost": stats.get(names.RECORDS_LOST, 0),
                "skipped": figures["skipped"],
                # pages with text by kind (crawler.extraction.kinds), archived or not
                "kinds": figures["kinds"],
                # URLs of domains that asked us to stop (crawler.middlewares.politeness), for the next run
                "deferred": figures["deferred"],
                # consent walls and bot checks by domain: pages a site showed instead of its articles
                "walls": figures["walls"],
                # pages rendered in a browser (crawler.middlewares.browser): crawler.stats RENDER_*
                "rendered": figures["rendered"],
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
            # null with ARCHIVE_WARC off; else the WARC segments this run wrote its raw pages to.
            "warc": self._warc(stats),
            # What the run made of each site's pages (crawler.health.figures), and how that compares with the
            # site's history: null in the process manifests of a shared crawl, judged as a whole.
            "domains": domains,
            "health": verdict.to_dict() if verdict is not None else None,
        }

    def _warc(self, stats: dict[str, Any]) -> dict[str, Any] | None:
        capture = capture_of(self.crawler)
        if capture is None:
            return None
        return {
            "segments": list(capture.written),
            "pages": stats.get(names.WARC_PAGES, 0),
            "responses": stats.get(names.WARC_RESPONSES, 0),
            "revisits": stats.get(names.WARC_REVISITS, 0),
            "bytes": stats.get(names.WARC_BYTES, 0),
            "segments_pending": stats.get(names.WARC_SEGMENTS_PENDING, 0),
        }

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        capture = capture_of(self.crawler)
        if capture is not None:
            await capture.finish()  # its segments sealed and delivered before they are listed
        monitor = monitor_of(self.crawler)
        frontier = frontier_of(self.crawler)
        domains = monitor.figures() if monitor is not None else None
        verdict = None
        if monitor is not None and domains is not None and frontier is None:
            job = self.job(spider)
            verdict = await maybe_deferred_to_future(deferToThread(monitor.verdict, domains, job, self.store))
        manifest = self.build(spider, reason, domains, verdict)
        stats.set_value(names.EXIT_STATUS, manifest["exit_status"])
        worker = manifest["frontier"]["worker"] if manifest["frontier"] else None
        key = manifest_key(self.started_at, manifest["job_id"] or "unknown", worker)
        if await maybe_deferred_to_future(deferToThread(self._write, key, manifest)):
            stats.set_value(names.MANIFEST_KEY, key)
        if frontier is not None and manifest["frontier"]:
            await maybe_deferred_to_future(deferToThread(self._conclude, frontier, manifest, key))

    def _write(self, key: str, manifest: dict[str, Any]) -> bool:
        """Write a manifest, or spool it when storage is down; True if it is in the archive now."""
        stats = self.crawler.stats
        assert stats is not None
        data = encode_json(manifest)
        try:
            self.store.put(key, data)
        except StorageError as exc:
            # Kept in the spool with the records, and delivered with them later.
            try:
                self.archive.spool.save_object(key, data)
            except OSError:
                stats.inc_value(names.MANIFEST_FAILED)
                logger.exception("Could not write the run manifest %s (%s) nor spool it", key, exc)
            else:
                stats.inc_value(names.MANIFEST_SPOOLED)
                logger.error("Could not write the run manifest %s (%s): spooled", key, exc)
            return False
        return True

    def _conclude(self, frontier: FrontierExtension, manifest: dict[str, Any], key: str) -> None:
        """On the shared frontier: report how this process ended; the seed then waits for the others,
        writes the crawl's manifest, and takes the crawl's exit status. Blocking: runs in a thread."""
        stats = self.crawler.stats
        assert stats is not None
        name = manifest["frontier"]["name"]
        own = ProcessResult(
            worker=manifest["frontier"]["worker"],
            host=manifest["host"],
            manifest=key,
            exit_status=manifest["exit_status"],
            finish_reason=manifest["finish_reason"],
            articles_found=exit_status.articles_found(stats.get_stats()),
            counts=manifest["counts"],
            domains=manifest["domains"] or {},
        )
        try:
            reports = frontier.conclude(own, finished=manifest["finish_reason"] == "finished")
        except redis.RedisError as exc:
            logger.error("Frontier %s: could not report this run or gather the crawl's: %s", name, exc)
            return
        if reports is None:
            return
        processes, lost = reports
        crawl = crawl_manifest(manifest, processes, lost, self.min_records)
        monitor = monitor_of(self.crawler)
        if monitor is not None:
            verdict = monitor.verdict(crawl["domains"], crawl["job"], self.store)
            crawl["health"] = verdict.to_dict()
            if verdict.degraded and monitor.fail and crawl["exit_status"] == exit_status.OK:
                crawl["exit_status"] = exit_status.DEGRADED
        crawl_key = manifest_key(self.started_at, manifest["job_id"] or "unknown")
        if self._write(crawl_key, crawl):
            stats.set_value(names.CRAWL_MANIFEST_KEY, crawl_key)
        stats.set_value(names.CRAWL_PROCESSES, len(processes))
        stats.set_value(names.CRAWL_LOST, len(lost))
        stats.set_value(names.CRAWL_EXIT_STATUS, crawl["exit_status"])
        stats.set_value(names.EXIT_STATUS, crawl["exit_status"])
        if lost:
            logger.error("Frontier %s: processes lost during the crawl: %s", name, ", ".join(lost))
