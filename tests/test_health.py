"""Per-domain extraction health (crawler.health, crawler.monitor, newsarchive health): three sites on
three hosts, crawled by one job several times; then one changes its template (no date the extractor
finds, the body mostly in boxes it prunes, no byline) and the next run flags
exactly that site, with its figures and their usual values, while the other two stay healthy."""

from __future__ import annotations

import json
import math
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler import exit_status
from crawler.demo.server import LocalSite
from crawler.extraction import Article
from crawler.health.figures import Thresholds, bucket_floor, bucket_of, judge
from crawler.health.monitor import HealthMonitor
from crawler.stats import Counts
from tests.support.crawls import newsarchive, read_local_records, run_crawl
from tests.support.health_sites import CHANGED, HOSTS, PAGES, health_sites, publish

HEALTH = [
    "-s",
    "ARCHIVE_HEALTH_MIN_PAGES=5",
    "-s",
    "ARCHIVE_HEALTH_MIN_HISTORY=2",
    "-s",
    "ARCHIVE_JOB_NAME=papers",
]


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[dict[str, LocalSite]]:
    with health_sites(tmp_path) as started:
        yield started


def crawl(urls: list[str], tmp_path: Path, run: int, *settings: str) -> subprocess.CompletedProcess[str]:
    urls_file = tmp_path / f"urls-{run}.txt"
    urls_file.write_text("".join(f"{url}\n" for url in urls))
    return run_crawl(
        "article",
        "-a",
        f"urls={urls_file}",
        "-s",
        f"ARCHIVE_URI={tmp_path / 'archive'}",
        "-s",
        f"ARCHIVE_SPOOL_DIR={tmp_path / 'spool'}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        f"ARCHIVE_JOB_ID=papers-run-{run}",
        *HEALTH,
        *settings,
    )


def manifest_of(tmp_path: Path, run: int) -> dict[str, Any]:
    [path] = (tmp_path / "archive" / "runs").rglob(f"papers-run-{run}.json")
    return dict(json.loads(path.read_text("utf-8")))


def floor_of(lengths: list[int], fraction: float) -> int:
    """The health figures' percentile of ``lengths``: the lower bound of its 5% bucket."""
    ordered = sorted(lengths)
    return bucket_floor(bucket_of(ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]))


