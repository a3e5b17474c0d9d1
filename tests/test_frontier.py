"""The shared frontier (crawler.frontier) end to end: several ``python -m scrapy crawl`` processes, as
users start them on several machines, working one crawl through a real redis-server on 127.0.0.1,
against a local site of 500 invented articles that counts every request."""

from __future__ import annotations

import json
import os
import re
import signal
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

import pytest
import redis
from scrapy.core.scheduler import Scheduler as MemoryScheduler
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from crawler import config, exit_status
from crawler.demo.server import LocalSite
from crawler.frontier.core import Frontier, redacted
from crawler.frontier.crawl_manifest import crawl_manifest
from crawler.frontier.roster import ProcessResult, Roster
from crawler.frontier.scheduler import FrontierDupeFilter, FrontierScheduler
from pipelines.storage.keys import manifest_key
from tests.conftest import PROJECT_DIR, read_local_records, run_crawl
from tests.redis_server import redis_server
from tests.test_health import CHANGED, HOSTS, PAGES, health_sites, publish

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


@dataclass
class NewsSite:
    site: LocalSite
    sitemap: str
    paths: list[str] = field(default_factory=list)

    def article_hits(self) -> dict[str, int]:
        return {path: self.site.hits[path] for path in self.paths}


@pytest.fixture
def news_site(tmp_path: Path) -> Iterator[NewsSite]:
    """500 articles and a sitemap listing them, on 127.0.0.1; robots.txt is not found (all allowed)."""
    root = tmp_path / "site"
    root.mkdir()
    with LocalSite(root=root) as site:
        paths = [article_path(n) for n in range(ARTICLES)]
        for number, path in enumerate(paths):
            site.add_route(path, body=article_page(number), content_type="text/html; charset=utf-8")
        entries = "".join(f"<url><loc>{site.url}{path}</loc></url>" for path in paths)
        sitemap = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        ).encode()
        url = site.add_route("/sitemap.xml", body=sitemap, content_type="application/xml")
        yield NewsSite(site, url, paths)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def frontier_redis(redis_url: str) -> Iterator[redis.Redis]:
    """The test's Redis, emptied before the test."""
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    yield client
    client.close()


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


@pytest.fixture
def crawls() -> Iterator[list[Crawl]]:
    started: list[Crawl] = []
    yield started
    for crawl in started:
        crawl.stop()


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


# --- end to end -----------------------------------------------------------------------------------


