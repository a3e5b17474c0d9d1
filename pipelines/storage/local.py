"""A directory as the archive: each object written to a temporary file beside it, then renamed
(pipelines.storage.files), so a reader never sees half of one. OS errors become the project's
StorageError / StorageUnavailable / Conflict here and nowhere else.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import MISSING, Conflict, StorageError, StorageUnavailable
from pipelines.storage.base import StoredObject
from pipelines.storage.files import atomic_file, write_atomically


class LocalStore:
    """A directory; each record is written to a temporary file in place, then renamed."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.uri = self.root.as_uri()

    @classmethod
    def from_uri(cls, uri: str, settings: Any) -> LocalStore:
        """A path, or a file:// URI."""
        parts = urlsplit(uri)
        return cls(parts.path if parts.scheme == "file" else uri)

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
        """Write whole (pipelines.storage.files); ``exclusive``: only if nothing is there yet, else
        Conflict."""
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
