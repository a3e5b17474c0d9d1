"""End to end on a bucket of moto's S3 server, what the other tests walk on a directory only: the
per-domain health of a job's runs read from the bucket (``newsarchive health``), and the raw pages
read back from the WARC segments in the bucket (``newsarchive get --raw`` and ``--warc``) and replayed
by pywb from the segments fetched from it."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from crawler import exit_status
from crawler.demo.server import SITE_DIR, LocalSite
from crawler.health.figures import FIGURES
from tests.support.crawls import ARTICLES, run_crawl
from tests.support.end_to_end import PARALLEL, Newsarchive
from tests.support.health_sites import CHANGED, HOSTS, PAGES, health_sites, publish
from tests.support.replay import pywb_replaying, served
from tests.support.servers import S3_CREDENTIALS, S3Server
from tests.support.warcs import check_captures, check_segments, resolve, unprefixed

HEALTH = [
    *("-s", "ARCHIVE_HEALTH_MIN_PAGES=5"),
    *("-s", "ARCHIVE_HEALTH_MIN_HISTORY=2"),
    *("-s", "ARCHIVE_JOB_NAME=papers"),
]
# What the changed template loses (tests/support/health_sites.py), in the order the verdict names it.
LOST = ["body_median", "body_p10", "published_minute", "published_day", "authors"]


def on_bucket(s3_server: S3Server, bucket: str, crawl_settings: list[str]) -> tuple[str, list[str]]:
    uri = f"s3://{bucket}/news"
    return uri, ["-s", f"ARCHIVE_URI={uri}", "-s", f"AWS_ENDPOINT_URL={s3_server.endpoint}", *crawl_settings]


def reader(s3_server: S3Server, uri: str, tmp_path: Path) -> Newsarchive:
    env = {
        **S3_CREDENTIALS,
        "AWS_ENDPOINT_URL": s3_server.endpoint,
        "ARCHIVE_SPOOL_DIR": str(tmp_path / "rs"),
    }
    return Newsarchive(uri, env)


def test_health_reads_a_jobs_runs_from_the_bucket_and_flags_the_site_that_changed(
    s3_server: S3Server, bucket: str, tmp_path: Path, crawl_settings: list[str]
) -> None:
    uri, settings = on_bucket(s3_server, bucket, crawl_settings)
    statuses = []
    with health_sites(tmp_path) as sites:
        for run in (1, 2, 3):  # two healthy runs, then one site's template changes
            urls = tmp_path / f"urls-{run}.txt"
            urls.write_text("".join(f"{url}\n" for url in publish(sites, run, changed=run == 3)))
            result = run_crawl(
                "article",
                "-a",
                f"urls={urls}",
                *settings,
                *HEALTH,
                *("-s", f"ARCHIVE_JOB_ID=papers-run-{run}", "-s", f"ARCHIVE_HEALTH_FAIL={run == 3}"),
                env=S3_CREDENTIALS,
            )
            statuses.append((result.returncode, result.stderr[-3000:]))
    assert [status for status, _ in statuses] == [0, 0, exit_status.DEGRADED], statuses
    manifests = {
        m["job_id"]: m
        for key, data in unprefixed(s3_server.objects(bucket), "news/").items()
        if key.startswith("runs/")
        for m in [json.loads(data)]
    }
    assert sorted(manifests) == ["papers-run-1", "papers-run-2", "papers-run-3"]
    runs = [manifests[f"papers-run-{run}"] for run in (3, 2, 1)]  # newest first
    # The third run judged each site against the two before it, read from the bucket.
    assert (runs[2]["health"]["new"], runs[1]["health"]["little_history"]) == (list(HOSTS), list(HOSTS))
    verdict = runs[0]["health"]
    assert list(verdict["degraded"]) == [CHANGED] and list(verdict["degraded"][CHANGED]) == LOST
    assert (verdict["healthy"], verdict["new"], verdict["little_history"]) == (
        ["127.0.0.1", "127.0.0.2"],
        [],
        [],
    )

    tool = reader(s3_server, uri, tmp_path)
    report = json.loads(tool.ok("health", "--json").stdout)
    assert sorted(report) == list(HOSTS)
    for host in HOSTS:
        rows = report[host]
        assert [(r["started_at"], r["job"], r["pages"], r["articles"]) for r in rows] == [
            (m["started_at"], "papers", PAGES, PAGES) for m in runs
        ], host
        latest = "DEGRADED " + ",".join(LOST) if host == CHANGED else "ok"
        assert [r["state"] for r in rows] == [latest, "little history", "new"], host
        # Every figure as the run's manifest in the bucket holds it.
        assert [{name: r[name] for name in FIGURES} for r in rows] == [
            {name: m["domains"][host].get(name) for name in FIGURES} for m in runs
        ], host
    changed = report[CHANGED]
    assert [(r["authors"], r["published_minute"], r["title"]) for r in changed] == [
        (0.0, 0.0, 1.0),
        (1.0, 1.0, 1.0),
        (1.0, 1.0, 1.0),
    ]
    assert changed[0]["degraded"] == verdict["degraded"][CHANGED]
    assert ["degraded" in r for host in HOSTS for r in report[host]].count(True) == 1

    assert json.loads(tool.ok("health", "--json", "--job", "papers").stdout) == report
    assert json.loads(tool.ok("health", "--json", "--job", "other").stdout) == {}
    assert json.loads(tool.ok("health", "--json", "--domain", CHANGED).stdout) == {CHANGED: changed}
    metrics = tmp_path / "newsarchive.prom"
    tool.ok("health", "--prometheus", str(metrics))
    degraded = [
        line for line in metrics.read_text().splitlines() if line.startswith("newsarchive_domain_degraded{")
    ]
    assert degraded == [
        f'newsarchive_domain_degraded{{domain="{host}",job="papers"}} {int(host == CHANGED)}'
        for host in HOSTS
    ]


def test_pages_captured_into_a_bucket_come_back_byte_for_byte_and_replay_in_pywb(
    site: LocalSite, s3_server: S3Server, bucket: str, tmp_path: Path, crawl_settings: list[str]
) -> None:
    uri, settings = on_bucket(s3_server, bucket, crawl_settings)
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(f"{site.url}/{path}\n" for path in ARTICLES))
    result = run_crawl("article", "-a", f"urls={urls}", *settings, env=S3_CREDENTIALS)
    assert result.returncode == 0, result.stderr[-3000:]
    objects = unprefixed(s3_server.objects(bucket), "news/")
    # Every record of the segment read with its digests checked, its index as cdxj-indexer makes it.
    assert check_segments(objects) == Counter(
        {"warcinfo": 1, "request": len(ARTICLES), "response": len(ARTICLES), "metadata": len(ARTICLES)}
    )
    records = {key: json.loads(data) for key, data in objects.items() if key.startswith("records/")}
    assert sorted(r["url"] for r in records.values()) == sorted(f"{site.url}/{path}" for path in ARTICLES)
    check_captures(objects, records)

    tool = reader(s3_server, uri, tmp_path)
    pages = {f"{site.url}/{path}": (SITE_DIR / path).read_bytes() for path in ARTICLES}
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        raw = dict(zip(pages, pool.map(lambda url: tool.ok("get", url, "--raw").stdout, pages), strict=True))
    assert raw == pages  # byte for byte, every article
    url = f"{site.url}/{ARTICLES[0]}"
    [record] = [r for r in records.values() if r["url"] == url]
    warc = tmp_path / "page.warc.gz"
    tool.ok("get", record["id"], "--warc", str(warc))
    response, body = resolve({"page": warc.read_bytes()}, {"warc": "page", "offset": 0, "length": 1 << 30})
    headers = response.rec_headers
    assert (response.rec_type, headers.get_header("WARC-Target-URI"), body) == ("response", url, pages[url])
    assert (headers.get_header("WARC-Record-ID"), headers.get_header("WARC-Payload-Digest")) == (
        record["capture"]["record_id"],
        record["capture"]["digest"],
    )
    assert warc.read_bytes() == _member(objects, record["capture"])

    # pywb replays every article from the segment as fetched from the bucket.
    fetched = tmp_path / "fetched"
    fetched.mkdir()
    segments = []
    for key, data in objects.items():
        if key.endswith(".warc.gz"):
            segments.append(fetched / key.rsplit("/", 1)[1])
            segments[-1].write_bytes(data)
    assert len(segments) == 1
    with pywb_replaying(tmp_path / "pywb", segments) as base:
        replayed = {page: served(f"{base}/news/id_/{page}") for page in pages}
    assert replayed == pages


def _member(objects: dict[str, bytes], capture: dict[str, Any]) -> bytes:
    """The response record's gzip member as the segment in the bucket holds it."""
    return objects[capture["warc"]][capture["offset"] : capture["offset"] + capture["length"]]
