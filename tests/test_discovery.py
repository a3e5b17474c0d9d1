"""Discovery and incremental crawling end to end: the feed, sitemap and site spiders as subprocesses
against the sample site (its feeds, news sitemaps, section pages and broken sources), into a local
directory and into moto's S3 server. What each spider must find is written down in
crawler/demo/site/discovery.json."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import SITE_DIR, LocalSite
from tests.support.crawls import DEMO, SITE_SKIP_REASONS, ArchiveTarget, run_crawl, skipped_line

DISCOVERY: dict[str, Any] = json.loads((SITE_DIR / "discovery.json").read_text("utf-8"))
FEEDS: dict[str, list[str]] = DISCOVERY["feeds"]
SITEMAPS: dict[str, list[str]] = DISCOVERY["sitemaps"]
ALL_ARTICLES = sorted({path for paths in FEEDS.values() for path in paths})
CHANGED = "courier/2021/03/02/harbour-bridge-reopens.html"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def crawl(target: ArchiveTarget, crawl_settings: list[str], *args: str) -> Any:
    result = run_crawl(*args, *target.settings, *crawl_settings, env=target.env)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def archive_target_uri(target: ArchiveTarget) -> str:
    """The archive as the crawl's summary names it."""
    return Path(target.uri).resolve().as_uri() if target.kind == "local" else target.uri


def archived_paths(target: ArchiveTarget, site: LocalSite) -> list[str]:
    return sorted(record["url"][len(site.url) + 1 :] for record in target.records().values())


def summary(result: Any) -> list[str]:
    return [line for line in result.stdout.splitlines() if not line.startswith("pages fetched:")]


def article_hits(site: LocalSite) -> dict[str, int]:
    return {path: site.hits[f"/{path}"] for path in ALL_ARTICLES}


def feed_urls(site: LocalSite) -> str:
    return "url=" + ",".join(f"{site.url}/{path}" for path in FEEDS)


def test_feed_spider_archives_every_entry_and_counts_broken_feeds(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    broken = [path for path in DISCOVERY["broken"] if path.endswith(".rss")]
    urls = ",".join(f"{site.url}/{path}" for path in [*FEEDS, *broken])
    result = crawl(archive_target, crawl_settings, "feed", "-a", f"url={urls}")
    assert summary(result) == [
        f"records written: 13 to {archive_target_uri(archive_target)} (new 13, changed 0)",
        "unchanged:       0 checked, 0 not due for a check",
        "pages skipped:   0 (none)",
        "broken sources:  3 (empty 1, malformed 1, not_a_feed 1)",
        "finish reason:   finished",
    ]
    assert archived_paths(archive_target, site) == ALL_ARTICLES
    for path in broken:
        assert f"Broken feed {site.url}/{path}: {DISCOVERY['broken'][path]}" in result.stderr
    records = {r["url"][len(site.url) + 1 :]: r for r in archive_target.records().values()}
    assert {r["spider"] for r in records.values()} == {"feed"}
    assert {r["version"] for r in records.values()} == {1}


@pytest.mark.parametrize(
    "start",
    ["", "robots.txt", "sitemap_index.xml", "valley/sitemap.xml", "courier/news-sitemap.xml"],
    ids=["home-page", "robots", "index", "sitemap", "news-sitemap"],
)
def test_sitemap_spider_finds_exactly_the_listed_articles(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str], start: str
) -> None:
    result = crawl(archive_target, crawl_settings, "sitemap", "-a", f"url={site.url}/{start}")
    expected = SITEMAPS["sitemap_index.xml" if start in ("", "robots.txt") else start]
    assert archived_paths(archive_target, site) == expected
    assert f"records written: {len(expected)} to {archive_target_uri(archive_target)}" in result.stdout


