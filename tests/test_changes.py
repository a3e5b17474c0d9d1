"""Each article's life: a loopback site edits its pages between two crawls; each new version records
what changed (pipelines.write.changes), a change in the page's chrome makes none, and ``newsarchive
diff`` and ``changes`` read it, on a directory and on moto's S3 server, before and after ``compact``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crawler.demo.server import LocalSite
from pipelines.write.changes import compare
from tests.support.crawls import ArchiveTarget, run_crawl
from tests.support.end_to_end import newsarchive_for, utc_day
from tests.support.sites import write_urls

HTML = "text/html; charset=utf-8"
PARAGRAPHS = [
    "The harbour board of {place} voted on Monday to rebuild the north pier before the winter storms arrive. "
    "Members agreed after a long evening that the old structure could not be patched for another season.",
    "Engineers said the timber piles in {place} had rotted further than a survey two years ago had found. "
    "Several of them, they told the board, now carry less than half of the load they were built to bear.",
    "Work will close the pier to fishing boats for six weeks, and the ferry will use the south quay. "
    "Skippers asked for the works to start after the herring season, and the board said it would try.",
    "The board expects to publish the contractor's schedule at its next meeting in the {place} town hall. "
    "Residents who want to comment on the plans can write to the harbour office until the end of the month.",
]
PLACES = {
    "headline": "Saltfleet",
    "paragraph": "Millbeck",
    "correction": "Carrow",
    "paywall": "Dunmore",
    "chrome": "Oakhaven",
    "same": "Lowmoor",
}


def page(title: str, paragraphs: list[str], most_read: str, paywall: bool = False) -> bytes:
    """A news page with the chrome real pages carry: navigation, a "most read" box, a footer."""
    access = ', "isAccessibleForFree": false' if paywall else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if paywall:
        body += '<div class="paywall"><p>Subscribe to continue reading this article.</p></div>'
    published = "2026-11-30T09:15:00+01:00"
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Harbour Times</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}",
"datePublished": "{published}", "author": {{"@type": "Person", "name": "Ada Quill"}}{access}}}</script>
</head><body><nav><a href="/">Home</a> <a href="/harbour/">Harbour</a></nav>
<article><h1>{title}</h1><p class="byline">By Ada Quill</p>
<time datetime="{published}">30 November 2026</time>{body}</article>
<aside class="most-read"><h2>Most read</h2><ol><li><a href="/x">{most_read}</a></li></ol></aside>
<footer>&copy; Harbour Times, updated {most_read[:8]}</footer></body></html>""".encode()


PAYWALL = "paywall"
STORIES = {
    "headline": "Harbour board approves pier rebuild",
    "paragraph": "Ferry timetable changes for the pier works",
    "correction": "Pier works to cost less than feared",
    "paywall": "What the pier rebuild means for fishermen",
    "chrome": "Storm warning for the north coast",
    "same": "Town hall opens its archive to visitors",
}


def publish(site: LocalSite, edited: bool) -> dict[str, str]:
    """The six stories, as first published or as edited; returns their URLs by name."""
    urls = {}
    box = "Lighthouse keeper retires" if not edited else "Bakery wins regional prize"
    for name, title in STORIES.items():
        paragraphs = [p.format(place=PLACES[name]) for p in PARAGRAPHS]
        if edited and name == "headline":
            title = "Harbour board approves pier rebuild after long debate"
        if edited and name == "paragraph":
            paragraphs.append("The ferry company said the new timetable will be posted at both quays.")
        if edited and name == "correction":
            paragraphs.append(
                "Correction: An earlier version of this article gave the wrong cost of the works."
            )
        paywall = edited and name == "paywall"
        if paywall:
            paragraphs = paragraphs[:1]
        urls[name] = site.add_route(
            f"/harbour/{name}.html", 200, page(title, paragraphs, box, paywall), content_type=HTML
        )
    return urls


