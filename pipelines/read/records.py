"""Reading the archive: which records a query selects, and one article's versions.

The key layout answers what it can without reading records: a date range lists only its days'
folders (``records/date=D/``), a domain only its folders (``.../domain=H/``), and one article's
versions are one read of its state. Filters the keys cannot answer (publication time, spider, job,
which version is the latest) read the records concerned, in parallel.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from crawler.errors import BadRecord, NotFound
from crawler.record import instant
from crawler.urls import record_id
from pipelines.read.compaction import read_compacted
from pipelines.storage import ArchiveStore, StoredObject
from pipelines.storage.keys import (
    compacted_prefix,
    parse_record_key,
    partition_days,
    records_prefix,
    safe_domain,
)
from pipelines.write.url_index import UrlIndex
from pipelines.write.versions import ArchiveState

_ID = re.compile(r"^[0-9a-f]{32}$")
FETCHED, PUBLISHED = "fetched", "published"
# The record texts of this many compacted days stay in memory (a day of 100,000 records is about
# 700 MB of text); the keys of every day read stay too (about 200 bytes a record).
_COMPACTED_DAYS_HELD = 2
LATEST, ALL = "latest", "all"


@dataclass(frozen=True)
class RecordRef:
    """A record as its key describes it, before (or without) reading it."""

    key: str
    day: str  # the UTC day its page was fetched
    domain: str
    id: str
    size: int
    md5: str | None

    @classmethod
    def from_object(cls, item: StoredObject) -> RecordRef | None:
        parts = parse_record_key(item.key)
        if parts is None:
            return None
        return cls(item.key, parts.day, parts.domain, parts.id, item.size, item.md5)

    @classmethod
    def from_compacted(cls, key: str, size: int, md5: str) -> RecordRef | None:
        parts = parse_record_key(key)
        if parts is None:
            return None
        return cls(key, parts.day, parts.domain, parts.id, size, md5)


@dataclass(frozen=True)
class Query:
    """What to select. ``since`` is inclusive and ``before`` exclusive, both aware datetimes."""

    since: datetime | None = None
    before: datetime | None = None
    by: str = FETCHED
    domains: tuple[str, ...] = ()
    spiders: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    versions: str = LATEST
    story: str | None = None  # the records of one story (compacted days only)

    def days_wanted(self, day: str) -> bool:
        """Whether the day's folder can hold a selected record (publication comes before the fetch)."""
        start = _day_start(day)
        if self.since is not None and start + timedelta(days=1) <= self.since:
            return False
        return not (self.by == FETCHED and self.before is not None and start >= self.before)

    def needs_record(self, ref: RecordRef) -> bool:
        """Whether deciding on ``ref`` takes reading it (beyond the version question)."""
        if self.spiders or self.jobs:
            return True
        if self.by == PUBLISHED:
            return self.since is not None or self.before is not None
        start = _day_start(ref.day)
        end = start + timedelta(days=1)
        return (self.since is not None and self.since > start) or (
            self.before is not None and self.before < end
        )

    def accepts(self, record: dict[str, Any]) -> bool:
        if self.spiders and record.get("spider") not in self.spiders:
            return False
        if self.jobs and record.get("job_id") not in self.jobs:
            return False
        if self.since is None and self.before is None:
            return True
        moment = instant(record.get("fetched_at") if self.by == FETCHED else _published(record))
        if moment is None:
            return False
        return (self.since is None or moment >= self.since) and (self.before is None or moment < self.before)


@dataclass
class Selected:
    ref: RecordRef
    record: dict[str, Any] | None = None  # read when a filter or the caller needed it


