"""Crawls and ``newsarchive`` as a user runs them (in a subprocess, from the project directory), the
archives they write to, the job locks scheduled runs hold there, and what the sample site says its
pages are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from crawler.config import project_settings
from crawler.demo.server import SITE_DIR
from crawler.jobs import LockHolder
from crawler.record import encode_json, now_utc, utc_iso
from pipelines.storage import ArchiveStore, open_store
from pipelines.storage.keys import lock_key

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_DIR / "tests" / "fixtures"
# The sample site's pages as its expected.json lists them, in its order, and by path; the article pages
# among them; how many of the others are skipped for each reason.
SITE_PAGES: list[dict[str, Any]] = json.loads((SITE_DIR / "expected.json").read_text("utf-8"))["pages"]
DEMO = {p["path"]: p for p in SITE_PAGES}
ARTICLES = sorted(path for path, page in DEMO.items() if page["is_article"])
# The sample site's pages that are not articles, by kind; a crawl that reaches them by links (the
# site spider) skips them as "<kind>_page", one given them by URL archives them.
SITE_KINDS: Counter[str] = Counter(p["kind"] for p in SITE_PAGES if not p["is_article"])
SITE_SKIP_REASONS: Counter[str] = Counter({f"{kind}_page": n for kind, n in SITE_KINDS.items()})
# A run manifest's counts when the run found nothing.
ZERO_COUNTS = {
    "pages_fetched": 0,
    "new": 0,
    "changed": 0,
    "unchanged": 0,
    "not_modified": 0,
    "fresh": 0,
    "spooled": 0,
    "delivered_late": 0,
    "recovered": 0,
    "still_spooled": 0,
    "lost": 0,
    "skipped": {},
    "kinds": {},
    "deferred": {},
    "walls": {},
    "rendered": {},
    "broken_sources": {},
}


def run_crawl(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    """``python -m scrapy crawl ARGS`` from the project directory, returning its exit status and output.

    ``prelude``: Python run in the crawl's process first, to stand in for the world outside it."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARCHIVE_", "SCRAPY_"))}
    full_env = {**base, "LOG_LEVEL": "INFO", **(env or {})}
    start = ["-m", "scrapy"]
    if prelude:
        start = ["-c", f"{prelude}\nimport sys\nfrom scrapy.cmdline import execute\nexecute(sys.argv)"]
    return subprocess.run(
        [sys.executable, *start, "crawl", *args],
        cwd=PROJECT_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def newsarchive(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """``newsarchive ARGS`` as a user runs it (``python -m pipelines.commands``, from the project
    directory), without the crawl's own environment variables, with ``env`` added."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARCHIVE_", "SCRAPY_"))}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.commands", *args],
        cwd=PROJECT_DIR,
        env={**base, **(env or {})},
        capture_output=True,
        timeout=300,
        check=False,
    )


def read_local_records(root: Path) -> dict[str, dict[str, Any]]:
    """Every record under ``root`` (not its state or run manifests), keyed by its path relative to root."""
    return {
        p.relative_to(root).as_posix(): json.loads(p.read_text("utf-8"))
        for p in sorted((root / "records").rglob("*.json"))
    }


@dataclass
class ArchiveTarget:
    """Where a test crawl archives to, and how the test reads back what is there."""

    kind: str
    uri: str
    settings: list[str]  # -s options for the crawl
    env: dict[str, str]
    read_all: Any  # () -> {key relative to the archive root: bytes}, every object

    def documents(self, prefix: str) -> dict[str, dict[str, Any]]:
        """Every JSON document whose key starts with ``prefix`` (records/, runs/, state/, locks/)."""
        return {
            key: json.loads(data)
            for key, data in sorted(self.read_all().items())
            if key.startswith(prefix) and key.endswith(".json")
        }

    def records(self) -> dict[str, dict[str, Any]]:
        return self.documents("records/")


def target_store(target: ArchiveTarget) -> ArchiveStore:
    """The project's own store for the test's archive, configured as the job configures it."""
    options: dict[str, Any] = dict(value.split("=", 1) for value in target.settings[1::2])
    if target.env:
        options["AWS_ACCESS_KEY_ID"] = target.env["AWS_ACCESS_KEY_ID"]
        options["AWS_SECRET_ACCESS_KEY"] = target.env["AWS_SECRET_ACCESS_KEY"]
        options["AWS_REGION_NAME"] = target.env["AWS_DEFAULT_REGION"]
    return open_store(target.uri, project_settings(options))


def stored_lock(store: ArchiveStore, job: str) -> bytes | None:
    found = store.read(lock_key(job))
    return None if found is None else found[0]


def plant_lock(store: ArchiveStore, job: str, expires_in: timedelta) -> LockHolder:
    """A lock as another machine's run of ``job`` leaves it, expiring ``expires_in`` from now."""
    now = now_utc()
    started = utc_iso(now - timedelta(hours=2))
    holder = LockHolder(job, "scheduler-2", 4242, started, utc_iso(now + expires_in))
    store.put_if(lock_key(job), encode_json(holder), None)
    return holder


def skipped_line(reasons: Mapping[str, int]) -> str:
    """The ``pages skipped:`` line of a crawl's summary for pages skipped for these reasons."""
    listed = ", ".join(f"{reason} {count}" for reason, count in sorted(reasons.items()) if count)
    return f"pages skipped:   {sum(reasons.values())} ({listed or 'none'})"