def _crawl(tmp_path: Path, target: ArchiveTarget, crawl_settings: list[str], urls: list[str]) -> None:
    result = run_crawl(
        "article",
        "-a",
        f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
        *target.settings,
        *crawl_settings,
        "-s",
        "ARCHIVE_REFRESH_AFTER=0",
        env=target.env,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_an_edited_article_records_its_changes_and_diff_and_changes_read_them(
    site: LocalSite,
    tmp_path: Path,
    crawl_settings: list[str],
    archive_target: ArchiveTarget,
    record_validator: Any,
) -> None:
    urls = publish(site, edited=False)
    _crawl(tmp_path, archive_target, crawl_settings, list(urls.values()))
    publish(site, edited=True)
    _crawl(tmp_path, archive_target, crawl_settings, list(urls.values()))

    tool = newsarchive_for(archive_target, tmp_path / "tool-spool")
    records = [json.loads(line) for line in tool.ok("ls", "--versions", "all", "--json").stdout.splitlines()]
    versions = {name: sorted(r["version"] for r in records if r["url"] == url) for name, url in urls.items()}
    # A new version for each edit; none for the "most read" box and footer, which changed on every page.
    assert versions == {
        "headline": [1, 2],
        "paragraph": [1, 2],
        "correction": [1, 2],
        "paywall": [1, 2],
        "chrome": [1],
        "same": [1],
    }
    latest = {name: json.loads(tool.ok("get", url).stdout) for name, url in urls.items()}
    for record in latest.values():
        record_validator.validate(record)
    changes = {name: latest[name]["changes"] for name in ("headline", "paragraph", "correction", "paywall")}
    assert changes == {
        "headline": {"fields": ["title"], "text": None, "correction": False, "kind": None},
        "paragraph": {
            "fields": ["text"],
            "text": {"added": 58, "removed": 0, "similarity": 0.9577},
            "correction": False,
            "kind": None,
        },
        "correction": {
            "fields": ["text"],
            "text": {"added": 67, "removed": 0, "similarity": 0.9545},
            "correction": True,
            "kind": None,
        },
        "paywall": {
            "fields": ["text", "kind"],
            "text": {"added": 49, "removed": 486, "similarity": 0.3646},
            "correction": False,
            "kind": {"from": "article", "to": "paywall"},
        },
    }
    assert (latest["chrome"]["changes"], latest["same"]["changes"]) == (None, None)

    before = _reading(tool, urls, latest)
    assert before["diff paragraph"] == [
        f"--- version 1, archived {before['archived paragraph'][0]}",
        f"+++ version 2, archived {before['archived paragraph'][1]}",
        "changed: text (+58 -0 characters, similarity 0.96)",
        f"title: {STORIES['paragraph']}",
        "",
        *"\n\n".join(p.format(place="Millbeck") for p in PARAGRAPHS).splitlines()[:-1],
        PARAGRAPHS[-1].format(place="Millbeck") + "{+",
        "",
        "The ferry company said the new timetable will be posted at both quays.+}",
    ]
    title_ops = before["diff headline --json"]["title"]
    assert title_ops == [
        {"op": "equal", "text": "Harbour board approves pier rebuild"},
        {"op": "insert", "text": " after long debate"},
    ]
    ids = {name: latest[name]["id"] for name in STORIES}
    assert {line["id"]: line["changes"] for line in before["changes --json"]} == {
        ids[name]: change for name, change in changes.items()
    }
    assert [line["id"] for line in before["changes --what correction --json"]] == [ids["correction"]]
    assert sorted(line.split("\t")[3:] for line in before["changes"]) == sorted(
        [
            ["v2", "title", "Harbour board approves pier rebuild after long debate"],
            ["v2", "text (+58 -0 characters, similarity 0.96)", STORIES["paragraph"]],
            ["v2", "text (+67 -0 characters, similarity 0.95), correction appended", STORIES["correction"]],
            ["v2", "text (+49 -486 characters, similarity 0.36), kind article -> paywall", STORIES[PAYWALL]],
        ]
    )

    # The same answers from the compacted day.
    tool.ok("compact", "--before", tomorrow_of(utc_day()), "--prune")
    assert _reading(tool, urls, latest) == before


def tomorrow_of(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _reading(tool: Any, urls: dict[str, str], latest: dict[str, Any]) -> dict[str, Any]:
    history = [json.loads(tool.ok("get", urls["paragraph"], "--all-versions").stdout)][0]
    return {
        "archived paragraph": [v["archived_at"] for v in history],
        "diff paragraph": tool.ok("diff", urls["paragraph"]).stdout.decode().splitlines(),
        "diff headline --json": json.loads(tool.ok("diff", latest["headline"]["id"], "--json").stdout),
        "changes --json": [json.loads(line) for line in tool.ok("changes", "--json").stdout.splitlines()],
        "changes --what correction --json": [
            json.loads(line)
            for line in tool.ok("changes", "--what", "correction", "--json").stdout.splitlines()
        ],
        "changes": tool.ok("changes").stdout.decode().splitlines(),
    }


def test_changes_are_counted_in_words_and_cjk_characters() -> None:
    before = {"title": "市议会通过预算", "text": "市议会周二通过了新的预算。", "kind": "article"}
    after = {
        "title": "市议会通过预算",
        "text": "市议会周三通过了新的预算。\n\n更正：本文早前版本日期有误。",
        "kind": "article",
    }
    assert compare(before, after).to_dict() == {
        "fields": ["text"],
        "text": {"added": 15, "removed": 1, "similarity": 0.6},
        "correction": True,
        "kind": None,
    }
