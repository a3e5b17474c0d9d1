"""The shared frontier's parts (crawler.frontier): its settings checked before a crawl starts, the
duplicate filter on a real redis-server, the roster of processes, the crawl's manifest and exit status."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import redis
from scrapy.core.scheduler import Scheduler as MemoryScheduler
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from crawler import config, exit_status
from crawler.frontier.core import Frontier, redacted
from crawler.frontier.crawl_manifest import crawl_manifest
from crawler.frontier.roster import ProcessResult, Roster
from crawler.frontier.scheduler import FrontierDupeFilter, FrontierScheduler
from tests.support.crawls import run_crawl
from tests.support.frontier import (
    NewsSite,
    crawl_env,
)

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
