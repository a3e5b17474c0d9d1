"""Each article's versions: the archive's own record of what it stored, claimed and committed (when
each URL was checked is the URL index's business: pipelines.write.url_index).

It lives in the archive beside the records (pipelines.storage.keys), so a run on another machine against
the same bucket behaves the same, and reading one article's versions costs one read, never a listing:

    state/articles/HH/ID.json       record id -> versions (number, content hash, key, archived_at)

Article states change only by conditional writes (If-None-Match / If-Match), so two crawlers racing
on one article cannot both claim a version. A version is first written as pending, then its record,
then it is committed: a crash in between leaves a pending entry that the next run completes, under
the same key, instead of a second copy. A new article (pipelines.write.delivery) skips the claim: its record
is written first, only if absent (If-None-Match), then its state, committed, only if absent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from crawler.record import encode_json
from pipelines.storage import ArchiveStore
from pipelines.storage.keys import article_state_key


@dataclass
class Version:
    version: int
    content_sha256: str
    key: str
    archived_at: str
    committed: bool = False


@dataclass
class ArticleState:
    id: str
    canonical_url: str
    first_seen_at: str
    versions: list[Version] = field(default_factory=list)

    def latest(self) -> Version | None:
        committed = [v for v in self.versions if v.committed]
        return committed[-1] if committed else None

    def pending(self, content_sha256: str) -> Version | None:
        return next(
            (v for v in self.versions if not v.committed and v.content_sha256 == content_sha256), None
        )

    @classmethod
    def from_json(cls, data: bytes) -> ArticleState:
        values: dict[str, Any] = json.loads(data)
        values["versions"] = [Version(**v) for v in values["versions"]]
        return cls(**values)


class ArchiveState:
    def __init__(self, store: ArchiveStore) -> None:
        self.store = store

    def article(self, record_id: str) -> tuple[ArticleState | None, str | None]:
        found = self.store.read(article_state_key(record_id))
        return (ArticleState.from_json(found[0]), found[1]) if found else (None, None)

    def save_article(self, state: ArticleState, token: str | None) -> str:
        """Write the state only if nobody changed it since it was read with ``token``; else Conflict."""
        return self.store.put_if(article_state_key(state.id), encode_json(state), token)
