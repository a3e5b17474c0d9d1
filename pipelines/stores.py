"""Archive back-ends behind one small interface (ArchiveStore): a local directory here, S3-compatible
storage in pipelines.s3; ``open_store`` picks one for ARCHIVE_URI, and CrawlArchive opens the crawl's.

OS errors are translated into the project's StorageError / StorageUnavailable here, boto3's in
pipelines.s3, and nowhere else.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.errors import (
    MISSING,
    Conflict,
    SettingError,
    StorageError,
    StorageUnavailable,
)
from pipelines.files import atomic_file, write_atomically


class ArchiveStore(Protocol):
    uri: str

    def check(self) -> None:
        """Raise StorageUnavailable when the archive cannot be written at all."""

    def check_readable(self) -> None:
        """Raise StorageUnavailable when there is no archive to read (no directory, no bucket)."""

    def put(self, key: str, data: bytes) -> None:
        """Write one object whole, or raise StorageError; a reader never sees half of it."""

    def put_file(self, key: str, path: Path) -> None:
        """Write a local file under ``key`` whole, streaming it (a WARC segment may be a gigabyte)."""

    def read(self, key: str) -> tuple[bytes, str] | None:
        """The object and a token of its current version, or None when there is none."""

    def read_range(self, key: str, offset: int, length: int) -> bytes | None:
        """``length`` bytes of the object from ``offset`` (one WARC record); None when there is none."""

    def put_if(self, key: str, data: bytes, token: str | None) -> str:
        """Write only if the object is still at version ``token`` (None: only if it does not exist).

        Returns the new token; raises Conflict when another writer got there first.
        """

    def delete(self, key: str) -> None:
        """Remove an object; no error when it is already gone."""

    def delete_many(self, keys: list[str]) -> None:
        """Remove objects, as few requests as the store allows (S3: 1,000 keys a request)."""

    def objects(self, prefix: str) -> Iterator[StoredObject]:
        """Every object whose key starts with ``prefix`` (a folder ending in "/"), in key order."""

    def folders(self, prefix: str) -> list[str]:
        """The names of the folders directly under ``prefix``: one listing call, not a walk of the tree."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    md5: str | None = None  # the object's MD5 when the store tells it without a read (S3 ETag)


