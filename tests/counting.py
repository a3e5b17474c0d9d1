"""A real store that counts what a reader asks of it: the requests it would make of a bucket, by kind
(``GET``, ``LIST``), and the folders it lists. Tests and benchmarks wrap a store with it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pipelines.stores import ArchiveStore


class CountingStore:
    def __init__(self, store: ArchiveStore) -> None:
        self.store = store
        self.uri = store.uri
        self.requests: Counter[str] = Counter()
        self.listed: list[str] = []

    def read(self, key: str) -> Any:
        self.requests["GET"] += 1
        return self.store.read(key)

    def objects(self, prefix: str) -> Any:
        self.requests["LIST"] += 1
        self.listed.append(prefix)
        return self.store.objects(prefix)

    def folders(self, prefix: str) -> list[str]:
        self.requests["LIST"] += 1
        return self.store.folders(prefix)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)
