"""The frontier's Scrapy side: scrapy-redis's scheduler on the shared queue (Scrapy's own without
REDIS_URL), its duplicate filter with expiring fingerprints, and the spider middleware that keeps a
joining worker from sending start requests.

Settings: REDIS_URL, FRONTIER_JOIN, FRONTIER_IDLE_CLOSE, ARCHIVE_REFRESH_AFTER, ARCHIVE_JOB_NAME,
DUPEFILTER_DEBUG.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import redis
from scrapy import signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.core.scheduler import Scheduler as MemoryScheduler
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import build_from_crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet.task import LoopingCall

from crawler import config
from crawler import stats as names
from crawler.errors import SettingError
from crawler.frontier.core import REPORT_WITHIN, Frontier
from crawler.frontier.extension import FrontierExtension, frontier_of

logger = logging.getLogger(__name__)


def _required(crawler: Crawler) -> FrontierExtension:
    extension = frontier_of(crawler)
    if extension is None:
        raise SettingError(
            "REDIS_URL is set but crawler.frontier.extension.FrontierExtension, which connects to it,"
            " is not in EXTENSIONS"
        )
    return extension


class FrontierDupeFilter(RFPDupeFilter):
    """scrapy-redis's duplicate filter whose fingerprints expire (crawler.frontier).

    Fingerprints are Scrapy's own request fingerprints (20 bytes), stored as they are.
    """

    def __init__(self, frontier: Frontier, fingerprinter: Any, debug: bool = False) -> None:
        super().__init__(frontier.server, frontier.seen, debug)
        self.frontier = frontier
        self.fingerprinter = fingerprinter

    def request_fingerprint(self, request: Request) -> bytes:
        return bytes(self.fingerprinter.fingerprint(request))

    def request_seen(self, request: Request) -> bool:
        return self.frontier.request_seen(self.request_fingerprint(request))

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints: other workers still use them (scrapy-redis deletes them here)."""


class FrontierScheduler(RedisScheduler):
    """scrapy-redis's scheduler on the shared frontier, or Scrapy's own when REDIS_URL is not set.

    The frontier alone decides when this process is done: once the queue has been empty and no
    process busy for FRONTIER_IDLE_CLOSE, it closes the spider (finish reason ``finished``).
    """

    def __init__(self, crawler: Crawler, extension: FrontierExtension, *, debug: bool = False) -> None:
        frontier = extension.frontier
        dupefilter = FrontierDupeFilter(frontier, crawler.request_fingerprinter, debug)
        super().__init__(
            frontier.server,
            persist=True,  # a worker leaving must not clear the queue the others still work
            queue_key=frontier.requests,
            queue_cls=f"{PriorityQueue.__module__}.{PriorityQueue.__name__}",
            dupefilter=dupefilter,
        )
        self.crawler = crawler
        self.stats = crawler.stats
        self.frontier = frontier
        self.join = extension.join
        self.idle: timedelta = extension.idle
        self.worker = extension.worker
        self.adopted = (
            not self.join
        )  # a seed's job id is the crawl's; a worker takes it with its first request
        self.quiet = 0.0
        self.closing = False
        # Requests popped from the shared queue to wake the engine (on_beat), handed back to it first.
        self.ready: deque[Request] = deque()
        self._beat = LoopingCall(self.on_beat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BaseScheduler:
        if not crawler.settings.get("REDIS_URL"):
            return build_from_crawler(MemoryScheduler, crawler)
        scheduler = cls(
            crawler, _required(crawler), debug=config.boolean(crawler.settings, "DUPEFILTER_DEBUG")
        )
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Any) -> None:
        super().open(spider)
        self.stats.set_value(names.FRONTIER_NAME, self.frontier.name)
        self.stats.set_value(names.FRONTIER_WORKER, self.worker)
        if not self.join:
            self.frontier.start_crawl(spider.job_id)
            logger.info("Seeding a new crawl %s on frontier %s", spider.job_id, self.frontier.name)
        else:
            logger.info("Joining frontier %s as worker %s", self.frontier.name, self.worker)
        # Counts as activity: a worker waits FRONTIER_IDLE_CLOSE for a seed before it leaves.
        self.frontier.beat(self.worker, True, self.idle)
        self._beat.start(min(1.0, self.idle.total_seconds() / 4), now=False)

    def close(self, reason: str) -> None:
        if self._beat.running:
            self._beat.stop()
        try:
            self.frontier.leave(self.worker, REPORT_WITHIN)
        except redis.RedisError as exc:
            logger.warning("Could not leave frontier %s: %s", self.frontier.name, exc)
        super().close(reason)

    def enqueue_request(self, request: Request) -> bool:
        if self.ready and request is self.ready[-1]:
            return True  # popped from the shared queue by on_beat, handed to the engine: already counted
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            self.stats.inc_value(names.FRONTIER_FILTERED)
            return False
        self.queue.push(request)
        self.stats.inc_value(names.FRONTIER_ENQUEUED)
        return True

    def next_request(self) -> Request | None:
        if self.ready:
            return self.ready.popleft()
        return self._pop()

    def has_pending_requests(self) -> bool:
        return bool(self.ready) or len(self.queue) > 0

    def _pop(self) -> Request | None:
        request: Request | None = self.queue.pop()
        if request is None:
            return None
        self.stats.inc_value(names.FRONTIER_DEQUEUED)
        if not self.adopted:
            self.adopted = True
            job_id = self.frontier.crawl_job_id()
            if job_id:
                # Records and the manifest carry the crawl's job id, whichever worker wrote them.
                self.spider.job_id = job_id
                logger.info("Working crawl %s of frontier %s", job_id, self.frontier.name)
        return request

    def on_beat(self) -> None:
        """Say whether this worker has work in flight; close it once the whole frontier is done; when
        it has room for more, take a request from the shared queue at once.

        With room for more, the engine asks its scheduler only after a download or at its heartbeat
        (every 5 s). A request handed to it (``engine.crawl``, Scrapy's public way to add one) makes
        it ask again now, so requests other workers add are noticed within a beat.
        """
        engine = self.crawler.engine
        if self.closing or engine is None:
            return
        try:
            idle = engine.spider_is_idle()
        except RuntimeError:  # the engine has let go of the spider: it is closing
            return
        try:
            self.quiet = self.frontier.beat(self.worker, not idle, self.idle)
            if idle and self.quiet >= self.idle.total_seconds():
                self._finish(engine)
            elif not self.ready and not engine.needs_backout():
                request = self._pop()
                if request is not None:
                    self.ready.append(request)
                    engine.crawl(request)
        except redis.RedisError as exc:
            logger.warning("Frontier %s: %s", self.frontier.name, exc)

    def _finish(self, engine: Any) -> None:
        self.closing = True
        logger.info(
            "Frontier %s: queue empty and no worker busy for %.1f s; closing", self.frontier.name, self.quiet
        )
        deferred_from_coro(engine.close_spider_async(reason="finished"))

    def spider_idle(self, spider: Any) -> None:
        """Keep the spider open: the frontier closes it (on_beat) when every worker is done."""
        raise DontCloseSpider


class FrontierMiddleware:
    """With FRONTIER_JOIN=True, sends none of the spider's start requests: the process works the
    frontier. Without a frontier it is not enabled."""

    def __init__(self, join: bool) -> None:
        self.join = join

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        extension = frontier_of(crawler)
        if extension is None:
            from scrapy.exceptions import NotConfigured

            raise NotConfigured  # without a message: Scrapy would log one as a warning in every crawl
        return cls(extension.join)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if self.join:
            return
        async for item_or_request in start:
            yield item_or_request
