"""Lose nothing when storage fails: crawls into moto's S3 through a proxy that refuses, hangs, resets,
answers 503 SlowDown or loses replies while the crawl runs (tests/support/faultproxy.py), switched on the
crawl's progress as the proxy and the spool see it, never on time."""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler import exit_status
from crawler.demo.server import LocalSite
from crawler.urls import record_id
from pipelines.commands import main
from tests.support.faultproxy import HANG, LOSE_REPLY, PASS, REFUSE, RESET, SLOWDOWN, FaultProxy
from tests.support.servers import S3_CREDENTIALS, S3Server
from tests.support.sites import (
    FAST_STORAGE,
    add_articles,
    add_gated_article,
    s3_documents,
    start_crawl,
    write_urls,
)
from tests.support.warcs import check_captures, check_segments, unprefixed


@pytest.fixture
def proxy(s3_server: S3Server) -> Any:
    with FaultProxy(s3_server.endpoint) as running:
        yield running


def spooled(spool_root: Path) -> list[Path]:
    return sorted(spool_root.rglob("*.spool"))


def check_archive(objects: dict[str, bytes], urls: list[str], validator: Any) -> dict[str, dict[str, Any]]:
    """Every URL has exactly one record and one committed version; returns the records by key."""
    records = s3_documents(objects, "news/records/")
    for record in records.values():
        validator.validate(record)
    assert Counter(r["url"] for r in records.values()) == Counter(urls)
    assert sorted(r["id"] for r in records.values()) == sorted(record_id(url) for url in urls)
    assert {r["version"] for r in records.values()} == {1}
    states = s3_documents(objects, "news/state/articles/")
    assert len(states) == len(urls)
    for state in states.values():
        assert [(v["version"], v["committed"]) for v in state["versions"]] == [(1, True)]
        assert f"news/{state['versions'][0]['key']}" in records
    # Every raw page in a whole, delivered segment, whatever the storage did meanwhile.
    check_segments(unprefixed(objects, "news/"))
    check_captures(unprefixed(objects, "news/"), records)
    return records


def manifest_of(objects: dict[str, bytes]) -> dict[str, Any]:
    [manifest] = s3_documents(objects, "news/runs/").values()
    return manifest


def test_a_crawl_through_every_kind_of_storage_fault_stores_each_article_once(
    site: LocalSite,
    s3_server: S3Server,
    bucket: str,
    proxy: FaultProxy,
    tmp_path: Path,
    crawl_settings: list[str],
    record_validator: Any,
) -> None:
    gate = threading.Event()
    urls = add_articles(site, "faults", 199)
    urls.append(add_gated_article(site, "/faults/last.html", gate))  # the crawl ends after the faults
    spool_root = tmp_path / "spool"
    crawl = start_crawl(
        crawl_arguments(tmp_path, urls, bucket, proxy, crawl_settings),
        env=S3_CREDENTIALS,
        log=tmp_path / "crawl.log",
    )
    try:
        stored = lambda n: lambda: proxy.count("stored_records") >= n  # noqa: E731
        seen = lambda mode, n: lambda: proxy.count(mode) >= n  # noqa: E731
        phases = [
            (PASS, stored(20), "20 records stored"),
            (REFUSE, lambda: len(spooled(spool_root)) >= 3, "3 records spooled"),
            (PASS, stored(50), "50 records stored"),
            (SLOWDOWN, seen(SLOWDOWN, 20), "20 requests answered 503"),
            (PASS, stored(80), "80 records stored"),
            (RESET, seen(RESET, 20), "20 uploads reset"),
            (PASS, stored(110), "110 records stored"),
            (HANG, seen(HANG, 6), "6 requests hung"),
            (PASS, stored(140), "140 records stored"),
            (LOSE_REPLY, seen(LOSE_REPLY, 10), "10 replies lost"),
            (PASS, stored(170), "170 records stored"),
        ]
        for mode, condition, what in phases:
            proxy.set_mode(mode)
            proxy.wait_for(lambda c=condition: c() or crawl.poll() is not None, what=what)  # type: ignore[misc]
            assert crawl.poll() is None, (tmp_path / "crawl.log").read_text()[-3000:]
        gate.set()
        out, _ = crawl.communicate(timeout=300)
    finally:
        gate.set()
        if crawl.poll() is None:
            crawl.kill()
    log = (tmp_path / "crawl.log").read_text()
    assert crawl.returncode == 0, log[-3000:]
    objects = s3_server.objects(bucket)
    check_archive(objects, urls, record_validator)
    counts = manifest_of(objects)["counts"]
    assert counts["spooled"] >= 3
    assert {name: counts[name] for name in ("new", "changed", "delivered_late", "still_spooled", "lost")} == {
        "new": 200,
        "changed": 0,
        "delivered_late": counts["spooled"],
        "still_spooled": 0,
        "lost": 0,
    }
    assert manifest_of(objects)["exit_status"] == 0
    assert f"records written: 200 to s3://{bucket}/news (new 200, changed 0)" in out.splitlines()
    assert (
        f"records spooled: {counts['spooled']} (delivered late {counts['spooled']}, still waiting 0)"
        in out.splitlines()
    )
    assert spooled(spool_root) == []
    assert "Storage answers again" in log
    assert S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in out + log


