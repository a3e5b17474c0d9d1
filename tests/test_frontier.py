"""The shared frontier (crawler.frontier) end to end: several ``python -m scrapy crawl`` processes, as
users start them on several machines, working one crawl through a real redis-server on 127.0.0.1,
against a local site of 500 invented articles that counts every request."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import redis

from crawler import exit_status
from pipelines.storage.keys import manifest_key
from tests.support.crawls import run_crawl
from tests.support.frontier import (
    ARTICLES,
    IDLE,
    WAIT,
    Crawl,
    NewsSite,
    article_records,
    crawl_env,
    crawl_manifests,
    frontier_settings,
    holding_the_frontier,
    manifests,
    start_workers,
    summed,
)
from tests.support.health_sites import CHANGED, HOSTS, PAGES, health_sites, publish

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

    # Nothing left in Redis but the crawl's fingerprints, its job id, how each process ended, and the
    # site's pace (crawler.middlewares.pace), which expires.
    assert sorted(frontier_redis.keys()) == [
        b"newsarchive:frontier:gazette:crawl",
        b"newsarchive:frontier:gazette:results",
        b"newsarchive:frontier:gazette:seen",
        b"newsarchive:pace:127.0.0.1",
    ]
    assert 0 < frontier_redis.ttl("newsarchive:pace:127.0.0.1") <= 3600
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
    # The killed worker had work left: what it had taken from the queue and not stored is missing from
    # the archive once the others are done (its fingerprints keep the others from queueing it again).
    lost = ARTICLES - len(article_records(archive))
    assert 0 < lost < ARTICLES, f"{lost} of {ARTICLES} articles unarchived after the killed crawl"

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