@dataclass
class ArchiveReader:
    """Reads loose records and compacted days alike (pipelines.read.compaction): a compacted day is its
    manifest's files plus the loose records they do not cover, so every answer is the same before
    and after compaction."""

    store: ArchiveStore
    workers: int = 8
    bad: list[BadRecord] = field(default_factory=list)  # unreadable records met, skipped
    # Compacted days: each one's keys with their sizes and MD5s, and the texts of the last few read.
    _indexes: dict[str, dict[str, tuple[int, str]] | None] = field(default_factory=dict)
    _texts: OrderedDict[str, dict[str, str]] = field(default_factory=OrderedDict)  # in the order read
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Compacted days: each record key's story (pipelines.write.stories), kept once read.
    _stories: dict[str, dict[str, str]] = field(default_factory=dict)

    def days(self) -> list[str]:
        loose = partition_days(self.store, records_prefix())
        return sorted(set(loose + partition_days(self.store, compacted_prefix())))

    def compacted(self, day: str) -> dict[str, tuple[int, str]] | None:
        """The keys a day's compaction covers, with each record's size and MD5; None when the day is
        not compacted. Read once per reader."""
        with self._day_lock(day):
            if day not in self._indexes:
                self._load(day)
            return self._indexes[day]

    def _compacted_text(self, day: str, key: str) -> str | None:
        """A compacted record's text; the day's files are read again if their texts were let go
        (the days held are the last ones read)."""
        texts = self._texts.get(day)
        if texts is None:
            with self._day_lock(day):
                if day not in self._texts and (day not in self._indexes or self._indexes[day]):
                    self._load(day)
                texts = self._texts.get(day)
        return texts.get(key) if texts else None

    def _day_lock(self, day: str) -> threading.Lock:
        """One day's files are read by one thread, whichever of the reader's threads ask for them."""
        with self._lock:
            return self._locks.setdefault(day, threading.Lock())

    def _load(self, day: str) -> None:
        compacted = read_compacted(self.store, day)
        index = compacted.index() if compacted else None
        with self._lock:
            self._indexes[day] = index
            if compacted is not None:
                self._stories[day] = compacted.stories
                self._texts[day] = compacted.records
                while len(self._texts) > _COMPACTED_DAYS_HELD:
                    self._texts.popitem(last=False)

    def refs(self, query: Query) -> list[RecordRef]:
        """The records the key layout cannot rule out, listing only the folders the query allows."""
        days = [day for day in self.days() if query.days_wanted(day)]
        domains = {safe_domain(domain) for domain in query.domains}
        refs = []
        for index in self.parallel(self.compacted, days):
            for key, (size, md5) in (index or {}).items():
                ref = RecordRef.from_compacted(key, size, md5)
                if ref is not None and (not query.domains or ref.domain in domains):
                    refs.append(ref)
        prefixes = []
        for day in days:
            if query.domains:
                prefixes += [records_prefix(day, domain) for domain in query.domains]
            else:
                prefixes.append(records_prefix(day))
        for listed in self.parallel(lambda prefix: list(self.store.objects(prefix)), prefixes):
            for ref in map(RecordRef.from_object, listed):
                index = self._indexes.get(ref.day) if ref is not None else None
                if ref is not None and (index is None or ref.key not in index):
                    refs.append(ref)
        return sorted(refs, key=lambda ref: ref.key)

    def select(self, query: Query, *, read_all: bool = False) -> list[Selected]:
        """The selected records in key order; ``read_all`` reads every one (else only what filters need)."""
        refs = self.refs(query)
        by_id: dict[str, list[RecordRef]] = defaultdict(list)
        for ref in refs:
            by_id[ref.id].append(ref)
        to_read = [
            ref
            for ref in refs
            if read_all or query.needs_record(ref) or (query.versions == LATEST and len(by_id[ref.id]) > 1)
        ]
        records = dict(zip((r.key for r in to_read), self.parallel(self._read_or_none, to_read), strict=True))
        selected = []
        for ref in refs:
            record = records.get(ref.key)
            if ref.key in records and (record is None or not query.accepts(record)):
                continue  # unreadable (counted in self.bad) or filtered out
            selected.append(Selected(ref, record))
        if query.versions == LATEST:
            selected = _latest_only(selected)
        if query.story is not None:
            selected = [item for item in selected if self.story_of(item.ref) == query.story]
        return sorted(selected, key=lambda s: s.ref.key)

    def story_of(self, ref: RecordRef) -> str | None:
        """The story of a record of a compacted day (``newsarchive compact`` groups them); None for a
        record not compacted yet, or compacted before stories existed."""
        if self.compacted(ref.day) is None:
            return None
        return self._stories.get(ref.day, {}).get(ref.key)

    def one_per_story(self, selected: list[Selected]) -> list[Selected]:
        """The first record of each story among ``selected`` (by day, then key: the first fetched day),
        and every record that is in no story."""
        kept: list[Selected] = []
        stories: set[str] = set()
        for item in sorted(selected, key=lambda s: (s.ref.day, s.ref.key)):
            story = self.story_of(item.ref)
            if story is None or story not in stories:
                kept.append(item)
            if story is not None:
                stories.add(story)
        return sorted(kept, key=lambda s: s.ref.key)

    def raw(self, key: str) -> bytes:
        """A record as stored: from its day's compacted files when they cover it, else the loose
        record; a loose record that is gone may have been compacted and pruned since."""
        parts = parse_record_key(key)
        index = self._indexes.get(parts.day) if parts else None
        text = self._compacted_text(parts.day, key) if parts and index and key in index else None
        if text is None:
            found = self.store.read(key)
            if found is not None:
                return found[0]
            text = self._compacted_text(parts.day, key) if parts else None
        if text is None:
            raise NotFound(f"{key}: no such record in {self.store.uri}")
        return text.encode("utf-8")

    def read(self, key: str) -> dict[str, Any]:
        return parse_record(key, self.raw(key))

    def _read_or_none(self, ref: RecordRef) -> dict[str, Any] | None:
        try:
            return self.read(ref.key)
        except (BadRecord, NotFound) as exc:  # NotFound: removed since the listing
            self.bad.append(BadRecord(str(exc)))
            return None

    def versions(self, url_or_id: str) -> list[dict[str, Any]]:
        """Every committed version of one article, oldest first: two or three reads (the URL's domain
        index, to find the article a URL last held), whatever the archive's size."""
        if _ID.match(url_or_id):
            article_id = url_or_id
        else:
            checked = UrlIndex(self.store).get(url_or_id)
            article_id = checked.id if checked else record_id(url_or_id)
        article, _ = ArchiveState(self.store).article(article_id)
        keys = [v.key for v in article.versions if v.committed] if article else []
        if not keys:
            raise NotFound(f"no record of {url_or_id} in {self.store.uri}")
        return list(self.parallel(self.read, keys))

    def parallel(self, function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        return list(parallel_map(function, items, self.workers))


def parallel_map(function: Callable[[Any], Any], items: Iterable[Any], workers: int) -> Iterator[Any]:
    """``map`` over a thread pool, results in order; stopping early (an error, Ctrl-C) cancels the rest.

    The thread pool's own context manager would instead run every queued call before returning.
    """
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        yield from pool.map(function, items)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def parse_record(key: str, data: bytes) -> dict[str, Any]:
    try:
        record = json.loads(data)
    except UnicodeDecodeError:
        raise BadRecord(f"{key}: not valid JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise BadRecord(f"{key}: not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno})") from None
    if not isinstance(record, dict) or "id" not in record:
        raise BadRecord(f"{key}: not a record (a JSON {type(record).__name__} without an id)")
    return record


def _latest_only(selected: list[Selected]) -> list[Selected]:
    best: dict[str, Selected] = {}
    for item in selected:
        current = best.get(item.ref.id)
        if current is None or _version(item) > _version(current):
            best[item.ref.id] = item
    return list(best.values())


def _version(item: Selected) -> int:
    return int((item.record or {}).get("version") or 0)


def _day_start(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc)


def _published(record: dict[str, Any]) -> str | None:
    """The publication instant, else the publication day (as midnight UTC), else None."""
    return record.get("published_at") or record.get("published_date")
