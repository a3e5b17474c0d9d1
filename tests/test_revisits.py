"""Revisits (crawler.spiders.revisit, pipelines.write.revisits): archived articles fetched again at the
ages ARCHIVE_REVISIT_AFTER gives, on a clock set with ARCHIVE_NOW, and then never again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.demo.server import LocalSite
from pipelines.write.revisits import due, parse_schedule
from pipelines.write.url_index import UrlState
from tests.support.changing_site import STORIES, publish
from tests.support.crawls import read_local_records, run_crawl
from tests.support.sites import write_urls

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_schedule_is_ages_since_first_seen_each_checked_once() -> None:
    schedule = parse_schedule("1d, 1h,7d")
    assert schedule == [timedelta(hours=1), timedelta(days=1), timedelta(days=7)]
    seen = UrlState("https://news.example/a", "a" * 32, _at(T0), first_seen=_at(T0))
    assert [due(seen, T0 + age, schedule) for age in (timedelta(minutes=59), timedelta(hours=1))] == [
        False,
        True,
    ]
    checked = UrlState(seen.url, seen.id, _at(T0 + timedelta(hours=2)), first_seen=_at(T0))
    assert not due(checked, T0 + timedelta(hours=23), schedule)
    assert due(checked, T0 + timedelta(days=1), schedule)
    last = UrlState(seen.url, seen.id, _at(T0 + timedelta(days=7, minutes=1)), first_seen=_at(T0))
    assert not due(last, T0 + timedelta(days=400), schedule)
    with pytest.raises(ValueError, match="no ages"):
        parse_schedule(" , ")


def _run(spider_args: list[str], tmp_path: Path, crawl_settings: list[str], moment: datetime) -> list[str]:
    result = run_crawl(
        *spider_args,
        "-s",
        f"ARCHIVE_URI={tmp_path / 'archive'}",
        "-s",
        f"ARCHIVE_NOW={_at(moment)}",
        *crawl_settings,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def test_revisits_fetch_each_article_at_each_age_and_record_what_changed(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    urls = publish(site, edited=False)
    given = ["article", "-a", f"urls={write_urls(tmp_path / 'urls.txt', list(urls.values()))}"]
    _run(given, tmp_path, crawl_settings, T0)
    publish(site, edited=True)

    def hits() -> int:
        return sum(site.hits[f"/harbour/{name}.html"] for name in STORIES)

    fetched = []
    for age in (
        timedelta(minutes=30),  # nothing due yet
        timedelta(hours=1, minutes=5),  # the first revisit: the edits are found
        timedelta(hours=3),  # checked since the hour: nothing due
        timedelta(days=1, minutes=5),  # the day
        timedelta(days=7, minutes=5),  # the week
        timedelta(days=8),  # after the last age: never again
    ):
        before = hits()
        _run(["revisit"], tmp_path, crawl_settings, T0 + age)
        fetched.append(hits() - before)
    assert fetched == [0, 6, 0, 6, 6, 0]

    records = read_local_records(tmp_path / "archive")
    versions = {
        name: sorted(r["version"] for r in records.values() if r["url"] == url) for name, url in urls.items()
    }
    assert versions == {
        "headline": [1, 2],
        "paragraph": [1, 2],
        "correction": [1, 2],
        "paywall": [1, 2],
        "chrome": [1],
        "same": [1],
    }
    second = {r["url"]: r for r in records.values() if r["version"] == 2}
    assert {url: second[url]["changes"]["fields"] for url in second} == {
        urls["headline"]: ["title"],
        urls["paragraph"]: ["text"],
        urls["correction"]: ["text"],
        urls["paywall"]: ["text", "kind"],
    }
    # The versions are stamped with the crawl's clock: found by the first revisit.
    assert {r["fetched_at"][:13] for r in second.values()} == {"2026-12-01T09"}
    assert {r["spider"] for r in second.values()} == {"revisit"}


def test_a_bad_schedule_is_one_line_before_any_request(tmp_path: Path, crawl_settings: list[str]) -> None:
    result = run_crawl(
        "revisit",
        "-s",
        f"ARCHIVE_URI={tmp_path / 'archive'}",
        "-s",
        "ARCHIVE_REVISIT_AFTER=soon",
        *crawl_settings,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: ARCHIVE_REVISIT_AFTER='soon': ")


def test_a_due_unchanged_page_costs_one_conditional_request(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    urls = publish(site, edited=False)
    _run(["article", "-a", f"url={urls['same']}"], tmp_path, crawl_settings, T0)
    before = site.hits["/harbour/same.html"]
    lines = _run(["revisit", "-a", "domain=127.0.0.1"], tmp_path, crawl_settings, T0 + timedelta(hours=2))
    assert "unchanged:       1 checked, 0 not due for a check" in lines
    manifest = max(
        (json.loads(p.read_text("utf-8")) for p in (tmp_path / "archive" / "runs").rglob("*.json")),
        key=lambda m: str(m["started_at"]),
    )
    # One conditional request, answered 304: nothing stored.
    assert (manifest["spider"], manifest["counts"]["not_modified"], manifest["counts"]["new"]) == (
        "revisit",
        1,
        0,
    )
    assert site.hits["/harbour/same.html"] - before == 1
