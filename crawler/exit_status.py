"""Exit statuses, one table for every command of the project (``scrapy crawl``, ``python -m
crawler.jobs``, ``newsarchive``), and a crawl's status and summary read from its stats:
``scrapy crawl`` alone exits 0 even when every store failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler import stats as names
from crawler.errors import (
    CREDENTIALS,
    MISSING,
    BadRecord,
    ConfigError,
    Locked,
    NotFound,
    StorageError,
    StorageUnavailable,
)
from crawler.errors import (
    UNREACHABLE as UNREACHABLE_KIND,
)
from crawler.wording import plural

OK = 0
CRAWL_FAILED = 1
BAD_INPUT = 2
NOT_DELIVERED = 3
TOO_FEW_RECORDS = 4
LOCKED = 5
NO_ARCHIVE = 6
NO_ACCESS = 7
UNREACHABLE = 8
BAD_RECORD = 9
NOT_FOUND = 10
DEGRADED = 11

EXIT_STATUSES = {
    OK: "done: the crawl finished and every record is in the archive",
    CRAWL_FAILED: "the crawl did not finish, or a storage or output error not listed below",
    BAD_INPUT: "a bad argument, setting or command line, reported before any work",
    NOT_DELIVERED: "records, or the raw pages they point to, are not in the archive: still spooled, or lost",
    TOO_FEW_RECORDS: "the run found fewer article pages than ARCHIVE_MIN_RECORDS",
    LOCKED: "another run of the same job holds its lock (crawler.jobs)",
    NO_ARCHIVE: "the archive does not exist (no such directory or bucket)",
    NO_ACCESS: "credentials missing or refused",
    UNREACHABLE: "the storage endpoint cannot be reached",
    BAD_RECORD: "a record is not valid JSON (newsarchive; the others were still processed)",
    NOT_FOUND: "no record of that URL or id (newsarchive get)",
    DEGRADED: "extraction degraded on a site, compared with its history (with ARCHIVE_HEALTH_FAIL=true)",
}
_STORAGE_STATUSES = {MISSING: NO_ARCHIVE, CREDENTIALS: NO_ACCESS, UNREACHABLE_KIND: UNREACHABLE}


def status_of(error: BaseException) -> int:
    """The exit status for an error that ends a command."""
    if isinstance(error, ConfigError):
        return BAD_INPUT
    if isinstance(error, StorageUnavailable | StorageError):
        return _STORAGE_STATUSES.get(error.kind, CRAWL_FAILED)
    if isinstance(error, Locked):
        return LOCKED
    if isinstance(error, NotFound):
        return NOT_FOUND
    if isinstance(error, BadRecord):
        return BAD_RECORD
    return CRAWL_FAILED


def articles_found(stats: Mapping[str, Any]) -> int:
    """Article pages this run saw, each once: archived (new or changed), unchanged, known not to have
    changed, or spooled.

    A spooled record that is delivered later counts twice in the stats: as spooled, and under its
    outcome (new, changed, unchanged) when delivered (pipelines.write.delivery). Deliveries are taken out
    of the outcomes, and the spooled records counted instead; records an earlier run spooled and
    this one delivered are then not counted at all: this run did not find them.
    """
    keys = (
        names.RECORDS_NEW,
        names.RECORDS_CHANGED,
        names.RECORDS_UNCHANGED,
        names.NOT_MODIFIED,
        names.FRESH,
        names.RECORDS_SPOOLED,
    )
    return sum(stats.get(key, 0) for key in keys) - stats.get(names.RECORDS_DELIVERED_LATE, 0)


def of_run(stats: Mapping[str, Any], min_records: int = 0, health_fail: bool = False) -> int:
    if stats.get("finish_reason") != "finished":
        return CRAWL_FAILED
    if stats.get(names.RECORDS_LOST, 0) or stats.get(names.SPOOL_PENDING, 0):
        return NOT_DELIVERED
    if stats.get(names.WARC_SEGMENTS_PENDING, 0):  # raw pages that records point to
        return NOT_DELIVERED
    if articles_found(stats) < min_records:
        return TOO_FEW_RECORDS
    if health_fail and stats.get(names.HEALTH_DEGRADED, 0):
        return DEGRADED
    return OK


def of_crawl(statuses: list[int], lost: int, found: int, min_records: int = 0) -> int:
    """The exit status of a crawl of several processes (a shared frontier): 1 if a process was lost or
    failed, else 3 if any record is not delivered, else any other failure; ARCHIVE_MIN_RECORDS applies
    to the articles the processes found together, not to each."""
    if lost or CRAWL_FAILED in statuses:
        return CRAWL_FAILED
    if NOT_DELIVERED in statuses:
        return NOT_DELIVERED
    others = [status for status in statuses if status not in (OK, TOO_FEW_RECORDS)]
    if others:
        return max(others)
    return TOO_FEW_RECORDS if found < min_records else OK


def summary(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The figures a person reads after a run."""
    prefixes = (names.SKIPPED_PREFIX, names.BROKEN_SOURCE_PREFIX, names.KINDS_PREFIX, names.DEFERRED_PREFIX)
    skipped, broken, kinds, deferred = (_under(stats, prefix) for prefix in prefixes)
    walls: dict[str, dict[str, int]] = {}
    for name, count in _under(stats, names.WALLS_PREFIX).items():
        domain, kind = name.rsplit("/", 1)
        walls.setdefault(domain, {})[kind] = count
    rendered = _under(stats, names.RENDER_PREFIX)
    # The browser's answers and what its pages' scripts fetched are not pages the crawl fetched.
    browser = rendered.get("pages", 0) + rendered.get("requests", 0)
    return {
        "pages_fetched": stats.get("response_received_count", 0) - browser,
        "records_stored": stats.get(names.RECORDS_STORED, 0),
        "new": stats.get(names.RECORDS_NEW, 0),
        "changed": stats.get(names.RECORDS_CHANGED, 0),
        "unchanged": stats.get(names.RECORDS_UNCHANGED, 0) + stats.get(names.NOT_MODIFIED, 0),
        "fresh": stats.get(names.FRESH, 0),
        "broken_sources": broken,
        "records_spooled": stats.get(names.RECORDS_SPOOLED, 0),
        "delivered_late": stats.get(names.RECORDS_DELIVERED_LATE, 0),
        "spool_pending": stats.get(names.SPOOL_PENDING, 0),
        "skipped": skipped,
        "kinds": kinds,
        "deferred": deferred,
        "walls": walls,
        "rendered": rendered,
        "finish_reason": stats.get("finish_reason"),
        "archive": stats.get(names.ARCHIVE_URI),
    }


