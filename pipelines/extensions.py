"""The archive's Scrapy extensions: what a crawl shares with the archive, built once before the engine.

    CrawlArchive    the crawl's one store (ARCHIVE_URI), opened and checked before any request, and
                    its one spool (ARCHIVE_SPOOL_DIR)
    CrawlUrlIndex   the crawl's URL index, read once per domain and written back
    WarcCapture     raw pages kept as WARC segments (ARCHIVE_WARC)

The pipeline (pipelines.archive), the middlewares, the spiders and the manifest find them with
``crawl_archive``, ``url_index_of`` and ``capture_of``. Everything that is not Scrapy glue lives
below: pipelines.write and pipelines.storage.
"""

from __future__ import annotations

import logging
import pprint
from datetime import timedelta
from importlib.metadata import version
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings, overridden_settings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread

from crawler import config
from crawler import stats as names
from crawler.errors import SettingError, StorageError
from crawler.record import CaptureRef, now_utc, set_now
from crawler.stats import Stats
from crawler.warc import Captured
from crawler.wording import plural
from pipelines.storage import ArchiveStore, open_store
from pipelines.write.segments import Segments, SegmentWriter
from pipelines.write.spool import Spool
from pipelines.write.url_index import UrlIndex

logger = logging.getLogger(__name__)


class CrawlArchive:
    """The crawl's one store for ARCHIVE_URI and one spool for it, opened when the crawl starts.

    Built before the engine: a missing bucket or refused credentials is one line before any request,
    and the pipeline, the middlewares, the capture and the manifest share one boto3 client and
    connection pool, and one spool.

    Settings: ARCHIVE_URI, ARCHIVE_SPOOL_DIR, AWS_*, ARCHIVE_STORE_CONNECT_TIMEOUT,
    ARCHIVE_STORE_READ_TIMEOUT.
    """

    def __init__(self, store: ArchiveStore, spool: Spool) -> None:
        self.store = store
        self.spool = spool

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlArchive:
        settings = crawler.settings
        hide_secret_settings(settings)
        # The first component built: every timestamp of the run is on the clock ARCHIVE_NOW sets.
        set_now(config.moment(settings, "ARCHIVE_NOW"))
        store = open_store(settings.get("ARCHIVE_URI"), settings)
        store.check()
        return cls(store, Spool(settings.get("ARCHIVE_SPOOL_DIR"), store.uri))


# Settings whose values are secrets: given with -s, they are never shown.
SECRET_SETTINGS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


