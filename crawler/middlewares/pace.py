"""One site, one pace, however many processes crawl it: the state of each domain's pace, the few
changes made to it, and where it is kept, in this process's memory or, on a shared frontier, in Redis.

Every process of a crawl asks the same state for a *turn* before a request to a domain: the earliest
time the domain may be sent a request, its pause after a ``429``, the pauses in a row, the pages and
bytes it has given this run, and whether this run gave it up. The changes are written once, as
functions of a ``Pace`` and the time; a ``PaceBook`` applies one atomically. In memory that is a
dict (one process); in Redis a hash per domain, read and written in one optimistic transaction
(WATCH) with Redis's own clock, so three processes on three machines keep one site's pace together:

    newsarchive:pace:DOMAIN   hash   the fields of Pace; it expires an hour after the domain's
                                      last turn or pause ends

A site's pace is the site's, whoever crawls it: two crawl jobs share it too. The figures of one run
(pages, bytes, deferral, pauses in a row) are reset when another run takes a turn.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Protocol, TypeVar

import redis

KEY_PREFIX = "newsarchive:pace"
# How long a domain's pace is kept after its last turn or pause ends: the figures of a run in progress.
KEPT = 3600.0

T = TypeVar("T")


@dataclass
class Pace:
    """One domain's pace. Times are seconds since the epoch, on the book's clock."""

    next_at: float = 0.0  # the earliest start of the domain's next request
    crawl_delay: float = 0.0  # seconds, as the latest process to read its robots.txt found it
    paused_at: float = 0.0  # when its latest pause began
    paused_until: float = 0.0
    pauses_in_a_row: int = 0
    run: str = ""  # the run the figures below belong to
    deferred: str = ""  # why that run gave the domain up; "" while it has not
    pages: int = 0  # requests that run sent the domain (a request paused and sent again counts once)
    received: int = 0  # bytes of its answers

    def of_run(self, run: str) -> None:
        """The figures start again for another run; the pace itself (a pause still running) stays."""
        if run != self.run:
            self.run, self.deferred, self.pages, self.received, self.pauses_in_a_row = run, "", 0, 0, 0

    def to_redis(self) -> dict[str, str]:
        return {name: str(value) for name, value in asdict(self).items()}

    @classmethod
    def from_redis(cls, stored: dict[bytes, bytes]) -> Pace:
        pace = cls()
        for spec in fields(cls):
            value = stored.get(spec.name.encode())
            if value is not None:
                default = getattr(pace, spec.name)
                setattr(pace, spec.name, type(default)(value.decode("utf-8")))
        return pace


@dataclass(frozen=True)
class Budget:
    """A run's caps on one domain; 0: no cap."""

    pages: int = 0
    bytes: int = 0


@dataclass(frozen=True)
class Turn:
    """A request's place in its domain's pace: sent at ``start`` (``wait`` seconds from now), given at
    ``given``, ``recovering`` when the domain had not answered normally since its latest pause; or
    refused, because the run gave the domain up (``deferred`` says why), or because the domain's
    page budget is spent (``spent``: the requests given turns before go on)."""

    start: float = 0.0
    given: float = 0.0
    wait: float = 0.0
    deferred: str = ""
    spent: str = ""
    recovering: bool = False


def learned(pace: Pace, now: float, crawl_delay: float) -> None:
    """A process read the domain's Crawl-delay in its robots.txt, just fetched: the next turn is a
    Crawl-delay after that fetch, and every process's turns are that far apart, robots.txt's too."""
    pace.crawl_delay = crawl_delay
    if crawl_delay:
        pace.next_at = max(pace.next_at, now + crawl_delay)


