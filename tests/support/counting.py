"""A real store that counts what is asked of it: the requests it would make of a bucket, by kind
(``GET``, ``LIST``, ``PUT``, ``DELETE``), and the folders it lists. Tests and benchmarks wrap a store
with it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pipelines.storage import ArchiveStore


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

    def put(self, key: str, data: bytes) -> None:
        self.requests["PUT"] += 1
        self.store.put(key, data)

    def put_if(self, key: str, data: bytes, token: str | None) -> str:
        self.requests["PUT"] += 1
        return self.store.put_if(key, data, token)

    def delete(self, key: str) -> None:
        self.requests["DELETE"] += 1
        self.store.delete(key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)
