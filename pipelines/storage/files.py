"""Files that appear only whole: the one way this project writes a file it means to keep.

A crash, ``kill -9`` or a full disk in the middle of a write must never leave a half file under the
final name: the archive's directory store, the spool and ``newsarchive download`` all write through
``atomic_file``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Names of files being written: hidden, and never ending like the files they become, so no listing
# or glob takes one for a finished file; a writer killed before its rename leaves one behind.
TEMPORARY_PREFIX = ".tmp-"
TEMPORARY_SUFFIX = ".partial"


@contextmanager
def atomic_file(path: Path, *, exclusive: bool = False) -> Iterator[BinaryIO]:
    """A binary file to write that appears under ``path`` when the block ends without an error:
    written under a temporary name beside it, flushed to disk, then renamed over ``path``. With
    ``exclusive`` it is linked instead, and FileExistsError says ``path`` was there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(temporary, path)
        else:
            os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def write_atomically(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    with atomic_file(path, exclusive=exclusive) as handle:
        handle.write(data)
