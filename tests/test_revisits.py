"""Revisits (crawler.spiders.revisit, pipelines.write.revisits): archived articles fetched again at the
ages ARCHIVE_REVISIT_AFTER gives, on a clock set with ARCHIVE_NOW, and then never again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import LocalSite
from pipelines.write.revisits import due, parse_schedule
from pipelines.write.url_index import UrlState
from tests.support.changing_site import (
    STORIES,
    VERSIONS_AFTER_EDITS,
    publish,
    publish_stories,
    story_path,
)
from tests.support.crawls import read_local_records, run_crawl
from tests.support.end_to_end import Newsarchive
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
    assert versions == VERSIONS_AFTER_EDITS
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
    archive = tmp_path / "archive"
    files = {p: p.stat().st_mtime_ns for p in archive.rglob("*") if p.is_file()}
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
    # In the archive: the URL index's flush, the run's manifest and the 304 kept as a WARC revisit
    # record; no record, no article state.
    written = {
        "/".join(p.relative_to(archive).parts[:2])
        for p in archive.rglob("*")
        if p.is_file() and files.get(p) != p.stat().st_mtime_ns
    }
    assert written == {"state/url-index", "runs/date=2026-12-01", "warc/date=2026-12-01"}


def test_forty_stories_over_a_week_make_exactly_the_versions_their_edits_make(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str], record_validator: Any
) -> None:
    urls = publish_stories(site, 0)
    runs = [
        (["article", "-a", f"urls={write_urls(tmp_path / 'urls.txt', urls)}"], T0),
        (["revisit"], T0 + timedelta(hours=1, minutes=5)),
        (["revisit"], T0 + timedelta(days=1, minutes=5)),
        (["revisit"], T0 + timedelta(days=7, minutes=5)),
        (["revisit"], T0 + timedelta(days=8)),  # after the last age: nothing
    ]

    def page_hits() -> int:
        return sum(hits for path, hits in site.hits.items() if path.startswith("/life/"))

    fetched = []
    for crawl, (args, moment) in enumerate(runs):
        publish_stories(site, crawl)
        before = page_hits()
        _run(args, tmp_path, crawl_settings, moment)
        fetched.append(page_hits() - before)
    # Every story at each age, once (the two moved ones: their old URL, then where it redirects).
    assert fetched == [40, 40, 40, 42, 0]

    stories: dict[str, list[dict[str, Any]]] = {}
    for record in read_local_records(tmp_path / "archive").values():
        stories.setdefault(record["url"].split("/life/", 1)[1], []).append(record)
    for found in stories.values():
        found.sort(key=lambda r: r["version"])
    # The most-read box changed before every crawl and made no version: the 20 stories never edited
    # have one; each edited story has exactly one more, saying what its edit was.
    assert sorted(path for path, found in stories.items() if len(found) == 1) == sorted(
        [story_path(n)[6:] for n in range(20, 40)] + [story_path(n, moved=True)[6:] for n in (16, 17)]
    )
    changed = {int(path[-7:-5]): found[1] for path, found in stories.items() if len(found) == 2}
    assert sorted(changed) == list(range(20)) and all(len(stories[story_path(n)[6:]]) == 2 for n in range(20))
    summary = {
        number: (
            record["kind"],
            record["changes"]["fields"],
            record["changes"]["correction"],
            record["changes"]["kind"],
            record["moved_to"],
        )
        for number, record in changed.items()
    }
    gone = (
        "gone",
        ["title", "text", "authors", "published_at", "kind"],
        False,
        {"from": "article", "to": "gone"},
    )
    moved = ("moved", gone[1], False, {"from": "article", "to": "moved"})
    assert summary == {
        **{n: ("article", ["title"], False, None, None) for n in range(0, 5)},
        **{n: ("article", ["text"], False, None, None) for n in range(5, 10)},
        **{n: ("article", ["text"], True, None, None) for n in range(10, 13)},
        **{n: (*gone, None) for n in range(13, 16)},
        **{n: (*moved, f"{site.url}{story_path(n, moved=True)}") for n in (16, 17)},
        **{
            n: ("paywall", ["text", "kind"], False, {"from": "article", "to": "paywall"}, None)
            for n in (18, 19)
        },
    }
    assert all(changed[n]["text"] == "" and changed[n]["title"] is None for n in range(13, 18))
    for found in stories.values():
        for record in found:
            record_validator.validate(record)
    tool = Newsarchive(str(tmp_path / "archive"), {"ARCHIVE_SPOOL_DIR": str(tmp_path / "tool-spool")})
    listed = {
        what: {
            line["id"]: line["moved_to"]
            for line in map(json.loads, tool.ok("changes", "--what", what, "--json").stdout.splitlines())
        }
        for what in ("gone", "moved", "correction")
    }
    assert listed == {
        "gone": {changed[n]["id"]: None for n in range(13, 16)},
        "moved": {changed[n]["id"]: changed[n]["moved_to"] for n in (16, 17)},
        "correction": {changed[n]["id"]: None for n in range(10, 13)},
    }
    gone_diff = tool.ok("diff", changed[13]["id"]).stdout.decode().splitlines()
    assert gone_diff[2:4] == [
        "changed: kind article -> gone",
        f"title: [-{stories[story_path(13)[6:]][0]['title']}-]",
    ]

    # Each run's manifest: what its revisits found on the site.
    manifests = sorted(
        (json.loads(p.read_text("utf-8")) for p in (tmp_path / "archive" / "runs").rglob("*.json")),
        key=lambda m: str(m["started_at"]),
    )
    revisits = [m["domains"].get("127.0.0.1", {}).get("revisits") for m in manifests]
    counted = [
        None if r is None else [r[name] for name in ("revisited", "changed", "gone", "moved")]
        for r in revisits
    ]
    assert counted == [[0, 0, 0, 0], [40, 8, 0, 0], [40, 5, 3, 0], [40, 2, 0, 2], None]
    report = json.loads(tool.ok("health", "--json").stdout)["127.0.0.1"]  # newest run first
    assert [row.get("revisits", {}).get("gone_share") for row in report] == [0.0, 0.075, 0.0, None]
    assert {k: v for k, v in revisits[2].items() if k.endswith("_share")} == {
        "changed_share": 0.125,
        "gone_share": 0.075,
        "moved_share": 0.0,
    }
