"""Stat names: every counter of the project is built here, under one prefix."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Any, Protocol

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

PREFIX = "archive"


class Stats(Protocol):
    """What the project's components use of Scrapy's stats collector (``Counts`` is one for callers
    without a crawler)."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...

    def get_value(self, key: str, default: Any = None) -> Any: ...

    def set_value(self, key: str, value: Any) -> None: ...

    def max_value(self, key: str, value: Any) -> None: ...


class Counts:
    """A Stats for callers without a crawler (``newsarchive flush``, ``reextract``): Scrapy's stats
    collector's part that the archive uses, thread-safe."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()
        self._lock = threading.Lock()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        with self._lock:
            self.values[key] += count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value

    def max_value(self, key: str, value: Any) -> None:
        with self._lock:
            self.values[key] = max(self.values.get(key, value), value)


ARCHIVE_URI = f"{PREFIX}/uri"
RECORDS_STORED = f"{PREFIX}/records/stored"
RECORDS_NEW = f"{PREFIX}/records/new"
RECORDS_CHANGED = f"{PREFIX}/records/changed"
RECORDS_UNCHANGED = f"{PREFIX}/records/unchanged"
# A record's outcome in the archive, by its counter: as summaries and health figures name it.
OUTCOMES = {RECORDS_NEW: "new", RECORDS_CHANGED: "changed", RECORDS_UNCHANGED: "unchanged"}
NOT_MODIFIED = f"{PREFIX}/incremental/not_modified"
FRESH = f"{PREFIX}/incremental/fresh"
STATE_CONFLICTS = f"{PREFIX}/state/conflicts"
# The URL index (pipelines.write.url_index): domains read, domains written back.
URL_INDEX_READS = f"{PREFIX}/url_index/reads"
URL_INDEX_WRITES = f"{PREFIX}/url_index/writes"
# Records a killed process wrote ahead of their state, spooled again by the next delivery.
RECORDS_RECOVERED = f"{PREFIX}/records/recovered"
RECORDS_SPOOLED = f"{PREFIX}/records/spooled"
RECORDS_DELIVERED_LATE = f"{PREFIX}/records/delivered_late"
RECORDS_LOST = f"{PREFIX}/records/lost"
SPOOL_PENDING = f"{PREFIX}/spool/pending"
SPOOL_UNREADABLE = f"{PREFIX}/spool/unreadable"
OBJECTS_DELIVERED_LATE = f"{PREFIX}/objects/delivered_late"
MANIFEST_SPOOLED = f"{PREFIX}/manifest/spooled"
STORE_RETRIES = f"{PREFIX}/store/retries"
SKIPPED_PREFIX = f"{PREFIX}/skipped/"
KINDS_PREFIX = f"{PREFIX}/kinds/"
BROKEN_SOURCE_PREFIX = f"{PREFIX}/sources/broken/"
SOURCE_ENTRIES = f"{PREFIX}/sources/entries"
TOO_OLD = f"{PREFIX}/sources/too_old"
CROSSCHECK_MISMATCH = f"{PREFIX}/crosscheck/published_mismatch"
RECORDS_IN_FLIGHT_MAX = f"{PREFIX}/records/in_flight_max"
SEEN_URLS_FORGOTTEN = f"{PREFIX}/dupefilter/forgotten"
MANIFEST_KEY = f"{PREFIX}/manifest/key"
MANIFEST_FAILED = f"{PREFIX}/manifest/failed"
FRONTIER_NAME = f"{PREFIX}/frontier/name"
FRONTIER_WORKER = f"{PREFIX}/frontier/worker"
FRONTIER_ENQUEUED = f"{PREFIX}/frontier/enqueued"
FRONTIER_DEQUEUED = f"{PREFIX}/frontier/dequeued"
FRONTIER_FILTERED = f"{PREFIX}/frontier/filtered"
# Set in the seed of a crawl on the shared frontier once every process has ended (crawler.frontier.roster).
CRAWL_PROCESSES = f"{PREFIX}/crawl/processes"
CRAWL_LOST = f"{PREFIX}/crawl/lost"
CRAWL_EXIT_STATUS = f"{PREFIX}/crawl/exit_status"
CRAWL_MANIFEST_KEY = f"{PREFIX}/crawl/manifest_key"
# Raw pages kept as WARC (pipelines.extensions).
WARC_PAGES = f"{PREFIX}/warc/pages"
WARC_RESPONSES = f"{PREFIX}/warc/responses"
WARC_REVISITS = f"{PREFIX}/warc/revisits"
WARC_BYTES = f"{PREFIX}/warc/bytes"
WARC_SEGMENTS_SEALED = f"{PREFIX}/warc/segments/sealed"
WARC_SEGMENTS_DELIVERED = f"{PREFIX}/warc/segments/delivered"
WARC_SEGMENTS_PENDING = f"{PREFIX}/warc/segments/pending"
WARC_FAILED = f"{PREFIX}/warc/failed"  # pages whose records could not be written to the segment
# Per-domain extraction health (crawler.health.monitor): domains degraded, seen for the first time.
# Pages rendered in a browser (crawler.middlewares.browser).
RENDER_PREFIX = f"{PREFIX}/render/"
RENDER_ASKED_PREFIX = f"{RENDER_PREFIX}asked/"  # pages sent to the browser, by why: auto, always, domain
RENDER_STATIC = f"{RENDER_PREFIX}static"  # pages whose HTML was enough (ARCHIVE_RENDER=auto)
RENDER_PAGES = f"{RENDER_PREFIX}pages"  # pages the browser rendered
RENDER_RETRIED = f"{RENDER_PREFIX}retried"  # pages rendered once more after the browser failed them
RENDER_REQUESTS = f"{RENDER_PREFIX}requests"  # requests the pages' scripts made, fetched by the crawl
RENDER_REFUSED_PREFIX = f"{RENDER_PREFIX}refused/"  # ... refused by its rules, by reason
RENDER_BLOCKED_PREFIX = f"{RENDER_PREFIX}blocked/"  # images, media, fonts: never loaded
BROWSER_LAUNCHES = f"{RENDER_PREFIX}browser/launches"
BROWSER_RESTARTS = f"{RENDER_PREFIX}browser/restarts"  # after ARCHIVE_RENDER_RESTART_AFTER pages
BROWSER_CRASHES = f"{RENDER_PREFIX}browser/crashes"  # exited unasked with pages in it
# Request meta: the URL of the page in the browser whose script made this request.
BROWSER_REQUEST = "archive_browser_request"


def render_asked(why: str) -> str:
    return RENDER_ASKED_PREFIX + why.split(":", 1)[0]


def render_refused(reason: str) -> str:
    return RENDER_REFUSED_PREFIX + reason


def render_blocked(resource_type: str) -> str:
    return RENDER_BLOCKED_PREFIX + resource_type


HEALTH_DEGRADED = f"{PREFIX}/health/degraded"
HEALTH_NEW = f"{PREFIX}/health/new_domains"
# The run's exit status (crawler.exit_status), set once by the manifest extension when the spider closes:
# the whole crawl's for the seed of a shared frontier. The crawl command exits with it.
EXIT_STATUS = f"{PREFIX}/exit_status"


def skipped(reason: str) -> str:
    """The counter of pages not archived for ``reason`` (listing_page, not_html, http_404, ...)."""
    return SKIPPED_PREFIX + reason


def count_skip(
    stats: Stats, log: logging.Logger, url: str, reason: str, detail: str, traceback: str | None = None
) -> None:
    """Count a page that is not archived under ``reason``, and say why in one line of ``log``.

    With a ``traceback`` (extraction failed: a bug, not the page's fault) it is a WARNING that
    carries the traceback, so the crawl's log shows where it happened.
    """
    stats.inc_value(skipped(reason))
    if traceback:
        log.warning("Skipped %s: %s (%s)\n%s", url, reason, detail, traceback.rstrip())
    else:
        log.info("Skipped %s: %s (%s)", url, reason, detail)


def refuse_request(
    stats: Stats, log: logging.Logger, request: Request, reason: str, detail: str
) -> IgnoreRequest:
    """For a downloader middleware: count ``request`` as skipped (robots.txt, not a page, is not
    counted, nor a request of a page in the browser, which the browser's routing counts) and return
    the IgnoreRequest to raise."""
    if not request.meta.get("dont_obey_robotstxt") and not request.meta.get(BROWSER_REQUEST):
        count_skip(stats, log, request.url, reason, detail)
    return IgnoreRequest(f"{reason}: {detail}")


def kind(name: str) -> str:
    """The counter of pages extracted as ``name`` (article, listing, consent, ...), archived or not."""
    return KINDS_PREFIX + name


WALLS_PREFIX = f"{PREFIX}/walls/"


def wall(domain: str, kind: str) -> str:
    """The counter of ``domain``'s pages of a wall ``kind`` (consent, challenge): extracted as such, or
    bot checks answered with an error status."""
    return f"{WALLS_PREFIX}{domain}/{kind}"


DEFERRED_PREFIX = f"{PREFIX}/deferred/"


def deferred(domain: str) -> str:
    """The counter of ``domain``'s requests left for the next run (crawler.middlewares.politeness)."""
    return DEFERRED_PREFIX + domain


def versions_of(kind: str) -> str:
    """The counter of versions saying an archived article is ``gone`` or ``moved``."""
    return f"{PREFIX}/versions/{kind}"


# Requests that waited for their turn in their domain's pace (crawler.middlewares.pace).
POLITENESS_WAITS = f"{PREFIX}/politeness/waits"


def politeness_paused(domain: str) -> str:
    """The counter of the pauses ``domain`` asked for (429, 503, a bot check)."""
    return f"{PREFIX}/politeness/paused/{domain}"


def broken_source(reason: str) -> str:
    """The counter of feeds and sitemaps that could not be read for ``reason`` (malformed, empty, ...)."""
    return BROKEN_SOURCE_PREFIX + reason


def health_degraded(domain: str) -> str:
    """The figures (names) by which ``domain`` degraded in this run."""
    return f"{PREFIX}/health/degraded/{domain}"


def store_error(kind: str) -> str:
    return f"{PREFIX}/store/errors/{kind}"
