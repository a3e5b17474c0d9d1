"""A duplicate filter with a cap on how many requests it remembers, so memory stays flat.

Scrapy's RFPDupeFilter keeps every fingerprint of a crawl in memory: a crawl of millions of links
grows it without bound. This filter (DUPEFILTER_CLASS) remembers at most ARCHIVE_SEEN_URLS_MAX
fingerprints (about 110 bytes each: 20 bytes of fingerprint, its set slot and this filter's queue)
and forgets the oldest beyond. A forgotten article URL that comes up again is still not fetched twice
within ARCHIVE_REFRESH_AFTER: the archive's own state (crawler.middlewares.incremental) drops it
before download; other pages (section fronts) may be fetched again, which costs a download, never a
duplicate record.

It is built on Scrapy's public interface only (BaseDupeFilter, the crawler's request fingerprinter),
so no Scrapy release can change it from under the crawl. With JOBDIR it keeps its fingerprints in
``JOBDIR/requests.bounded.seen`` (one hex fingerprint a line, oldest first), so a resumed crawl
remembers them; the file is rewritten within the cap when it is read.

With REDIS_URL the shared frontier's filter (crawler.frontier) takes this one's place.

Settings: ARCHIVE_SEEN_URLS_MAX, DUPEFILTER_DEBUG, JOBDIR.
"""

from __future__ import annotations

import logging
from collections import deque
from pathlib import Path
from typing import IO, Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.dupefilters import BaseDupeFilter
from scrapy.utils.job import job_dir

from crawler import config
from crawler import stats as names
from crawler.stats import Stats
from pipelines.storage.files import write_atomically

logger = logging.getLogger(__name__)

SEEN_FILE = "requests.bounded.seen"


class BoundedDupeFilter(BaseDupeFilter):
    def __init__(
        self,
        fingerprinter: Any,
        stats: Stats,
        *,
        max_urls: int,
        path: Path | None = None,
        debug: bool = False,
    ) -> None:
        self.fingerprinter = fingerprinter
        self.stats = stats
        self.max_urls = max_urls
        self.debug = debug
        self.seen: set[bytes] = set()
        self.order: deque[bytes] = deque()  # oldest first
        self.logged = False
        self.file: IO[str] | None = None
        if path is not None:
            self._resume(path)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundedDupeFilter:
        settings = crawler.settings
        directory = job_dir(settings)
        return cls(
            crawler.request_fingerprinter,
            crawler.stats,
            max_urls=config.integer(settings, "ARCHIVE_SEEN_URLS_MAX", minimum=1),
            path=Path(directory, SEEN_FILE) if directory else None,
            debug=config.boolean(settings, "DUPEFILTER_DEBUG"),
        )

    def _resume(self, path: Path) -> None:
        """Take the fingerprints a stopped crawl of this JOBDIR had seen, within the cap."""
        lines = path.read_text("ascii").split() if path.exists() else []
        for line in lines:
            try:
                fingerprint = bytes.fromhex(line)
            except ValueError:
                continue  # a line cut short by an unclean shutdown
            self._remember(fingerprint)
        if len(lines) > len(self.order):
            write_atomically(path, "".join(f"{fp.hex()}\n" for fp in self.order).encode("ascii"))
        self.file = path.open("a", encoding="ascii")

    def request_seen(self, request: Request) -> bool:
        fingerprint = bytes(self.fingerprinter.fingerprint(request))
        if fingerprint in self.seen:
            return True
        forgotten = self._remember(fingerprint)
        if forgotten and self.stats is not None:
            self.stats.inc_value(names.SEEN_URLS_FORGOTTEN, forgotten)
        if self.file is not None:
            self.file.write(f"{fingerprint.hex()}\n")
        return False

    def _remember(self, fingerprint: bytes) -> int:
        """Remember a new fingerprint; returns how many old ones were forgotten for it."""
        if fingerprint in self.seen:
            return 0
        self.seen.add(fingerprint)
        self.order.append(fingerprint)
        forgotten = 0
        while len(self.order) > self.max_urls:
            self.seen.discard(self.order.popleft())
            forgotten += 1
        return forgotten

    def close(self, reason: str) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def log(self, request: Request, spider: Spider) -> None:
        """As Scrapy's filter logs: every duplicate with DUPEFILTER_DEBUG, else the first only."""
        if self.debug:
            logger.debug("Filtered duplicate request: %s", request)
        elif not self.logged:
            logger.debug(
                "Filtered duplicate request: %s - no more duplicates will be shown"
                " (see DUPEFILTER_DEBUG to show all duplicates)",
                request,
            )
            self.logged = True
        if self.stats is not None:
            self.stats.inc_value("dupefilter/filtered")
