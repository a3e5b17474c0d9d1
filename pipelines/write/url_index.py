"""When each URL was last checked, kept per domain in one object and read once per crawl.

A crawl asks, for every article URL it is about to fetch, whether the archive checked it recently
(ARCHIVE_REFRESH_AFTER), what conditional headers to send, and whether the page it then extracts
is the same as the one stored. One object per request URL's domain answers all of that:

    state/url-index/domain=HOST.json.gz   {"urls": {URLHASH: [id, checked_at, etag, last_modified,
                                                                 capture, sha16, url, first_seen]}}

URLHASH is the hash of the URL's canonical form (crawler.urls.record_id), ``id`` the article's record
id, ``sha16`` the first 16 hex digits of the content hash of the article last stored or seen at that
URL, ``url`` the URL itself and ``first_seen`` when it was first checked (what the revisit schedule
counts from; entries written before they were kept have neither). A domain's
object is read the first time the crawl needs it (one GET, however many URLs it holds) and written
back by ``flush``: every ARCHIVE_URL_INDEX_FLUSH_INTERVAL seconds and when the crawl
ends, as a read, a merge and a conditional write (If-Match), so crawlers sharing a bucket never
erase each other's checks: for each URL the later check wins.

The index is a cache of checks, never the truth about versions (pipelines.write.versions holds that): a URL
it forgets (a crash before a flush, the cap ARCHIVE_URL_INDEX_MAX_URLS) is only fetched and compared
again. Per URL it holds about 530 bytes of JSON, 90 gzipped, 1.3 KB in memory (docs/performance.md).
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from crawler import stats as names
from crawler.errors import Conflict, StorageError
from crawler.record import CaptureRef, parse_utc
from crawler.stats import Stats
from crawler.urls import domain_of, record_id
from pipelines.storage import ArchiveStore
from pipelines.storage.base import CONFLICT_ATTEMPTS
from pipelines.storage.files import write_atomically
from pipelines.storage.keys import url_index_key

logger = logging.getLogger(__name__)

_FORMAT = 1
Entry = list[Any]  # [id, checked_at, etag, last_modified, capture, sha16, url, first_seen]


@dataclass
class UrlState:
    """One URL's last check, as the index keeps it."""

    url: str
    id: str
    checked_at: str
    etag: str | None = None
    last_modified: str | None = None
    capture: CaptureRef | None = None  # the response with the page's body, which a revisit refers to
    sha16: str | None = None  # the first 16 hex digits of the content hash last seen at this URL
    first_seen: str | None = None  # when the URL was first checked


def is_fresh(state: UrlState | None, now: datetime, refresh_after: timedelta) -> bool:
    """True when the URL was checked more recently than ``refresh_after`` ago."""
    if state is None or not refresh_after:
        return False
    return now - parse_utc(state.checked_at) < refresh_after


def _entry(state: UrlState) -> Entry:
    capture = state.capture.to_dict() if state.capture is not None else None
    return [
        state.id,
        state.checked_at,
        state.etag,
        state.last_modified,
        capture,
        state.sha16,
        state.url,
        state.first_seen or state.checked_at,
    ]


def _state(url: str | None, entry: Entry) -> UrlState:
    capture = CaptureRef(**entry[4]) if entry[4] else None
    known = entry[6:8] + [None] * (8 - len(entry))
    return UrlState(url or known[0], entry[0], entry[1], entry[2], entry[3], capture, entry[5], known[1])


class DomainIndex:
    """One domain's entries as read, the changes made since, and the article ids it knows."""

    def __init__(self, entries: dict[str, Entry]) -> None:
        self.entries = entries
        self.changed: dict[str, Entry] = {}
        self.ids = {entry[0] for entry in entries.values()}


