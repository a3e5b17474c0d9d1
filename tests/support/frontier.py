"""A shared frontier to test against: a local site of 500 invented articles that counts every
request, crawler processes (seed and workers) whose logs are read as they run, and their manifests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import redis

from crawler.demo.server import LocalSite
from crawler.frontier.core import Frontier
from tests.support.crawls import PROJECT_DIR, read_local_records

ARTICLES = 500
WAIT = 240.0  # seconds a worker may take; the crawls below take a fraction of it
IDLE = "2s"  # FRONTIER_IDLE_CLOSE in these tests

_WORDS = [
    "harbour",
    "council",
    "ferry",
    "budget",
    "bridge",
    "market",
    "storm",
    "river",
    "school",
    "library",
    "station",
    "museum",
    "fishermen",
    "engineers",
    "residents",
    "tenders",
    "contract",
    "repairs",
    "schedule",
    "inspection",
    "quarry",
    "tunnel",
    "lighthouse",
    "pier",
    "timber",
    "granite",
    "volunteers",
    "archive",
    "festival",
    "orchestra",
    "bakery",
    "cooperative",
]
_TOWNS = [
    "Lowmoor",
    "Eastwick Bay",
    "Carrow",
    "Saltfleet",
    "Millbeck",
    "Oakhaven",
    "Dunmore",
    "Kestrel Point",
]


def article_page(number: int) -> bytes:
    """An invented local-news article with the chrome real pages carry, different for every number."""
    town = _TOWNS[number % len(_TOWNS)]
    topic = _WORDS[number % len(_WORDS)]
    other = _WORDS[(number * 7 + 3) % len(_WORDS)]
    day = 1 + number % 28
    title = f"{town} {topic} plan number {number} approved after long {other} debate"
    paragraphs = [
        f"{town} councillors voted on Tuesday evening to approve plan number {number} for the {topic}, "
        f"ending a debate about the {other} that had run since the spring.",
        f"The plan, which the {topic} committee drafted over {number % 11 + 2} months, sets aside money "
        f"for repairs and asks residents to comment on the {other} before the end of the year.",
        f"Supporters said the {topic} had been neglected for a decade. Opponents argued that the {other} "
        f"deserved priority and that the cost, estimated at {number * 13 % 900 + 100} thousand, was high.",
        f"Work is expected to begin in {['March', 'June', 'September', 'November'][number % 4]}, "
        f"and the council will publish a schedule for the {topic} once the tenders have been assessed.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Coast Gazette</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2026-10-{day:02d}T08:30:00+00:00">
<meta name="author" content="Robin Vale"></head>
<body><nav><a href="/">Home</a> <a href="/local/">Local</a> <a href="/sport/">Sport</a></nav>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<article><h1>{title}</h1><p class="byline">By Robin Vale</p>
<time datetime="2026-10-{day:02d}T08:30:00+00:00">{day} October 2026</time>{body}
<div class="share">Share this story: <a href="#">Facebook</a> <a href="#">Email</a></div></article>
<aside class="related"><h2>Most read</h2><ul><li><a href="/a/{(number + 1) % ARTICLES}.html">Next</a></li>
</ul></aside><footer>&copy; The Coast Gazette</footer></body></html>""".encode()


def article_path(number: int) -> str:
    return f"/local/2026/story-{number:03d}.html"


@contextmanager
def news_site_of(root: Path, count: int) -> Iterator[NewsSite]:
    """``count`` invented articles and a sitemap listing them, on 127.0.0.1; robots.txt is not found
    (all allowed)."""
    root.mkdir()
    with LocalSite(root=root) as site:
        paths = [article_path(n) for n in range(count)]
        for number, path in enumerate(paths):
            site.add_route(path, body=article_page(number), content_type="text/html; charset=utf-8")
        entries = "".join(f"<url><loc>{site.url}{path}</loc></url>" for path in paths)
        sitemap = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        ).encode()
        url = site.add_route("/sitemap.xml", body=sitemap, content_type="application/xml")
        yield NewsSite(site, url, paths)


@dataclass
class NewsSite:
    site: LocalSite
    sitemap: str
    paths: list[str] = field(default_factory=list)

    def article_hits(self) -> dict[str, int]:
        return {path: self.site.hits[path] for path in self.paths}


