"""Getting records into the archive whatever the storage does: versioning, retries, the spool.

``Archiver`` is the whole delivery logic without Scrapy or Twisted, shared by the crawl's pipeline
(pipelines.archive) and ``newsarchive flush``:

- ``archive(record)``: with the crawl's URL index (pipelines.write.url_index), a page whose content is
  the one last seen at its URL is "unchanged" without a request, and an article no URL of its domain
  ever held is written in two requests: its record, only if absent (If-None-Match), then its state,
  committed, only if absent; a key is noted on local disk (pipelines.write.inflight) between the two, so
  a crash in between is repaired by the next delivery (``recover``). Otherwise, or when either write
  finds something there: read the article's state; the same content as the latest version is
  "unchanged"; otherwise the next version is claimed (conditional write), its record written, the
  claim committed. A StorageError is retried ``attempts`` times with exponential backoff, on top of
  botocore's own retries inside each attempt (which stop early once its retry quota is spent).
  Every step is idempotent: a write whose answer was lost (the server stored it, the connection
  died) is found done on the next attempt, and counted once.
- ``archive_or_spool(record)``: when storage stays down, the record goes to the spool and the crawl
  goes on. While storage is known to be down (``Outage``), records go straight to the spool, and
  one probe write every ``retry_interval`` seconds finds out whether it answers again; when it
  does, everything spooled is delivered.
- ``deliver_spooled()``: records a killed process left half-written (``recover``), then spooled
  records (then spooled objects such as run manifests), oldest first, under the spool's lock;
  stops at the first storage failure, leaving the rest in the spool.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from crawler import stats as names
from crawler.errors import Conflict, StorageError
from crawler.record import MOVED, ArticleRecord, now_utc, utc_iso
from crawler.stats import Stats
from pipelines.storage import ArchiveStore
from pipelines.storage.base import CONFLICT_ATTEMPTS
from pipelines.storage.keys import parse_record_key, record_key
from pipelines.write.changes import compare
from pipelines.write.inflight import InFlight
from pipelines.write.outage import Outage
from pipelines.write.spool import Spool
from pipelines.write.url_index import UrlIndex, UrlState
from pipelines.write.versions import ArchiveState, ArticleState, Version

logger = logging.getLogger(__name__)

_MAX_BACKOFF = 8.0
STORED_OUTCOMES = (names.RECORDS_NEW, names.RECORDS_CHANGED)


@dataclass
class Delivery:
    """What one ``deliver_spooled`` did."""

    outcomes: Counter[str] = field(default_factory=Counter)
    objects: int = 0
    unreadable: int = 0
    error: StorageError | None = None
    busy: bool = False  # another thread or process was delivering

    @property
    def records(self) -> int:
        return sum(self.outcomes.values())


class Archiver:
    """Settings (read by the pipeline): ARCHIVE_WRITE_ATTEMPTS, ARCHIVE_WRITE_BACKOFF,
    ARCHIVE_SPOOL_RETRY_INTERVAL."""

    def __init__(
        self,
        store: ArchiveStore,
        spool: Spool,
        stats: Stats,
        *,
        attempts: int = 3,
        backoff: float = 0.5,
        retry_interval: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        index: UrlIndex | None = None,
    ) -> None:
        self.store = store
        self.state = ArchiveState(store)
        self.index = index
        self.inflight = InFlight(spool.directory)
        self.spool = spool
        self.stats = stats
        self.attempts = attempts
        self.backoff = backoff
        self.outage = Outage(retry_interval)
        self.sleep = sleep
        # Whether the spool may hold something: checked after each stored record instead of reading
        # the spool's directory every time. True at first, for what earlier runs left there.
        self.spool_waiting = True

    # --- one record ------------------------------------------------------------------------------

    def archive(
        self, record: ArticleRecord, attempts: int | None = None, sent: dict[str, Any] | None = None
    ) -> tuple[str, ArticleRecord]:
        """Archive one record (new, changed or unchanged), retrying storage errors; or raise the last.

        ``sent`` collects what the attempts may have stored: after a commit whose answer was lost, it
        holds the stamped record, which the caller spools in place of the bare one. A stamped record
        (``version`` set) is recognised as already committed, so it counts as stored, not unchanged.
        """
        attempts = attempts or self.attempts
        if sent is None:
            sent = {}
        if record.version is not None:  # spooled after its commit may have been stored
            sent.update(key=record_key(record), record=record, ahead=record_key(record))
        for attempt in range(1, attempts + 1):
            try:
                archived = self._archive(record, sent)
                if "ahead" in sent:
                    self.inflight.done(sent["ahead"])
                return archived
            except StorageError as exc:
                self.stats.inc_value(names.store_error("retryable" if exc.retryable else "permanent"))
                if not exc.retryable or attempt == attempts:
                    raise
                self.stats.inc_value(names.STORE_RETRIES)
                self.sleep(min(self.backoff * 2 ** (attempt - 1), _MAX_BACKOFF))
        raise AssertionError("unreachable")

    def _seen_unchanged(self, record: ArticleRecord) -> bool:
        """The URL index says this URL last held this article with this content: nothing to write."""
        if self.index is None:
            return False
        seen = self.index.get(record.requested_url)
        return seen is not None and (seen.id, seen.sha16) == (record.id, record.content_sha256[:16])

    def _archive(self, record: ArticleRecord, sent: dict[str, Any]) -> tuple[str, ArticleRecord]:
        if "key" not in sent:  # not yet written by an earlier attempt
            if self._seen_unchanged(record):
                self._checked(record)
                return names.RECORDS_UNCHANGED, record
            if self._looks_new(record):
                archived = self._archive_new(record, sent)
                if archived is not None:
                    return archived
        for _ in range(CONFLICT_ATTEMPTS):
            try:
                return self._archive_once(record, sent)
            except Conflict:
                self.stats.inc_value(names.STATE_CONFLICTS)  # another writer was first: read again
        raise StorageError(f"state of {record.id} kept changing while archiving it", retryable=True)

    def _looks_new(self, record: ArticleRecord) -> bool:
        return self.index is not None and not self.index.knows_article(record.requested_url, record.id)

    def _archive_new(self, record: ArticleRecord, sent: dict[str, Any]) -> tuple[str, ArticleRecord] | None:
        """Version 1 in two writes, each only if nothing is there; None when either finds something
        (the article is not new, or another writer is at it): then the full protocol decides, and
        deletes the record written here if no version ends up naming it."""
        now = utc_iso(now_utc())
        state = ArticleState(record.id, record.canonical_url, first_seen_at=now)
        stamped = _stamp(record, state, 1, now, None)
        key = record_key(stamped)
        state.versions.append(Version(1, record.content_sha256, key, now, committed=True))
        self.inflight.add(key)
        try:
            self.store.put_if(key, stamped.to_json(), None)
        except Conflict:
            self.inflight.done(key)
            self.stats.inc_value(names.STATE_CONFLICTS)
            return None
        sent.update(key=key, record=stamped, ahead=key)
        try:
            self.state.save_article(state, None)
        except Conflict:
            self.stats.inc_value(names.STATE_CONFLICTS)
            return None
        self._checked(record)
        return names.RECORDS_NEW, stamped

    def _archive_once(self, record: ArticleRecord, sent: dict[str, Any]) -> tuple[str, ArticleRecord]:
        now = utc_iso(now_utc())
        state, token = self.state.article(record.id)
        if state is None:
            state = ArticleState(record.id, record.canonical_url, first_seen_at=now)
        latest = state.latest()
        if latest is not None and latest.content_sha256 == record.content_sha256:
            self._checked(record)
            if sent.get("key") == latest.key:  # our own commit, whose answer was lost
                return _stored(latest.version), sent["record"]
            ahead = sent.get("ahead")
            if ahead is not None and all(v.key != ahead for v in state.versions):
                self.store.delete(ahead)  # written before we knew another key holds this content
            return names.RECORDS_UNCHANGED, record
        version = state.pending(record.content_sha256)
        changes = self._changes(latest, record)
        if version is None:  # claim the next version before writing its record
            number = max((v.version for v in state.versions), default=0) + 1
            stamped = _stamp(record, state, number, now, latest, changes)
            version = Version(number, record.content_sha256, record_key(stamped), now)
            state.versions.append(version)
            token = self.state.save_article(state, token)
        else:  # claimed by an earlier attempt, or by a run that stopped before committing it
            stamped = _stamp(record, state, version.version, version.archived_at, latest, changes)
        # A claim completed after a crash on a later day moves to that fetch day's partition.
        claimed_key, version.key = version.key, record_key(stamped)
        self.store.put(version.key, stamped.to_json())
        if claimed_key != version.key:
            self.store.delete(claimed_key)  # never committed; it may hold the crashed run's copy
        version.committed = True
        sent.update(key=version.key, record=stamped)
        self.state.save_article(state, token)
        self._checked(record)
        return _stored(version.version), stamped

    def _changes(self, latest: Version | None, record: ArticleRecord) -> dict[str, Any] | None:
        """What changed against the latest version: one read of its record, for changed articles only."""
        if latest is None:
            return None
        found = self.store.read(latest.key)
        if found is None:  # deleted by hand: the version is still written, without its changes
            return None
        return compare(json.loads(found[0]), record.to_dict()).to_dict()

    def _checked(self, record: ArticleRecord) -> None:
        if self.index is None or record.kind == MOVED:
            return  # a moved version: the URL now holds the article it redirects to, checked with it
        self.index.checked(
            UrlState(
                record.requested_url,
                record.id,
                record.fetched_at,
                record.http.etag,
                record.http.last_modified,
                record.capture,
                record.content_sha256[:16],
            )
        )

    def count(self, outcome: str) -> None:
        self.stats.inc_value(outcome)
        if outcome in STORED_OUTCOMES:
            self.stats.inc_value(names.RECORDS_STORED)

    # --- storage down ----------------------------------------------------------------------------

    def archive_or_spool(self, record: ArticleRecord) -> tuple[str, ArticleRecord]:
        """Archive the record, or keep it in the spool when storage fails; returns (outcome, record).

        The outcome is not counted here: the caller counts it (``count``) when it returns.
        """
        allowed = self.outage.may_try()
        if allowed is False:
            return self._spool(record, "storage is down")
        sent: dict[str, Any] = {}
        try:
            outcome = self.archive(record, attempts=1 if allowed is None else None, sent=sent)
        except StorageError as exc:
            if exc.retryable:
                if not self.outage.down:
                    logger.error(
                        "Storage is failing (%s): records go to the spool %s", exc, self.spool.directory
                    )
                self.outage.started()
            return self._spool(sent.get("record", record), str(exc))
        if self.outage.down:
            logger.warning("Storage answers again: delivering the spooled records")
        self.outage.ended()
        if self.spool_waiting:
            self.deliver_spooled()  # storage answers: deliver what waits
        return outcome

    def _spool(self, record: ArticleRecord, why: str) -> tuple[str, ArticleRecord]:
        try:
            self.spool.save(f"{record.id}-{record.content_sha256[:16]}", record.to_json())
            if record.version is not None:  # its record may be stored: the spool entry answers for it
                self.inflight.done(record_key(record))
        except OSError:
            logger.exception("Record of %s could neither be archived (%s) nor spooled", record.url, why)
            return names.RECORDS_LOST, record
        self.spool_waiting = True
        logger.warning("Record of %s spooled for later delivery: %s", record.url, why)
        return names.RECORDS_SPOOLED, record

    def deliver_spooled(self, wait: bool = False, probe: bool = False) -> Delivery:
        """Deliver what waits in the spool, oldest first, until storage fails.

        ``wait``: wait for another delivery (thread or process) to finish instead of leaving it the
        work. ``probe``: when storage is known to be down, try one record with one attempt only.
        """
        done = Delivery()
        with self.spool.delivering(wait=wait) as locked:
            if not locked:
                done.busy = True
                return done
            self.spool_waiting = False  # before reading it: what is spooled from now on sets it again
            self.spool.discard_stale_temporaries()
            try:
                self.recover()
                if self.index is not None:
                    self.index.take_spooled()
                self._deliver_records(done, probe and self.outage.down)
                self._deliver_objects(done)
            except StorageError as exc:
                done.error = exc
                self.spool_waiting = True
                if exc.retryable:
                    self.outage.started()
                logger.warning("Spooled records still cannot be delivered: %s", exc)
            else:
                self.outage.ended()
        return done

    def recover(self) -> None:
        """Records a killed process wrote ahead of their state (pipelines.write.inflight) and no state
        names: each goes to the spool as written, and is delivered like any spooled record (the
        state then names it, or it is deleted when another key holds the same version)."""
        for journal, keys in self.inflight.left_by_the_dead():
            for key in keys:
                parsed = parse_record_key(key)
                if parsed is None:
                    continue
                state, _ = self.state.article(parsed.id)
                if state is not None and any(v.key == key and v.committed for v in state.versions):
                    continue
                name = f"{parsed.id}-{parsed.sha}"
                if self.spool.holds(name):
                    continue  # spooled by the killed run itself: delivered below
                found = self.store.read(key)
                if found is None:
                    continue  # killed before the write
                self.spool.save(name, found[0])
                self.stats.inc_value(names.RECORDS_RECOVERED)
                logger.warning("Record %s was written but its state was not (a crash): spooled again", key)
            self.inflight.forget(journal)

    def _deliver_records(self, done: Delivery, probe: bool) -> None:
        for name, path in self.spool.pending():
            try:
                record = ArticleRecord.from_dict(json.loads(path.read_bytes()))
            except FileNotFoundError:
                continue  # delivered meanwhile by another process
            except (ValueError, TypeError, KeyError) as exc:
                self._set_aside(path, exc)
                done.unreadable += 1
                continue
            sent: dict[str, Any] = {}
            try:
                outcome, _ = self.archive(record, attempts=1 if probe else None, sent=sent)
            except StorageError:
                if "record" in sent and record.version is None:  # its commit may be stored: say so
                    self.spool.save(name, sent["record"].to_json())
                raise
            probe = False
            path.unlink(missing_ok=True)
            done.outcomes[outcome] += 1
            self.stats.inc_value(names.RECORDS_DELIVERED_LATE)
            self.count(outcome)
            logger.info("Delivered spooled record %s (%s)", name, outcome.rsplit("/", 1)[-1])

    def _deliver_objects(self, done: Delivery) -> None:
        for key, path in self.spool.pending_objects():
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue
            self.store.put(key, data)
            path.unlink(missing_ok=True)
            done.objects += 1
            self.stats.inc_value(names.OBJECTS_DELIVERED_LATE)
            logger.info("Delivered spooled object %s", key)

    def _set_aside(self, path: Path, exc: Exception) -> None:
        """A spool entry that is not a record is kept, renamed, for a person to look at: never lost."""
        target = path.with_name(path.name + ".unreadable")
        path.rename(target)
        self.stats.inc_value(names.SPOOL_UNREADABLE)
        logger.error("Spooled entry %s is not a readable record (%s); kept as %s", path, exc, target)


def _stored(version: int) -> str:
    return names.RECORDS_NEW if version == 1 else names.RECORDS_CHANGED


def _stamp(
    record: ArticleRecord,
    state: ArticleState,
    number: int,
    archived_at: str,
    latest: Version | None,
    changes: dict[str, Any] | None = None,
) -> ArticleRecord:
    return replace(
        record,
        archived_at=archived_at,
        version=number,
        first_seen_at=state.first_seen_at,
        previous_key=latest.key if latest else None,
        changes=changes,
    )