def test_sitemap_since_skips_older_entries_without_fetching_them(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    dates = DISCOVERY["sitemap_dates"]
    since = datetime(2023, 1, 1, tzinfo=timezone.utc)
    expected = sorted(p for p, d in dates.items() if datetime.fromisoformat(d) >= since)
    before = article_hits(site)
    result = crawl(
        archive_target,
        crawl_settings,
        "sitemap",
        "-a",
        f"url={site.url}/sitemap_index.xml",
        "-a",
        "since=2023-01-01",
    )
    assert (
        archived_paths(archive_target, site)
        == expected
        == [
            "courier/2023/04/20/council-budget-vote.html",
            "rundschau/2023/12/01/fernwaerme-preise-steigen.html",
            "valley/2023/02/06/mill-street-sewer-closure.html",
            "valley/2024/05/21/library-expansion-plans.html",
        ]
    )
    fetched = {path for path, hits in article_hits(site).items() if hits > before[path]}
    assert sorted(fetched) == expected
    [manifest] = archive_target.documents("runs/").values()
    assert manifest["arguments"] == {"url": f"{site.url}/sitemap_index.xml", "since": "2023-01-01"}
    assert "records written: 4" in result.stdout


def test_sitemap_max_age_keeps_the_entries_younger_than_it_from_now(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    """A sitemap written now, its entries dated from a minute to 400 days ago: -a max_age=30d archives
    those of the last 30 days (and the undated one) and fetches none of the others."""
    now = datetime.now(timezone.utc)
    ages = {
        "courier/2024/01/09/lighthouse-cottages-restored.html": timedelta(minutes=1),
        "valley/2024/05/21/library-expansion-plans.html": timedelta(days=1),
        "rundschau/2023/12/01/fernwaerme-preise-steigen.html": timedelta(days=29),
        "courier/2023/04/20/council-budget-vote.html": timedelta(days=31),
        "valley/2023/02/06/mill-street-sewer-closure.html": timedelta(days=40),
        "rundschau/2022/09/12/strassenbahn-linie-7.html": timedelta(days=400),
        "courier/2021/03/02/harbour-bridge-reopens.html": None,  # no lastmod: kept
    }
    assert all(DEMO[path]["is_article"] for path in ages)
    entries = "".join(
        f"<url><loc>{site.url}/{path}</loc>"
        + ("" if age is None else f"<lastmod>{(now - age).isoformat(timespec='seconds')}</lastmod>")
        + "</url>"
        for path, age in ages.items()
    )
    body = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{entries}</urlset>'
    sitemap = site.add_route("/e2e/max-age-sitemap.xml", body=body.encode(), content_type="application/xml")
    before = article_hits(site)
    try:
        result = crawl(archive_target, crawl_settings, "sitemap", "-a", f"url={sitemap}", "-a", "max_age=30d")
    finally:
        site.routes.pop("/e2e/max-age-sitemap.xml")
    expected = [
        "courier/2021/03/02/harbour-bridge-reopens.html",
        "courier/2024/01/09/lighthouse-cottages-restored.html",
        "rundschau/2023/12/01/fernwaerme-preise-steigen.html",
        "valley/2024/05/21/library-expansion-plans.html",
    ]
    assert archived_paths(archive_target, site) == expected
    fetched = sorted(path for path, hits in article_hits(site).items() if hits > before[path])
    assert fetched == expected
    assert f"records written: 4 to {archive_target_uri(archive_target)} (new 4, changed 0)" in (
        result.stdout.splitlines()
    )
    [manifest] = archive_target.documents("runs/").values()
    assert manifest["arguments"] == {"url": sitemap, "max_age": "30d"}


def test_broken_sitemaps_are_counted_and_the_good_one_is_crawled(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    broken = ["broken/malformed-sitemap.xml", "broken/empty-sitemap.xml", "broken/not-gzip.xml.gz"]
    urls = ",".join(f"{site.url}/{path}" for path in [*broken, "courier/news-sitemap.xml"])
    result = crawl(archive_target, crawl_settings, "sitemap", "-a", f"url={urls}")
    assert "broken sources:  3 (bad_gzip 1, empty 1, malformed 1)" in result.stdout.splitlines()
    # The truncated sitemap still gives the whole entry before the cut, and a cut-off URL that is a 404.
    recovered = "valley/2021/03/02/cedar-river-levee-inspection.html"
    expected = sorted([*SITEMAPS["courier/news-sitemap.xml"], recovered])
    assert archived_paths(archive_target, site) == expected
    assert (
        f"Broken sitemap {site.url}/broken/malformed-sitemap.xml: malformed: kept 2 entries" in result.stderr
    )
    assert "pages skipped:   1 (http_404 1)" in result.stdout.splitlines()
    for path in broken:
        assert f"Broken sitemap {site.url}/{path}: {DISCOVERY['broken'][path]}" in result.stderr


def test_site_spider_follows_links_and_archives_only_articles(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    result = crawl(archive_target, crawl_settings, "site", "-a", f"url={site.url}/", "-a", "depth=2")
    assert archived_paths(archive_target, site) == DISCOVERY["site_depth2_articles"]
    assert "records written: 13" in result.stdout
    # Every page of the sample site that is not an article, the home page once more as "/" (the link to
    # it), and the Atom feed a section page links to, which is not HTML.
    skipped = SITE_SKIP_REASONS + Counter([f"{DEMO['index.html']['kind']}_page", "not_html"])
    assert skipped_line(skipped) in result.stdout.splitlines()


def test_site_spider_stops_at_its_depth(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    crawl(archive_target, crawl_settings, "site", "-a", f"url={site.url}/", "-a", "depth=1")
    assert archive_target.records() == {}  # the articles are two links away from the home page


def test_second_run_skips_recent_articles_then_rechecks_and_versions_a_changed_one(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    # Each run named in order: runs a second apart share their manifests' started_at.
    first = crawl(archive_target, crawl_settings, "feed", "-a", feed_urls(site), "-s", "ARCHIVE_JOB_ID=run-1")
    assert "records written: 13" in first.stdout
    records_after_first = archive_target.records()

    # Within ARCHIVE_REFRESH_AFTER (default a day): no article page is even downloaded.
    hits = article_hits(site)
    second = crawl(
        archive_target, crawl_settings, "feed", "-a", feed_urls(site), "-s", "ARCHIVE_JOB_ID=run-2"
    )
    assert summary(second)[:2] == [
        f"records written: 0 to {archive_target_uri(archive_target)} (new 0, changed 0)",
        "unchanged:       0 checked, 13 not due for a check",
    ]
    assert article_hits(site) == hits
    assert archive_target.records() == records_after_first

    # Due for a re-check: a conditional request each; the site answers 304 Not Modified.
    third = crawl(
        archive_target, crawl_settings, "feed", "-a", feed_urls(site), "-s", "ARCHIVE_REFRESH_AFTER=0",
        "-s", "ARCHIVE_JOB_ID=run-3",
    )  # fmt: skip
    assert summary(third)[:2] == [
        f"records written: 0 to {archive_target_uri(archive_target)} (new 0, changed 0)",
        "unchanged:       13 checked, 0 not due for a check",
    ]
    assert article_hits(site) == {path: count + 1 for path, count in hits.items()}
    assert archive_target.records() == records_after_first

    # One article changes: exactly one new version, linked to the first.
    original = (SITE_DIR / CHANGED).read_bytes()
    changed = original.replace(b"shortly after 8pm", b"shortly after 9pm", 1)
    assert changed != original
    site.add_route(f"/{CHANGED}", body=changed, content_type="text/html; charset=utf-8")
    try:
        fourth = crawl(
            archive_target, crawl_settings, "feed", "-a", feed_urls(site), "-s", "ARCHIVE_REFRESH_AFTER=0",
            "-s", "ARCHIVE_JOB_ID=run-4",
        )  # fmt: skip
    finally:
        site.routes.pop(f"/{CHANGED}")
    assert summary(fourth)[:2] == [
        f"records written: 1 to {archive_target_uri(archive_target)} (new 0, changed 1)",
        "unchanged:       12 checked, 0 not due for a check",
    ]
    records = archive_target.records()
    new_keys = sorted(set(records) - set(records_after_first))
    assert len(records) == 14 and len(new_keys) == 1
    newest = records[new_keys[0]]
    [(old_key, oldest)] = [(k, r) for k, r in records_after_first.items() if r["id"] == newest["id"]]
    assert newest["url"] == f"{site.url}/{CHANGED}"
    assert (newest["version"], newest["previous_key"], newest["first_seen_at"]) == (
        2,
        old_key,
        oldest["first_seen_at"],
    )
    assert "shortly after 9pm" in newest["text"] and "shortly after 8pm" in oldest["text"]
    assert newest["content_sha256"] != oldest["content_sha256"]
    [state] = [s for k, s in archive_target.documents("state/articles/").items() if newest["id"] in k]
    assert [(v["version"], v["key"], v["committed"]) for v in state["versions"]] == [
        (1, old_key, True),
        (2, new_keys[0], True),
    ]

    manifests = sorted(archive_target.documents("runs/").values(), key=lambda m: m["job_id"])
    assert [m["job_id"] for m in manifests] == ["run-1", "run-2", "run-3", "run-4"]
    assert [
        {k: m["counts"][k] for k in ("new", "changed", "unchanged", "not_modified", "fresh")}
        for m in manifests
    ] == [
        {"new": 13, "changed": 0, "unchanged": 0, "not_modified": 0, "fresh": 0},
        {"new": 0, "changed": 0, "unchanged": 0, "not_modified": 0, "fresh": 13},
        {"new": 0, "changed": 0, "unchanged": 0, "not_modified": 13, "fresh": 0},
        {"new": 0, "changed": 1, "unchanged": 0, "not_modified": 12, "fresh": 0},
    ]


def test_an_unchanged_page_without_a_304_writes_nothing_new(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    """A server that ignores conditional requests: the page is downloaded and compared by content."""
    path = "/e2e/no-etag-article.html"
    body = (SITE_DIR / CHANGED).read_bytes()
    url = site.add_route(
        path, body=body, content_type="text/html; charset=utf-8", ETag='"changes-every-time"'
    )
    try:
        crawl(archive_target, crawl_settings, "article", "-a", f"url={url}")
        again = crawl(
            archive_target, crawl_settings, "article", "-a", f"url={url}", "-s", "ARCHIVE_REFRESH_AFTER=0"
        )
    finally:
        site.routes.pop(path)
    assert "unchanged:       1 checked, 0 not due for a check" in again.stdout.splitlines()
    assert len(archive_target.records()) == 1


@pytest.mark.parametrize(
    ("spider", "arguments", "message"),
    [
        (
            "sitemap",
            ["-a", "since=last tuesday"],
            "error: -a since: not a date: 'last tuesday' (use e.g. 2021-03-01, 2021-03-01T12:00:00Z or 7d)",
        ),
        (
            "sitemap",
            ["-a", "since=2021-03-01", "-a", "max_age=2d"],
            "error: give -a since or -a max_age, not both",
        ),
        (
            "sitemap",
            ["-a", "max_age=2021-03-01"],
            "error: -a max_age: not a duration: '2021-03-01' (use e.g. 12h, 2d)",
        ),
        ("site", ["-a", "depth=two"], "error: -a depth: not a whole number of links: 'two'"),
        (
            "feed",
            ["-s", "ARCHIVE_REFRESH_AFTER=soon"],
            "error: ARCHIVE_REFRESH_AFTER='soon': not a duration: 'soon' (use e.g. 30m, 12h, 2d, 1w)",
        ),
        (
            "feed",
            ["-s", "ARCHIVE_URL_INDEX_MAX_URLS=lots"],
            "error: ARCHIVE_URL_INDEX_MAX_URLS='lots': not a whole number",
        ),
        (
            "feed",
            ["-s", "ARCHIVE_URL_INDEX_FLUSH_INTERVAL=-1"],
            "error: ARCHIVE_URL_INDEX_FLUSH_INTERVAL='-1': must not be negative",
        ),
    ],
)
def test_bad_discovery_arguments_stop_before_any_request(
    site: LocalSite,
    tmp_path: Path,
    crawl_settings: list[str],
    spider: str,
    arguments: list[str],
    message: str,
) -> None:
    before = sum(site.hits.values())
    result = run_crawl(
        spider,
        "-a",
        f"url={site.url}/sitemap_index.xml",
        *arguments,
        "-s",
        f"ARCHIVE_URI={tmp_path / 'archive'}",
        *crawl_settings,
    )
    assert (result.returncode, result.stderr.splitlines()[-1]) == (2, message)
    assert sum(site.hits.values()) == before