def take_turn(
    pace: Pace, now: float, run: str, interval: float, after_pause: float, held: Turn | None, budget: Budget
) -> Turn:
    """The request's turn: the one it ``held`` if it is due and no pause began since it was given,
    else the next free one, ``interval`` (or the domain's Crawl-delay) after the last; ``after_pause``
    at least while the domain has not answered normally since a pause. ``held`` is None for a
    request's first turn, which counts against the page budget."""
    pace.of_run(run)
    if pace.deferred:
        return Turn(deferred=pace.deferred)
    if held is not None and held.start <= now and pace.paused_at <= held.given:
        return replace(held, wait=0.0)
    if held is None and budget.pages:
        if pace.pages >= budget.pages:
            return Turn(spent=f"its budget of {budget.pages} pages is spent")
        pace.pages += 1
    step = max(interval, pace.crawl_delay)
    if pace.pauses_in_a_row:
        step = max(step, after_pause)
    start = max(now, pace.next_at, pace.paused_until)
    if step:
        pace.next_at = start + step
    return Turn(start=start, given=now, wait=start - now, recovering=pace.pauses_in_a_row > 0)


def answered(pace: Pace, now: float, run: str, turn: Turn | None, size: int, budget: Budget) -> str:
    """A normal answer of ``size`` bytes: the pauses in a row end (if it was sent after the latest
    pause began). Returns why the run now gives the domain up, or ""."""
    pace.of_run(run)
    if pace.pauses_in_a_row and (turn is None or turn.given >= pace.paused_at):
        pace.pauses_in_a_row = 0
    if budget.bytes:
        pace.received += size
        if pace.received >= budget.bytes and not pace.deferred:
            pace.deferred = f"its budget of {budget.bytes} bytes is spent"
            return pace.deferred
    return ""


def refused(
    pace: Pace,
    now: float,
    run: str,
    turn: Turn | None,
    pause_for: Callable[[int], float],
    max_pauses: int,
    why: str,
) -> tuple[float, str]:
    """An answer asking us to slow down (a 429, a 503, a bot check): the domain pauses for
    ``pause_for(pauses in a row)`` seconds, unless the request was sent before the latest pause began
    (that pause is the answer to it too). After ``max_pauses`` pauses in a row the run gives the
    domain up. Returns the pause begun (0 if none) and why the domain is given up ("" if it is not)."""
    pace.of_run(run)
    if pace.deferred:
        return 0.0, pace.deferred
    if turn is not None and turn.given < pace.paused_at:
        return 0.0, ""
    pace.pauses_in_a_row += 1
    if pace.pauses_in_a_row > max_pauses:
        pace.deferred = f"{why} after {max_pauses} pauses in a row"
        return 0.0, pace.deferred
    pause = pause_for(pace.pauses_in_a_row)
    pace.paused_at, pace.paused_until = now, max(pace.paused_until, now + pause)
    # The turns given before the pause are void: their requests take new ones, from its end.
    pace.next_at = pace.paused_until
    return pause, ""


class PaceBook(Protocol):
    """Where the domains' paces are kept; ``change`` is applied to one atomically, with the book's time."""

    def update(self, domain: str, change: Callable[[Pace, float], T]) -> T: ...


class MemoryPaceBook:
    """The paces of a crawl without a shared frontier: this process's alone."""

    def __init__(self) -> None:
        self.paces: dict[str, Pace] = {}

    def update(self, domain: str, change: Callable[[Pace, float], T]) -> T:
        return change(self.paces.setdefault(domain, Pace()), time.time())


class RedisPaceBook:
    """The paces of a shared frontier, in Redis, on Redis's clock: a change is read, made and written in
    one transaction, made again if another process wrote the domain's pace meanwhile."""

    def __init__(self, server: Any) -> None:
        self.server = server

    def update(self, domain: str, change: Callable[[Pace, float], T]) -> T:
        key = f"{KEY_PREFIX}:{domain}"
        with self.server.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    pace = Pace.from_redis(pipe.hgetall(key))
                    seconds, micros = pipe.time()
                    now = seconds + micros / 1_000_000
                    before = replace(pace)
                    result = change(pace, now)
                    if pace == before:
                        pipe.unwatch()
                        return result
                    pipe.multi()
                    pipe.hset(key, mapping=pace.to_redis())
                    pipe.expire(key, int(max(pace.next_at, pace.paused_until, now) - now + KEPT))
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
