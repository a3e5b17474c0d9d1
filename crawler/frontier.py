"""The shared frontier: any number of crawler processes, on one machine or many, work one crawl.

Without REDIS_URL nothing here is used: the scheduler is Scrapy's own, in memory, and no Redis is
needed. With REDIS_URL, the scheduler is scrapy-redis's (its priority queue of pickled requests) and
the duplicate filter a sorted set in Redis, under the frontier's name (ARCHIVE_JOB_NAME, else the
spider's name):

    newsarchive:frontier:NAME:requests   sorted set   the queue (scrapy_redis.queue.PriorityQueue)
    newsarchive:frontier:NAME:seen       sorted set   request fingerprint -> when first requested
    newsarchive:frontier:NAME:crawl      hash         job_id and start time of the latest crawl
    newsarchive:frontier:NAME:busy       sorted set   worker -> last time it had work in flight
    newsarchive:frontier:NAME:roster     sorted set   worker -> last beat (crawler.roster)
    newsarchive:frontier:NAME:results    hash         worker -> how its run ended (crawler.roster)

A process started normally *seeds*: it starts a new crawl (its job id becomes the crawl's) and sends
its start requests into the queue. A process started with FRONTIER_JOIN=True *joins*: it sends no
start requests, takes the crawl's job id with its first request, and works the queue. Every process
pops requests atomically, so each request is fetched by one of them.

A fingerprint counts as seen only within the current crawl and for at most ARCHIVE_REFRESH_AFTER
(``0``: the crawl alone). Fingerprints of earlier crawls are trimmed, so the set holds one crawl at
most, and a new crawl requests again what an earlier one lost (a worker killed with requests in
flight); the archive's own state (crawler.incremental) keeps it from downloading what is fresh.

A process leaves when the queue is empty and no process of the frontier has had work in flight for
FRONTIER_IDLE_CLOSE; its finish reason is then ``finished``. The seed leaves last: it waits for the
others to report how they ended, and its exit status and manifest are the whole crawl's
(crawler.roster).

Settings: REDIS_URL, REDIS_PARAMS (scrapy-redis), FRONTIER_JOIN, FRONTIER_IDLE_CLOSE,
ARCHIVE_REFRESH_AFTER, ARCHIVE_JOB_NAME.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis
from scrapy import signals
from scrapy.core.scheduler import Scheduler as MemoryScheduler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request
from scrapy.utils.misc import build_from_crawler
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet.task import LoopingCall

from crawler import stats as names
from crawler.durations import duration_setting
from crawler.errors import SettingError

logger = logging.getLogger(__name__)

KEY_PREFIX = "newsarchive:frontier"
# How long a closing process has to write its manifest and report (crawler.roster) before the seed
# stops waiting for it: storage timeouts and retries included, then the spool.
REPORT_WITHIN = timedelta(minutes=5)

# Times are Redis's own (TIME), so the clocks of the workers' machines do not matter. Lua's tostring
# and .. keep 14 digits of a number, a tenth of a millisecond here: enough to put a request made right
# after a crawl's start before it. So a time leaves Lua as a number or with string.format('%.17g').
_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "
# The oldest fingerprint that still counts: the crawl's start, or ARCHIVE_REFRESH_AFTER ago if later.
_CUTOFF = (
    "local cutoff = tonumber(redis.call('HGET', KEYS[2], 'started') or '0') "
    "local ttl = tonumber(ARGV[2]) "
    "if ttl > 0 and now - ttl > cutoff then cutoff = now - ttl end "
)
# KEYS: seen, crawl. ARGV: fingerprint, ttl. 1 if seen, else records it and returns 0.
_SEEN = (
    _NOW + _CUTOFF + "local seen = redis.call('ZSCORE', KEYS[1], ARGV[1]) "
    "if seen and tonumber(seen) >= cutoff then return 1 end "
    "redis.call('ZADD', KEYS[1], now, ARGV[1]) return 0"
)
# KEYS: seen, crawl, busy, roster. ARGV: worker, ttl, busy (0/1), idle seconds.
# Marks the worker present and, if it is, busy; trims what no longer counts, and returns how long
# (seconds, as a string) no worker has been busy.
_BEAT = (
    _NOW + _CUTOFF + "if ARGV[3] == '1' then redis.call('ZADD', KEYS[3], now, ARGV[1]) end "
    "redis.call('ZADD', KEYS[4], now, ARGV[1]) "
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('(%.17g', cutoff)) "
    "redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', string.format('(%.17g', now - 2 * tonumber(ARGV[4]))) "
    "local last = redis.call('ZREVRANGE', KEYS[3], 0, 0, 'WITHSCORES') "
    "if last[2] == nil then return string.format('%.17g', now) end "
    "return string.format('%.17g', now - tonumber(last[2]))"
)
# KEYS: crawl, results. ARGV: job id. ``now`` goes to Redis as a number, which Redis writes with
# every digit. The results of the previous crawl go.
_START = (
    _NOW + "redis.call('HSET', KEYS[1], 'job_id', ARGV[1], 'started', now) "
    "redis.call('DEL', KEYS[2]) return 1"
)
# KEYS: roster. ARGV: worker, seconds. Keeps the worker on the roster for that long without beats.
_CLOSING = _NOW + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) return 1"


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def connect(settings: Any) -> Any:
    """A client for REDIS_URL that answered PING, or SettingError naming the setting in one line."""
    url = settings.get("REDIS_URL")
    try:
        server = get_redis_from_settings(settings)
        server.ping()
    except ValueError as exc:
        raise SettingError(f"REDIS_URL={redacted(url)!r}: {exc}") from None
    except redis.RedisError as exc:
        raise SettingError(f"REDIS_URL={redacted(url)!r}: cannot use Redis: {exc}") from None
    return server


def joining(settings: Any) -> bool:
    try:
        return bool(settings.getbool("FRONTIER_JOIN"))
    except ValueError:
        raise SettingError(f"FRONTIER_JOIN={settings.get('FRONTIER_JOIN')!r}: not true or false") from None


@dataclass(frozen=True)
class FrontierOptions:
    """The frontier's settings, checked: SettingError (one line) for any bad one."""

    server: Any
    name: str
    join: bool
    idle: timedelta
    refresh_after: timedelta

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierOptions:
        settings = crawler.settings
        join = joining(settings)
        if not settings.get("REDIS_URL"):
            raise SettingError("FRONTIER_JOIN=True: a worker needs REDIS_URL, the frontier it joins")
        idle = duration_setting(settings, "FRONTIER_IDLE_CLOSE", positive=True)
        ttl = duration_setting(settings, "ARCHIVE_REFRESH_AFTER")
        name = settings.get("ARCHIVE_JOB_NAME") or crawler.spidercls.name
        return cls(connect(settings), name, join, idle, ttl)


