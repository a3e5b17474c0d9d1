"""The delivery logic on its own (pipelines.delivery): lost replies, the outage switch, the spool's
entries and lock. Every test that writes to storage runs against both real stores, a directory and a
bucket on moto's S3 server over HTTP (fixture ``any_store``); failures are injected by wrapping the
store, whichever it is. The spool's own tests (its lock, temporaries and names) use no store: a spool
is always a local directory."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from crawler import stats as names
from crawler.errors import StorageError
from crawler.stats import Counts
from pipelines.storage import ArchiveStore
from pipelines.write.delivery import Archiver
from pipelines.write.outage import Outage
from pipelines.write.spool import Spool
from tests.support.records import make_record


class LosesReplies:
    """A real store whose chosen writes are stored, then fail as if the answer was lost."""

    def __init__(self, store: ArchiveStore, lose: set[str]) -> None:
        self.store = store
        self.uri = store.uri
        self.lose = lose  # "put", "put_if": lose the answer of the next such call
        self.down = False

    def _after(self, call: str) -> None:
        if call in self.lose:
            self.lose.discard(call)
            raise StorageError("connection reset after the request was sent", retryable=True)

    def _check_up(self) -> None:
        if self.down:
            raise StorageError("cannot connect to the S3 endpoint", retryable=True)

    def put(self, key: str, data: bytes) -> None:
        self._check_up()
        self.store.put(key, data)
        self._after("put")

    def put_if(self, key: str, data: bytes, token: str | None) -> str:
        self._check_up()
        result = self.store.put_if(key, data, token)
        self._after("put_if")
        return result

    def read(self, key: str) -> tuple[bytes, str] | None:
        self._check_up()
        return self.store.read(key)

    def delete(self, key: str) -> None:
        self._check_up()
        self.store.delete(key)

    def delete_many(self, keys: list[str]) -> None:
        self._check_up()
        self.store.delete_many(keys)


def archiver(store: Any, tmp_path: Path, **options: Any) -> Archiver:
    return Archiver(store, Spool(tmp_path / "spool", store.uri), Counts(), backoff=0, **options)


def records(store: ArchiveStore) -> list[dict[str, Any]]:
    """Every record in the store, in key order."""
    found = []
    for item in store.objects("records/"):
        if item.key.endswith(".json"):
            stored = store.read(item.key)
            assert stored is not None, item.key
            found.append(json.loads(stored[0]))
    return found


@pytest.mark.parametrize("lost", ["put", "put_if"])
def test_a_write_whose_answer_is_lost_is_stored_and_counted_once(
    any_store: ArchiveStore, tmp_path: Path, lost: str
) -> None:
    """The record (put) or the claim (first put_if) reached storage; the retry finds it done."""
    store = LosesReplies(any_store, {lost})
    outcome, stored = archiver(store, tmp_path).archive(make_record())
    assert (outcome, stored.version) == (names.RECORDS_NEW, 1)
    assert [r["version"] for r in records(any_store)] == [1]


def test_a_lost_commit_answer_counts_the_version_as_new_not_unchanged(
    any_store: ArchiveStore, tmp_path: Path
) -> None:
    store = LosesReplies(any_store, set())
    delivery = archiver(store, tmp_path)
    original_put_if = store.put_if
    calls = []

    def put_if(key: str, data: bytes, token: str | None) -> str:
        calls.append(key)
        result = original_put_if(key, data, token)
        if len(calls) == 2:  # the commit: stored, answer lost
            raise StorageError("read timeout", retryable=True)
        return result

    store.put_if = put_if  # type: ignore[method-assign]
    outcome, stored = delivery.archive(make_record())
    assert (outcome, stored.version) == (names.RECORDS_NEW, 1)
    assert len(records(any_store)) == 1


def test_a_record_spooled_after_its_commit_is_delivered_as_new(
    any_store: ArchiveStore, tmp_path: Path
) -> None:
    """Storage went down right after the commit: the spool keeps the stamped record, whose delivery
    finds its own version committed."""
    store = LosesReplies(any_store, set())
    delivery = archiver(store, tmp_path, attempts=2)
    original_put_if = store.put_if

    def commit_then_down(key: str, data: bytes, token: str | None) -> str:
        result = original_put_if(key, data, token)
        if token is not None:
            store.down = True
            raise StorageError("connection reset", retryable=True)
        return result

    store.put_if = commit_then_down  # type: ignore[method-assign]
    outcome, _ = delivery.archive_or_spool(make_record())
    assert outcome == names.RECORDS_SPOOLED
    [(_, path)] = list(delivery.spool.pending())
    assert json.loads(path.read_bytes())["version"] == 1  # stamped: its commit may be stored

    store.down = False
    store.put_if = original_put_if  # type: ignore[method-assign]
    done = delivery.deliver_spooled()
    assert (dict(done.outcomes), done.error) == ({names.RECORDS_NEW: 1}, None)
    assert len(records(any_store)) == 1
    assert delivery.stats.values[names.RECORDS_DELIVERED_LATE] == 1


def test_while_storage_is_down_records_go_straight_to_the_spool_and_one_probe_finds_it_back(
    any_store: ArchiveStore, tmp_path: Path
) -> None:
    now = [100.0]
    store = LosesReplies(any_store, set())
    delivery = archiver(store, tmp_path, attempts=3)
    delivery.outage = Outage(30.0, clock=lambda: now[0])
    calls = []
    original_read = store.read

    def counted_read(key: str) -> tuple[bytes, str] | None:
        calls.append(key)
        return original_read(key)

    store.read = counted_read  # type: ignore[method-assign]
    store.down = True
    first = make_record(url="https://news.example.com/a.html")
    assert delivery.archive_or_spool(first)[0] == names.RECORDS_SPOOLED
    assert len(calls) == 3  # three attempts, then storage is known to be down
    for n in range(5):
        record = make_record(url=f"https://news.example.com/{n}.html")
        assert delivery.archive_or_spool(record)[0] == names.RECORDS_SPOOLED
    assert len(calls) == 3  # not tried: spooled at once
    now[0] += 30
    store.down = False
    probe = make_record(url="https://news.example.com/probe.html")
    outcome, _ = delivery.archive_or_spool(probe)
    assert outcome == names.RECORDS_NEW
    assert delivery.spool.count() == 0
    assert delivery.stats.values[names.RECORDS_DELIVERED_LATE] == 6
    assert len(records(any_store)) == 7


def test_the_spool_keeps_what_is_not_a_record_and_delivers_the_rest(
    any_store: ArchiveStore, tmp_path: Path
) -> None:
    delivery = archiver(any_store, tmp_path)
    delivery.spool.save("garbage", b"{not json")
    record = make_record()
    delivery.spool.save(f"{record.id}-{record.content_sha256[:16]}", record.to_json())
    delivery.spool.save_object("runs/date=2026-11-25/job.json", b'{"job_id": "job"}\n')
    done = delivery.deliver_spooled()
    assert (done.records, done.objects, done.unreadable) == (1, 1, 1)
    delivered = any_store.read("runs/date=2026-11-25/job.json")
    assert delivered is not None
    assert delivered[0] == b'{"job_id": "job"}\n'
    assert [p.name for p in delivery.spool.directory.iterdir() if p.name.endswith(".unreadable")] == [
        "garbage.spool.unreadable"
    ]


def test_spooled_versions_are_delivered_in_the_order_they_were_spooled(
    any_store: ArchiveStore, tmp_path: Path
) -> None:
    delivery = archiver(any_store, tmp_path)
    first = make_record()
    second = make_record(text="A second, corrected text.", content_sha256="f" * 64)
    for offset, record in ((0, first), (1, second)):
        path = delivery.spool.save(f"{record.id}-{record.content_sha256[:16]}", record.to_json())
        os.utime(path, ns=(10**18 + offset, 10**18 + offset))
    delivery.deliver_spooled()
    assert sorted((r["version"], r["text"]) for r in records(any_store)) == [
        (1, first.text),
        (2, second.text),
    ]


def test_one_delivery_at_a_time_and_stale_temporaries_are_removed(tmp_path: Path) -> None:
    """The spool alone, in its local directory: no store is written."""
    spool = Spool(tmp_path, "s3://bucket/news")
    spool.save("x", b"{}")
    stale = spool.directory / ".tmp-dead-writer"
    stale.write_bytes(b"half")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    fresh = spool.directory / ".tmp-live-writer"
    fresh.write_bytes(b"half")
    with spool.delivering() as first, spool.delivering() as second:
        assert (first, second) == (True, False)
    spool.discard_stale_temporaries()
    assert sorted(p.name for p in spool.directory.iterdir()) == [
        ".deliver.lock",
        ".tmp-live-writer",
        "x.spool",
    ]
    assert [name for name, _ in spool.pending()] == ["x"]


@pytest.mark.parametrize("name", ["../../escape", "/etc/passwd", "..", "a/b/../../c"])
def test_spool_names_never_leave_the_spool_directory(tmp_path: Path, name: str) -> None:
    """The spool alone, in its local directory: no store is written."""
    spool = Spool(tmp_path / "spool", "s3://bucket/news")
    path = spool.save(name, b"{}")
    assert path.parent == spool.directory
    assert spool.save_object(name, b"{}").parent == spool.objects_directory
    assert [n for n, _ in spool.pending()] == [name]