def test_a_site_that_changes_its_template_is_flagged_alone_with_its_figures(
    sites: dict[str, LocalSite], tmp_path: Path
) -> None:
    for run in (1, 2):  # healthy history
        result = crawl(publish(sites, run), tmp_path, run)
        assert result.returncode == 0, result.stderr[-3000:]
    first = manifest_of(tmp_path, 1)
    assert first["health"] == {"degraded": {}, "healthy": [], "new": list(HOSTS), "little_history": []}
    assert manifest_of(tmp_path, 2)["health"]["little_history"] == list(HOSTS)  # one run so far
    healthy = first["domains"]["127.0.0.1"]
    assert {k: healthy[k] for k in ("pages", "articles", "rejected", "http_errors", "title", "authors")} == {
        "pages": PAGES,
        "articles": PAGES,
        "rejected": 0.0,
        "http_errors": 0.0,
        "title": 1.0,
        "authors": 1.0,
    }
    assert (healthy["published_minute"], healthy["published_day"], healthy["records"]) == (
        1.0,
        1.0,
        {"new": PAGES, "changed": 0, "unchanged": 0},
    )

    result = crawl(publish(sites, 3, changed=True), tmp_path, 3, "-s", "ARCHIVE_HEALTH_FAIL=true")
    assert result.returncode == exit_status.DEGRADED, result.stderr[-3000:]
    third = manifest_of(tmp_path, 3)
    changed_texts = [
        len(r["text"])
        for r in read_local_records(tmp_path / "archive").values()
        if r["url"].startswith(f"http://{CHANGED}:") and "/3/" in r["url"]
    ]
    before = [
        len(r["text"])
        for r in read_local_records(tmp_path / "archive").values()
        if r["url"].startswith(f"http://{CHANGED}:") and "/3/" not in r["url"]
    ]
    usual_median = floor_of(before, 0.5)  # both earlier runs had the same lengths: the median of two
    expected = {
        "body_median": {"value": floor_of(changed_texts, 0.5), "usual": usual_median},
        "body_p10": {"value": floor_of(changed_texts, 0.1), "usual": floor_of(before, 0.1)},
        "published_minute": {"value": 0.0, "usual": 1.0},
        "published_day": {"value": 0.0, "usual": 1.0},
        "authors": {"value": 0.0, "usual": 1.0},
    }
    assert third["health"] == {
        "degraded": {CHANGED: expected},
        "healthy": ["127.0.0.1", "127.0.0.2"],
        "new": [],
        "little_history": [],
    }
    assert third["exit_status"] == exit_status.DEGRADED
    warnings = [line for line in result.stderr.splitlines() if "Extraction degraded" in line]
    assert len(warnings) == 1
    assert warnings[0].endswith(
        f"Extraction degraded on {CHANGED}: body_median {expected['body_median']['value']:,} "
        f"(usual {usual_median:,}), body_p10 {expected['body_p10']['value']:,} "
        f"(usual {expected['body_p10']['usual']:,}), "
        "published_minute 0.00 (usual 1.00), published_day 0.00 (usual 1.00), authors 0.00 (usual 1.00)"
    )
    assert (
        f"degraded sites:  1 ({CHANGED}: authors, body_median, body_p10, published_day, published_minute)"
        in result.stdout.splitlines()
    )

    # newsarchive health: the figures over time, newest first, the degraded run marked.
    report = newsarchive("health", "--domain", CHANGED, "--archive", str(tmp_path / "archive"))
    assert report.returncode == 0, report.stderr
    runs = [manifest_of(tmp_path, run) for run in (3, 2, 1)]
    lines = report.stdout.decode().splitlines()
    assert lines[:5] == [
        CHANGED,
        "started_at\tjob\tpages\tarticles\trejected\twalls\thttp_errors\tbody_median\tbody_p10\ttitle\t"
        "published_minute\tpublished_day\tauthors\tlead\tlanguage\tstate",
        f"{runs[0]['started_at']}\tpapers\t{PAGES}\t{PAGES}\t0.00\t0.00\t0.00\t{expected['body_median']['value']}\t"
        f"{expected['body_p10']['value']}\t1.00\t0.00\t0.00\t0.00\t0.00\t1.00\t"
        "DEGRADED body_median,body_p10,published_minute,published_day,authors",
        f"{runs[1]['started_at']}\tpapers\t{PAGES}\t{PAGES}\t0.00\t0.00\t0.00\t{usual_median}\t"
        f"{expected['body_p10']['usual']}\t1.00\t1.00\t1.00\t1.00\t0.00\t1.00\tlittle history",
        f"{runs[2]['started_at']}\tpapers\t{PAGES}\t{PAGES}\t0.00\t0.00\t0.00\t{usual_median}\t"
        f"{expected['body_p10']['usual']}\t1.00\t1.00\t1.00\t1.00\t0.00\t1.00\tnew",
    ]
    sparkline = f"{CHANGED}  ██▁  {expected['body_median']['value']} .. {usual_median}"  # oldest first
    assert (lines[6], lines[7]) == ("body_median, oldest to newest run:", sparkline)

    as_json = json.loads(newsarchive("health", "--json", "--archive", str(tmp_path / "archive")).stdout)
    assert sorted(as_json) == list(HOSTS)
    assert [row["state"] for row in as_json["127.0.0.1"]] == ["ok", "little history", "new"]
    assert as_json[CHANGED][0]["degraded"] == expected

    metrics = tmp_path / "newsarchive.prom"
    plot = tmp_path / "body.svg"
    done = newsarchive(
        "health", "--prometheus", str(metrics), "--plot", str(plot), "--archive", str(tmp_path / "archive")
    )
    assert done.returncode == 0, done.stderr
    text = metrics.read_text()
    assert f'newsarchive_domain_degraded{{domain="{CHANGED}",job="papers"}} 1' in text.splitlines()
    assert 'newsarchive_domain_degraded{domain="127.0.0.1",job="papers"} 0' in text.splitlines()
    assert f'newsarchive_domain_authors{{domain="{CHANGED}",job="papers"}} 0.0' in text.splitlines()
    assert "# TYPE newsarchive_domain_body_median gauge" in text.splitlines()
    assert plot.read_text().startswith("<svg") and plot.read_text().count("<polyline") == len(HOSTS)


