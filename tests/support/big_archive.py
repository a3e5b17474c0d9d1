"""The archive the reading tests share: 2,192 records (2,000 articles, some with 2 or 3 versions, five
days, four domains, three spiders) built by the project's own archive pipeline into a directory; the
``stored_versions`` fixture (tests/conftest.py) builds it once per session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from crawler.record import PageDate
from pipelines.storage.local import LocalStore
from tests.support.records import make_record, pipeline

DAYS = ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"]
DOMAINS = ["news.example.com", "www.courier.example", "valley.example.org", "rundschau.example.de"]
SPIDERS = ["article", "feed", "sitemap"]
ARTICLES = 2000


@dataclass(frozen=True)
class Version:
    """What the test knows about one stored record, to compute every expected answer."""

    id: str
    url: str
    version: int
    day: str  # fetch day = key partition
    fetched_at: str
    published_at: str
    domain: str
    spider: str
    job_id: str
    title: str


def article_versions(index: int) -> list[dict[str, Any]]:
    """Article ``index``: its fetch day, domain, spider and 1 to 3 versions on later days."""
    day = DAYS[index % 5] if index < 1000 else DAYS[4]
    count = 3 if index % 100 == 0 else 2 if index % 13 == 0 else 1
    versions = []
    for number in range(1, count + 1):
        fetch_day = DAYS[min(DAYS.index(day) + number - 1, 4)]
        versions.append(
            {"version": number, "fetched_at": f"{fetch_day}T{8 + number:02d}:{index % 60:02d}:00Z"}
        )
    return versions


def build_local_archive(root: Path, spool: Path) -> list[Version]:
    store = LocalStore(root)
    archive = pipeline(store, spool)
    stored = []
    for index in range(ARTICLES):
        domain = DOMAINS[index % 4]
        spider = SPIDERS[index % 3]
        url = f"https://{domain}/2026/11/story-{index}.html"
        # Published the evening before the first fetch for even articles, the same morning for odd ones.
        first_day = date.fromisoformat(article_versions(index)[0]["fetched_at"][:10])
        published = f"{first_day}T06:30:00Z" if index % 2 else f"{first_day - timedelta(days=1)}T21:00:00Z"
        for entry in article_versions(index):
            title = f"Story {index} v{entry['version']}"
            text = f"Paragraph of story {index}, version {entry['version']}.\n\nA second paragraph."
            page_date = PageDate(published, "json-ld", published, published[:-1], "second", "explicit")
            record = make_record(
                url,
                title=title,
                text=text,
                fetched_at=entry["fetched_at"],
                spider=spider,
                job_id=f"job-{entry['fetched_at'][:10]}",
                published_at=published,
                published_date=published[:10],
                dates={"published": page_date, "modified": None},
            )
            outcome, written = archive._archive_or_spool(record)
            assert outcome in ("archive/records/new", "archive/records/changed"), outcome
            stored.append(
                Version(
                    written.id,
                    url,
                    entry["version"],
                    entry["fetched_at"][:10],
                    entry["fetched_at"],
                    published,
                    domain,
                    spider,
                    written.job_id,
                    title,
                )
            )
    manifest = {"job_id": "job-2026-11-24", "spider": "feed", "started_at": "2026-11-24T08:00:00Z"}
    store.put("runs/date=2026-11-24/job-2026-11-24.json", json.dumps(manifest).encode())
    return stored
