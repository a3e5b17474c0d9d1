"""Fetching as a site asks: the Crawl-delay of its robots.txt, a pause after ``429 Too Many Requests``,
``503`` or a bot check (``Retry-After``, else an exponential backoff), optional budgets per run, and
the site given up for the run after too many pauses in a row or when its budget is spent; one pace
per site for every process of a shared frontier.

Scrapy reads Crawl-delay and uses it nowhere (scrapy/scrapy#892), and its retry middleware retries a
429 at once, up to RETRY_TIMES (scrapy/scrapy#4424): a crawler that keeps coming back while a site
says "too many" gets blocked, and the archive silently stops growing.

Every request to a domain first takes a turn in the domain's pace (crawler.middlewares.pace): in
this process's memory, or in Redis on a shared frontier, so N processes do not hit a site N times as
hard. Turns are DOWNLOAD_DELAY apart, or the Crawl-delay when the site asks for one; a pause moves
the next turn to its end; a request waits for its turn here, and the other domains go on at full
speed. The process's own downloader slot keeps the same pace (a Crawl-delay becomes its delay,
without Scrapy's random jitter and out of AutoThrottle's reach; a pause holds its queue), so
requests already queued there wait too. After a pause, turns are at least a second apart until the
domain answers normally.

The request that was answered "too many" goes back to the scheduler and does not use up
RETRY_TIMES. A domain paused POLITENESS_MAX_PAUSES times in a row, or whose budget is spent, is
*deferred*: its remaining requests are dropped unfetched (counted under ``archive/deferred/<domain>``,
named in the summary and the manifest), so nothing is recorded as checked and the next run fetches
them. A URL paused that many times itself is answered as Scrapy would (RETRY_TIMES, then
``http_<status>``). A bot check is counted per domain (``archive/walls/<domain>/challenge``) and
announced to the health figures.

Settings: POLITENESS_CRAWL_DELAY_MAX (a Crawl-delay above it is crawled at it, and named once in the
log), POLITENESS_PAUSE_START and POLITENESS_PAUSE_MAX (the backoff without Retry-After: doubling from
the first to the second), POLITENESS_MAX_PAUSES, POLITENESS_DOMAIN_PAGES and POLITENESS_DOMAIN_BYTES
(a run's budget per domain; 0: none), DOWNLOAD_DELAY.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler import config
from crawler import signals as announced
from crawler import stats as names
from crawler.extraction.kinds import CHALLENGE_MARKUP
from crawler.frontier.extension import frontier_of
from crawler.middlewares.browser import RENDER
from crawler.middlewares.pace import (
    Budget,
    MemoryPaceBook,
    PaceBook,
    RedisPaceBook,
    Turn,
    answered,
    learned,
    refused,
    take_turn,
)
from crawler.record import CHALLENGE

logger = logging.getLogger(__name__)

PAUSES = "politeness_pauses"  # request meta: how many times this request was paused
_PAUSED = "politeness_paused"  # request meta: why its answer paused the domain
_TURN = "politeness_turn"  # request meta: its turn in the domain's pace
_PAUSING_STATUSES = {429, 503}
# After a pause, a domain's turns are at least this many seconds apart until it answers normally.
_AFTER_PAUSE = 1.0
# A bot check answers 403 (or 503) with its challenge in the first kilobytes of the page.
_CHALLENGE_BYTES = 64 * 1024


@dataclass
class _Domain:
    """What this process knows of one domain beyond its shared pace."""

    crawl_delay: float | None = None  # seconds, once its robots.txt is read (0: none asked)
    deferred: bool = False  # this process has given it up for the run, and dropped its queue
    named: bool = False  # the deferral is in the log


class PolitenessMiddleware:
    def __init__(self, crawler: Crawler, book: PaceBook, run: Callable[[], str]) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.book = book
        self.run = run
        self.crawl_delay_max = config.number(settings, "POLITENESS_CRAWL_DELAY_MAX", minimum=0)
        self.pause_start = config.seconds(settings, "POLITENESS_PAUSE_START")
        self.pause_max = config.seconds(settings, "POLITENESS_PAUSE_MAX")
        self.max_pauses = config.integer(settings, "POLITENESS_MAX_PAUSES", minimum=1)
        self.budget = Budget(
            pages=config.integer(settings, "POLITENESS_DOMAIN_PAGES", minimum=0),
            bytes=config.integer(settings, "POLITENESS_DOMAIN_BYTES", minimum=0),
        )
        self.download_delay = config.number(settings, "DOWNLOAD_DELAY", minimum=0)
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or ""
        self.domains: dict[str, _Domain] = {}
        # Requests waiting for their turns, by domain, in the order they went to sleep.
        self.sleepers: dict[str, dict[Deferred[None], CallLaterResult]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        shared = frontier_of(crawler)
        if shared is None:
            middleware = cls(crawler, MemoryPaceBook(), lambda: "")
        else:
            frontier = shared.frontier
            job: list[str] = []

            def run() -> str:
                """The crawl's job id, read once it is set (a worker may join before the seed starts)."""
                if not job and (started := frontier.crawl_job_id()):
                    job.append(started)
                return job[0] if job else ""

            middleware = cls(crawler, RedisPaceBook(frontier.server), run)
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    # --- before the download --------------------------------------------------------------------

    async def process_request(self, request: Request) -> None:
        if RENDER in request.meta:
            return  # the browser is served the page already fetched; what its scripts ask for comes here
        key = self._key(request)
        domain = self.domains.setdefault(key, _Domain())
        # robots.txt itself (or a request that ignores it) reads no Crawl-delay, and is not counted
        # against the budget, but takes its turn in a pace another process may have learned.
        reads_robots = not request.meta.get("dont_obey_robotstxt")
        if reads_robots and domain.crawl_delay is None:
            domain.crawl_delay = await self._crawl_delay(request, key)
            self.book.update(key, partial(learned, crawl_delay=domain.crawl_delay))
            if domain.crawl_delay:
                self._turns_alone(key)
        if domain.crawl_delay:
            request.meta["autothrottle_dont_adjust_delay"] = True
        interval = max(domain.crawl_delay or 0.0, self.download_delay)
        # A request sent again after a pause has been counted against the budget already.
        budget = self.budget if reads_robots and PAUSES not in request.meta else Budget()
        held: Turn | None = None
        while True:
            turn = self.book.update(
                key,
                partial(
                    take_turn,
                    run=self.run(),
                    interval=interval,
                    after_pause=_AFTER_PAUSE,
                    held=held,
                    budget=budget,
                ),
            )
            request.meta[_TURN] = held = turn
            budget = Budget()
            if turn.spent:
                self._name(key, domain, turn.spent)
                self._defer(key)
            if turn.deferred:
                self._give_up(key, domain, turn.deferred)
                self._defer(key)
            if turn.wait <= 0:
                return
            self.crawler.stats.inc_value(names.POLITENESS_WAITS)
            await maybe_deferred_to_future(self._sleep(key, turn.wait))

    def _sleep(self, key: str, seconds: float) -> Deferred[None]:
        """Wait for a turn; woken early when the domain pauses or is given up, to take a new turn or be
        dropped, in the order the requests went to sleep."""
        woken: Deferred[None] = Deferred()
        sleepers = self.sleepers.setdefault(key, {})
        sleepers[woken] = call_later(seconds, woken.callback, None)
        woken.addBoth(lambda result: (sleepers.pop(woken, None), result)[1])
        return woken

    def _wake(self, key: str) -> None:
        for woken, call in list(self.sleepers.pop(key, {}).items()):
            call.cancel()
            if not woken.called:
                woken.callback(None)

    async def _crawl_delay(self, request: Request, key: str) -> float:
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

    def _turns_alone(self, key: str) -> None:
        """The turns alone pace a domain that asks for a Crawl-delay: its slot adds no delay of its own
        (a request held there past its turn would go right before the next one, taken by another
        process), and AutoThrottle is kept off it by the request's meta."""
        downloader = self.crawler.engine.downloader
        # Read when the slot is made (and made again after Scrapy drops an idle one).
        downloader.per_slot_settings.setdefault(key, {}).update(delay=0.0, jitter=0.0)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = slot.jitter = 0.0

    # --- after it -------------------------------------------------------------------------------

    def response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        """Judge the answer as it arrives, before the downloader sends the domain's next request (a
        pause set later would let one more through)."""
        if RENDER in request.meta:
            return
        key = self._key(request)
        domain = self.domains.setdefault(key, _Domain())
        turn: Turn | None = request.meta.get(_TURN)
        run = self.run()
        why = self._pausing(response)
        if why is None:
            if turn is not None and not turn.recovering and not self.budget.bytes:
                return  # nothing to note: no pauses in a row to end, no bytes to count
            size = len(response.body)
            given_up = self.book.update(
                key, partial(answered, run=run, turn=turn, size=size, budget=self.budget)
            )
            if given_up:
                self._give_up(key, domain, given_up)
            return
        if why.startswith("bot check"):
            self.crawler.stats.inc_value(names.wall(key, CHALLENGE))
            self.crawler.signals.send_catch_log(announced.bot_check_met, url=request.url)
        if request.meta.get(PAUSES, 0) >= self.max_pauses:
            return  # this URL alone keeps answering so: its answer goes on (RETRY_TIMES, http_<status>)
        pause, given_up = self.book.update(
            key,
            partial(
                refused,
                run=run,
                turn=turn,
                pause_for=self._pause_for(response),
                max_pauses=self.max_pauses,
                why=why,
            ),
        )
        request.meta[_PAUSED] = why
        if given_up:
            self._give_up(key, domain, given_up)
        elif pause:
            self._wake(key)  # to take new turns, after the pause, in the order they had them
            self._pause(key, pause)
            self.crawler.stats.inc_value(names.politeness_paused(key))
            logger.info("%s paused for %.1f s: %s", key, pause, why)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        """A paused answer's request goes back to the scheduler (not using up RETRY_TIMES); a
        deferred domain's is dropped for the next run."""
        if request.meta.pop(_PAUSED, None) is None:
            return response
        key = self._key(request)
        if self.domains[key].deferred:
            self._defer(key)
        retry = request.replace(dont_filter=True)
        retry.meta[PAUSES] = request.meta.get(PAUSES, 0) + 1
        retry.meta.pop(_TURN, None)
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

    def _pause_for(self, response: Response) -> Callable[[int], float]:
        """The pause after the answer, given the pauses in a row: Retry-After (seconds, or an HTTP
        date), else POLITENESS_PAUSE_START doubled for each pause in a row, at most
        POLITENESS_PAUSE_MAX."""
        asked = retry_after((response.headers.get(b"Retry-After") or b"").decode("latin-1"))

        def pause(in_a_row: int) -> float:
            if asked is not None:
                return min(asked, self.pause_max)
            return min(self.pause_start * 2 ** (in_a_row - 1), self.pause_max)

        return pause

    def _pause(self, key: str, pause: float) -> None:
        """This process's slot for the domain holds the requests already queued there for ``pause``
        seconds, as it does for a download delay; the others wait for new turns."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key)
        if slot is None:
            return
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(pause, downloader._latercall, slot)

    # --- deferred domains -----------------------------------------------------------------------

    def _name(self, key: str, domain: _Domain, why: str) -> None:
        """The domain's remaining requests are deferred to the next run: said once."""
        if not domain.named:
            domain.named = True
            logger.warning("%s deferred to the next run: %s", key, why)

    def _give_up(self, key: str, domain: _Domain, why: str) -> None:
        """The domain is deferred to the next run: named once, and its waiting requests dropped."""
        if domain.deferred:
            return
        domain.deferred = True
        self._name(key, domain, why)
        self._wake(key)
        slot = self.crawler.engine.downloader.slots.get(key)
        while slot is not None and slot.queue:
            _, waiting = slot.queue.popleft()
            self.crawler.stats.inc_value(names.deferred(key))
            waiting.errback(Failure(IgnoreRequest(f"deferred: {key} asked us to stop for this run")))

    def _defer(self, key: str) -> None:
        self.crawler.stats.inc_value(names.deferred(key))
        raise IgnoreRequest(f"deferred: {key} is left for the next run")

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
