"""Record keys written ahead of their article's state, kept on local disk until the state names them.

A new article costs two writes (pipelines.write.delivery): its record, then its state. A process killed
between the two leaves a record that no state names; when the page is fetched again on the same day
the next run finds it (same key) and completes it, but on a later day the page's record has another
key, and the first would stay a second copy. So each key is noted here before its write and struck
out once its state is written; the next delivery (pipelines.write.delivery.Archiver.recover) re-archives
whatever a dead process left noted.

One file per process, ``<spool>/inflight/<uuid>.keys``, locked (``flock``) while the process lives,
so another process knows which files belong to the dead. Lines are ``+KEY`` and ``-KEY``; no fsync:
a killed process's writes are in the kernel already (a power cut may lose the last lines, and with
them only this repair). The file is started afresh when it has grown and nothing is in flight.
"""

from __future__ import annotations

import fcntl
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_SUFFIX = ".keys"
_RESTART_BYTES = 1 << 20


class InFlight:
    def __init__(self, directory: Path) -> None:
        self.directory = directory / "inflight"
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self._path: Path | None = None
        self._keys: set[str] = set()

    def _open(self) -> IO[str]:
        if self._file is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._path = self.directory / f"{uuid.uuid4().hex}{_SUFFIX}"
            self._file = open(self._path, "a", encoding="utf-8")  # noqa: SIM115 (held while we live)
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return self._file

    def add(self, key: str) -> None:
        with self._lock:
            journal = self._open()
            journal.write(f"+{key}\n")
            journal.flush()
            self._keys.add(key)

    def done(self, key: str) -> None:
        with self._lock:
            if key not in self._keys or self._file is None:
                return
            self._keys.discard(key)
            if not self._keys and self._file.tell() > _RESTART_BYTES:
                self._file.truncate(0)
                self._file.seek(0)
                return
            self._file.write(f"-{key}\n")
            self._file.flush()

    def close(self) -> None:
        """At a clean end: nothing of ours is left to repair."""
        with self._lock:
            if self._file is not None and not self._keys:
                self._file.close()
                assert self._path is not None
                self._path.unlink(missing_ok=True)
                self._file = None

    def left_by_the_dead(self) -> Iterator[tuple[Path, list[str]]]:
        """(file, keys still noted) for each file whose process is gone; remove the file once its keys
        are handled (``forget``). Files of live processes are locked and skipped."""
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("*" + _SUFFIX)):
            if path == self._path:
                continue
            try:
                handle = open(path, encoding="utf-8")  # noqa: SIM115
            except FileNotFoundError:
                continue
            with handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its process is alive
                noted: dict[str, None] = {}
                for line in handle:
                    key = line.rstrip("\n")[1:]
                    if line.startswith("+"):
                        noted[key] = None
                    elif line.startswith("-"):
                        noted.pop(key, None)
                yield path, list(noted)

    @staticmethod
    def forget(path: Path) -> None:
        path.unlink(missing_ok=True)