class UrlIndex:
    """Thread-safe: the incremental middleware reads it in the reactor's threads, the archive
    pipeline's writer threads update it, and ``flush`` runs in a thread of its own."""

    def __init__(
        self,
        store: ArchiveStore,
        stats: Stats | None = None,
        max_urls: int = 100_000,
        spool: Path | None = None,
    ) -> None:
        self.store = store
        self.stats = stats
        self.max_urls = max_urls
        # Checks that could not be written when a crawl ended wait here (``flush(keep=True)``).
        self.spool = spool / "url-index" if spool is not None else None
        self._taken: dict[str, list[Path]] = {}  # spooled files merged into a domain's changes
        self._domains: dict[str, DomainIndex] = {}
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self._flushing = threading.Lock()

    # --- reading ---------------------------------------------------------------------------------

    def _domain(self, domain: str) -> DomainIndex:
        """The domain's index, read from the store the first time (one thread reads, others wait)."""
        with self._lock:
            found = self._domains.get(domain)
            if found is not None:
                return found
            loading = self._loading.setdefault(domain, threading.Lock())
        with loading:
            with self._lock:
                found = self._domains.get(domain)
            if found is not None:
                return found
            stored, _ = self._read(domain)
            index = DomainIndex(stored)
            if self.stats is not None:
                self.stats.inc_value(names.URL_INDEX_READS)
            with self._lock:
                self._domains[domain] = index
            return index

    def _read(self, domain: str, warn: bool = True) -> tuple[dict[str, Entry], str | None]:
        found = self.store.read(url_index_key(domain))
        if found is None:
            return {}, None
        try:
            data = json.loads(gzip.decompress(found[0]))
            if data.get("format") != _FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            entries: dict[str, Entry] = data["urls"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # A cache: an unreadable one is started again (and overwritten by the next flush).
            if warn:
                logger.warning("URL index of %s is unreadable (%s); its URLs are checked again", domain, exc)
            return {}, found[1]
        return entries, found[1]

    def loaded(self, url: str) -> bool:
        """Whether ``get`` answers from memory (the domain's index was read already)."""
        with self._lock:
            return domain_of(url) in self._domains

    def get(self, url: str) -> UrlState | None:
        """The URL's last check, reading its domain's index if this is the first URL of that domain."""
        index, key = self._domain(domain_of(url)), record_id(url)
        with self._lock:
            entry = index.changed.get(key) or index.entries.get(key)
        return _state(url, entry) if entry is not None else None

    def knows_article(self, url: str, article_id: str) -> bool:
        """Whether any URL of ``url``'s domain was last seen holding the article ``article_id``: when
        not, the article is most likely new, and is written without reading its state first."""
        index = self._domain(domain_of(url))
        with self._lock:
            return article_id in index.ids

    # --- writing ---------------------------------------------------------------------------------

    def checked(self, state: UrlState) -> None:
        """The URL was checked; it keeps the time it was first seen (an article that moved to another
        URL goes on with the story's schedule there)."""
        index, key = self._domain(domain_of(state.url)), record_id(state.url)
        with self._lock:
            known = index.changed.get(key) or index.entries.get(key)
            if known is not None and len(known) > 7 and known[7]:
                state = replace(state, first_seen=known[7])
            index.changed[key] = _entry(state)
            index.ids.add(state.id)

    def states(self, domain: str) -> list[UrlState]:
        """Every URL of the domain the index knows by name (reading its index once), as last checked."""
        index = self._domain(domain)
        with self._lock:
            entries = {**index.entries, **index.changed}
        return [_state(None, entry) for entry in entries.values() if len(entry) > 6 and entry[6]]

    def domains(self) -> list[str]:
        """The domains that have an index in the archive."""
        start, end = url_index_key("example.com").split("domain=")[0], ".json.gz"
        found = (item.key for item in self.store.objects(start))
        return sorted(key[len(start) + len("domain=") : -len(end)] for key in found if key.endswith(end))

    def flush(self, keep: bool = False) -> int:
        """Write every domain's changes; returns how many domains were written. A domain that cannot
        be written keeps its changes for the next flush, or with ``keep`` (the crawl's last flush) in
        the spool, for the next run or ``newsarchive flush`` (``take_spooled``)."""
        with self._flushing:
            with self._lock:
                pending = {d: dict(i.changed) for d, i in self._domains.items() if i.changed}
            written = 0
            for domain, changes in pending.items():
                try:
                    self._write(domain, changes)
                except StorageError as exc:
                    kept = keep and self._spool_changes(domain, changes)
                    where = "in the spool" if kept else "for the next flush"
                    logger.warning("Cannot write the URL index of %s (kept %s): %s", domain, where, exc)
                    continue
                for path in self._taken.pop(domain, []):
                    path.unlink(missing_ok=True)
                index = self._domains[domain]
                with self._lock:
                    index.entries.update(changes)
                    for key, entry in changes.items():
                        if index.changed.get(key) is entry:
                            del index.changed[key]
                written += 1
                if self.stats is not None:
                    self.stats.inc_value(names.URL_INDEX_WRITES)
            return written

    def _spool_changes(self, domain: str, changes: dict[str, Entry]) -> bool:
        if self.spool is None:
            return False
        data = json.dumps({"domain": domain, "urls": changes}, separators=(",", ":")).encode("utf-8")
        write_atomically(self.spool / f"{uuid.uuid4().hex}.json", data)
        return True

    def take_spooled(self) -> int:
        """Merge the checks earlier runs could not write into this index's changes (the later check
        wins); their files are removed once their domain is written. Returns how many files."""
        if self.spool is None or not self.spool.is_dir():
            return 0
        taken = 0
        for path in sorted(self.spool.glob("*.json")):
            if any(path in paths for paths in self._taken.values()):
                continue
            try:
                spooled = json.loads(path.read_bytes())
                domain, changes = spooled["domain"], spooled["urls"]
            except FileNotFoundError:
                continue  # taken and written meanwhile by another process
            except (ValueError, KeyError, TypeError) as exc:
                logger.error("Spooled URL checks %s are unreadable (%s); removed", path, exc)
                path.unlink(missing_ok=True)
                continue
            index = self._domain(domain)
            with self._lock:
                for key, entry in changes.items():
                    mine = index.changed.get(key) or index.entries.get(key)
                    if mine is None or mine[1] < entry[1]:
                        index.changed[key] = entry
                        index.ids.add(entry[0])
            self._taken.setdefault(domain, []).append(path)
            taken += 1
        return taken

    def _write(self, domain: str, changes: dict[str, Entry]) -> None:
        for _ in range(CONFLICT_ATTEMPTS):
            entries, token = self._read(domain, warn=False)  # said when it was first read
            for key, entry in changes.items():
                theirs = entries.get(key)
                if theirs is None or theirs[1] <= entry[1]:  # ISO 8601 UTC: the later check wins
                    entries[key] = entry
            entries = dict(_newest(entries, self.max_urls))
            data = {"format": _FORMAT, "urls": entries}
            body = gzip.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 6)
            try:
                self.store.put_if(url_index_key(domain), body, token)
                return
            except Conflict:
                if self.stats is not None:
                    self.stats.inc_value(names.STATE_CONFLICTS)
        raise StorageError(f"the URL index of {domain} kept changing while writing it", retryable=True)


def _newest(entries: dict[str, Entry], cap: int) -> Iterator[tuple[str, Entry]]:
    """At most ``cap`` entries, the most recently checked: the others are only checked again."""
    if len(entries) <= cap:
        yield from entries.items()
        return
    yield from sorted(entries.items(), key=lambda item: item[1][1], reverse=True)[:cap]
