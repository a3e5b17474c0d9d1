"""The shared frontier of one crawler process: its settings checked and Redis connected once, before
the crawl starts, and how the process reports its end to the others.

An extension, so Scrapy builds it before the engine: a bad REDIS_URL or an unreachable Redis is one
line and exit status 2 before any request. The scheduler, the start-request middleware and the run's
manifest find it with ``crawler.get_extension`` (``frontier_of``): one connection per process.

Settings: REDIS_URL, REDIS_PARAMS, FRONTIER_JOIN, FRONTIER_IDLE_CLOSE, ARCHIVE_REFRESH_AFTER,
ARCHIVE_JOB_NAME.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import timedelta

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler import config
from crawler.frontier.core import Frontier, FrontierOptions, connect
from crawler.frontier.roster import SILENT_AFTER, ProcessResult, Roster

logger = logging.getLogger(__name__)


class FrontierExtension:
    def __init__(self, frontier: Frontier, options: FrontierOptions) -> None:
        self.frontier = frontier
        self.options = options
        # This process among the frontier's workers: unique across machines and restarts.
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"
        self.roster = Roster(frontier, max(SILENT_AFTER, 2 * options.idle))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierExtension:
        settings = crawler.settings
        if not settings.get("REDIS_URL") and not config.boolean(settings, "FRONTIER_JOIN"):
            raise NotConfigured  # without a message: Scrapy would log one as a warning in every crawl
        options = FrontierOptions.from_crawler(crawler)
        return cls(Frontier(connect(settings), options.name, options.refresh_after), options)

    @property
    def join(self) -> bool:
        return self.options.join

    @property
    def idle(self) -> timedelta:
        return self.options.idle

    def conclude(self, result: ProcessResult, finished: bool) -> tuple[list[ProcessResult], list[str]] | None:
        """Report how this process ended. The seed of a crawl that finished then waits for every other
        process and returns their reports and the processes lost; others return None at once.
        Blocking: call it in a thread."""
        self.roster.report(result)
        if self.join or not finished:
            return None  # a worker; or a seed stopped (SIGTERM) before the crawl was done: no waiting
        logger.info("Frontier %s: waiting for the other processes of this crawl", self.frontier.name)
        return self.roster.wait_for_others(self.worker)


def frontier_of(crawler: Crawler) -> FrontierExtension | None:
    """The process's frontier, or None when the crawl runs without one (no REDIS_URL)."""
    return crawler.get_extension(FrontierExtension)