class Crawl:
    """One crawler process (seed or worker) whose stderr is read as it runs."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", *args],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = WAIT) -> re.Match[str]:
        """The first stderr line matching ``pattern``, waiting for the process to write it."""
        compiled = re.compile(pattern)
        seen = 0
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for line in self.lines[seen:]:
                    if found := compiled.search(line):
                        return found
                seen = len(self.lines)
                if not self.reader.is_alive() or time.monotonic() > deadline:
                    raise AssertionError(f"no line matching {pattern!r}:\n{self.log()}")
                self.changed.wait(deadline - time.monotonic())

    def finish(self) -> int:
        status = self.process.wait(WAIT)
        self.reader.join(WAIT)
        return status

    def log(self) -> str:
        return "".join(self.lines)[-4000:]

    def summary(self) -> list[str]:
        """What the process printed on stdout (its summary), once it has finished."""
        assert self.process.stdout is not None and self.process.poll() is not None
        return self.process.stdout.read().splitlines()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.reader.join(WAIT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def crawl_env() -> dict[str, str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARCHIVE_", "SCRAPY_", "REDIS_"))
    }
    return {**base, "LOG_LEVEL": "INFO"}


def frontier_settings(tmp_path: Path, redis_url: str, *extra: str) -> list[str]:
    options = {
        "REDIS_URL": redis_url,
        "ARCHIVE_URI": str(tmp_path / "archive"),
        "ARCHIVE_SPOOL_DIR": str(tmp_path / "spool"),
        "ARCHIVE_JOB_NAME": "gazette",
        "FRONTIER_IDLE_CLOSE": IDLE,
        "AUTOTHROTTLE_ENABLED": "False",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
        "LOGSTATS_INTERVAL": "0.5",
    }
    return [value for name, setting in options.items() for value in ("-s", f"{name}={setting}")] + list(extra)


def start_workers(
    count: int, crawls: list[Crawl], news_site: NewsSite, settings: list[str]
) -> tuple[Crawl, list[Crawl]]:
    """``count`` processes on one frontier: ``count - 1`` workers, joined first, then the seed.

    A joined worker waits FRONTIER_IDLE_CLOSE (2 s here) for work before it leaves, and a seed takes
    longer than that to start on a busy machine. So the frontier is held busy, as a process with
    work in flight holds it, until the seed has started its crawl.
    """
    client = redis.Redis.from_url(redis_url_of(settings))
    workers = []
    with holding_the_frontier(client):
        for _ in range(count - 1):
            worker = Crawl(
                ["sitemap", "-a", f"url={news_site.sitemap}", *settings, "-s", "FRONTIER_JOIN=True"],
                crawl_env(),
            )
            crawls.append(worker)
            workers.append(worker)
        for worker in workers:
            worker.wait_for(r"Joining frontier gazette as worker")
        seed = Crawl(["sitemap", "-a", f"url={news_site.sitemap}", *settings], crawl_env())
        crawls.append(seed)
        seed.wait_for(r"Seeding a new crawl")
    client.close()
    return seed, workers


def redis_url_of(settings: list[str]) -> str:
    return next(value.split("=", 1)[1] for value in settings if value.startswith("REDIS_URL="))


def manifests(archive: Path) -> list[dict[str, Any]]:
    """The manifests of each process (the crawl's own, written by the seed, left out)."""
    every = [json.loads(p.read_text("utf-8")) for p in sorted((archive / "runs").rglob("*.json"))]
    return [m for m in every if m["frontier"]["worker"] is not None]


def crawl_manifests(archive: Path) -> list[dict[str, Any]]:
    """The manifests of whole crawls, one per seed run, oldest first."""
    every = [json.loads(p.read_text("utf-8")) for p in (archive / "runs").rglob("*.json")]
    return sorted((m for m in every if m["frontier"]["worker"] is None), key=lambda m: str(m["started_at"]))


def summed(runs: list[dict[str, Any]], figure: str) -> int:
    return sum(m["counts"][figure] for m in runs)


def article_records(archive: Path) -> dict[str, dict[str, Any]]:
    return read_local_records(archive)


@contextmanager
def holding_the_frontier(client: redis.Redis) -> Iterator[None]:
    """The frontier held busy, as a process with work in flight holds it: a joined worker does not
    leave before the seed has started (it waits FRONTIER_IDLE_CLOSE, 2 s here)."""
    frontier = Frontier(client, "gazette", timedelta(days=1))
    client.zadd(frontier.busy, {"held-by-the-test": time.time() + WAIT})
    try:
        yield
    finally:
        client.zrem(frontier.busy, "held-by-the-test")
