"""Local spool for records whose delivery failed: they wait on disk and are delivered later.

One sub-directory per archive URI, so a spool shared by several archives never delivers a record to
the wrong one. Files are written whole (temporary file, then rename), named after the record's key.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote


class Spool:
    def __init__(self, root: str | Path, archive_uri: str) -> None:
        digest = hashlib.sha256(archive_uri.encode("utf-8")).hexdigest()[:16]
        self.directory = Path(root).expanduser() / digest

    def save(self, key: str, data: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / (quote(key, safe="") + ".spool")
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        return path

    def pending(self) -> Iterator[tuple[str, Path]]:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("*.spool")):
            yield unquote(path.name[: -len(".spool")]), path

    def count(self) -> int:
        return sum(1 for _ in self.pending())