def test_three_processes_fetch_every_page_once_and_leave_when_done(
    news_site: NewsSite, frontier_redis: redis.Redis, redis_url: str, tmp_path: Path, crawls: list[Crawl]
) -> None:
    settings = frontier_settings(tmp_path, redis_url)
    started = time.monotonic()
    seed, workers = start_workers(3, crawls, news_site, settings)
    statuses = [crawl.finish() for crawl in (seed, *workers)]
    elapsed = time.monotonic() - started
    context = "\n---\n".join(crawl.log() for crawl in (seed, *workers))
    assert statuses == [0, 0, 0], context

    # Every article and the sitemap fetched once, by one process; robots.txt once by each process
    # that fetched anything (Scrapy reads it per process, outside the frontier).
    assert set(news_site.article_hits().values()) == {1}, context
    assert news_site.site.hits["/sitemap.xml"] == 1
    runs = manifests(tmp_path / "archive")
    assert len(runs) == 3
    fetching = [m for m in runs if m["counts"]["pages_fetched"]]
    assert news_site.site.hits["/robots.txt"] == len(fetching)
    assert sum(m["counts"]["pages_fetched"] for m in runs) == ARTICLES + 1 + len(fetching)

    # One record per article, all of one crawl whose job id every manifest carries.
    records = article_records(tmp_path / "archive")
    assert len(records) == ARTICLES
    assert sorted(r["url"] for r in records.values()) == sorted(
        news_site.site.url + p for p in news_site.paths
    )
    assert len({r["id"] for r in records.values()}) == ARTICLES
    job_ids = {m["job_id"] for m in runs}
    assert len(job_ids) == 1
    assert {r["job_id"] for r in records.values()} == job_ids
    assert sum(m["counts"]["new"] for m in runs) == ARTICLES
    # The work was shared: every process archived some of it.
    assert all(m["counts"]["new"] > 0 for m in runs), [m["counts"]["new"] for m in runs]
    assert {(m["finish_reason"], m["exit_status"], m["frontier"]["name"]) for m in runs} == {
        ("finished", 0, "gazette")
    }
    assert len({m["frontier"]["worker"] for m in runs}) == 3

    # The seed's exit status and the crawl's manifest cover all three processes.
    [crawl] = crawl_manifests(tmp_path / "archive")
    [job_id] = job_ids
    seed_run = next(m for m in runs if m["pid"] == seed.process.pid)
    assert {k: crawl[k] for k in ("job_id", "started_at", "finish_reason", "exit_status")} == {
        "job_id": job_id,
        "started_at": seed_run["started_at"],
        "finish_reason": "finished",
        "exit_status": 0,
    }
    assert crawl["frontier"]["lost"] == []
    assert sorted(crawl["frontier"]["processes"], key=lambda p: p["worker"]) == sorted(
        (
            {
                "worker": m["frontier"]["worker"],
                "host": m["host"],
                "manifest": manifest_key(m["started_at"], job_id, m["frontier"]["worker"]),
                "exit_status": 0,
                "finish_reason": "finished",
            }
            for m in runs
        ),
        key=lambda p: p["worker"],
    )
    for figure in ("pages_fetched", "new", "changed", "unchanged", "fresh", "spooled", "lost"):
        assert crawl["counts"][figure] == summed(runs, figure), figure
    assert crawl["counts"]["new"] == ARTICLES
    crawl_key = manifest_key(seed_run["started_at"], job_id)
    assert seed.summary()[-1] == f"whole crawl:     3 processes reported, 0 lost, exit status 0 ({crawl_key})"
    assert not any(line.startswith("whole crawl:") for worker in workers for line in worker.summary())

    # Nothing left in Redis but the crawl's fingerprints, its job id and how each process ended.
    assert sorted(frontier_redis.keys()) == [
        b"newsarchive:frontier:gazette:crawl",
        b"newsarchive:frontier:gazette:results",
        b"newsarchive:frontier:gazette:seen",
    ]
    assert frontier_redis.zcard("newsarchive:frontier:gazette:seen") == ARTICLES + 1
    print(f"3 processes, {ARTICLES} articles: {elapsed:.1f} s including start-up and {IDLE} idle close")


def test_a_worker_killed_mid_crawl_loses_nothing_after_one_more_run(
    news_site: NewsSite, frontier_redis: redis.Redis, redis_url: str, tmp_path: Path, crawls: list[Crawl]
) -> None:
    settings = frontier_settings(tmp_path, redis_url)
    archive = tmp_path / "archive"
    seed, workers = start_workers(3, crawls, news_site, settings)
    victim = workers[0]
    victim_id = victim.wait_for(r"Joining frontier gazette as worker (\S+)").group(1)
    # Killed once it has stored records of its own (LogStats counts items after the pipeline stored them).
    victim.wait_for(r"scraped ([2-9]\d|\d{3,}) items")
    victim.process.send_signal(signal.SIGKILL)
    assert victim.finish() == -signal.SIGKILL
    survivors = [seed, workers[1]]
    statuses = [crawl.finish() for crawl in survivors]
    # The surviving worker's own run went well; the crawl as a whole did not, and the seed says so.
    assert statuses == [1, 0], "\n---\n".join(crawl.log() for crawl in survivors)
    [crawl] = crawl_manifests(archive)
    assert (crawl["exit_status"], crawl["finish_reason"], crawl["frontier"]["lost"]) == (
        1,
        "processes lost",
        [victim_id],
    )
    assert len(crawl["frontier"]["processes"]) == 2
    assert seed.summary()[-1].startswith("whole crawl:     2 processes reported, 1 lost, exit status 1 (")
    lost = ARTICLES - len(article_records(archive))

    # One more run of the seed command archives what the killed worker had in flight.
    rerun = run_crawl("sitemap", "-a", f"url={news_site.sitemap}", *settings, env=crawl_env(), timeout=WAIT)
    assert rerun.returncode == 0, rerun.stderr[-4000:]
    rerun_crawl = crawl_manifests(archive)[-1]
    assert (rerun_crawl["exit_status"], rerun_crawl["frontier"]["lost"]) == (0, [])
    assert len(rerun_crawl["frontier"]["processes"]) == 1

    records = article_records(archive)
    assert len(records) == ARTICLES
    assert sorted(r["url"] for r in records.values()) == sorted(
        news_site.site.url + p for p in news_site.paths
    )
    assert all(r["version"] == 1 for r in records.values())
    assert min(news_site.article_hits().values()) == 1
    counts = max(manifests(archive), key=lambda m: str(m["started_at"]))["counts"]
    # The re-run downloaded only what was not archived: the rest was fresh in the archive's state.
    assert counts["new"] + counts["unchanged"] + counts["fresh"] == ARTICLES, counts
    assert counts["new"] + counts["unchanged"] >= lost, (counts, lost)
    print(f"killed worker left {lost} articles unarchived; the re-run archived them: {counts}")