class _SecretSettingsHidden(logging.Filter):
    """Scrapy logs the settings a crawl overrides ("Overridden settings", scrapy.crawler) once its
    extensions are built: this crawl's line is logged with the secrets' values as ``***``. Once done,
    the filter removes itself."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__()
        self.settings = settings

    def filter(self, record: logging.LogRecord) -> bool:
        if not (isinstance(record.args, dict) and str(record.msg).startswith("Overridden settings")):
            return True
        overridden = dict(overridden_settings(self.settings))
        if record.args.get("settings") == pprint.pformat(overridden):  # this crawl's, not another's
            shown = {name: "***" if name in SECRET_SETTINGS else value for name, value in overridden.items()}
            record.args = {**record.args, "settings": pprint.pformat(shown)}
            logging.getLogger(record.name).removeFilter(self)
        return True


def hide_secret_settings(settings: BaseSettings) -> None:
    """Keep the secrets given with -s (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) out of Scrapy's log of
    the overridden settings."""
    if any(settings.get(name) for name in SECRET_SETTINGS):
        logging.getLogger("scrapy.crawler").addFilter(_SecretSettingsHidden(settings))


def crawl_archive(crawler: Crawler) -> CrawlArchive:
    """The crawl's store and spool (from ``from_crawler`` of a middleware or pipeline, or once the
    spider is open)."""
    archive = crawler.get_extension(CrawlArchive)
    if archive is None:
        raise SettingError("EXTENSIONS: pipelines.extensions.CrawlArchive is disabled; the archive needs it")
    return archive


class CrawlUrlIndex:
    """The crawl's one UrlIndex (pipelines.write.url_index), flushed every
    ARCHIVE_URL_INDEX_FLUSH_INTERVAL seconds and when the spider closes (after the pipelines have
    closed, so the last records' checks are in it).

    Settings: ARCHIVE_URL_INDEX_FLUSH_INTERVAL, ARCHIVE_URL_INDEX_MAX_URLS.
    """

    def __init__(self, crawler: Crawler, max_urls: int, interval: float) -> None:
        self.crawler = crawler
        self.max_urls = max_urls
        self.interval = interval
        self._index: UrlIndex | None = None
        self._timer: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlUrlIndex:
        settings = crawler.settings
        max_urls = config.integer(settings, "ARCHIVE_URL_INDEX_MAX_URLS", minimum=1)
        interval = config.number(settings, "ARCHIVE_URL_INDEX_FLUSH_INTERVAL", minimum=0)
        extension = cls(crawler, max_urls, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @property
    def index(self) -> UrlIndex:
        """Made on first use: the crawl's store exists only once every extension is built."""
        if self._index is None:
            archive = crawl_archive(self.crawler)
            self._index = UrlIndex(archive.store, self.crawler.stats, self.max_urls, archive.spool.directory)
        return self._index

    def spider_opened(self) -> None:
        if self.interval > 0:
            self._timer = LoopingCall(lambda: deferToThread(self.index.flush))
            self._timer.start(self.interval, now=False)

    async def spider_closed(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        await maybe_deferred_to_future(deferToThread(self.index.flush, keep=True))


def url_index_of(crawler: Crawler) -> UrlIndex | None:
    extension = crawler.get_extension(CrawlUrlIndex)
    return extension.index if extension is not None else None


class WarcCapture:
    """Raw pages kept as WARC in the archive: the crawl's open segment, sealed and delivered.

    The spider appends each fetched page's records (crawler.warc, built in the extraction workers)
    and gets back where the response record is, for the page's JSON record; the incremental
    middleware appends 304 answers as revisits; the pipeline makes a page durable (``sync``) before
    it stores a record that points to it. A segment is sealed at ARCHIVE_WARC_MAX_SIZE bytes, once it
    is ARCHIVE_WARC_MAX_AGE old, and when the crawl ends (SIGTERM included: Scrapy then closes the
    spider); it is then delivered with its CDXJ index (pipelines.write.segments), from a thread,
    under the spool's delivery lock. A segment that cannot be delivered waits in the spool for the
    next run, or ``newsarchive flush``, as records do. The manifest extension finishes the capture
    (``finish``) when the spider closes, then lists the run's segments in its manifest.

    Settings: ARCHIVE_WARC, ARCHIVE_WARC_MAX_SIZE, ARCHIVE_WARC_MAX_AGE.
    """

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
        archive = crawl_archive(self.crawler)
        self.store, self.spool = archive.store, archive.spool
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
        returns how many of them are still waiting. Blocking: runs in a thread.

        A segment another process sealed meanwhile in a shared spool is not counted: that process
        delivers it when it finishes, and counting it here made a run fail that had delivered all
        it had."""
        assert self.store is not None and self.spool is not None and self.segments is not None
        with self.spool.delivering(wait=True):
            tried = {segment.name for segment in self.segments.sealed()}
            try:
                for segment in self.segments.deliver(self.store):
                    self.stats.inc_value(names.WARC_SEGMENTS_DELIVERED)
                    logger.info("Delivered segment %s to %s", segment.key, self.store.uri)
            except StorageError as exc:
                logger.warning(
                    "WARC segments wait in the spool %s for delivery: %s", self.segments.directory, exc
                )
            return sum(segment.name in tried for segment in self.segments.sealed())

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
