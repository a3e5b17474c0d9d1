"""``kill -9`` of a crawl at several points, chosen by what is already in the archive or the spool,
then the same command again: the killed run left articles unarchived, and after the second run every
article is archived exactly once, no record is ever visible half-written, and what waited in the spool
survives and is delivered."""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import LocalSite
from crawler.record import ArticleRecord
from crawler.urls import record_id
from tests.support.crawls import read_local_records
from tests.support.faultproxy import PASS, REFUSE, FaultProxy
from tests.support.servers import S3_CREDENTIALS, S3Server
from tests.support.sites import FAST_STORAGE, add_articles, s3_documents, start_crawl, write_urls
from tests.support.warcs import archive_objects, check_captures, check_segments, unprefixed


def visible_records(root: Path) -> list[Path]:
    """Record files a reader sees (temporary files of writes in progress start with a dot)."""
    return sorted(p for p in (root / "records").rglob("*.json") if not p.name.startswith("."))


def wait_until(condition: Any, crawl: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert crawl.poll() is None, "the crawl ended before the kill point"
        assert time.monotonic() < deadline, "kill point not reached"
        time.sleep(0.005)


def kill(crawl: subprocess.Popen[str]) -> None:
    crawl.kill()  # SIGKILL: no cleanup, no close_spider, no manifest
    crawl.communicate(timeout=60)
    assert crawl.returncode == -9


def check_raw_pages(objects: dict[str, bytes], records: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    """Every record's raw page resolves in a segment the archive holds, whole; none is left behind,
    open or sealed, in the spool: the run after the kill sealed and delivered the killed run's."""
    check_segments(objects)
    check_captures(objects, records)
    assert list((tmp_path / "spool").rglob("*.warc.gz*")) == []


def check_once(records: dict[str, dict[str, Any]], urls: list[str], validator: Any) -> None:
    for record in records.values():
        validator.validate(record)
    assert Counter(r["url"] for r in records.values()) == Counter(urls)
    assert {r["version"] for r in records.values()} == {1}


@pytest.mark.parametrize(("kill_after", "jobdir"), [(1, False), (17, True), (48, True)])
def test_a_crawl_killed_after_k_records_and_run_again_archives_each_article_once(
    site: LocalSite,
    tmp_path: Path,
    crawl_settings: list[str],
    record_validator: Any,
    kill_after: int,
    jobdir: bool,
) -> None:
    """With or without Scrapy's JOBDIR (its queue and seen requests persist between the runs)."""
    urls = add_articles(site, f"crash-{kill_after}", 60)
    archive = tmp_path / "archive"
    arguments = [
        "article",
        "-a",
        f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
        "-s",
        f"ARCHIVE_URI={archive}",
        *crawl_settings,
        *(["-s", f"JOBDIR={tmp_path / 'job'}"] if jobdir else []),
    ]
    crawl = start_crawl(arguments, log=tmp_path / "killed.log")
    wait_until(lambda: len(visible_records(archive)) >= kill_after, crawl)
    kill(crawl)
    seen = visible_records(archive)
    # Killed with work left: some articles archived (at least the kill point's), not all of them.
    assert kill_after <= len(seen) < len(urls), f"{len(seen)} of {len(urls)} records after the kill"
    for path in seen:  # whole, valid records only, even right after the kill
        record_validator.validate(json.loads(path.read_bytes()))

    again = start_crawl(arguments)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err[-3000:]
    check_once(read_local_records(archive), urls, record_validator)
    check_raw_pages(archive_objects(archive), read_local_records(archive), tmp_path)
    states = [json.loads(p.read_bytes()) for p in (archive / "state" / "articles").rglob("*.json")]
    assert sorted(s["id"] for s in states) == sorted(record_id(url) for url in urls)
    assert all([(v["version"], v["committed"]) for v in s["versions"]] == [(1, True)] for s in states)


def test_a_crawl_into_s3_killed_mid_way_and_run_again_archives_each_article_once(
    site: LocalSite,
    s3_server: S3Server,
    bucket: str,
    tmp_path: Path,
    crawl_settings: list[str],
    record_validator: Any,
) -> None:
    urls = add_articles(site, "crash-s3", 50)
    with FaultProxy(s3_server.endpoint) as proxy:  # in pass mode: it only counts the writes
        arguments = [
            "article",
            "-a",
            f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
            *("-s", f"ARCHIVE_URI=s3://{bucket}/news", "-s", f"AWS_ENDPOINT_URL={proxy.url}"),
            *crawl_settings,
        ]
        crawl = start_crawl(arguments, env=S3_CREDENTIALS, log=tmp_path / "killed.log")
        # Mid-record: a new article is 2 writes (record, state); the 31st is a record before its state.
        wait_until(lambda: proxy.count("written") >= 31, crawl)
        kill(crawl)
        # Killed mid-way: some records in the bucket, not all of them.
        killed = s3_documents(s3_server.objects(bucket), "news/records/")
        assert 0 < len(killed) < len(urls), f"{len(killed)} of {len(urls)} records after the kill"
        again = start_crawl(arguments, env=S3_CREDENTIALS)
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err[-3000:]
    objects = s3_server.objects(bucket)
    check_once(s3_documents(objects, "news/records/"), urls, record_validator)
    check_raw_pages(unprefixed(objects, "news/"), s3_documents(objects, "news/records/"), tmp_path)
    # Only the second run wrote a manifest: the killed one never got to.
    assert [m["exit_status"] for m in s3_documents(objects, "news/runs/").values()] == [0]


def test_the_spool_survives_a_kill_and_the_next_run_delivers_it(
    site: LocalSite,
    s3_server: S3Server,
    bucket: str,
    tmp_path: Path,
    crawl_settings: list[str],
    record_validator: Any,
) -> None:
    urls = add_articles(site, "crash-spool", 40)
    spool_root = tmp_path / "spool"
    with FaultProxy(s3_server.endpoint) as proxy:
        arguments = [
            "article",
            "-a",
            f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
            *("-s", f"ARCHIVE_URI=s3://{bucket}/news", "-s", f"AWS_ENDPOINT_URL={proxy.url}"),
            *crawl_settings,
            *FAST_STORAGE,
        ]
        crawl = start_crawl(arguments, env=S3_CREDENTIALS, log=tmp_path / "killed.log")
        wait_until(lambda: proxy.count("stored_records") >= 5, crawl)
        proxy.set_mode(REFUSE)
        wait_until(lambda: len(list(spool_root.rglob("*.spool"))) >= 8, crawl)
        kill(crawl)
        # Killed with work left: some records in the bucket (5 before the refusals), not all of them,
        # and records waiting in the spool for the next run.
        stored = s3_documents(s3_server.objects(bucket), "news/records/")
        assert 5 <= len(stored) < len(urls), f"{len(stored)} of {len(urls)} records after the kill"
        waiting = sorted(spool_root.rglob("*.spool"))
        assert len(waiting) >= 8, waiting
        for path in waiting:  # whole records, readable after the kill
            assert ArticleRecord.from_dict(json.loads(path.read_bytes())).url in urls
        proxy.set_mode(PASS)
        again = start_crawl(arguments, env=S3_CREDENTIALS)
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err[-3000:]
    objects = s3_server.objects(bucket)
    check_once(s3_documents(objects, "news/records/"), urls, record_validator)
    check_raw_pages(unprefixed(objects, "news/"), s3_documents(objects, "news/records/"), tmp_path)
    [manifest] = s3_documents(objects, "news/runs/").values()
    # Delivered late: what waited in the spool, and any record the killed run had written without its
    # state (a new article's two writes), put through the spool again by this run.
    assert manifest["counts"]["delivered_late"] == len(waiting) + manifest["counts"]["recovered"]
    assert list(spool_root.rglob("*.spool")) == []
