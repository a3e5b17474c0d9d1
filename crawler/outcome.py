"""A crawl's exit status, read from its stats: ``scrapy crawl`` alone exits 0 even when every store failed.

0  the crawl finished and every record was delivered
1  the crawl did not finish (finish reason other than ``finished``, or it could not start)
2  a bad argument or setting, reported before any request
3  records were extracted but are not in the archive (still spooled, or lost)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler import stats as names

OK = 0
CRAWL_FAILED = 1
BAD_INPUT = 2
NOT_DELIVERED = 3


def exit_status(stats: Mapping[str, Any]) -> int:
    if stats.get("finish_reason") != "finished":
        return CRAWL_FAILED
    if stats.get(names.RECORDS_LOST, 0) or stats.get(names.SPOOL_PENDING, 0):
        return NOT_DELIVERED
    return OK


def summary(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The figures a person reads after a run."""
    skipped = {
        key[len(names.SKIPPED_PREFIX) :]: value
        for key, value in stats.items()
        if key.startswith(names.SKIPPED_PREFIX)
    }
    return {
        "pages_fetched": stats.get("response_received_count", 0),
        "records_stored": stats.get(names.RECORDS_STORED, 0),
        "records_spooled": stats.get(names.RECORDS_SPOOLED, 0),
        "delivered_late": stats.get(names.RECORDS_DELIVERED_LATE, 0),
        "spool_pending": stats.get(names.SPOOL_PENDING, 0),
        "skipped": dict(sorted(skipped.items())),
        "finish_reason": stats.get("finish_reason"),
        "archive": stats.get(names.ARCHIVE_URI),
    }


def format_summary(stats: Mapping[str, Any]) -> str:
    figures = summary(stats)
    skipped = ", ".join(f"{reason} {count}" for reason, count in figures["skipped"].items()) or "none"
    lines = [
        f"pages fetched:   {figures['pages_fetched']}",
        f"records written: {figures['records_stored'] + figures['delivered_late']} to {figures['archive']}",
        f"pages skipped:   {sum(figures['skipped'].values())} ({skipped})",
    ]
    if figures["records_spooled"] or figures["spool_pending"]:
        lines.append(
            f"records spooled: {figures['records_spooled']} ({figures['spool_pending']} still waiting)"
        )
    lines.append(f"finish reason:   {figures['finish_reason']}")
    return "\n".join(lines)
