"""The Redis keys of one frontier, the few atomic operations on them (Lua scripts), and its settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from scrapy_redis.connection import get_redis_from_settings

from crawler import config
from crawler.errors import SettingError

KEY_PREFIX = "newsarchive:frontier"
# How long a closing process has to write its manifest and report (crawler.frontier.roster) before the seed
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


def connect(settings: BaseSettings) -> Any:
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


@dataclass(frozen=True)
class FrontierOptions:
    """The frontier's settings, checked: SettingError (one line) for any bad one."""

    name: str
    join: bool
    idle: timedelta
    refresh_after: timedelta

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierOptions:
        settings = crawler.settings
        join = config.boolean(settings, "FRONTIER_JOIN")
        if not settings.get("REDIS_URL"):
            raise SettingError("FRONTIER_JOIN=True: a worker needs REDIS_URL, the frontier it joins")
        idle = config.duration(settings, "FRONTIER_IDLE_CLOSE", positive=True)
        ttl = config.duration(settings, "ARCHIVE_REFRESH_AFTER")
        assert crawler.spidercls is not None
        name = settings.get("ARCHIVE_JOB_NAME") or crawler.spidercls.name
        return cls(name, join, idle, ttl)


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
