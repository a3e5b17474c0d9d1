"""The archive's storage interface: bytes under keys, the same on a directory and on a bucket.

Backends (pipelines.storage.local, pipelines.storage.s3) translate their own errors into the
project's StorageError / StorageUnavailable / Conflict, each in its own module and nowhere else, so
nothing above this package knows which backend it writes to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# A conditional write (``put_if``) that loses this many races in a row means something else is wrong.
CONFLICT_ATTEMPTS = 8


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
