"""Fetching as sites ask (crawler.middlewares.politeness), judged by when requests reached loopback
servers: a robots.txt Crawl-delay, pauses after 429 with Retry-After, a domain deferred to the next run."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo.server import LocalSite
from crawler.middlewares.politeness import retry_after
from tests.support.crawls import read_local_records, run_crawl
from tests.support.paced_sites import Arrivals, paced_site
from tests.support.sites import write_urls

HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
# A request already on its way when a 429 comes back cannot be called back: requests spaced at the
# start make every request after the first one sent after an answer.
SPACED = ("-s", "DOWNLOAD_DELAY=0.2", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False")


@pytest.fixture
def sites() -> Iterator[list[LocalSite]]:
    started = [LocalSite(host=host).start() for host in HOSTS]
    yield started
    for site in started:
        site.stop()


def _crawl(
    tmp_path: Path, crawl_settings: list[str], urls: list[str], *settings: str
) -> tuple[list[str], Path]:
    archive = tmp_path / "archive"
    result = run_crawl(
        "article",
        "-a",
        f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
        "-s",
        f"ARCHIVE_URI={archive}",
        *crawl_settings,
        *settings,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines(), archive


def _gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_a_crawl_delay_spaces_that_site_alone(
    sites: list[LocalSite], tmp_path: Path, crawl_settings: list[str]
) -> None:
    arrivals = Arrivals()
    slow = paced_site(sites[0], arrivals, 3, robots="User-agent: *\nCrawl-delay: 2\n")
    fast = [url for site in sites[1:] for url in paced_site(site, arrivals, 3)]
    _, archive = _crawl(tmp_path, crawl_settings, [*slow, *fast])
    assert len(read_local_records(archive)) == 9
    slow_times = [moment for moment, _ in arrivals.of(HOSTS[0])]
    assert len(slow_times) == 4  # robots.txt and three pages
    assert min(_gaps(slow_times)) >= 1.9, _gaps(slow_times)
    # The other sites are not slowed: all their pages arrive before the slow site's second page.
    others = [moment for host in HOSTS[1:] for moment, path in arrivals.of(host) if path != "/robots.txt"]
    assert len(others) == 6 and max(others) < slow_times[2]


def test_a_429_with_retry_after_pauses_the_site_and_every_page_is_archived(
    sites: list[LocalSite], tmp_path: Path, crawl_settings: list[str]
) -> None:
    arrivals = Arrivals()
    # Each page's first request is answered 429 "come back in 2 s"; RETRY_TIMES=0: the pauses do not
    # use up Scrapy's retries.
    urls = paced_site(
        sites[0], arrivals, 3, refuse=lambda path, seen: {"Retry-After": "2"} if seen == 1 else None
    )
    _, archive = _crawl(tmp_path, crawl_settings, urls, "-s", "RETRY_TIMES=0", *SPACED)
    assert len(read_local_records(archive)) == 3
    seen = [(moment, path) for moment, path in arrivals.of(HOSTS[0]) if path != "/robots.txt"]
    assert len(seen) == 6  # three 429s, three pages
    firsts: dict[str, float] = {}
    refused_at = []
    for moment, path in seen:
        if path not in firsts:
            firsts[path] = moment
            refused_at.append(moment)
    for refused in refused_at:
        later = [moment for moment, _ in seen if moment > refused]
        assert not later or min(later) - refused >= 1.9, (refused, later)
    manifest = json.loads(next((archive / "runs").rglob("*.json")).read_text("utf-8"))
    assert (manifest["exit_status"], manifest["counts"]["deferred"]) == (0, {})


def test_a_site_that_only_answers_429_is_deferred_and_fetched_by_the_next_run(
    sites: list[LocalSite], tmp_path: Path, crawl_settings: list[str]
) -> None:
    arrivals = Arrivals()
    answering = {"now": False}
    urls = paced_site(
        sites[0], arrivals, 3, refuse=lambda path, seen: None if answering["now"] else {"Retry-After": "1"}
    )
    settings = ("-s", "POLITENESS_MAX_PAUSES=2", *SPACED)
    lines, archive = _crawl(tmp_path, crawl_settings, urls, *settings)
    assert read_local_records(archive) == {}
    assert f"deferred:        3 URLs to the next run ({HOSTS[0]} 3)" in lines
    manifest = json.loads(next((archive / "runs").rglob("*.json")).read_text("utf-8"))
    assert manifest["counts"]["deferred"] == {HOSTS[0]: 3}
    refused = [moment for moment, path in arrivals.of(HOSTS[0]) if path != "/robots.txt"]
    assert len(refused) == 3  # two pauses, then the third 429 gives the site up
    # The next run: nothing was recorded as checked, so every page is fetched, and archived.
    answering["now"] = True
    _, again = _crawl(tmp_path, crawl_settings, urls, *settings)
    assert sorted(r["url"] for r in read_local_records(again).values()) == sorted(urls)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("4", 4.0), ("0", 0.0), ("", None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_is_seconds_or_an_http_date(value: str, seconds: float | None) -> None:
    assert retry_after(value) == seconds
