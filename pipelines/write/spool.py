"""Local spool for what could not be delivered to the archive: it waits on disk and is delivered later.

One sub-directory per archive URI, so a spool shared by several archives never delivers anything to
the wrong one. Two kinds of entries:

    <dir>/<record id>-<16 hex of content_sha256>.spool   an ArticleRecord (JSON), not yet versioned
    <dir>/objects/<quoted key>.spool                      a plain object (a run manifest), put as is
    <dir>/warc/                                           WARC segments (pipelines.write.segments)

Files are written whole (pipelines.storage.files: temporary file, fsync, rename), so a crash (even
``kill -9``) leaves either the whole entry or none, and the same record version spooled twice is one
file. Deliveries take an exclusive ``flock`` on the spool, so a crawl and ``newsarchive flush`` never
deliver the same entry at once; the lock dies with its process.
"""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

from pipelines.storage.files import TEMPORARY_PREFIX, write_atomically

_SUFFIX = ".spool"
# A temporary file older than this belongs to a writer that died before renaming it.
_STALE_SECONDS = 3600.0


class Spool:
    def __init__(self, root: str | Path, archive_uri: str) -> None:
        digest = hashlib.sha256(archive_uri.encode("utf-8")).hexdigest()[:16]
        self.directory = Path(root).expanduser() / digest
        self.objects_directory = self.directory / "objects"
        # WARC segments being written, or sealed and waiting for delivery (pipelines.write.segments).
        self.segments_directory = self.directory / "warc"

    def save(self, name: str, data: bytes) -> Path:
        """Keep a record (``name`` is its id and content hash) until it is delivered."""
        return self._write(self.directory, name, data)

    def holds(self, name: str) -> bool:
        """Whether the record ``name`` waits in the spool."""
        return (self.directory / (quote(name, safe="") + _SUFFIX)).exists()

    def save_object(self, key: str, data: bytes) -> Path:
        """Keep a plain object (a run manifest) that is to be put under ``key`` as it is."""
        return self._write(self.objects_directory, key, data)

    @staticmethod
    def _write(directory: Path, name: str, data: bytes) -> Path:
        # quote(safe=""): no "/" and no leading "." survive, so a name never leaves the directory.
        path = directory / (quote(name, safe="") + _SUFFIX)
        write_atomically(path, data)
        return path

    @staticmethod
    def _entries(directory: Path) -> Iterator[tuple[str, Path]]:
        if not directory.is_dir():
            return
        paths = []
        for path in directory.glob("*" + _SUFFIX):
            try:
                paths.append((path.stat().st_mtime_ns, path))
            except FileNotFoundError:
                continue  # delivered meanwhile
        # Oldest first: two versions of one article are delivered in the order they were spooled.
        for _, path in sorted(paths):
            yield unquote(path.name[: -len(_SUFFIX)]), path

    def pending(self) -> Iterator[tuple[str, Path]]:
        """Spooled records, oldest first: (name, path)."""
        return self._entries(self.directory)

    def pending_objects(self) -> Iterator[tuple[str, Path]]:
        """Spooled plain objects, oldest first: (key, path)."""
        return self._entries(self.objects_directory)

    def count(self) -> int:
        return sum(1 for _ in self.pending())

    def count_objects(self) -> int:
        return sum(1 for _ in self.pending_objects())

    def discard_stale_temporaries(self) -> None:
        """Remove temporary files left by a writer that died (kill -9) before its rename."""
        now = time.time()
        for directory in (self.directory, self.objects_directory):
            if not directory.is_dir():
                continue
            for path in directory.glob(TEMPORARY_PREFIX + "*"):
                try:
                    if now - path.stat().st_mtime > _STALE_SECONDS:
                        path.unlink()
                except FileNotFoundError:
                    continue

    @contextmanager
    def delivering(self, wait: bool = False) -> Iterator[bool]:
        """Hold the spool's delivery lock; yields False (at once) when another delivery holds it and
        ``wait`` is False. Works across threads and processes (one open file per call)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".deliver.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
