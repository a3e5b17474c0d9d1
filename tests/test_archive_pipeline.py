"""The archive pipeline's delivery and versioning logic against real stores (a directory and moto's
S3 over HTTP): retries, the spool, unchanged and changed articles, racing writers, crash recovery."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from crawler import stats as names
from crawler.errors import StorageError
from crawler.record import ArticleRecord, content_sha256
from pipelines.archive import ArchivePipeline
from pipelines.storage import ArchiveStore, open_store
from pipelines.storage.keys import record_key
from pipelines.storage.local import LocalStore
from pipelines.write.spool import Spool
from pipelines.write.url_index import UrlIndex, UrlState
from pipelines.write.versions import ArchiveState, ArticleState, Version
from tests.support.counting import CountingStore
from tests.support.records import make_record, pipeline
from tests.support.servers import S3Server, s3_settings


class FailingFirst:
    """A real store whose first ``failures`` writes fail as a dropped connection would."""

    def __init__(self, store: ArchiveStore, failures: int) -> None:
        self.store = store
        self.uri = store.uri
        self.failures = failures
        self.before_claim: Any = None  # called once, just before the first conditional write

    def _maybe_fail(self) -> None:
        if self.failures:
            self.failures -= 1
            raise StorageError("connection reset", retryable=True)

    def check(self) -> None:
        self.store.check()

    def put(self, key: str, data: bytes) -> None:
        self._maybe_fail()
        self.store.put(key, data)

    def read(self, key: str) -> tuple[bytes, str] | None:
        return self.store.read(key)

    def put_if(self, key: str, data: bytes, token: str | None) -> str:
        if self.before_claim is not None:
            hook, self.before_claim = self.before_claim, None
            hook()
        self._maybe_fail()
        return self.store.put_if(key, data, token)

    def delete(self, key: str) -> None:
        self.store.delete(key)

    def delete_many(self, keys: list[str]) -> None:
        self.store.delete_many(keys)


def checked(archive: ArchivePipeline, url: str) -> UrlState | None:
    """The URL's check as the next crawl reads it, once this one has flushed its index."""
    assert archive.archiver.index is not None
    archive.archiver.index.flush()
    return UrlIndex(archive.store).get(url)


