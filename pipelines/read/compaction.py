"""Compaction: a day's loose records as Parquet files, for readers that would otherwise pay one request
per record (``newsarchive download`` of a month, DuckDB or Athena over the bucket).

    compacted/date=D/latest-DIGEST.parquet   the latest version of each article among the day's records
    compacted/date=D/older-DIGEST.parquet    the day's other versions
    compacted/date=D/stories-DIGEST.json     the stories the day's records belong to (pipelines.write.stories)
    compacted/date=D/manifest.json           the files above, written last

Each row holds the record as stored (``record``, its exact JSON text: a reader returns the same bytes
as the loose record) beside columns to query it by. DIGEST is a hash of the record keys a file pair
covers, so compacting the same records twice writes the same names. The manifest is written after its
files and with a conditional write (two compactions of one day: the second fails and changes nothing).
A crawl may go on writing into the day: records that arrive later stay loose, and readers take the
manifest's files plus the loose records they do not cover (pipelines.read.records). ``prune`` deletes loose
records only once the manifest that covers them is stored and has been read back.

Compacting a day also groups its records into stories: with the compacted days of the window before it
(``StorySettings``), near-duplicate texts share a ``story_id`` (the earliest record's), kept once given.
Compact days in order: a day that is not compacted yet is not in the next days' window.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.errors import BadRecord, Conflict, StorageError
from crawler.record import ARTICLE, encode_json, instant, now_utc, utc_iso
from pipelines.storage import ArchiveStore
from pipelines.storage.keys import (
    compacted_file_key,
    compacted_manifest_key,
    compacted_stories_key,
    parse_record_key,
    records_prefix,
)
from pipelines.write.stories import DEFAULT_THRESHOLD, Story, StoryMember, group

MANIFEST_FORMAT = 1
LATEST, OLDER = "latest", "older"
_TIMESTAMP = pa.timestamp("us", tz="UTC")
CHANGE_COLUMNS = ("changed_fields", "text_added", "text_removed", "text_similarity", "correction")
SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("id", pa.string()),
        ("version", pa.int64()),
        ("url", pa.string()),
        ("domain", pa.string()),
        ("title", pa.string()),
        ("fetched_at", _TIMESTAMP),
        ("published_at", _TIMESTAMP),
        ("published_date", pa.string()),
        ("language", pa.string()),
        ("kind", pa.string()),  # records stored before kinds existed are articles
        ("authors", pa.list_(pa.string())),
        ("spider", pa.string()),
        ("job_id", pa.string()),
        ("content_sha256", pa.string()),
        # What changed against the previous version (null for version 1): the fields, the text's
        # characters added and removed, its similarity, an appended correction.
        ("changed_fields", pa.list_(pa.string())),
        ("text_added", pa.int64()),
        ("text_removed", pa.int64()),
        ("text_similarity", pa.float64()),
        ("correction", pa.bool_()),
        # The text's near-duplicate fingerprint, and the story the record belongs to (the same for an
        # article's versions) with its size when the day was compacted (pipelines.write.stories).
        ("fingerprint", pa.string()),
        ("story_id", pa.string()),
        ("story_size", pa.int64()),
        ("text", pa.string()),
        ("record", pa.string()),
    ]
)


Parallel = Callable[[Callable[[Any], Any], Iterable[Any]], list[Any]]


@dataclass(frozen=True)
class Row:
    """One stored record: its key and its exact JSON text, and the record parsed."""

    key: str
    json: str
    record: dict[str, Any]


@dataclass(frozen=True)
class StorySettings:
    """How compaction groups records into stories: ARCHIVE_STORY_THRESHOLD, ARCHIVE_STORY_WINDOW."""

    threshold: float = DEFAULT_THRESHOLD
    window_days: int = 3  # the compacted days before the day whose records a copy may join


@dataclass
class Compacted:
    """What a day's manifest covers: each record key and its JSON text, and its story."""

    day: str
    files: list[str] = field(default_factory=list)
    records: dict[str, str] = field(default_factory=dict)
    stories: dict[str, str] = field(default_factory=dict)  # record key: story_id
    stories_key: str | None = None

    def index(self) -> dict[str, tuple[int, str]]:
        """Each key's size and MD5, as a listing of loose records gives them: what readers keep of a
        day whose texts they let go."""
        index = {}
        for key, text in self.records.items():
            data = text.encode("utf-8")
            index[key] = (len(data), hashlib.md5(data).hexdigest())
        return index


