"""Each article's life: a loopback site edits its pages between two crawls; each new version records
what changed (pipelines.write.changes), a change in the page's chrome makes none, and ``newsarchive
diff`` and ``changes`` read it, on a directory and on moto's S3 server, before and after ``compact``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from crawler.demo.server import LocalSite
from pipelines.read.compaction import CHANGE_COLUMNS
from pipelines.write.changes import compare
from tests.support.changing_site import PARAGRAPHS, PAYWALL, STORIES, VERSIONS_AFTER_EDITS, publish
from tests.support.crawls import ArchiveTarget, run_crawl
from tests.support.end_to_end import newsarchive_for, utc_day
from tests.support.sites import write_urls


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
    assert versions == VERSIONS_AFTER_EDITS
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
    columns = [*CHANGE_COLUMNS, "key"]
    rows = [
        row
        for key, data in archive_target.read_all().items()
        if key.startswith("compacted/") and key.endswith(".parquet")
        for row in pq.read_table(io.BytesIO(data), columns=columns).to_pylist()
    ]
    changed = [[row[name] for name in CHANGE_COLUMNS] for row in rows if row["changed_fields"]]
    assert sorted(changed, key=repr) == sorted(
        [
            [["title"], None, None, None, False],
            [["text"], 58, 0, 0.9577, False],
            [["text"], 67, 0, 0.9545, True],
            [["text", "kind"], 49, 486, 0.3646, False],
        ],
        key=repr,
    )
    assert len(rows) == 10  # six stories, four of them with a second version


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