def test_a_seed_stopped_before_the_crawl_is_done_does_not_wait_for_the_workers(
    news_site: NewsSite, frontier_redis: redis.Redis, redis_url: str, tmp_path: Path, crawls: list[Crawl]
) -> None:
    settings = frontier_settings(tmp_path, redis_url)
    seed, [worker] = start_workers(2, crawls, news_site, settings)
    seed.wait_for(r"scraped ([1-9]\d|\d{3,}) items")
    seed.process.send_signal(signal.SIGTERM)  # a scheduler's stop
    assert seed.finish() == 1, seed.log()
    assert not any(line.startswith("whole crawl:") for line in seed.summary())
    assert "waiting for the other processes" not in seed.log()
    # The worker finishes the crawl on its own; nobody writes the crawl's manifest.
    assert worker.finish() == 0, worker.log()
    assert crawl_manifests(tmp_path / "archive") == []
    assert {m["finish_reason"] for m in manifests(tmp_path / "archive")} == {"shutdown", "finished"}


# --- bad settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            ["-s", "REDIS_URL=http://127.0.0.1:6379/0"],
            "error: REDIS_URL='http://127.0.0.1:6379/0': Redis URL must specify one of the following schemes"
            " (redis://, rediss://, unix://)",
        ),
        (
            ["-s", "FRONTIER_JOIN=True"],
            "error: FRONTIER_JOIN=True: a worker needs REDIS_URL, the frontier it joins",
        ),
        (["-s", "FRONTIER_JOIN=maybe"], "error: FRONTIER_JOIN='maybe': not true or false"),
    ],
    ids=["not-a-redis-url", "join-without-redis", "join-not-a-boolean"],
)
def test_bad_frontier_settings_are_one_line_and_exit_2(
    news_site: NewsSite, tmp_path: Path, settings: list[str], message: str
) -> None:
    result = run_crawl(
        "sitemap", "-a", f"url={news_site.sitemap}", "-s", f"ARCHIVE_URI={tmp_path / 'archive'}", *settings,
        env=crawl_env(),
    )  # fmt: skip
    assert (result.returncode, result.stderr.splitlines()[-1:], result.stdout) == (2, [message], "")
    assert sum(news_site.site.hits.values()) == 0


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "FRONTIER_IDLE_CLOSE=soon",
            "FRONTIER_IDLE_CLOSE='soon': not a duration: 'soon' (use e.g. 30m, 12h, 2d, 1w)",
        ),
        ("FRONTIER_IDLE_CLOSE=0", "FRONTIER_IDLE_CLOSE='0': must be longer than 0"),
    ],
)
def test_bad_idle_close_is_one_line_and_exit_2(
    news_site: NewsSite, redis_url: str, tmp_path: Path, setting: str, message: str
) -> None:
    result = run_crawl(
        "sitemap", "-a", f"url={news_site.sitemap}", "-s", f"ARCHIVE_URI={tmp_path / 'archive'}",
        "-s", f"REDIS_URL={redis_url}", "-s", setting, env=crawl_env(),
    )  # fmt: skip
    assert (result.returncode, result.stderr.splitlines()[-1:], result.stdout) == (
        2,
        [f"error: {message}"],
        "",
    )
    assert sum(news_site.site.hits.values()) == 0