@dataclass
class DayCompaction:
    """What compacting one day did."""

    day: str
    records: int = 0  # covered by the manifest after the run
    added: int = 0  # loose records the run added to it
    written: bool = False  # whether new files and a new manifest were stored
    pruned: int = 0
    bad: list[BadRecord] = field(default_factory=list)


def read_compacted(store: ArchiveStore, day: str) -> Compacted | None:
    """The day's compacted records (a read of the manifest, then of each file), or None. A file that
    is gone was replaced by a compaction since the manifest was read: the new manifest is read."""
    for attempt in (1, 2):
        found = store.read(compacted_manifest_key(day))
        if found is None:
            return None
        try:
            return _load(store, day, json.loads(found[0]))
        except StorageError:
            if attempt == 2:
                raise
    return None


def read_stories(store: ArchiveStore, day: str) -> dict[str, Any] | None:
    """The day's stories file (``_stories_document``), or None when the day is not compacted, or was
    compacted before stories existed."""
    found = store.read(compacted_manifest_key(day))
    key = (json.loads(found[0]).get("stories") or {}).get("key") if found else None
    stored = store.read(key) if key else None
    return json.loads(stored[0]) if stored else None


def _load(store: ArchiveStore, day: str, manifest: dict[str, Any]) -> Compacted:
    """The manifest's records, with their stories."""
    stories = manifest.get("stories") or {}
    compacted = Compacted(day, [entry["key"] for entry in manifest["files"]], stories_key=stories.get("key"))
    for key in compacted.files:
        found = store.read(key)
        if found is None:
            raise StorageError(f"{key}: named by the manifest of {day} but not stored", retryable=True)
        # One file, read whole on the calling thread: pq.read_table's dataset scanner leaves work on
        # Arrow's thread pools that can abort the process at exit ("terminate called without an active
        # exception", apache/arrow issues 33975 and 34314); seen here in 1 of 20 `newsarchive get`.
        parquet = pq.ParquetFile(io.BytesIO(found[0]), pre_buffer=False)
        found_columns = ["key", "record"] + (["story_id"] if "story_id" in parquet.schema_arrow.names else [])
        table = parquet.read(columns=found_columns, use_threads=False)
        keys, texts = table.column("key").to_pylist(), table.column("record").to_pylist()
        compacted.records.update(zip(keys, texts, strict=True))
        if "story_id" in found_columns:
            story_ids = table.column("story_id").to_pylist()
            compacted.stories.update((k, v) for k, v in zip(keys, story_ids, strict=True) if v)
    return compacted


def compact_day(
    store: ArchiveStore,
    day: str,
    *,
    prune: bool = False,
    parallel: Parallel | None = None,
    stories: StorySettings | None = None,
) -> DayCompaction:
    """Compact one day's loose records into the day's Parquet files (adding to what is compacted)."""
    done = DayCompaction(day)
    manifest_found = store.read(compacted_manifest_key(day))
    token = manifest_found[1] if manifest_found else None
    previous = _load(store, day, json.loads(manifest_found[0])) if manifest_found else Compacted(day)
    loose = [item.key for item in store.objects(records_prefix(day)) if parse_record_key(item.key)]
    new_keys = [key for key in loose if key not in previous.records]
    rows = [Row(key, text, json.loads(text)) for key, text in previous.records.items()]
    reads = (parallel or _serially)(store.read, new_keys)
    for key, found in zip(new_keys, reads, strict=True):
        if found is None:
            continue  # deleted since the listing (pruned by another run)
        try:
            text = found[0].decode("utf-8")
            record = json.loads(text)
        except ValueError:
            record = None
        if not isinstance(record, dict) or "id" not in record:
            done.bad.append(BadRecord(f"{key}: not a record (not a JSON object with an id); left loose"))
            continue
        rows.append(Row(key, text, record))
        done.added += 1
    done.records = len(rows)
    if done.added:
        grouped = _stories(store, day, rows, previous, stories or StorySettings())
        files = _write(store, day, rows, token, grouped)
        done.written = True
        for key in set(previous.files) - set(files):  # replaced: no manifest names them any more
            store.delete(key)
        if previous.stories_key and previous.stories_key != grouped.key:
            store.delete(previous.stories_key)
    if prune:
        done.pruned = _prune(store, day, loose)
    return done


