"""One site, one pace, however many processes: three crawler processes on one shared frontier (a real
redis-server) keep a site's Crawl-delay and its Retry-After pauses together, judged by when requests
reached a loopback server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.demo.server import LocalSite
from tests.support.frontier import (
    Crawl,
    NewsSite,
    article_records,
    frontier_settings,
    manifests,
    start_workers,
)
from tests.support.paced_sites import Arrivals, paced_site, paced_sitemap

HOST = "127.0.0.2"
# One request in flight per process: each process takes a share of the site's pages, rather than
# the first to read the sitemap taking them all.
ONE_AT_A_TIME = ("-s", "CONCURRENT_REQUESTS=1", "-s", "RETRY_TIMES=0")


@pytest.fixture
def paced() -> Iterator[LocalSite]:
    site = LocalSite(host=HOST).start()
    yield site
    site.stop()


def _crawl(crawls: list[Crawl], site: LocalSite, sitemap: str, settings: list[str]) -> None:
    seed, workers = start_workers(3, crawls, NewsSite(site, sitemap), settings)
    statuses = [crawl.finish() for crawl in (seed, *workers)]
    assert statuses == [0, 0, 0], "\n---\n".join(crawl.log() for crawl in (seed, *workers))


def _pages_by_process(archive: Path) -> list[int]:
    return sorted(m["counts"]["new"] for m in manifests(archive))


def test_three_processes_keep_one_crawl_delay(
    paced: LocalSite, frontier_redis: redis.Redis, redis_url: str, tmp_path: Path, crawls: list[Crawl]
) -> None:
    arrivals = Arrivals()
    urls = paced_site(paced, arrivals, 5, robots="User-agent: *\nCrawl-delay: 2\n")
    sitemap = paced_sitemap(paced, arrivals, urls)
    _crawl(crawls, paced, sitemap, frontier_settings(tmp_path, redis_url, *ONE_AT_A_TIME))

    assert sorted(r["url"] for r in article_records(tmp_path / "archive").values()) == urls
    shares = _pages_by_process(tmp_path / "archive")
    assert sum(shares) == 5 and shares[-2] > 0, shares  # at least two processes fetched pages
    # Every request keeps the Crawl-delay, the robots.txt each process reads included: the first
    # process to read it shares what it asks.
    times = [moment for moment, _ in arrivals.of(HOST)]
    robots = [path for _, path in arrivals.of(HOST)].count("/robots.txt")
    assert len(times) == 6 + robots and 2 <= robots <= 3  # the sitemap, five pages, robots.txt per process
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 1.9, gaps
    print(
        f"Crawl-delay 2, three processes: gaps {min(gaps):.2f}-{max(gaps):.2f} s, pages by process {shares}"
    )


def test_three_processes_keep_a_retry_after_pause(
    paced: LocalSite, frontier_redis: redis.Redis, redis_url: str, tmp_path: Path, crawls: list[Crawl]
) -> None:
    arrivals = Arrivals()
    # Each page's first request is answered 429 "come back in 4 s". Turns half a second apart
    # (DOWNLOAD_DELAY, one pace for the three processes), so every request after the first is sent
    # after the answers before it came back.
    urls = paced_site(
        paced, arrivals, 3, refuse=lambda path, seen: {"Retry-After": "4"} if seen == 1 else None
    )
    sitemap = paced_sitemap(paced, arrivals, urls)
    settings = frontier_settings(tmp_path, redis_url, *ONE_AT_A_TIME, "-s", "DOWNLOAD_DELAY=0.5")
    _crawl(crawls, paced, sitemap, settings)

    assert sorted(r["url"] for r in article_records(tmp_path / "archive").values()) == urls
    seen = [(moment, path) for moment, path in arrivals.of(HOST) if path != "/robots.txt"]
    assert len(seen) == 7  # the sitemap, three 429s, three pages
    firsts: dict[str, float] = {}
    for moment, path in seen:
        firsts.setdefault(path, moment)
    refused_at = [firsts[path] for path in firsts if path != "/sitemap.xml"]
    waits = []
    for refused in refused_at:
        later = [moment for moment, _ in seen if moment > refused]
        if later:
            waits.append(min(later) - refused)
    assert waits and min(waits) >= 3.9, waits
    print(f"Retry-After 4, three processes: the next request {min(waits):.2f}-{max(waits):.2f} s after a 429")
