"""How runs are named: the job a run belongs to, and the run's own id.

A job is what a scheduler runs again and again (``python -m crawler.jobs``, Scrapyd): its runs share a
lock and a history of per-site health figures. A job id names one run, in its records, logs and
manifest.
"""

from __future__ import annotations

import hashlib
import secrets

from crawler.record import now_utc


def job_name(spider: str, arguments: list[str], configured: str = "") -> str:
    """``configured`` (ARCHIVE_JOB_NAME) when given; else runs of one spider with the same arguments
    (``NAME=VALUE``) are one job, named by the spider and a digest of the arguments."""
    if configured:
        return configured
    if not arguments:
        return spider
    digest = hashlib.sha256("\n".join(sorted(arguments)).encode("utf-8")).hexdigest()[:10]
    return f"{spider}-{digest}"


def new_job_id(prefix: str) -> str:
    """A new run's id: ``PREFIX-20261201T031500Z-9f3a1c``, unique and sorted by start time."""
    return f"{prefix}-{now_utc().strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"