def figures(**values: Any) -> dict[str, Any]:
    base = {
        "pages": 20,
        "articles": 20,
        "rejected": 0.0,
        "http_errors": 0.0,
        "body_median": 2000,
        "body_p10": 900,
        "title": 1.0,
        "published_minute": 0.9,
        "published_day": 1.0,
        "authors": 0.8,
        "lead": 0.5,
        "language": 1.0,
    }
    return {**base, **values}


def test_judging_takes_the_median_of_the_runs_with_enough_pages_and_spares_new_sites() -> None:
    thresholds = Thresholds(runs=3, min_pages=10, min_history=2)
    history = {
        "steady.example": [
            figures(),
            figures(body_median=2100),
            figures(body_median=1900),
            figures(body_median=10),
        ],
        "thin.example": [figures(pages=4), figures(pages=3), figures()],  # one run with enough pages
        "erring.example": [figures(), figures()],
    }
    current = {
        "steady.example": figures(body_median=1000, authors=0.6),  # half of 2000 is not below half
        "thin.example": figures(body_median=10),
        "erring.example": figures(http_errors=0.3, rejected=0.2),
        "fresh.example": figures(body_median=1),
    }
    verdict = judge(current, history, thresholds)
    assert verdict.to_dict() == {
        "degraded": {"erring.example": {"http_errors": {"value": 0.3, "usual": 0.0}}},
        "healthy": ["steady.example"],
        "new": ["fresh.example"],
        "little_history": ["thin.example"],
    }
    # The fourth run of steady.example is beyond ARCHIVE_HEALTH_RUNS: its 10 characters do not count.
    assert judge({"steady.example": figures(body_median=999)}, history, thresholds).degraded == {
        "steady.example": {"body_median": {"value": 999, "usual": 2000}}
    }


def _page(kind: str) -> Article:
    return Article(
        title="A headline", text="x" * 800, authors=["Jane Roe"], agencies=[], published=None, modified=None,
        language="en", description=None, site_name=None, tags=[], image=None,
        canonical_url="https://walls.example/a", sources={}, kind=kind,
    )  # fmt: skip


def test_a_site_whose_pages_turn_into_consent_or_bot_check_walls_is_degraded() -> None:
    """Pages counted by kind, as the crawl announces them (crawler.health.monitor): a site that starts
    answering with walls is degraded on ``walls`` (and ``rejected``), whatever its articles look like."""

    def run(walls: int) -> dict[str, Any]:
        monitor = HealthMonitor(Counts(), Thresholds(), days=30, fail=False)
        for number in range(20):
            kind = ("consent", "challenge")[number % 2] if number < walls else "article"
            monitor.extracted(f"https://walls.example/{number}", _page(kind), archived=kind == "article")
        return monitor.figures()["walls.example"]

    usual, now = run(0), run(14)
    assert (usual["walls"], usual["rejected"], usual["kinds"]) == (0.0, 0.0, {"article": 20})
    assert (now["walls"], now["kinds"], now["skipped"]) == (
        0.7,
        {"article": 6, "challenge": 7, "consent": 7},
        {"challenge_page": 7, "consent_page": 7},
    )
    verdict = judge({"walls.example": now}, {"walls.example": [usual, usual, usual]}, Thresholds())
    assert verdict.degraded == {
        "walls.example": {"rejected": {"value": 0.7, "usual": 0.0}, "walls": {"value": 0.7, "usual": 0.0}}
    }