def _serially(function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    return list(map(function, items))


@dataclass
class DayStories:
    """The stories of a day's records: by record id, and the day's stories file."""

    by_id: dict[str, Story]
    document: dict[str, Any]
    key: str


def _latest(rows: Iterable[Row]) -> dict[str, Row]:
    """The latest version among ``rows`` of each article, by its id."""
    latest: dict[str, Row] = {}
    for row in rows:
        current = latest.get(_id(row))
        if current is None or _order(row) > _order(current):
            latest[_id(row)] = row
    return latest


def _id(row: Row) -> str:
    return str(row.record.get("id") or row.key)


def _stories(
    store: ArchiveStore, day: str, rows: list[Row], previous: Compacted, settings: StorySettings
) -> DayStories:
    """Group the day's articles (their latest versions) with those of the window's compacted days.

    A record keeps the story_id an earlier compaction gave it, or that its article's versions of the
    window's days have. A story's first record is the one fetched first."""
    latest = _latest(rows)
    known = {_id(row): previous.stories[row.key] for row in rows if row.key in previous.stories}
    window: dict[str, StoryMember] = {}
    for earlier in _window(day, settings.window_days):
        for member in _compacted_members(store, earlier):
            if member.id in latest:
                known.setdefault(member.id, member.story_id or "")
            else:
                window.setdefault(member.id, member)
    members = [
        StoryMember(
            article,
            _text(row.record.get("fingerprint")),
            str(row.record.get("fetched_at") or ""),
            known.get(article) or None,
        )
        for article, row in latest.items()
    ]
    by_id = group([*members, *window.values()], settings.threshold)
    first_seen: dict[str, str] = {}
    for member in [*members, *window.values()]:
        story = by_id[member.id].story_id
        if story not in first_seen or member.fetched_at < first_seen[story]:
            first_seen[story] = member.fetched_at
    document = _stories_document(day, latest, by_id, first_seen, settings)
    digest = hashlib.sha256(encode_json(document)).hexdigest()[:16]
    return DayStories(by_id, document, compacted_stories_key(day, digest))


def _window(day: str, days: int) -> list[str]:
    start = date.fromisoformat(day)
    return [(start - timedelta(days=back)).isoformat() for back in range(1, days + 1)]


def _compacted_members(store: ArchiveStore, day: str) -> list[StoryMember]:
    """The story members of a compacted day: its latest versions' id, fingerprint and story."""
    found = store.read(compacted_manifest_key(day))
    if found is None:
        return []
    members = []
    for entry in json.loads(found[0])["files"]:
        if entry.get("kind") != LATEST:
            continue
        data = store.read(entry["key"])
        if data is None:
            raise StorageError(
                f"{entry['key']}: named by the manifest of {day} but not stored", retryable=True
            )
        parquet = pq.ParquetFile(io.BytesIO(data[0]), pre_buffer=False)
        if "story_id" not in parquet.schema_arrow.names:
            continue  # compacted before stories existed: its records are in no story
        table = parquet.read(columns=["id", "fingerprint", "fetched_at", "story_id"], use_threads=False)
        for id_, fingerprint, fetched_at, story_id in zip(
            table.column("id").to_pylist(),
            table.column("fingerprint").to_pylist(),
            table.column("fetched_at").to_pylist(),
            table.column("story_id").to_pylist(),
            strict=True,
        ):
            fetched = utc_iso(fetched_at) if fetched_at is not None else ""
            members.append(StoryMember(str(id_), fingerprint, fetched, story_id))
    return members


def _stories_document(
    day: str,
    latest: dict[str, Row],
    by_id: dict[str, Story],
    first_seen: dict[str, str],
    settings: StorySettings,
) -> dict[str, Any]:
    """The day's stories file: each story with a record of the day, its size over the window, when
    its first record was fetched, and the day's records of it (latest versions)."""
    stories: dict[str, list[dict[str, Any]]] = {}
    for article, row in sorted(
        latest.items(), key=lambda item: (str(item[1].record.get("fetched_at")), item[0])
    ):
        record = row.record
        stories.setdefault(by_id[article].story_id, []).append(
            {
                "id": article,
                "key": row.key,
                "domain": record.get("domain"),
                "url": record.get("url"),
                "title": record.get("title"),
                "fetched_at": record.get("fetched_at"),
                "published_at": record.get("published_at"),
                "agencies": [a for a in _list(record.get("agencies")) if isinstance(a, str)],
            }
        )
    ordered = sorted(stories.items(), key=lambda item: (-by_id[item[1][0]["id"]].size, item[0]))
    return {
        "format": 1,
        "day": day,
        "threshold": settings.threshold,
        "window_days": settings.window_days,
        "stories": [
            {
                "story_id": story_id,
                "size": by_id[records[0]["id"]].size,
                "first_fetched_at": first_seen[story_id],
                "records": records,
            }
            for story_id, records in ordered
        ],
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _write(
    store: ArchiveStore, day: str, rows: list[Row], token: str | None, stories: DayStories
) -> list[str]:
    """Store the files and the stories, then the manifest naming them; the files' keys."""
    latest = _latest(rows)
    chosen = {row.key for row in latest.values()}
    digest = hashlib.sha256("\n".join(sorted(r.key for r in rows)).encode()).hexdigest()[:16]
    files = []
    parts = (
        (LATEST, [r for r in rows if r.key in chosen]),
        (OLDER, [r for r in rows if r.key not in chosen]),
    )
    for kind, part in parts:
        if not part:
            continue
        key = compacted_file_key(day, kind, digest)
        data = _parquet(sorted(part, key=lambda r: r.key), stories.by_id)
        store.put(key, data)
        files.append({"key": key, "kind": kind, "records": len(part), "bytes": len(data)})
    store.put(stories.key, encode_json(stories.document))
    manifest = {
        "format": MANIFEST_FORMAT,
        "day": day,
        "records": len(rows),
        "files": files,
        "stories": {"key": stories.key, "stories": len(stories.document["stories"])},
        "compacted_at": utc_iso(now_utc()),
    }
    try:
        store.put_if(compacted_manifest_key(day), encode_json(manifest), token)
    except Conflict:
        message = f"compaction of {day}: another compaction stored its manifest first; run again"
        raise StorageError(message, retryable=True) from None
    return [str(entry["key"]) for entry in files]


def _order(row: Row) -> tuple[int, str]:
    return int(row.record.get("version") or 0), str(row.record.get("fetched_at") or "")


def _parquet(rows: list[Row], stories: dict[str, Story]) -> bytes:
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    for row in rows:
        record = row.record
        story = stories.get(_id(row))
        values = {
            "fingerprint": _text(record.get("fingerprint")),
            "story_id": story.story_id if story else None,
            "story_size": story.size if story else None,
            "key": row.key,
            "record": row.json,
            "fetched_at": instant(record.get("fetched_at")),
            "published_at": instant(record.get("published_at")),
            "authors": [a for a in _list(record.get("authors")) if isinstance(a, str)],
            "version": record.get("version") if isinstance(record.get("version"), int) else None,
            "kind": record.get("kind") if isinstance(record.get("kind"), str) else ARTICLE,
            **_change_columns(record.get("changes")),
        }
        for name in SCHEMA.names:
            value = values[name] if name in values else record.get(name)
            columns[name].append(value if name in values or isinstance(value, str) else None)
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns, schema=SCHEMA), buffer, compression="zstd")
    return buffer.getvalue()


def _change_columns(changes: Any) -> dict[str, Any]:
    if not isinstance(changes, dict):
        return dict.fromkeys(CHANGE_COLUMNS)
    found = changes.get("text")
    text: dict[str, Any] = found if isinstance(found, dict) else {}
    return {
        "changed_fields": [f for f in _list(changes.get("fields")) if isinstance(f, str)],
        "text_added": text.get("added"),
        "text_removed": text.get("removed"),
        "text_similarity": text.get("similarity"),
        "correction": bool(changes.get("correction")),
    }


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _prune(store: ArchiveStore, day: str, loose: list[str]) -> int:
    """Delete the loose records that the stored manifest, read back with its files, covers."""
    covered = read_compacted(store, day)
    if covered is None:
        return 0
    covered_keys = [key for key in loose if key in covered.records]
    store.delete_many(covered_keys)
    return len(covered_keys)
