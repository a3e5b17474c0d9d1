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
    # Each page's first request is answered 429 "come back in 4 s"; RETRY_TIMES=0: the pauses do not
    # use up Scrapy's retries.
    urls = paced_site(
        sites[0], arrivals, 3, refuse=lambda path, seen: {"Retry-After": "4"} if seen == 1 else None
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
        assert not later or min(later) - refused >= 3.9, (refused, later)
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


def test_a_budget_of_pages_defers_the_rest_and_each_run_archives_its_share(
    sites: list[LocalSite], tmp_path: Path, crawl_settings: list[str]
) -> None:
    arrivals = Arrivals()
    urls = paced_site(sites[0], arrivals, 5)
    budget = ("-s", "POLITENESS_DOMAIN_PAGES=2", *SPACED)
    archived: list[int] = []
    for expected_deferred in (3, 1, 0):
        lines, archive = _crawl(tmp_path, crawl_settings, urls, *budget)
        archived.append(len(read_local_records(archive)))
        manifest = max(
            (json.loads(p.read_text("utf-8")) for p in (archive / "runs").rglob("*.json")),
            key=lambda m: str(m["finished_at"]),
        )
        deferred = {HOSTS[0]: expected_deferred} if expected_deferred else {}
        assert manifest["counts"]["deferred"] == deferred
        if expected_deferred:
            assert (
                f"deferred:        {expected_deferred} URLs to the next run ({HOSTS[0]} {expected_deferred})"
                in lines
            )
    # Two pages a run; the pages archived are fresh, not fetched again.
    assert archived == [2, 4, 5]
    assert len([path for _, path in arrivals.of(HOSTS[0]) if path != "/robots.txt"]) == 5


def test_a_budget_of_bytes_defers_the_rest_once_it_is_spent(
    sites: list[LocalSite], tmp_path: Path, crawl_settings: list[str]
) -> None:
    urls = paced_site(sites[0], Arrivals(), 4)
    lines, archive = _crawl(tmp_path, crawl_settings, urls, "-s", "POLITENESS_DOMAIN_BYTES=1000", *SPACED)
    assert len(read_local_records(archive)) == 1
    assert f"deferred:        3 URLs to the next run ({HOSTS[0]} 3)" in lines


def test_bot_checks_and_consent_walls_are_counted_by_domain_and_never_records(
    sites: list[LocalSite], tmp_path: Path, crawl_settings: list[str]
) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "kinds"
    challenge = (fixtures / "challenge_cf.html").read_bytes()
    guarded = sites[0].add_route("/guarded.html", 403, challenge, content_type="text/html; charset=utf-8")
    consent = sites[1].add_route(
        "/consent.html",
        200,
        (fixtures / "consent_en.html").read_bytes(),
        content_type="text/html; charset=utf-8",
    )
    [article] = paced_site(sites[1], Arrivals(), 1)
    settings = ("-s", "POLITENESS_MAX_PAUSES=1", "-s", "POLITENESS_PAUSE_START=0.1", "-s", "RETRY_TIMES=0")
    lines, archive = _crawl(tmp_path, crawl_settings, [guarded, consent, article], *settings)
    assert [r["url"] for r in read_local_records(archive).values()] == [article]
    # The bot check paused its site once; answered so again, the URL went on to Scrapy's retries
    # (RETRY_TIMES=0 here) and was skipped as http_403.
    assert f"walls:           {HOSTS[0]} challenge 2, {HOSTS[1]} consent 1" in lines
    assert "pages skipped:   2 (consent_page 1, http_403 1)" in lines
    manifest = json.loads(next((archive / "runs").rglob("*.json")).read_text("utf-8"))
    assert manifest["counts"]["walls"] == {HOSTS[0]: {"challenge": 2}, HOSTS[1]: {"consent": 1}}
    health = manifest["domains"]
    assert (health[HOSTS[0]]["walls"], health[HOSTS[0]]["kinds"]) == (1.0, {"challenge": 2})
    assert (health[HOSTS[1]]["walls"], health[HOSTS[1]]["kinds"]) == (0.5, {"article": 1, "consent": 1})


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("4", 4.0), ("0", 0.0), ("", None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_is_seconds_or_an_http_date(value: str, seconds: float | None) -> None:
    assert retry_after(value) == seconds
