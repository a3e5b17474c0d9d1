"""The run manifests under ``runs/date=D/`` (crawler.manifest), read one way for every reader:
``newsarchive stats`` (the latest runs), ``newsarchive health`` (each site's figures over the runs)
and the crawl's health monitor (a job's history).

Newest first, a day at a time: a reader that has what it wants stops without listing older days.
A day's manifests are read in parallel.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.errors import BadRecord
from crawler.record import parse_utc
from pipelines.read.records import parallel_map
from pipelines.storage import ArchiveStore
from pipelines.storage.keys import partition_days, runs_prefix


@dataclass
class RunManifests:
    store: ArchiveStore
    workers: int = 8
    bad: list[BadRecord] = field(default_factory=list)  # manifests that are not JSON, skipped

    def newest_first(
        self, *, days: int | None = None, since: datetime | None = None, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Manifests newest first (by ``started_at``): of the last ``days`` days that have any, or of
        the runs started since ``since``; at most ``limit`` manifests read."""
        recent = partition_days(self.store, runs_prefix())
        if since is not None:
            recent = [day for day in recent if day >= since.date().isoformat()]
        if days is not None:
            recent = recent[-days:]
        left = limit
        for day in reversed(recent):
            keys = [item.key for item in self.store.objects(runs_prefix(day))]
            if left is not None:
                keys, left = keys[:left], left - min(left, len(keys))
            found = []
            for key, stored in zip(keys, parallel_map(self.store.read, keys, self.workers), strict=True):
                manifest = self._parse(key, stored)
                if manifest is not None and (since is None or _started_since(manifest, since)):
                    found.append(manifest)
            yield from sorted(found, key=lambda m: str(m.get("started_at")), reverse=True)
            if left == 0:
                return

    def _parse(self, key: str, stored: tuple[bytes, str] | None) -> dict[str, Any] | None:
        if stored is None:
            return None  # removed since the listing
        try:
            manifest = json.loads(stored[0])
        except ValueError:
            self.bad.append(BadRecord(f"{key}: not valid JSON"))
            return None
        return manifest if isinstance(manifest, dict) else None


def _started_since(manifest: dict[str, Any], since: datetime) -> bool:
    started = manifest.get("started_at")
    return isinstance(started, str) and parse_utc(started) >= since
