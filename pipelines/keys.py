"""The archive's key layout, the same for a local directory and an S3 bucket.

    records/date=YYYY-MM-DD/domain=HOST/ID-SHA.json

``date`` is the UTC day the version's page was fetched (``fetched_at``; a record delivered late from
the spool keeps its day) and ``domain`` its host, both Hive-style partitions, so a day's or a site's
records can be listed alone, and DuckDB, Athena or Spark read the tree as is. ID is the record id
(from the canonical URL) and SHA the first 16 hex digits of ``content_sha256``: one key per article
version, so two writers of the same version write the same key and never two copies.
Keys are built only from these sanitised parts; no URL text reaches a key.
"""

from __future__ import annotations

import re

from crawler.record import ArticleRecord

RECORDS = "records"
_UNSAFE = re.compile(r"[^a-z0-9.\-]")


def safe_domain(domain: str) -> str:
    cleaned = _UNSAFE.sub("_", domain.lower()).strip(".")
    return cleaned[:253] or "_"


def record_key(record: ArticleRecord) -> str:
    day = record.fetched_at[:10]
    partition = f"date={day}/domain={safe_domain(record.domain)}"
    return f"{RECORDS}/{partition}/{record.id}-{record.content_sha256[:16]}.json"