class LocalStore:
    """A directory; each record is written to a temporary file in place, then renamed."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.uri = self.root.as_uri()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError(f"key {key!r} escapes the archive", retryable=False)
        return path

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".check-"):
                pass
        except OSError as exc:
            raise StorageUnavailable(f"ARCHIVE_URI={self.uri!r}: cannot write: {exc.strerror}") from None

    def check_readable(self) -> None:
        if not self.root.is_dir():
            raise StorageUnavailable(f"ARCHIVE_URI={self.uri!r}: no such directory", kind=MISSING)

    def put(self, key: str, data: bytes) -> None:
        self._write(self._path(key), data, exclusive=False)

    def _write(self, path: Path, data: bytes, *, exclusive: bool) -> None:
        """Write whole (pipelines.files); ``exclusive``: only if nothing is there yet, else Conflict."""
        try:
            write_atomically(path, data, exclusive=exclusive)
        except FileExistsError:
            raise Conflict(path.relative_to(self.root).as_posix()) from None
        except OSError as exc:
            raise StorageError(f"cannot write {path}: {exc.strerror}", retryable=True) from None

    def put_file(self, key: str, path: Path) -> None:
        target = self._path(key)
        try:
            with open(path, "rb") as source, atomic_file(target) as copy:
                shutil.copyfileobj(source, copy, 1024 * 1024)
        except OSError as exc:
            raise StorageError(f"cannot write {target}: {exc.strerror}", retryable=True) from None

    def read_range(self, key: str, offset: int, length: int) -> bytes | None:
        try:
            with open(self._path(key), "rb") as stored:
                stored.seek(offset)
                return stored.read(length)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"cannot read {key}: {exc.strerror}", retryable=True) from None

    def read(self, key: str) -> tuple[bytes, str] | None:
        try:
            data = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"cannot read {key}: {exc.strerror}", retryable=True) from None
        return data, hashlib.sha256(data).hexdigest()

    def put_if(self, key: str, data: bytes, token: str | None) -> str:
        path = self._path(key)
        if token is None:
            self._write(path, data, exclusive=True)
            return hashlib.sha256(data).hexdigest()
        # Compare and swap under an advisory lock on the object itself, so processes sharing this
        # directory take turns; no lock file is left behind.
        with _locked(path, key):
            current = self.read(key)
            if current is None or current[1] != token:
                raise Conflict(key)
            self._write(path, data, exclusive=False)
        return hashlib.sha256(data).hexdigest()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_many(self, keys: list[str]) -> None:
        for key in keys:
            self.delete(key)

    def objects(self, prefix: str) -> Iterator[StoredObject]:
        folder = self._path(prefix)
        if not folder.is_dir():
            return
        for directory, subdirectories, files in os.walk(folder):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue  # temporary files of writes in progress
                path = Path(directory) / name
                yield StoredObject(path.relative_to(self.root).as_posix(), path.stat().st_size)

    def folders(self, prefix: str) -> list[str]:
        folder = self._path(prefix)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


@contextmanager
def _locked(path: Path, key: str) -> Iterator[None]:
    """An exclusive flock on the file now at ``path``. A writer replaces the file (rename), so the lock
    is taken again when the file locked is no longer the one at ``path``. Conflict if there is none."""
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            raise Conflict(key) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                break
        except FileNotFoundError:
            os.close(fd)
            raise Conflict(key) from None
        os.close(fd)  # replaced while we waited: lock the new one
    try:
        yield
    finally:
        os.close(fd)


class CrawlArchive:
    """The crawl's one store for ARCHIVE_URI, opened and checked when the crawl starts.

    An extension (EXTENSIONS), so Scrapy builds it once, before the engine: a missing bucket or
    refused credentials is one line before any request, and the pipeline, the incremental middleware
    and the manifest share one boto3 client and connection pool (``crawl_store``).

    Settings: ARCHIVE_URI, AWS_*, ARCHIVE_STORE_CONNECT_TIMEOUT, ARCHIVE_STORE_READ_TIMEOUT.
    """

    def __init__(self, store: ArchiveStore) -> None:
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlArchive:
        store = open_store(crawler.settings.get("ARCHIVE_URI"), crawler.settings)
        store.check()
        return cls(store)


def crawl_store(crawler: Crawler) -> ArchiveStore:
    """The store CrawlArchive opened for this crawl (call it from ``from_crawler`` of a middleware or
    pipeline, or once the spider is open)."""
    archive = crawler.get_extension(CrawlArchive)
    if archive is None:
        raise SettingError("EXTENSIONS: pipelines.stores.CrawlArchive is disabled; the archive needs it")
    return archive.store


def open_store(uri: str, settings: BaseSettings) -> ArchiveStore:
    """The store for ARCHIVE_URI: a path, file:// URI or s3://bucket/prefix."""
    if not uri or not uri.strip():
        raise SettingError("ARCHIVE_URI is empty: give a directory, file:// URI or s3://bucket/prefix")
    parts = urlsplit(uri)
    if parts.scheme == "" or (len(parts.scheme) == 1 and os.name == "nt"):
        return LocalStore(uri)
    if parts.scheme == "file":
        return LocalStore(parts.path)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise SettingError(f"ARCHIVE_URI={uri!r}: no bucket name (expected s3://bucket/prefix)")
        from pipelines.s3 import S3Store, s3_client  # boto3 is imported only for an S3 archive

        return S3Store(s3_client(settings), parts.netloc, parts.path)
    raise SettingError(f"ARCHIVE_URI={uri!r}: scheme must be file or s3")