def records_with_keys(store: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every record object in the store and its key, by listing it the way a reader does."""
    return [(item.key, json.loads(store.read(item.key)[0])) for item in store.objects("records/")]


def records_in(store: Any) -> list[dict[str, Any]]:
    return [record for _, record in records_with_keys(store)]


def test_a_failed_write_is_retried(tmp_path: Path) -> None:
    store = FailingFirst(LocalStore(tmp_path / "archive"), failures=2)
    archive = pipeline(store, tmp_path / "spool")
    outcome, stored = archive._archive_or_spool(make_record())
    assert (outcome, stored.version) == (names.RECORDS_NEW, 1)
    assert len(records_in(store.store)) == 1
    assert archive.stats.get_value(names.STORE_RETRIES) == 2


def test_a_new_article_is_version_one_with_its_state(
    any_store: Any, tmp_path: Path, record_validator: Any
) -> None:
    archive = pipeline(any_store, tmp_path / "spool")
    outcome, stored = archive._archive_or_spool(make_record())
    assert outcome == names.RECORDS_NEW
    [record] = records_in(any_store)
    record_validator.validate(record)
    assert (record["version"], record["previous_key"], record["first_seen_at"]) == (
        1,
        None,
        record["archived_at"],
    )
    state, _ = ArchiveState(any_store).article(stored.id)
    assert state is not None and [(v.version, v.committed, v.key) for v in state.versions] == [
        (1, True, record_key(stored))
    ]
    assert checked(archive, stored.requested_url).id == stored.id  # type: ignore[union-attr]


def test_an_unchanged_article_writes_no_new_record(any_store: Any, tmp_path: Path) -> None:
    archive = pipeline(any_store, tmp_path / "spool")
    archive._archive_or_spool(make_record())
    outcome, _ = archive._archive_or_spool(make_record(fetched_at="2026-11-26T10:00:00Z", job_id="second"))
    assert outcome == names.RECORDS_UNCHANGED
    assert len(records_in(any_store)) == 1
    assert checked(archive, make_record().url).checked_at == "2026-11-26T10:00:00Z"  # type: ignore[union-attr]


def test_a_changed_article_becomes_version_two_linked_to_version_one(any_store: Any, tmp_path: Path) -> None:
    archive = pipeline(any_store, tmp_path / "spool")
    _, first = archive._archive_or_spool(make_record())
    text = "The harbour authority will rebuild the eastern breakwater.\n\nWork now starts in June."
    changed = make_record(text=text, content_sha256=content_sha256("Breakwater to be rebuilt", text))
    outcome, second = archive._archive_or_spool(replace(changed, fetched_at="2026-11-27T08:00:00Z"))
    assert outcome == names.RECORDS_CHANGED
    assert (second.version, second.previous_key, second.first_seen_at) == (
        2,
        record_key(first),
        first.archived_at,
    )
    assert sorted(r["version"] for r in records_in(any_store)) == [1, 2]


def test_two_writers_racing_on_one_version_store_it_once(any_store: Any, tmp_path: Path) -> None:
    racer = FailingFirst(any_store, failures=0)
    first = pipeline(racer, tmp_path / "spool-a")
    second = pipeline(any_store, tmp_path / "spool-b")
    outcomes = []
    # The second writer archives the same version between the first one's read and its claim.
    racer.before_claim = lambda: outcomes.append(second._archive_or_spool(make_record(job_id="b"))[0])
    outcomes.append(first._archive_or_spool(make_record(job_id="a"))[0])
    assert outcomes == [names.RECORDS_NEW, names.RECORDS_UNCHANGED]
    assert [r["job_id"] for r in records_in(any_store)] == ["b"]
    assert first.stats.get_value(names.STATE_CONFLICTS) == 1


def claim_without_commit(store: ArchiveStore, record: ArticleRecord) -> tuple[ArticleRecord, Version]:
    """What a run that stopped between claiming version 1 and committing it leaves in the state."""
    claimed = replace(
        record, archived_at="2026-11-25T10:00:01Z", version=1, first_seen_at="2026-11-25T10:00:01Z"
    )
    pending = Version(1, record.content_sha256, record_key(claimed), "2026-11-25T10:00:01Z", committed=False)
    ArchiveState(store).save_article(
        ArticleState(record.id, record.canonical_url, "2026-11-25T10:00:01Z", [pending]), None
    )
    return claimed, pending


def test_a_claimed_but_unwritten_version_is_completed_under_its_key(any_store: Any, tmp_path: Path) -> None:
    record = make_record()
    _, pending = claim_without_commit(any_store, record)
    outcome, stored = pipeline(any_store, tmp_path / "spool")._archive_or_spool(
        replace(record, fetched_at="2026-11-25T11:00:00Z")
    )
    assert (outcome, record_key(stored)) == (names.RECORDS_NEW, pending.key)
    assert [(r["version"], r["archived_at"]) for r in records_in(any_store)] == [(1, "2026-11-25T10:00:01Z")]
    state, _ = ArchiveState(any_store).article(record.id)
    assert state is not None and [(v.key, v.committed) for v in state.versions] == [(pending.key, True)]


def test_a_claimed_version_refetched_on_another_day_moves_to_that_day(any_store: Any, tmp_path: Path) -> None:
    """The crashed run had written its record but not committed it: one copy remains, in the new day."""
    record = make_record()
    claimed, pending = claim_without_commit(any_store, record)
    any_store.put(pending.key, claimed.to_json())
    refetched = replace(record, fetched_at="2026-11-28T00:00:00Z")
    outcome, stored = pipeline(any_store, tmp_path / "spool")._archive_or_spool(refetched)
    assert outcome == names.RECORDS_NEW
    assert [key for key, _ in records_with_keys(any_store)] == [record_key(stored)]
    assert record_key(stored).startswith("records/date=2026-11-28/")
    state, _ = ArchiveState(any_store).article(record.id)
    assert state is not None
    assert [(v.key, v.committed) for v in state.versions] == [(record_key(stored), True)]


def test_a_record_that_cannot_be_archived_is_spooled_then_delivered(
    s3_server: S3Server, tmp_path: Path
) -> None:
    store = open_store("s3://late-bucket/news", s3_settings(s3_server))
    archive = pipeline(store, tmp_path / "spool")
    assert archive._archive_or_spool(make_record())[0] == names.RECORDS_SPOOLED  # no bucket yet
    assert archive.spool.count() == 1
    assert archive.stats.get_value(names.store_error("permanent")) == 1

    s3_server.client().create_bucket(Bucket="late-bucket")
    archive._deliver_spooled()
    assert [r["version"] for r in records_in(store)] == [1]
    assert archive.spool.count() == 0
    assert archive.stats.get_value(names.RECORDS_DELIVERED_LATE) == 1


def test_spooled_records_go_out_with_the_next_successful_write(tmp_path: Path) -> None:
    store = FailingFirst(LocalStore(tmp_path / "archive"), failures=1)
    archive = pipeline(store, tmp_path / "spool", attempts=1)
    other = make_record(url="https://news.example.com/2024/05/02/ferry.html")
    assert archive._archive_or_spool(make_record())[0] == names.RECORDS_SPOOLED
    assert archive._archive_or_spool(other)[0] == names.RECORDS_NEW
    assert sorted(r["url"] for r in records_in(store.store)) == sorted([make_record().url, other.url])
    assert archive.spool.count() == 0


def test_spools_of_different_archives_are_kept_apart(tmp_path: Path) -> None:
    first = Spool(tmp_path, "s3://one/news")
    second = Spool(tmp_path, "s3://two/news")
    first.save("x", b"{}")
    assert [key for key, _ in first.pending()] == ["x"]
    assert list(second.pending()) == []


def test_records_survive_the_round_trip_through_json() -> None:
    record = make_record(version=2, first_seen_at="2026-11-25T10:00:00Z", previous_key="records/x.json")
    assert ArticleRecord.from_dict(json.loads(record.to_json())) == record


def test_a_new_article_costs_two_writes_an_unchanged_one_none_and_the_index_one_read(
    any_store: Any, tmp_path: Path
) -> None:
    counting = CountingStore(any_store)
    archive = pipeline(counting, tmp_path / "spool")
    first = make_record()
    assert archive._archive_or_spool(first)[0] == names.RECORDS_NEW
    # The domain's URL index (read once, absent), the record and the state, each only if absent.
    assert counting.requests == {"GET": 1, "PUT": 2}
    other = make_record("https://news.example.com/2024/05/02/lighthouse.html")
    assert archive._archive_or_spool(other)[0] == names.RECORDS_NEW
    assert counting.requests == {"GET": 1, "PUT": 4}
    again = replace(first, fetched_at="2026-11-26T10:00:00Z")
    assert archive._archive_or_spool(again)[0] == names.RECORDS_UNCHANGED
    assert counting.requests == {"GET": 1, "PUT": 4}
    text = "The harbour authority will rebuild the eastern breakwater.\n\nWork now starts in June."
    changed = make_record(text=text, content_sha256=content_sha256("Breakwater to be rebuilt", text))
    assert archive._archive_or_spool(changed)[0] == names.RECORDS_CHANGED
    # A known article: its state read, the previous version read (to say what changed), the version
    # claimed, its record, the commit.
    assert counting.requests == {"GET": 3, "PUT": 7}
    assert archive.archiver.index is not None and archive.archiver.index.flush() == 1
    assert counting.requests == {"GET": 4, "PUT": 8}  # the index read again, merged and written
    assert sorted(r["version"] for r in records_in(any_store)) == [1, 1, 2]


@pytest.mark.parametrize("refetched_at", ["2026-11-25T11:00:00Z", "2026-11-28T00:00:00Z"])
def test_a_record_written_by_a_killed_run_before_its_state_is_kept_once(
    any_store: Any, tmp_path: Path, refetched_at: str
) -> None:
    """What a process killed between a new article's two writes leaves: the record, noted in its
    in-flight file, and no state. The next run's delivery commits it; the page fetched again (the
    same day or a later one) is then unchanged, and no second copy remains."""
    record = make_record()
    written = replace(
        record, archived_at="2026-11-25T10:00:01Z", version=1, first_seen_at="2026-11-25T10:00:01Z"
    )
    any_store.put(record_key(written), written.to_json())
    spool = Spool(tmp_path / "spool", any_store.uri)
    (spool.directory / "inflight").mkdir(parents=True)
    (spool.directory / "inflight" / "dead.keys").write_text(f"+{record_key(written)}\n")
    archive = pipeline(any_store, tmp_path / "spool")
    delivered = archive._deliver_spooled()
    assert (delivered.records, archive.stats.get_value(names.RECORDS_RECOVERED)) == (1, 1)
    assert list((spool.directory / "inflight").iterdir()) == []
    outcome, _ = archive._archive_or_spool(replace(record, fetched_at=refetched_at))
    assert outcome == names.RECORDS_UNCHANGED
    assert [key for key, _ in records_with_keys(any_store)] == [record_key(written)]
    state, _ = ArchiveState(any_store).article(record.id)
    assert state is not None
    assert [(v.version, v.key, v.committed) for v in state.versions] == [(1, record_key(written), True)]


def test_a_known_article_refetched_by_a_crawl_that_lost_its_index_is_unchanged_and_leaves_no_copy(
    any_store: Any, tmp_path: Path
) -> None:
    """A crawl whose index does not know the article writes it as new, finds its state there, and
    deletes the record it wrote under the new day's key."""
    pipeline(any_store, tmp_path / "spool-a")._archive_or_spool(make_record())
    forgetful = pipeline(any_store, tmp_path / "spool-b")
    outcome, _ = forgetful._archive_or_spool(make_record(fetched_at="2026-11-28T00:00:00Z"))
    assert outcome == names.RECORDS_UNCHANGED
    assert [key for key, _ in records_with_keys(any_store)] == [record_key(make_record())]


def test_a_noted_record_the_killed_run_had_spooled_itself_is_delivered_once(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive")
    record = make_record()
    written = replace(
        record, archived_at="2026-11-25T10:00:01Z", version=1, first_seen_at="2026-11-25T10:00:01Z"
    )
    store.put(record_key(written), written.to_json())
    spool = Spool(tmp_path / "spool", store.uri)
    spool.save(f"{record.id}-{record.content_sha256[:16]}", written.to_json())
    (spool.directory / "inflight").mkdir(parents=True)
    (spool.directory / "inflight" / "dead.keys").write_text(f"+{record_key(written)}\n")
    archive = pipeline(store, tmp_path / "spool")
    delivered = archive._deliver_spooled()
    assert (delivered.records, archive.stats.get_value(names.RECORDS_RECOVERED)) == (1, None)
    assert [key for key, _ in records_with_keys(store)] == [record_key(written)]
