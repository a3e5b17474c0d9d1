"""Fetching as a site asks: the Crawl-delay of its robots.txt, a pause after ``429 Too Many Requests``,
``503`` or a bot check (``Retry-After``, else an exponential backoff), and the site given up for the
run after too many pauses in a row.

Scrapy reads Crawl-delay and uses it nowhere (scrapy/scrapy#892), and its retry middleware retries a
429 at once, up to RETRY_TIMES (scrapy/scrapy#4424): a crawler that keeps coming back while a site
says "too many" gets blocked, and the archive silently stops growing. Each domain's pace here is its
own downloader slot's, so the other domains go on at full speed: a Crawl-delay becomes the slot's
delay, without Scrapy's random jitter and out of AutoThrottle's reach (never below it); a pause holds
the slot's queue until it ends. The request that was answered "too many" goes back to the scheduler
and does not use up RETRY_TIMES. A domain paused POLITENESS_MAX_PAUSES times in a row is deferred:
its remaining requests are dropped unfetched (counted under ``archive/deferred/<domain>``, named in
the summary and the manifest), so nothing is recorded as checked and the next run fetches them. A URL
paused that many times itself is answered as Scrapy would (RETRY_TIMES, then ``http_<status>``).

Settings: POLITENESS_CRAWL_DELAY_MAX (a Crawl-delay above it is crawled at it, and named once in the
log), POLITENESS_PAUSE_START and POLITENESS_PAUSE_MAX (the backoff without Retry-After: doubling from
the first to the second), POLITENESS_MAX_PAUSES.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.asyncio import call_later
from twisted.python.failure import Failure

from crawler import config
from crawler import stats as names
from crawler.extraction.kinds import CHALLENGE_MARKUP

logger = logging.getLogger(__name__)

PAUSES = "politeness_pauses"  # request meta: how many times this request was paused
_PAUSED = "politeness_paused"  # request meta: why its answer paused the domain
_PAUSING_STATUSES = {429, 503}
# After a pause, a domain's requests go one at a time, this many seconds apart, until one is answered.
_AFTER_PAUSE = 1.0
# A bot check answers 403 (or 503) with its challenge in the first kilobytes of the page.
_CHALLENGE_BYTES = 64 * 1024


@dataclass
class _Domain:
    """What the crawl knows of one domain's pace."""

    crawl_delay: float | None = None  # seconds, once its robots.txt is read (0: none asked)
    pauses_in_a_row: int = 0
    deferred: bool = False
    paced: tuple[float, float] | None = None  # its slot's delay and jitter before a pause slowed it


class PolitenessMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.crawl_delay_max = config.number(settings, "POLITENESS_CRAWL_DELAY_MAX", minimum=0)
        self.pause_start = config.seconds(settings, "POLITENESS_PAUSE_START")
        self.pause_max = config.seconds(settings, "POLITENESS_PAUSE_MAX")
        self.max_pauses = config.integer(settings, "POLITENESS_MAX_PAUSES", minimum=1)
        self.download_delay = config.number(settings, "DOWNLOAD_DELAY", minimum=0)
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or ""
        self.domains: dict[str, _Domain] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    # --- before the download --------------------------------------------------------------------

    async def process_request(self, request: Request) -> None:
        key = self._key(request)
        domain = self.domains.setdefault(key, _Domain())
        if domain.deferred:
            self._defer(request, key)
        if request.meta.get("dont_obey_robotstxt"):
            return  # robots.txt itself, or a request that ignores it: no Crawl-delay read for it
        if domain.crawl_delay is None:
            domain.crawl_delay = await self._crawl_delay(request, key, domain)
        if domain.crawl_delay:
            request.meta["autothrottle_dont_adjust_delay"] = True
            self._hold_pace(request, key, domain.crawl_delay)

    async def _crawl_delay(self, request: Request, key: str, domain: _Domain) -> float:
        """The Crawl-delay the domain's robots.txt asks of us (our user agent's, else ``*``'s), at
        least DOWNLOAD_DELAY and at most POLITENESS_CRAWL_DELAY_MAX; 0 when it asks none."""
        robots = self._robots()
        if robots is None:
            return 0.0
        parser = await robots.robot_parser(request)
        asked = getattr(parser, "crawl_delay", None)
        delay = asked(self.user_agent) if callable(asked) else None
        if not delay:
            return 0.0
        if delay > self.crawl_delay_max:
            logger.warning(
                "%s asks for a Crawl-delay of %g s: crawled at POLITENESS_CRAWL_DELAY_MAX, %g s",
                key,
                delay,
                self.crawl_delay_max,
            )
            delay = self.crawl_delay_max
        return max(float(delay), self.download_delay)

    def _hold_pace(self, request: Request, key: str, delay: float) -> None:
        """The domain's slot keeps ``delay`` between requests, exactly: Scrapy's jitter would halve it."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key)
        if slot is None:  # read when the slot is made, right after this middleware
            downloader.per_slot_settings.setdefault(key, {}).update(delay=delay, jitter=0.0)
            return
        slot.delay = max(slot.delay, delay)
        slot.jitter = 0.0

    # --- after it -------------------------------------------------------------------------------

    def response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        """Judge the answer as it arrives, before the downloader sends the domain's next request (a
        pause set later would let one more through)."""
        key = self._key(request)
        domain = self.domains.setdefault(key, _Domain())
        why = self._pausing(response)
        if why is None:
            domain.pauses_in_a_row = 0
            self._resume(key, domain)
            return
        if request.meta.get(PAUSES, 0) >= self.max_pauses:
            return  # this URL alone keeps answering so: its answer goes on (RETRY_TIMES, http_<status>)
        domain.pauses_in_a_row += 1
        request.meta[_PAUSED] = why
        if domain.pauses_in_a_row > self.max_pauses:
            if not domain.deferred:
                logger.warning(
                    "%s deferred to the next run: %s after %d pauses in a row", key, why, self.max_pauses
                )
            domain.deferred = True
            self._drop_queued(key)
            return
        pause = self._pause_length(response, domain.pauses_in_a_row)
        self._pause(key, domain, pause)
        self.crawler.stats.inc_value(names.politeness_paused(key))
        logger.info("%s paused for %.1f s: %s (%d in a row)", key, pause, why, domain.pauses_in_a_row)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        """A paused answer's request goes back to the scheduler (not using up RETRY_TIMES); a
        deferred domain's is dropped for the next run."""
        if request.meta.pop(_PAUSED, None) is None:
            return response
        key = self._key(request)
        if self.domains[key].deferred:
            self._defer(request, key)
        retry = request.replace(dont_filter=True)
        retry.meta[PAUSES] = request.meta.get(PAUSES, 0) + 1
        return retry

    def _pausing(self, response: Response) -> str | None:
        """Why the answer asks us to slow down: its status, or a bot check; None when it does not."""
        if (response.headers.get(b"cf-mitigated") or b"").lower() == b"challenge":
            return "bot check (cf-mitigated: challenge)"
        if response.status in (403, 503) and CHALLENGE_MARKUP.search(
            response.body[:_CHALLENGE_BYTES].decode("utf-8", "replace")
        ):
            return f"bot check (HTTP {response.status})"
        if response.status in _PAUSING_STATUSES:
            return f"HTTP {response.status}"
        return None

    def _pause_length(self, response: Response, in_a_row: int) -> float:
        """Retry-After (seconds, or an HTTP date), else POLITENESS_PAUSE_START doubled for each pause
        in a row, at most POLITENESS_PAUSE_MAX."""
        asked = retry_after((response.headers.get(b"Retry-After") or b"").decode("latin-1"))
        if asked is not None:
            return min(asked, self.pause_max)
        return min(self.pause_start * 2 ** (in_a_row - 1), self.pause_max)

    def _pause(self, key: str, domain: _Domain, pause: float) -> None:
        """No request to the domain for ``pause`` seconds: its slot's queue waits, as it does for a
        download delay, and the other domains' slots go on. Then one request at a time, at least
        _AFTER_PAUSE seconds apart, until one is answered: the requests queued meanwhile would
        otherwise all go at once when the pause ends."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key)
        if slot is None:
            return
        if domain.paced is None:
            domain.paced = (slot.delay, slot.jitter)
        slot.delay, slot.jitter = max(slot.delay, _AFTER_PAUSE), 0.0
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(pause, downloader._latercall, slot)

    def _resume(self, key: str, domain: _Domain) -> None:
        """The domain's pace as it was before it paused (its Crawl-delay included)."""
        slot = self.crawler.engine.downloader.slots.get(key)
        if domain.paced is None or slot is None:
            return
        slot.delay, slot.jitter = domain.paced
        domain.paced = None

    # --- deferred domains -----------------------------------------------------------------------

    def _defer(self, request: Request, key: str) -> None:
        self.crawler.stats.inc_value(names.deferred(key))
        raise IgnoreRequest(f"deferred: {key} asked us to stop for this run")

    def _drop_queued(self, key: str) -> None:
        """The domain's requests already waiting in its slot are dropped, unfetched, as deferred."""
        slot = self.crawler.engine.downloader.slots.get(key)
        while slot is not None and slot.queue:
            _, waiting = slot.queue.popleft()
            self.crawler.stats.inc_value(names.deferred(key))
            waiting.errback(Failure(IgnoreRequest(f"deferred: {key} asked us to stop for this run")))

    # --- helpers --------------------------------------------------------------------------------

    def _key(self, request: Request) -> str:
        return str(self.crawler.engine.downloader.get_slot_key(request))

    def _robots(self) -> RobotsTxtMiddleware | None:
        middlewares: Any = self.crawler.engine.downloader.middleware.middlewares
        return next((m for m in middlewares if isinstance(m, RobotsTxtMiddleware)), None)


def retry_after(value: str) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds, or an HTTP date; None for
    anything else."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())
