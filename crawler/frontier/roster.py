"""Who works a crawl on the shared frontier, and how each process ended, so that the seed's exit
status and the crawl's manifest cover every process.

    newsarchive:frontier:NAME:roster    sorted set   worker -> its last beat, or, once it closes, the
                                                     time by which it will have reported
    newsarchive:frontier:NAME:results   hash         worker -> how its run ended (JSON), this crawl

Every process is on the roster while it runs (the frontier's beat, about once a second). When it
closes it writes its own manifest, then reports here and leaves the roster. The seed then waits
until no other process is on the roster and writes the crawl's manifest (crawler.frontier.crawl_manifest). A
process that stopped beating during the crawl without reporting (killed, or its machine lost) is
*lost*: what it had in flight is fetched by the next run, and the crawl's exit status is 1.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from crawler.frontier.core import Frontier

# A process that has not beaten for this long (or twice FRONTIER_IDLE_CLOSE, if longer) is gone.
SILENT_AFTER = timedelta(seconds=10)
_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class ProcessResult:
    """How one process of the crawl ended, as it reported it."""

    worker: str
    host: str
    manifest: str
    exit_status: int
    finish_reason: str
    articles_found: int
    counts: dict[str, Any]
    domains: dict[str, Any] = field(default_factory=dict)  # its figures per domain (crawler.health.figures)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, data: bytes | str) -> ProcessResult:
        return cls(**json.loads(data))


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


class Roster:
    def __init__(self, frontier: Frontier, silent_after: timedelta) -> None:
        self.frontier = frontier
        self.server = frontier.server
        self.silent_after = silent_after.total_seconds()

    def _now(self) -> float:
        seconds, microseconds = self.server.time()  # Redis's clock, as the beats use
        return float(seconds) + microseconds / 1_000_000

    def report(self, result: ProcessResult) -> None:
        """Say how this process ended, and leave the roster (one transaction)."""
        with self.server.pipeline(transaction=True) as pipe:
            pipe.hset(self.frontier.results, result.worker, result.to_json())
            pipe.zrem(self.frontier.roster, result.worker)
            pipe.execute()

    def others_present(self, worker: str) -> list[str]:
        since = self._now() - self.silent_after
        present = self.server.zrangebyscore(self.frontier.roster, repr(since), "+inf")
        return sorted(name for name in map(_text, present) if name != worker)

    def wait_for_others(self, worker: str) -> tuple[list[ProcessResult], list[str]]:
        """Block until no other process is on the roster; return every report of this crawl, and the
        processes that went silent during it without one. Blocking: call it in a thread."""
        while self.others_present(worker):
            time.sleep(_POLL_SECONDS)
        started = float(self.server.hget(self.frontier.crawl, "started") or 0)
        silent_since = repr(self._now() - self.silent_after)
        silent = map(_text, self.server.zrangebyscore(self.frontier.roster, repr(started), silent_since))
        reports = self.server.hgetall(self.frontier.results)
        results = sorted((ProcessResult.from_json(data) for data in reports.values()), key=lambda r: r.worker)
        reported = {result.worker for result in results}
        lost = sorted(name for name in silent if name not in reported and name != worker)
        # The silent are forgotten: the next crawl starts with none.
        self.server.zremrangebyscore(self.frontier.roster, "-inf", "(" + silent_since)
        return results, lost