def test_records_spooled_when_storage_stays_down_are_delivered_by_the_next_run(
    site: LocalSite,
    s3_server: S3Server,
    bucket: str,
    proxy: FaultProxy,
    tmp_path: Path,
    crawl_settings: list[str],
    record_validator: Any,
) -> None:
    gate = threading.Event()
    urls = add_articles(site, "down-at-end", 39)
    urls.append(add_gated_article(site, "/down-at-end/last.html", gate))
    arguments = crawl_arguments(tmp_path, urls, bucket, proxy, crawl_settings)
    # Each run named in order: runs a second apart share their manifests' started_at.
    first_run = [*arguments, "-s", "ARCHIVE_JOB_ID=run-1"]
    crawl = start_crawl(first_run, env=S3_CREDENTIALS, log=tmp_path / "first.log")
    try:
        proxy.wait_for(lambda: proxy.count("stored_records") >= 10 or crawl.poll() is not None)
        proxy.set_mode(HANG)  # and it never comes back during this run
        gate.set()
        out, _ = crawl.communicate(timeout=300)
    finally:
        gate.set()
        if crawl.poll() is None:
            crawl.kill()
    first_log = (tmp_path / "first.log").read_text()
    assert crawl.returncode == 3, first_log[-3000:]
    waiting = spooled(tmp_path / "spool")
    records_waiting = [p for p in waiting if p.parent.name != "objects"]
    [manifest_waiting] = [p for p in waiting if p.parent.name == "objects"]  # the run's manifest
    # Every article is stored or spooled; some both: written, but not committed when storage went down.
    stored_first = {r["id"] for r in s3_documents(s3_server.objects(bucket), "news/records/").values()}
    assert stored_first | {p.name[:32] for p in records_waiting} == {record_id(url) for url in urls}
    spool_line = (
        f"records spooled: {len(records_waiting)} (delivered late 0, still waiting {len(records_waiting)})"
    )
    assert spool_line in out.splitlines()
    manifest = json.loads(manifest_waiting.read_bytes())
    assert (manifest["exit_status"], manifest["counts"]["still_spooled"], manifest["counts"]["lost"]) == (
        3,
        len(records_waiting),
        0,
    )
    # The run's raw pages wait too: its segment, sealed whole, could not be put either.
    [segment] = manifest["warc"]["segments"]
    assert manifest["warc"]["segments_pending"] == 1
    assert "raw pages:       1 WARC segment waiting in the spool for delivery" in out.splitlines()
    assert [p.name for p in (tmp_path / "spool").rglob("*.warc.gz")] == [segment.rsplit("/", 1)[1]]

    proxy.set_mode(PASS)
    second_run = [*arguments, "-s", "ARCHIVE_JOB_ID=run-2"]
    second = start_crawl(second_run, env=S3_CREDENTIALS, log=tmp_path / "second.log")
    out, _ = second.communicate(timeout=300)
    second_log = (tmp_path / "second.log").read_text()
    assert second.returncode == 0, second_log[-3000:]
    objects = s3_server.objects(bucket)
    check_archive(objects, urls, record_validator)
    runs = sorted(s3_documents(objects, "news/runs/").values(), key=lambda m: m["job_id"])
    assert [(m["job_id"], m["exit_status"]) for m in runs] == [("run-1", 3), ("run-2", 0)]
    assert runs[1]["counts"]["delivered_late"] == len(records_waiting)
    assert runs[1]["counts"]["new"] == len(records_waiting)  # delivered at the start of this run
    assert runs[1]["counts"]["fresh"] == 40  # delivered before the crawl: no page is fetched again
    assert f"records spooled: 0 (delivered late {len(records_waiting)}, still waiting 0)" in out.splitlines()
    assert spooled(tmp_path / "spool") == []
    assert f"news/{segment}" in objects  # the first run's, delivered by the second
    assert list((tmp_path / "spool").rglob("*.warc.gz*")) == []