class Frontier:
    """The Redis keys of one frontier and the few atomic operations on them."""

    def __init__(self, server: Any, name: str, ttl: timedelta) -> None:
        self.server = server
        self.name = name
        self.ttl = ttl.total_seconds()
        parts = ("requests", "seen", "crawl", "busy", "roster", "results")
        self.requests, self.seen, self.crawl, self.busy, self.roster, self.results = (
            f"{KEY_PREFIX}:{name}:{part}" for part in parts
        )
        self._seen = server.register_script(_SEEN)
        self._beat = server.register_script(_BEAT)
        self._start = server.register_script(_START)
        self._closing = server.register_script(_CLOSING)

    def request_seen(self, fingerprint: bytes) -> bool:
        """True if the fingerprint was requested in this crawl less than ARCHIVE_REFRESH_AFTER ago;
        otherwise it is recorded now. One round trip, atomic between workers."""
        return bool(self._seen(keys=[self.seen, self.crawl], args=[fingerprint, self.ttl]))

    def start_crawl(self, job_id: str) -> None:
        """A new crawl: its job id is taken by the workers, and earlier fingerprints no longer count."""
        self._start(keys=[self.crawl, self.results], args=[job_id])

    def crawl_job_id(self) -> str | None:
        value = self.server.hget(self.crawl, "job_id")
        return value.decode("utf-8") if isinstance(value, bytes) else value

    def beat(self, worker: str, busy: bool, idle: timedelta) -> float:
        """Mark ``worker`` present and busy (if it is), trim, and return the seconds no worker has
        been busy."""
        keys = [self.seen, self.crawl, self.busy, self.roster]
        args = [worker, self.ttl, "1" if busy else "0", idle.total_seconds()]
        return float(self._beat(keys=keys, args=args))

    def leave(self, worker: str, report_within: timedelta) -> None:
        """No longer busy; still on the roster until it reports how it ended, for ``report_within``."""
        self.server.zrem(self.busy, worker)
        self._closing(keys=[self.roster], args=[worker, report_within.total_seconds()])