def test_an_unreachable_redis_is_one_line_and_exit_2_with_its_password_hidden(
    news_site: NewsSite, tmp_path: Path, unused_port: int
) -> None:
    url = f"redis://crawler:s3cret@127.0.0.1:{unused_port}/0"
    result = run_crawl(
        "sitemap", "-a", f"url={news_site.sitemap}", "-s", f"ARCHIVE_URI={tmp_path / 'archive'}",
        env={**crawl_env(), "REDIS_URL": url},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-3000:]
    [line] = result.stderr.splitlines()[-1:]
    assert line.startswith(
        f"error: REDIS_URL='redis://crawler:***@127.0.0.1:{unused_port}/0': cannot use Redis: "
    )
    assert "s3cret" not in result.stderr + result.stdout
    assert sum(news_site.site.hits.values()) == 0


def test_a_crawl_on_the_frontier_uses_nothing_deprecated(
    news_site: NewsSite, frontier_redis: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    """scrapy-redis was written for older Scrapy releases: none of its deprecated paths may be ours."""
    settings = frontier_settings(tmp_path, redis_url)
    result = run_crawl(
        "sitemap", "-a", f"url={news_site.sitemap}", *settings, env={"PYTHONWARNINGS": "always"}, timeout=WAIT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert [line for line in result.stderr.splitlines() if "Warning" in line or " WARNING: " in line] == []
    whole_crawl = result.stdout.splitlines()[-1]
    assert whole_crawl.startswith("whole crawl:     1 process reported, 0 lost, exit status 0")


def test_on_a_shared_frontier_the_seed_judges_each_site_over_every_process(
    frontier_redis: redis.Redis, redis_url: str, tmp_path: Path, crawls: list[Crawl]
) -> None:
    """Each process sees part of a site's pages: the crawl's manifest adds their figures up, and the
    seed judges the sites on them, against the crawls before (crawler.health, tests/test_health.py)."""
    settings = [
        *frontier_settings(tmp_path, redis_url),
        *("-s", "ARCHIVE_HEALTH_MIN_PAGES=5", "-s", "ARCHIVE_HEALTH_MIN_HISTORY=2"),
    ]
    with health_sites(tmp_path) as sites:
        for run in (1, 2, 3):
            urls = tmp_path / f"urls-{run}.txt"
            urls.write_text("".join(f"{url}\n" for url in publish(sites, run, changed=run == 3)))
            run_settings = [*settings, "-s", f"ARCHIVE_HEALTH_FAIL={run == 3}"]
            with holding_the_frontier(frontier_redis):
                worker = Crawl(
                    ["article", "-a", f"urls={urls}", *run_settings, "-s", "FRONTIER_JOIN=True"], crawl_env()
                )
                crawls.append(worker)
                worker.wait_for(r"Joining frontier gazette as worker")
                seed = Crawl(
                    [
                        "article",
                        "-a",
                        f"urls={urls}",
                        *run_settings,
                        "-s",
                        f"ARCHIVE_JOB_ID=gazette-run-{run}",
                    ],
                    crawl_env(),
                )
                crawls.append(seed)
                seed.wait_for(r"Seeding a new crawl")
            statuses = [worker.finish(), seed.finish()]
            assert statuses == [0, exit_status.DEGRADED if run == 3 else 0], seed.log()
    [crawl] = [m for m in crawl_manifests(tmp_path / "archive") if m["job_id"] == "gazette-run-3"]
    assert sorted(crawl["domains"]) == list(HOSTS)
    assert {domain: figures["pages"] for domain, figures in crawl["domains"].items()} == dict.fromkeys(
        HOSTS, PAGES
    )
    assert (sorted(crawl["health"]["degraded"]), crawl["health"]["healthy"]) == (
        [CHANGED],
        ["127.0.0.1", "127.0.0.2"],
    )
    assert sorted(crawl["health"]["degraded"][CHANGED]) == [
        "authors",
        "body_median",
        "body_p10",
        "published_day",
        "published_minute",
    ]
    # The processes' own manifests carry their part of the figures, and no verdict.
    names = [process["manifest"] for process in crawl["frontier"]["processes"]]
    parts = [json.loads((tmp_path / "archive" / name).read_text("utf-8")) for name in names]
    assert len(parts) == 2 and all(m["health"] is None for m in parts)
    assert sum(m["domains"].get(CHANGED, {}).get("pages", 0) for m in parts) == PAGES


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


# --- the duplicate filter -------------------------------------------------------------------------


def make_filter(client: redis.Redis, refresh_after: str = "1d") -> FrontierDupeFilter:
    crawler = get_crawler(settings_dict={"ARCHIVE_REFRESH_AFTER": refresh_after})
    frontier = Frontier(client, "unit", config.duration(crawler.settings, "ARCHIVE_REFRESH_AFTER"))
    return FrontierDupeFilter(frontier, crawler.request_fingerprinter)


def test_a_fingerprint_counts_within_its_crawl_only(frontier_redis: redis.Redis) -> None:
    seen = make_filter(frontier_redis)
    seen.frontier.start_crawl("crawl-1")
    request = Request("https://news.example.com/a.html")
    assert [seen.request_seen(request), seen.request_seen(request)] == [False, True]
    assert seen.request_seen(Request("https://news.example.com/a.html#comments")) is True  # same page
    # The next crawl requests it again (what a killed worker had in flight is not lost), once.
    seen.frontier.start_crawl("crawl-2")
    assert [seen.request_seen(request), seen.request_seen(request)] == [False, True]


def test_a_fingerprint_recorded_right_after_the_start_counts(frontier_redis: redis.Redis) -> None:
    # Lua writes a number with 14 digits, a tenth of a millisecond here. The crawl's start, and the
    # cutoff for trimming, were once written so, rounded: about one request in ten made right after
    # the start seemed older than the crawl. 200 crawls make that certain to show.
    # The Frontier itself, with nothing between its calls but their round trips.
    frontier = make_filter(frontier_redis).frontier
    twice = []
    for number in range(200):
        frontier.start_crawl(f"crawl-{number}")
        fingerprint = f"{number:040x}".encode()
        first = frontier.request_seen(fingerprint)
        frontier.beat("worker-1", busy=True, idle=timedelta(seconds=1))  # trims what no longer counts
        twice.append([first, frontier.request_seen(fingerprint)])
    assert twice == [[False, True]] * 200


def test_a_fingerprint_older_than_refresh_after_no_longer_counts_and_is_trimmed(
    frontier_redis: redis.Redis,
) -> None:
    seen = make_filter(frontier_redis, refresh_after="1h")
    seen.frontier.start_crawl("long-crawl")
    old, recent = Request("https://news.example.com/old.html"), Request("https://news.example.com/new.html")
    assert not seen.request_seen(old) and not seen.request_seen(recent)
    # Two hours into the crawl (the crawl started two hours ago, ``old`` was requested then).
    key = seen.frontier.seen
    two_hours_ago = float(frontier_redis.zscore(key, seen.request_fingerprint(old)) or 0) - 7200
    frontier_redis.hset(seen.frontier.crawl, "started", str(two_hours_ago))
    frontier_redis.zadd(key, {seen.request_fingerprint(old): two_hours_ago})
    assert seen.request_seen(recent) is True
    seen.frontier.beat("worker-1", busy=False, idle=timedelta(seconds=1))
    assert frontier_redis.zcard(key) == 1  # ``old`` was trimmed
    assert seen.request_seen(old) is False  # and is requested again


def test_with_refresh_after_0_fingerprints_last_the_crawl(frontier_redis: redis.Redis) -> None:
    seen = make_filter(frontier_redis, refresh_after="0")
    seen.frontier.start_crawl("crawl-1")
    request = Request("https://news.example.com/a.html")
    assert [seen.request_seen(request), seen.request_seen(request)] == [False, True]


def test_without_redis_url_the_scheduler_is_scrapys_own() -> None:
    crawler = get_crawler(settings_dict={"REDIS_URL": ""})
    assert type(FrontierScheduler.from_crawler(crawler)) is MemoryScheduler


def test_passwords_are_hidden_in_messages() -> None:
    assert redacted("redis://user:pw@host:6379/0") == "redis://user:***@host:6379/0"
    assert redacted("redis://host:6379/0") == "redis://host:6379/0"


# --- the roster: the crawl's exit status and manifest cover every process --------------------------


def result(worker: str, exit_status: int = 0, new: int = 1) -> ProcessResult:
    return ProcessResult(
        worker=worker,
        host="crawler-1",
        manifest=f"runs/date=2026-11-29/crawl-1.{worker}.json",
        exit_status=exit_status,
        finish_reason="finished",
        articles_found=new,
        counts={"new": new, "skipped": {"too_short": 1}},
    )


def test_the_roster_tells_who_reported_and_who_went_silent_during_the_crawl(
    frontier_redis: redis.Redis,
) -> None:
    frontier = Frontier(frontier_redis, "unit", timedelta(days=1))
    roster = Roster(frontier, timedelta(seconds=10))
    frontier.start_crawl("crawl-0")
    frontier_redis.hset(frontier.results, "from-crawl-0", result("from-crawl-0").to_json())
    frontier.start_crawl("crawl-1")
    assert frontier_redis.hgetall(frontier.results) == {}  # a new crawl forgets the old reports
    for worker in ("seed", "worker-a", "worker-b", "worker-c"):
        frontier.beat(worker, busy=True, idle=timedelta(seconds=1))
    assert roster.others_present("seed") == ["worker-a", "worker-b", "worker-c"]

    roster.report(result("worker-a", new=3))
    frontier.leave("worker-b", timedelta(minutes=5))  # closing: present until it reports
    assert roster.others_present("seed") == ["worker-b", "worker-c"]
    roster.report(result("worker-b", exit_status=3))
    # worker-c went silent 20 s ago, during the crawl; "gone" went silent before the crawl began.
    now = float(frontier_redis.zscore(frontier.roster, "seed") or 0)
    frontier_redis.hset(frontier.crawl, "started", repr(now - 60))
    frontier_redis.zadd(frontier.roster, {"worker-c": now - 20, "gone": now - 90})
    assert roster.others_present("seed") == []
    roster.report(result("seed"))

    results, lost = roster.wait_for_others("seed")
    assert results == [result("seed"), result("worker-a", new=3), result("worker-b", exit_status=3)]
    assert lost == ["worker-c"]
    assert frontier_redis.zrange(frontier.roster, 0, -1) == []  # the silent are forgotten


def test_the_crawl_manifest_sums_the_processes_and_takes_the_worst_exit_status() -> None:
    seed = {
        "job_id": "crawl-1",
        "started_at": "2026-11-29T10:00:00Z",
        "frontier": {"name": "unit", "worker": "seed"},
    }
    processes = [result("seed"), result("worker-a", exit_status=3, new=3)]
    crawl = crawl_manifest(seed, processes, [], min_records=0)
    assert {k: v for k, v in crawl.items() if k != "finished_at"} == {
        "job_id": "crawl-1",
        "started_at": "2026-11-29T10:00:00Z",
        "finish_reason": "finished",
        "exit_status": 3,
        "counts": {"new": 4, "skipped": {"too_short": 2}},
        "domains": {},  # the processes reported none
        "frontier": {
            "name": "unit",
            "worker": None,
            "processes": [
                {
                    "worker": w,
                    "host": "crawler-1",
                    "manifest": f"runs/date=2026-11-29/crawl-1.{w}.json",
                    "exit_status": status,
                    "finish_reason": "finished",
                }
                for w, status in (("seed", 0), ("worker-a", 3))
            ],
            "lost": [],
        },
    }
    lost = crawl_manifest(seed, processes, ["worker-b"], min_records=0)
    assert (lost["exit_status"], lost["finish_reason"], lost["frontier"]["lost"]) == (
        1,
        "processes lost",
        ["worker-b"],
    )


@pytest.mark.parametrize(
    ("statuses", "lost", "found", "min_records", "expected"),
    [
        ([0, 0, 0], 0, 9, 0, 0),
        ([0, 0], 1, 9, 0, 1),  # a process lost: its in-flight pages wait for the next run
        ([0, 1, 3], 0, 9, 0, 1),
        ([3, 0], 0, 9, 0, 3),
        ([4, 4], 0, 9, 5, 0),  # ARCHIVE_MIN_RECORDS applies to the crawl: 9 found together
        ([0, 4], 0, 4, 5, 4),
    ],
)
def test_the_crawl_exit_status(
    statuses: list[int], lost: int, found: int, min_records: int, expected: int
) -> None:
    assert exit_status.of_crawl(statuses, lost, found, min_records) == expected