def _under(stats: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The counters under ``prefix``, by the rest of their names, sorted."""
    return {key[len(prefix) :]: value for key, value in sorted(stats.items()) if key.startswith(prefix)}


def _rendered(figures: dict[str, int]) -> str:
    """The browser's figures (crawler.stats RENDER_*) in one line."""
    asked = {name.split("/", 1)[1]: count for name, count in figures.items() if name.startswith("asked/")}
    refused = {name.split("/", 1)[1]: count for name, count in figures.items() if name.startswith("refused/")}
    line = f"{figures.get('pages', 0)} pages in the browser"
    if asked:
        line += f" ({', '.join(f'{why} {count}' for why, count in asked.items())})"
    line += f", {figures.get('requests', 0)} requests by their scripts"
    if refused:
        line += f" (refused {', '.join(f'{reason} {count}' for reason, count in refused.items())})"
    if "static" in figures:
        line += f"; {figures['static']} pages needed none"
    browser = [
        f"{what} {figures[f'browser/{name}']}"
        for name, what in (("launches", "launched"), ("restarts", "restarted"), ("crashes", "crashed"))
        if figures.get(f"browser/{name}")
    ]
    return line + (f"; browser {', '.join(browser)}" if browser else "")


def format_summary(stats: Mapping[str, Any]) -> str:
    figures = summary(stats)
    skipped = ", ".join(f"{reason} {count}" for reason, count in figures["skipped"].items()) or "none"
    lines = [
        f"pages fetched:   {figures['pages_fetched']}",
        f"records written: {figures['new'] + figures['changed']} to {figures['archive']}"
        f" (new {figures['new']}, changed {figures['changed']})",
        f"unchanged:       {figures['unchanged']} checked, {figures['fresh']} not due for a check",
        f"pages skipped:   {sum(figures['skipped'].values())} ({skipped})",
    ]
    if set(figures["kinds"]) - {"article"}:  # a crawl of articles only needs no such line
        kinds = ", ".join(f"{kind} {count}" for kind, count in figures["kinds"].items())
        lines.insert(1, f"pages by kind:   {kinds}")
    if figures["walls"]:
        sites = ", ".join(
            f"{domain} " + " ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
            for domain, kinds in figures["walls"].items()
        )
        lines.append(f"walls:           {sites}")
    if figures["rendered"]:
        lines.append(f"rendered:        {_rendered(figures['rendered'])}")
    if figures["deferred"]:
        sites = ", ".join(f"{domain} {count}" for domain, count in figures["deferred"].items())
        lines.append(f"deferred:        {sum(figures['deferred'].values())} URLs to the next run ({sites})")
    if figures["broken_sources"]:
        broken = ", ".join(f"{reason} {count}" for reason, count in figures["broken_sources"].items())
        lines.append(f"broken sources:  {sum(figures['broken_sources'].values())} ({broken})")
    if figures["records_spooled"] or figures["delivered_late"] or figures["spool_pending"]:
        lines.append(
            f"records spooled: {figures['records_spooled']} (delivered late {figures['delivered_late']},"
            f" still waiting {figures['spool_pending']})"
        )
    degraded = sorted(
        (key[len(names.health_degraded("")) :], figures)
        for key, figures in stats.items()
        if key.startswith(names.health_degraded(""))
    )
    if degraded:
        sites = "; ".join(f"{domain}: {', '.join(figures)}" for domain, figures in degraded)
        lines.append(f"degraded sites:  {len(degraded)} ({sites})")
    if stats.get(names.WARC_SEGMENTS_PENDING, 0):
        waiting = plural(stats[names.WARC_SEGMENTS_PENDING], "WARC segment")
        lines.append(f"raw pages:       {waiting} waiting in the spool for delivery")
    lines.append(f"finish reason:   {figures['finish_reason']}")
    if names.CRAWL_EXIT_STATUS in stats:
        lines.append(
            f"whole crawl:     {plural(stats.get(names.CRAWL_PROCESSES, 0), 'process', 'processes')}"
            " reported,"
            f" {stats.get(names.CRAWL_LOST, 0)} lost, exit status {stats[names.CRAWL_EXIT_STATUS]}"
            f" ({stats.get(names.CRAWL_MANIFEST_KEY)})"
        )
    return "\n".join(lines)
