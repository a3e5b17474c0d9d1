"""Storage: bytes under keys, the same on a directory and on a bucket.

    base.py    the interface every backend offers (ArchiveStore), and what a listing returns
    local.py   a directory;  s3.py  S3-compatible storage through boto3
    keys.py    every key of the archive;  files.py  files that appear only whole

No Twisted and no Scrapy component here: the crawl, ``newsarchive`` and ``crawler.jobs`` all open the
archive through ``open_store``. Backends are found by the URI's scheme in STORAGES, as Scrapy finds its
feed storages (FEED_STORAGES): adding one is a line here and a class with ``from_uri(uri, settings)``.
"""

from __future__ import annotations

import importlib
import os
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import SettingError
from pipelines.storage.base import ArchiveStore, StoredObject

# URI scheme -> the backend's class; "" is a plain path. Imported only when used (boto3 for s3).
STORAGES = {
    "": "pipelines.storage.local.LocalStore",
    "file": "pipelines.storage.local.LocalStore",
    "s3": "pipelines.storage.s3.S3Store",
}


def open_store(uri: str, settings: Any) -> ArchiveStore:
    """The store for ARCHIVE_URI (a path, file:// URI or s3://bucket/prefix); ``settings`` are the
    project's (Scrapy's AWS_* and ARCHIVE_STORE_* for S3)."""
    if not uri or not uri.strip():
        raise SettingError("ARCHIVE_URI is empty: give a directory, file:// URI or s3://bucket/prefix")
    scheme = urlsplit(uri).scheme
    if len(scheme) == 1 and os.name == "nt":
        scheme = ""  # a drive letter
    dotted = STORAGES.get(scheme)
    if dotted is None:
        schemes = " or ".join(sorted(name for name in STORAGES if name))
        raise SettingError(f"ARCHIVE_URI={uri!r}: scheme must be {schemes}")
    module, _, name = dotted.rpartition(".")
    backend = getattr(importlib.import_module(module), name)
    store: ArchiveStore = backend.from_uri(uri, settings)
    return store


__all__ = ["STORAGES", "ArchiveStore", "StoredObject", "open_store"]
