from __future__ import annotations

import base64
import hashlib
import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from crawler.config import project_settings
from crawler.errors import Conflict, SettingError, StorageError, StorageUnavailable
from pipelines.storage import open_store
from pipelines.storage.local import LocalStore
from pipelines.storage.s3 import S3Store
from tests.support.servers import S3Server, s3_settings

KEY = "records/date=2026-11-25/domain=news.example.com/0123456789abcdef0123456789abcdef-0011223344556677.json"


def test_local_store_writes_whole_files_and_leaves_no_temporary(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive")
    store.check()
    store.put(KEY, b'{"a": 1}\n')
    assert (tmp_path / "archive" / KEY).read_bytes() == b'{"a": 1}\n'
    assert [p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()] == [Path(KEY).name]


def _increment(root: str, times: int) -> None:
    """Add 1 to the counter at KEY ``times`` times, by compare-and-swap, retrying lost races."""
    store = LocalStore(root)
    for _ in range(times):
        while True:
            found = store.read(KEY)
            assert found is not None
            try:
                store.put_if(KEY, b"%d\n" % (int(found[0]) + 1), found[1])
                break
            except Conflict:
                continue


def test_local_compare_and_swap_loses_no_update_between_processes_and_leaves_no_lock_file(
    tmp_path: Path,
) -> None:
    root = tmp_path / "archive"
    store = LocalStore(root)
    store.put_if(KEY, b"0\n", None)
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_increment, args=(str(root), 50)) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert [writer.exitcode for writer in writers] == [0, 0, 0, 0]
    assert (root / KEY).read_bytes() == b"200\n"
    # The lock is taken on the object itself: no file per object beside the archive's own.
    assert [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()] == [KEY]


@pytest.mark.parametrize("key", ["../escape.json", "records/../../escape.json", "/etc/escape.json"])
def test_local_store_refuses_keys_that_leave_the_archive(tmp_path: Path, key: str) -> None:
    with pytest.raises(StorageError, match="escapes the archive"):
        LocalStore(tmp_path / "archive").put(key, b"{}")


def test_local_store_reports_an_archive_it_cannot_create(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StorageUnavailable) as caught:
        LocalStore(tmp_path / "file" / "archive").check()
    assert (
        str(caught.value)
        == f"ARCHIVE_URI='{(tmp_path / 'file' / 'archive').as_uri()}': cannot write: Not a directory"
    )


@pytest.mark.parametrize(
    ("uri", "kind"),
    [("./archive", LocalStore), ("/tmp/archive", LocalStore), ("file:///tmp/archive", LocalStore)],
)
def test_open_store_understands_paths_and_file_uris(uri: str, kind: type) -> None:
    assert isinstance(open_store(uri, project_settings()), kind)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("s4://bucket/news", "ARCHIVE_URI='s4://bucket/news': scheme must be file or s3"),
        ("http://example.com/archive", "ARCHIVE_URI='http://example.com/archive': scheme must be file or s3"),
        ("s3:///news", "ARCHIVE_URI='s3:///news': no bucket name (expected s3://bucket/prefix)"),
        ("", "ARCHIVE_URI is empty: give a directory, file:// URI or s3://bucket/prefix"),
    ],
)
def test_open_store_rejects_bad_uris(uri: str, message: str) -> None:
    with pytest.raises(SettingError) as caught:
        open_store(uri, project_settings())
    assert str(caught.value) == message


def test_s3_store_puts_one_object_with_a_verified_checksum(s3_server: S3Server, bucket: str) -> None:
    store = open_store(f"s3://{bucket}/news/", s3_settings(s3_server))
    assert isinstance(store, S3Store) and store.uri == f"s3://{bucket}/news"
    store.check()
    store.put(KEY, b'{"a": 1}\n')
    client = s3_server.client()
    head = client.head_object(Bucket=bucket, Key=f"news/{KEY}", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b'{"a": 1}\n').digest()).decode()
    assert head["ContentType"] == "application/json; charset=utf-8"
    assert s3_server.objects(bucket) == {f"news/{KEY}": b'{"a": 1}\n'}


def test_s3_store_reports_a_missing_bucket(s3_server: S3Server) -> None:
    with pytest.raises(StorageUnavailable) as caught:
        open_store("s3://no-such-bucket/news", s3_settings(s3_server)).check()
    assert str(caught.value) == "ARCHIVE_URI='s3://no-such-bucket/news': bucket does not exist"


def test_s3_store_reports_an_unreachable_endpoint(unused_port: int) -> None:
    settings = s3_settings(S3Server(f"http://127.0.0.1:{unused_port}"))
    with pytest.raises(StorageUnavailable) as caught:
        open_store("s3://bucket/news", settings).check()
    assert (
        str(caught.value)
        == "ARCHIVE_URI='s3://bucket/news': cannot connect to the S3 endpoint (EndpointConnectionError)"
    )


def test_s3_write_to_a_vanished_bucket_is_a_permanent_error(s3_server: S3Server) -> None:
    store = open_store("s3://vanished/news", s3_settings(s3_server))
    with pytest.raises(StorageError) as caught:
        store.put(KEY, b"{}")
    assert (str(caught.value), caught.value.retryable) == ("bucket does not exist", False)


def test_listing_gives_keys_in_order_with_sizes_and_direct_folders(any_store: Any) -> None:
    keys = [
        "records/date=2026-11-25/domain=b.example/2.json",
        "records/date=2026-11-24/domain=a.example/1.json",
        "records/date=2026-11-25/domain=a.example/3.json",
        "runs/date=2026-11-25/job.json",
    ]
    for number, key in enumerate(keys):
        any_store.put(key, b"x" * (number + 1))
    listed = list(any_store.objects("records/date=2026-11-25/"))
    assert [(item.key, item.size) for item in listed] == [
        ("records/date=2026-11-25/domain=a.example/3.json", 3),
        ("records/date=2026-11-25/domain=b.example/2.json", 1),
    ]
    # S3 gives each object's MD5 in the listing (its ETag); a directory does not.
    expected_md5 = hashlib.md5(b"xxx").hexdigest() if isinstance(any_store, S3Store) else None
    assert listed[0].md5 == expected_md5
    assert any_store.folders("records/") == ["date=2026-11-24", "date=2026-11-25"]
    assert any_store.folders("records/date=2026-11-25/") == ["domain=a.example", "domain=b.example"]
    assert any_store.folders("nothing/") == [] and list(any_store.objects("nothing/")) == []


def test_delete_many_removes_exactly_the_keys_given_across_batches(any_store: Any) -> None:
    keys = [f"records/date=2026-11-25/domain=a.example/{n:04d}.json" for n in range(1003)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda key: any_store.put(key, b"{}"), keys))
    any_store.delete_many([*keys[:1001], "records/date=2026-11-25/domain=a.example/gone.json"])
    assert [item.key for item in any_store.objects("records/")] == keys[1001:]


def test_a_missing_archive_is_reported_to_readers(tmp_path: Path, s3_server: S3Server) -> None:
    with pytest.raises(StorageUnavailable) as local:
        LocalStore(tmp_path / "none").check_readable()
    assert (str(local.value), local.value.kind) == (
        f"ARCHIVE_URI={(tmp_path / 'none').as_uri()!r}: no such directory",
        "missing",
    )
    with pytest.raises(StorageUnavailable) as bucket:
        open_store("s3://no-such-bucket/x", s3_settings(s3_server)).check_readable()
    assert (str(bucket.value), bucket.value.kind) == (
        "ARCHIVE_URI='s3://no-such-bucket/x': bucket does not exist",
        "missing",
    )