class FrontierDupeFilter(RFPDupeFilter):
    """scrapy-redis's duplicate filter whose fingerprints expire: see the module's docstring.

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

    Settings: REDIS_URL, REDIS_PARAMS, FRONTIER_JOIN, FRONTIER_IDLE_CLOSE, ARCHIVE_REFRESH_AFTER,
    ARCHIVE_JOB_NAME, DUPEFILTER_DEBUG.
    """

    def __init__(
        self, crawler: Any, frontier: Frontier, *, join: bool, idle: timedelta, debug: bool = False
    ) -> None:
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
        self.join = join
        self.idle = idle
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"
        self.adopted = not join  # a seed's job id is the crawl's; a worker takes it with its first request
        self.quiet = 0.0
        self._beat = LoopingCall(self.on_beat)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        settings = crawler.settings
        if not settings.get("REDIS_URL"):
            return build_from_crawler(MemoryScheduler, crawler)
        # Checked already by FrontierMiddleware, before the engine (whose errors here are not one line).
        options = FrontierOptions.from_crawler(crawler)
        frontier = Frontier(options.server, options.name, options.refresh_after)
        debug = settings.getbool("DUPEFILTER_DEBUG")
        scheduler = cls(crawler, frontier, join=options.join, idle=options.idle, debug=debug)
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
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            self.stats.inc_value(names.FRONTIER_FILTERED)
            return False
        self.queue.push(request)
        self.stats.inc_value(names.FRONTIER_ENQUEUED)
        return True

    def next_request(self) -> Request | None:
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
        """Say whether this worker has work in flight; when it has none, let the engine look for more."""
        engine = self.crawler.engine
        try:
            busy = not engine.spider_is_idle()
            self.quiet = self.frontier.beat(self.worker, busy, self.idle)
        except redis.RedisError as exc:
            logger.warning("Frontier %s: %s", self.frontier.name, exc)
            return
        if not engine.needs_backout():
            # With room for more, the engine asks its scheduler only after a download or every 5 s; so
            # requests other workers add to the shared queue, and the end of the crawl, are noticed
            # sooner. There is no public call for it.
            slot = getattr(engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()

    def spider_idle(self, spider: Any) -> None:
        """Keep the spider open until the queue has been empty and every worker idle for long enough."""
        try:
            self.quiet = self.frontier.beat(self.worker, False, self.idle)
        except redis.RedisError as exc:
            logger.warning("Frontier %s: %s; staying open", self.frontier.name, exc)
            raise DontCloseSpider from None
        if self.quiet < self.idle.total_seconds():
            raise DontCloseSpider
        logger.info(
            "Frontier %s: queue empty and no worker busy for %.1f s; closing", self.frontier.name, self.quiet
        )


class FrontierMiddleware:
    """Checks the frontier's settings before the crawl starts (a bad REDIS_URL, an unreachable Redis:
    one line, exit status 2), and with FRONTIER_JOIN=True sends none of the spider's start requests:
    the process works the frontier.

    Settings: REDIS_URL, FRONTIER_JOIN, FRONTIER_IDLE_CLOSE, ARCHIVE_REFRESH_AFTER.
    """

    def __init__(self, join: bool) -> None:
        self.join = join

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierMiddleware:
        if not crawler.settings.get("REDIS_URL") and not joining(crawler.settings):
            raise NotConfigured  # without a message: Scrapy would log one as a warning in every crawl
        options = FrontierOptions.from_crawler(crawler)
        options.server.close()
        return cls(options.join)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if self.join:
            return
        async for item_or_request in start:
            yield item_or_request
