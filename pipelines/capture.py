"""Raw pages kept as WARC in the archive: the crawl's open segment, sealed and delivered.

An extension, built before the engine. The spider appends each fetched page's records
(crawler.capture, built in the extraction workers) and gets back where the response record is, for
the page's JSON record; the incremental middleware appends 304 answers as revisits; the pipeline
makes a page durable (``sync``) before it stores a record that points to it.

A segment is sealed at ARCHIVE_WARC_MAX_SIZE bytes, once it is ARCHIVE_WARC_MAX_AGE old, and when the
crawl ends (SIGTERM included: Scrapy then closes the spider); it is then delivered with its CDXJ
index (pipelines.segments), from a thread, under the spool's delivery lock. A segment that cannot be
delivered waits in the spool and is delivered by the next run, or ``newsarchive flush``, as records
are. The manifest extension finishes the capture (``finish``) when the spider closes, then lists the
run's segments in its manifest.

Settings: ARCHIVE_WARC, ARCHIVE_WARC_MAX_SIZE, ARCHIVE_WARC_MAX_AGE, ARCHIVE_SPOOL_DIR, ARCHIVE_URI.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from importlib.metadata import version
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread

from crawler import config
from crawler import stats as names
from crawler.capture import Captured
from crawler.errors import StorageError
from crawler.outcome import plural
from crawler.record import CaptureRef, now_utc
from crawler.stats import Stats
from pipelines.segments import Segments, SegmentWriter
from pipelines.spool import Spool
from pipelines.stores import ArchiveStore, crawl_store

logger = logging.getLogger(__name__)


class WarcCapture:
    def __init__(self, crawler: Crawler, stats: Stats, max_size: int, max_age: timedelta) -> None:
        self.crawler = crawler
        self.stats = stats
        self.max_size = max_size
        self.max_age = max_age
        self.store: ArchiveStore | None = None
        self.spool: Spool | None = None
        self.segments: Segments | None = None
        self.writer: SegmentWriter | None = None
        self.open: dict[str, SegmentWriter] = {}  # key -> segment still being written or sealed
        self.written: list[str] = []  # keys of the segments this run wrote
        self._timer = LoopingCall(self._on_timer)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCapture:
        settings = crawler.settings
        if not config.boolean(settings, "ARCHIVE_WARC"):
            raise NotConfigured  # no message: Scrapy would log a WARNING for a feature merely off
        capture = cls(
            crawler,
            crawler.stats,
            config.integer(settings, "ARCHIVE_WARC_MAX_SIZE", minimum=1),
            config.duration(settings, "ARCHIVE_WARC_MAX_AGE", positive=True),
        )
        crawler.signals.connect(capture.spider_opened, signal=signals.spider_opened)
        return capture

    async def spider_opened(self) -> None:
        self.store = crawl_store(self.crawler)
        self.spool = Spool(self.crawler.settings.get("ARCHIVE_SPOOL_DIR"), self.store.uri)
        self.segments = Segments(self.spool.segments_directory)
        # Left by a run that died, or not delivered by the last one: sealed, then delivered.
        await maybe_deferred_to_future(deferToThread(self.segments.recover))
        self._deliver_soon()
        self._timer.start(min(60.0, self.max_age.total_seconds() / 4), now=False)

    # --- the crawl's side ------------------------------------------------------------------------

    def append(self, captured: Captured) -> CaptureRef:
        """Append one page's records to the open segment (opening one if needed)."""
        if self.writer is None:
            assert self.segments is not None, "the spider is not open"
            self.writer = SegmentWriter(self.segments.directory, now_utc(), _warcinfo())
            self.open[self.writer.key] = self.writer
            self.written.append(self.writer.key)
        ref = self.writer.append(captured)
        self.stats.inc_value(names.WARC_PAGES)
        self.stats.inc_value(names.WARC_REVISITS if captured.revisit else names.WARC_RESPONSES)
        self.stats.inc_value(names.WARC_BYTES, len(captured.data))
        if self.writer.size >= self.max_size:
            self._seal()
        return ref

    def sync(self, ref: CaptureRef) -> None:
        """Make the page at ``ref`` durable before a record pointing to it is stored (any thread)."""
        writer = self.open.get(ref.warc)
        if writer is not None:
            writer.sync(ref)

    def _seal(self) -> None:
        writer, self.writer = self.writer, None
        if writer is None:
            return
        sealed = writer.seal()  # fsyncs it: pages in it need no sync any more
        self.open.pop(writer.key, None)
        if sealed is not None:
            self.stats.inc_value(names.WARC_SEGMENTS_SEALED)
            logger.info("Sealed segment %s (%d pages, %d bytes)", sealed.name, sealed.pages, writer.size)
            self._deliver_soon()

    def _on_timer(self) -> None:
        if self.writer is not None and now_utc() - self.writer.opened_at >= self.max_age:
            self._seal()
        elif self.writer is None:
            self._deliver_soon()  # what an outage left behind

    # --- delivery --------------------------------------------------------------------------------

    def _deliver_soon(self) -> Deferred[Any]:
        delivering = deferToThread(self.deliver)
        delivering.addErrback(
            lambda failure: logger.error("Could not deliver WARC segments: %s", failure.value)
        )
        return delivering

    def deliver(self) -> int:
        """Deliver the sealed segments of this archive's spool, oldest first, until storage fails;
        returns how many are still waiting. Blocking: runs in a thread."""
        assert self.store is not None and self.spool is not None and self.segments is not None
        with self.spool.delivering(wait=True):
            try:
                for segment in self.segments.deliver(self.store):
                    self.stats.inc_value(names.WARC_SEGMENTS_DELIVERED)
                    logger.info("Delivered segment %s to %s", segment.key, self.store.uri)
            except StorageError as exc:
                logger.warning(
                    "WARC segments wait in the spool %s for delivery: %s", self.segments.directory, exc
                )
            return len(self.segments.sealed())

    async def finish(self) -> None:
        """Seal the open segment and deliver what waits: called by the manifest extension when the
        spider closes, before it writes the manifest that lists the segments."""
        if self._timer.running:
            self._timer.stop()
        self._seal()
        if self.segments is None:
            return  # the spider never opened
        pending = await maybe_deferred_to_future(deferToThread(self.deliver))
        self.stats.set_value(names.WARC_SEGMENTS_PENDING, pending)
        if pending:
            logger.error(
                "%s waiting in the spool %s for delivery",
                plural(pending, "WARC segment"),
                self.segments.directory,
            )


def capture_of(crawler: Crawler) -> WarcCapture | None:
    """The crawl's WARC capture, or None when ARCHIVE_WARC is off."""
    return crawler.get_extension(WarcCapture)


def _warcinfo() -> dict[str, str]:
    return {
        "software": f"newsarchive (Scrapy {version('scrapy')}, warcio {version('warcio')})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
    }
