"""Every key of the archive, built here and nowhere else; the same for a directory and an S3 bucket.

    records/date=YYYY-MM-DD/domain=HOST/ID-SHA.json   one version of one article (pipelines.write.delivery)
    state/url-index/domain=HOST.json.gz               when each URL of a domain was last checked
                                                      (pipelines.write.url_index)
    state/articles/HH/ID.json                         an article's versions (pipelines.write.versions)
    warc/date=YYYY-MM-DD/SEGMENT.warc.gz              raw pages as WARC, and SEGMENT.cdxj their index
                                                      (pipelines.write.segments)
    compacted/date=YYYY-MM-DD/KIND-DIGEST.parquet     a day's records compacted, and manifest.json naming
                                                      the files (pipelines.read.compaction)
    runs/date=YYYY-MM-DD/JOB_ID[.WORKER].json         a run's manifest (crawler.manifest)
    locks/JOB.json                                    a scheduled job's lock (crawler.jobs)

``date`` is the UTC day the version's page was fetched (``fetched_at``; a record delivered late from
the spool keeps its day) and ``domain`` its host, both Hive-style partitions, so a day's or a site's
records can be listed alone, and DuckDB, Athena or Spark read the tree as is. ID is the record id
(crawler.urls.record_id, from the canonical URL) and SHA the first 16 hex digits of
``content_sha256``: one key per article version, so two writers of the same version write the same
key and never two copies. HH, the first two hex digits of the hash, spreads state over 256 folders.
Keys are built only from these sanitised parts; no URL text reaches a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.record import ArticleRecord
from pipelines.storage.base import ArchiveStore

RECORDS = "records"
RUNS = "runs"
WARC = "warc"
_UNSAFE_DOMAIN = re.compile(r"[^a-z0-9.\-]")
_RECORD_KEY = re.compile(
    rf"^{RECORDS}/date=(?P<day>\d{{4}}-\d{{2}}-\d{{2}})/domain=(?P<domain>[^/]+)/"
    r"(?P<id>[0-9a-f]{32})-(?P<sha>[0-9a-f]{16})\.json$"
)


def safe_domain(domain: str) -> str:
    cleaned = _UNSAFE_DOMAIN.sub("_", domain.lower()).strip(".")
    return cleaned[:253] or "_"


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


# --- records -------------------------------------------------------------------------------------


def record_key(record: ArticleRecord) -> str:
    partition = records_prefix(record.fetched_at[:10], record.domain)
    return f"{partition}{record.id}-{record.content_sha256[:16]}.json"


def records_prefix(day: str | None = None, domain: str | None = None) -> str:
    """The folder of all records, of one day's, or of one day's of one domain."""
    if day is None:
        return f"{RECORDS}/"
    if domain is None:
        return f"{RECORDS}/date={day}/"
    return f"{RECORDS}/date={day}/domain={safe_domain(domain)}/"


@dataclass(frozen=True)
class RecordKey:
    """What a record's key says without reading the record."""

    day: str  # the UTC day its page was fetched
    domain: str
    id: str
    sha: str  # the first 16 hex digits of its content_sha256


def parse_record_key(key: str) -> RecordKey | None:
    """The parts of a record's key; None for any other key."""
    match = _RECORD_KEY.match(key)
    return RecordKey(match["day"], match["domain"], match["id"], match["sha"]) if match else None


def partition_day(folder: str) -> str | None:
    """``2026-11-30`` for the folder name ``date=2026-11-30``; None for any other name."""
    return folder[5:] if folder.startswith("date=") else None


def partition_days(store: ArchiveStore, prefix: str) -> list[str]:
    """The days that have a ``date=D`` folder under ``prefix``, oldest first: one listing call."""
    return sorted(filter(None, map(partition_day, store.folders(prefix))))


# --- compacted records ---------------------------------------------------------------------------

COMPACTED = "compacted"


def compacted_prefix(day: str | None = None) -> str:
    return f"{COMPACTED}/" if day is None else f"{COMPACTED}/date={day}/"


def compacted_manifest_key(day: str) -> str:
    return f"{compacted_prefix(day)}manifest.json"


def compacted_file_key(day: str, kind: str, digest: str) -> str:
    return f"{compacted_prefix(day)}{kind}-{digest}.parquet"


def compacted_stories_key(day: str, digest: str) -> str:
    """The day's stories (pipelines.write.stories): what each story the day's records belong to holds."""
    return f"{compacted_prefix(day)}stories-{digest}.json"


# --- raw pages -----------------------------------------------------------------------------------


def segment_key(name: str) -> str:
    """A WARC segment's key; its name (pipelines.write.segments.segment_name) carries the UTC time it was
    opened, whose day is its partition."""
    return f"{segments_prefix(_segment_day(name))}{name}.warc.gz"


def segment_index_key(name: str) -> str:
    return f"{segments_prefix(_segment_day(name))}{name}.cdxj"


def segments_prefix(day: str | None = None) -> str:
    return f"{WARC}/" if day is None else f"{WARC}/date={day}/"


def _segment_day(name: str) -> str:
    stamp = name.split("-")[1]
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}"


# --- incremental state ---------------------------------------------------------------------------


def url_index_key(domain: str) -> str:
    return f"state/url-index/domain={safe_domain(domain)}.json.gz"


def article_state_key(article_id: str) -> str:
    return f"state/articles/{article_id[:2]}/{article_id}.json"


# --- runs and jobs -------------------------------------------------------------------------------


def manifest_key(started_at: str, job_id: str, worker: str | None = None) -> str:
    """One manifest per run; the processes of a crawl on a shared frontier share its job id, so each
    of them is named by its worker id too (crawler.frontier)."""
    name = job_id if worker is None else f"{job_id}.{worker}"
    return f"{runs_prefix(started_at[:10])}{_safe_name(name)}.json"


def runs_prefix(day: str | None = None) -> str:
    return f"{RUNS}/" if day is None else f"{RUNS}/date={day}/"


def lock_key(job: str) -> str:
    return f"locks/{job}.json"
