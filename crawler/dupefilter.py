"""Scrapy's duplicate filter with a cap on how many requests it remembers, so memory stays flat.

Scrapy's RFPDupeFilter keeps every fingerprint of a crawl in memory: about 110 bytes a URL here
(20-byte fingerprint, its set slot and this filter's queue), which a crawl of millions of links grows
without bound. This filter forgets the oldest fingerprints beyond ARCHIVE_SEEN_URLS_MAX. A forgotten
article URL that comes up again is still not fetched twice within ARCHIVE_REFRESH_AFTER: the
archive's own state (crawler.incremental) drops it before download; other pages (section fronts)
may be fetched again, which costs a download, never a duplicate record.

With REDIS_URL the shared frontier's filter (scrapy-redis) takes this one's place.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter, _read_fingerprints
from scrapy.utils.job import job_dir

from crawler import stats as names
from crawler.errors import SettingError

logger = logging.getLogger(__name__)


class BoundedDupeFilter(RFPDupeFilter):
    def __init__(self, path: str | None = None, debug: bool = False, *, max_urls: int, **kwargs: Any) -> None:
        super().__init__(path, debug, **kwargs)
        self.max_urls = max_urls
        self.stats: Any = None
        self._order: deque[bytes] = deque()  # oldest first
        if self.file:  # a resumed JOBDIR crawl: its requests.seen, in the order they were seen
            self.file.seek(0)
            self._order.extend(dict.fromkeys(_read_fingerprints(self.file.read())))
        self._forget_excess()

    @classmethod
    def from_crawler(cls, crawler: Any) -> BoundedDupeFilter:
        settings = crawler.settings
        value = settings.get("ARCHIVE_SEEN_URLS_MAX")
        try:
            max_urls = settings.getint("ARCHIVE_SEEN_URLS_MAX")
        except ValueError:
            max_urls = 0
        if max_urls < 1:
            raise SettingError(f"ARCHIVE_SEEN_URLS_MAX={value!r}: must be a whole number, at least 1")
        dupefilter = cls(
            job_dir(settings),
            settings.getbool("DUPEFILTER_DEBUG"),
            max_urls=max_urls,
            fingerprinter=crawler.request_fingerprinter,
        )
        dupefilter.stats = crawler.stats
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        if super().request_seen(request):
            return True
        self._order.append(self._fingerprint(request))
        self._forget_excess()
        return False

    def _forget_excess(self) -> None:
        while len(self._order) > self.max_urls:
            self._fingerprints.discard(self._order.popleft())
            if self.stats is not None:
                self.stats.inc_value(names.SEEN_URLS_FORGOTTEN)
