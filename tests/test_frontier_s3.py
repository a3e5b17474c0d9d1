"""The shared frontier (crawler.frontier) archiving into a bucket on moto's S3 server, as several
machines share one crawl and one bucket: a seed and a worker (``python -m scrapy crawl`` processes)
on a real redis-server, against a local site of invented articles that counts every request."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.urls import record_id
from pipelines.storage.keys import manifest_key
from tests.support.end_to_end import with_setting
from tests.support.frontier import Crawl, NewsSite, frontier_settings, news_site_of, start_workers
from tests.support.servers import S3_CREDENTIALS, S3Server
from tests.support.warcs import check_captures, check_segments, unprefixed

ARTICLES = 60


@pytest.fixture
def small_news_site(tmp_path: Path) -> Iterator[NewsSite]:
    with news_site_of(tmp_path / "site", ARTICLES) as site:
        yield site


def test_a_seed_and_a_worker_archive_every_article_once_into_a_bucket(
    small_news_site: NewsSite,
    frontier_redis: redis.Redis,
    redis_url: str,
    s3_server: S3Server,
    bucket: str,
    tmp_path: Path,
    crawls: list[Crawl],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uri = f"s3://{bucket}/news"
    settings = frontier_settings(tmp_path, redis_url)
    settings = with_setting(settings, "ARCHIVE_URI", uri)
    settings = with_setting(settings, "AWS_ENDPOINT_URL", s3_server.endpoint)
    # Credentials from boto3's chain, as on a crawling machine: ~/.aws (the processes get no AWS_*
    # variable from start_workers).
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(
        "[default]\n"
        f"aws_access_key_id = {S3_CREDENTIALS['AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {S3_CREDENTIALS['AWS_SECRET_ACCESS_KEY']}\n"
    )
    (home / ".aws" / "config").write_text(f"[default]\nregion = {S3_CREDENTIALS['AWS_DEFAULT_REGION']}\n")
    monkeypatch.setenv("HOME", str(home))
    seed, [worker] = start_workers(2, crawls, small_news_site, settings)
    statuses = [seed.finish(), worker.finish()]
    context = "\n---\n".join(crawl.log() for crawl in (seed, worker))
    assert statuses == [0, 0], f"exit statuses {statuses}:\n{context}"
    secret = S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
    assert [crawl for crawl in (seed, worker) if secret in "".join(crawl.lines)] == []  # never logged
    site = small_news_site
    hits = Counter(site.article_hits().values())
    assert hits == {1: ARTICLES}, f"articles by times fetched {hits}:\n{context}"  # each once
    assert site.site.hits["/sitemap.xml"] == 1

    objects = unprefixed(s3_server.objects(bucket), "news/")
    assert not any(key.startswith(".") or "/." in key for key in objects)  # nothing half-written
    records = {key: json.loads(data) for key, data in objects.items() if key.startswith("records/")}
    expected_ids = sorted(record_id(site.site.url + path) for path in site.paths)
    assert sorted(r["id"] for r in records.values()) == expected_ids  # every article, exactly once
    assert sorted(r["url"] for r in records.values()) == sorted(site.site.url + path for path in site.paths)
    assert {(r["version"], r["previous_key"]) for r in records.values()} == {(1, None)}
    states = {key: json.loads(data) for key, data in objects.items() if key.startswith("state/articles/")}
    assert sorted(states) == sorted(f"state/articles/{i[:2]}/{i}.json" for i in expected_ids)
    by_id = {r["id"]: key for key, r in records.items()}
    assert {
        s["id"]: [(v["version"], v["key"], v["committed"]) for v in s["versions"]] for s in states.values()
    } == {
        article: [(1, key, True)] for article, key in by_id.items()
    }  # one version of each, committed, naming its record
    [job_id] = {r["job_id"] for r in records.values()}

    # Each process's manifest and the crawl's, in the bucket.
    manifests = {key: json.loads(data) for key, data in objects.items() if key.startswith("runs/")}
    processes = {key: m for key, m in manifests.items() if m["frontier"]["worker"] is not None}
    [(crawl_key, crawl)] = [(key, m) for key, m in manifests.items() if m["frontier"]["worker"] is None]
    assert len(processes) == 2 and len(manifests) == 3
    seed_run = next(m for m in processes.values() if m["pid"] == seed.process.pid)
    assert crawl_key == manifest_key(seed_run["started_at"], job_id)
    for key, run in processes.items():
        assert key == manifest_key(run["started_at"], job_id, run["frontier"]["worker"])
        assert (run["job_id"], run["archive"], run["exit_status"], run["finish_reason"]) == (
            job_id,
            uri,
            0,
            "finished",
        )
    assert sum(m["counts"]["new"] for m in processes.values()) == ARTICLES
    fetching = [m for m in processes.values() if m["counts"]["pages_fetched"]]
    assert sum(m["counts"]["pages_fetched"] for m in processes.values()) == ARTICLES + 1 + len(fetching)
    for figure in ("changed", "unchanged", "not_modified", "fresh", "spooled", "lost"):
        assert [m["counts"][figure] for m in processes.values()] == [0, 0], figure
    assert {k: crawl[k] for k in ("job_id", "started_at", "finish_reason", "exit_status", "archive")} == {
        "job_id": job_id,
        "started_at": seed_run["started_at"],
        "finish_reason": "finished",
        "exit_status": 0,
        "archive": uri,
    }
    assert crawl["frontier"]["lost"] == []
    assert sorted(p["manifest"] for p in crawl["frontier"]["processes"]) == sorted(processes)
    assert {(p["exit_status"], p["finish_reason"]) for p in crawl["frontier"]["processes"]} == {
        (0, "finished")
    }
    assert (crawl["counts"]["new"], crawl["counts"]["pages_fetched"]) == (
        ARTICLES,
        ARTICLES + 1 + len(fetching),
    )
    assert seed.summary()[-1] == f"whole crawl:     2 processes reported, 0 lost, exit status 0 ({crawl_key})"

    # Every page captured once, in the processes' segments in the bucket, and every record points to it.
    types = check_segments(objects)
    assert (types["response"], types["metadata"], types["revisit"]) == (ARTICLES, ARTICLES, 0)
    check_captures(objects, records)
    segments = sorted(s for m in processes.values() for s in m["warc"]["segments"])
    assert segments == sorted(key for key in objects if key.endswith(".warc.gz"))
    assert Counter(m["warc"]["segments_pending"] for m in processes.values()) == Counter({0: 2})
