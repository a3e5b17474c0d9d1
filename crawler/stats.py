"""Stat names: every counter of the project is built here, under one prefix."""

from __future__ import annotations

PREFIX = "archive"

ARCHIVE_URI = f"{PREFIX}/uri"
RECORDS_STORED = f"{PREFIX}/records/stored"
RECORDS_SPOOLED = f"{PREFIX}/records/spooled"
RECORDS_DELIVERED_LATE = f"{PREFIX}/records/delivered_late"
RECORDS_LOST = f"{PREFIX}/records/lost"
SPOOL_PENDING = f"{PREFIX}/spool/pending"
STORE_RETRIES = f"{PREFIX}/store/retries"
SKIPPED_PREFIX = f"{PREFIX}/skipped/"


def skipped(reason: str) -> str:
    """The counter of pages not archived for ``reason`` (too_short, not_html, http_404, ...)."""
    return SKIPPED_PREFIX + reason


def store_error(kind: str) -> str:
    return f"{PREFIX}/store/errors/{kind}"