def test_newsarchive_flush_delivers_the_spool_on_demand(
    site: LocalSite,
    s3_server: S3Server,
    bucket: str,
    proxy: FaultProxy,
    tmp_path: Path,
    crawl_settings: list[str],
    record_validator: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    urls = add_articles(site, "flush", 12)
    # The bucket check and the state reads pass; from the first record write on, storage refuses
    # every connection until the crawl is over: no record can be stored before the switch.
    proxy.switch_on(REFUSE, "PUT", "/news/records/")
    crawl = start_crawl(
        crawl_arguments(tmp_path, urls, bucket, proxy, crawl_settings),
        env=S3_CREDENTIALS,
        log=tmp_path / "log",
    )
    try:
        out, _ = crawl.communicate(timeout=300)
    finally:
        if crawl.poll() is None:
            crawl.kill()
    assert crawl.returncode == 3, (tmp_path / "log").read_text()[-3000:]
    assert "records spooled: 12 (delivered late 0, still waiting 12)" in out.splitlines()
    assert (proxy.count("stored_records"), proxy.mode) == (0, REFUSE)
    assert s3_documents(s3_server.objects(bucket), "news/records/") == {}
    waiting = [p for p in spooled(tmp_path / "spool") if p.parent.name != "objects"]
    assert sorted(p.name[:32] for p in waiting) == sorted(record_id(url) for url in urls)
    spool_dir = waiting[0].parent

    for name, value in {**S3_CREDENTIALS, "AWS_ENDPOINT_URL": proxy.url, **FAST_ENV}.items():
        monkeypatch.setenv(name, value)
    flush = ["flush", "--archive", f"s3://{bucket}/news", "--spool-dir", str(tmp_path / "spool")]
    assert main(flush) == exit_status.UNREACHABLE  # storage still refuses
    assert capsys.readouterr().err.splitlines() == [
        f"error: 12 records and 1 WARC segment still waiting in the spool {spool_dir}: "
        f"ARCHIVE_URI='s3://{bucket}/news': cannot connect to the S3 endpoint (EndpointConnectionError)"
    ]
    assert [p for p in spooled(tmp_path / "spool") if p.parent.name != "objects"] == waiting

    proxy.set_mode(PASS)
    assert main(flush) == exit_status.OK
    assert capsys.readouterr().err.splitlines() == [
        "delivered 12 records (new 12, changed 0, unchanged 0), 1 run manifest and 1 WARC segment "
        f"from {spool_dir} to s3://{bucket}/news"
    ]
    objects = s3_server.objects(bucket)
    check_archive(objects, urls, record_validator)
    assert manifest_of(objects)["counts"]["still_spooled"] == 12  # as the run ended
    assert spooled(tmp_path / "spool") == []
    assert main(flush) == exit_status.OK
    assert capsys.readouterr().err.splitlines() == [
        f"nothing to deliver: no records waiting in {spool_dir} for s3://{bucket}/news"
    ]


FAST_ENV = {"ARCHIVE_STORE_CONNECT_TIMEOUT": "1", "ARCHIVE_STORE_READ_TIMEOUT": "1", "AWS_MAX_ATTEMPTS": "2"}


def crawl_arguments(
    tmp_path: Path, urls: list[str], bucket: str, proxy: FaultProxy, crawl_settings: list[str]
) -> list[str]:
    return [
        "article",
        "-a",
        f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
        *("-s", f"ARCHIVE_URI=s3://{bucket}/news", "-s", f"AWS_ENDPOINT_URL={proxy.url}"),
        *crawl_settings,
        *FAST_STORAGE,
        *("-s", "DOWNLOAD_TIMEOUT=300"),
    ]
