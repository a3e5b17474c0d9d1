"""The archive pipeline's delivery logic against real stores: retries, the spool, late delivery."""

from __future__ import annotations

from pathlib import Path

from scrapy.utils.test import get_crawler

from crawler import stats as names
from crawler.errors import StorageError
from pipelines.archive import ArchivePipeline
from pipelines.spool import Spool
from pipelines.stores import ArchiveStore, LocalStore, open_store
from tests.test_stores import KEY, s3_settings

RECORD = b'{"id": "x"}\n'


class FailingFirst:
    """A real local store whose first ``failures`` writes fail as a network error would."""

    def __init__(self, store: LocalStore, failures: int) -> None:
        self.store = store
        self.uri = store.uri
        self.failures = failures

    def check(self) -> None:
        self.store.check()

    def put(self, key: str, data: bytes) -> None:
        if self.failures:
            self.failures -= 1
            raise StorageError("connection reset", retryable=True)
        self.store.put(key, data)


def pipeline(store: ArchiveStore, spool_dir: Path, attempts: int = 3) -> ArchivePipeline:
    return ArchivePipeline(
        store, Spool(spool_dir, store.uri), get_crawler().stats, threads=1, attempts=attempts, backoff=0
    )


def test_a_failed_write_is_retried(tmp_path: Path) -> None:
    store = FailingFirst(LocalStore(tmp_path / "archive"), failures=2)
    archive = pipeline(store, tmp_path / "spool")
    assert archive._store_or_spool(KEY, RECORD) == names.RECORDS_STORED
    assert (tmp_path / "archive" / KEY).read_bytes() == RECORD
    assert archive.stats.get_value(names.STORE_RETRIES) == 2


def test_a_record_that_cannot_be_written_is_spooled_then_delivered(s3_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = s3_settings(s3_server)
    store = open_store("s3://late-bucket/news", settings)
    archive = pipeline(store, tmp_path / "spool")
    assert archive._store_or_spool(KEY, RECORD) == names.RECORDS_SPOOLED  # the bucket does not exist yet
    assert [key for key, _ in archive.spool.pending()] == [KEY]
    assert archive.stats.get_value(names.store_error("permanent")) == 1

    s3_server.client().create_bucket(Bucket="late-bucket")
    archive._deliver_spooled()
    assert s3_server.objects("late-bucket") == {f"news/{KEY}": RECORD}
    assert list(archive.spool.pending()) == []
    assert archive.stats.get_value(names.RECORDS_DELIVERED_LATE) == 1


def test_spooled_records_go_out_with_the_next_successful_write(tmp_path: Path) -> None:
    store = FailingFirst(LocalStore(tmp_path / "archive"), failures=1)
    archive = pipeline(store, tmp_path / "spool", attempts=1)
    other = KEY.replace("0011223344556677", "8899aabbccddeeff")
    assert archive._store_or_spool(KEY, RECORD) == names.RECORDS_SPOOLED
    assert archive._store_or_spool(other, RECORD) == names.RECORDS_STORED
    assert sorted(p.name for p in (tmp_path / "archive").rglob("*.json")) == sorted(
        [Path(KEY).name, Path(other).name]
    )
    assert archive.spool.count() == 0


def test_spools_of_different_archives_are_kept_apart(tmp_path: Path) -> None:
    first = Spool(tmp_path, "s3://one/news")
    second = Spool(tmp_path, "s3://two/news")
    first.save(KEY, RECORD)
    assert [key for key, _ in first.pending()] == [KEY]
    assert list(second.pending()) == []
