"""Stories in the archive: `newsarchive compact` groups the copies of one wire story across days (its
Parquet columns and stories file), and `stories`, `ls --story` and `download --one-per-story` read them."""

from __future__ import annotations

import io
import itertools
import json
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from crawler.extraction.fingerprint import fingerprint
from pipelines.commands import main
from pipelines.storage.keys import record_key
from pipelines.storage.local import LocalStore
from tests.support.reading import docs_sql
from tests.support.records import make_record
from tests.support.syndication import Article, corpus


def run(uri: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["--archive", uri, *args], out=out)
    return status, out.getvalue()


def _store(store: LocalStore, articles: list[Article]) -> None:
    for article in articles:
        host = article.outlet.lower().replace(" ", "-") + ".example"
        record = make_record(
            f"https://{host}/news/{article.id}.html",
            id=article.id,
            title=article.title,
            text=article.text,
            fetched_at=article.fetched_at,
            archived_at=article.fetched_at,
            fingerprint=fingerprint(article.text),
            agencies=["AP"] if "wire" in article.edits else [],
        )
        store.put(record_key(record), record.to_json())


def _compact(root: Path, articles: list[Article]) -> None:
    """`newsarchive compact` of the days the articles were fetched, in order."""
    for day in sorted({a.fetched_at[:10] for a in articles}):
        assert run(str(root), "compact", "--day", day)[0] == 0


def _stories(root: Path) -> dict[str, tuple[str, int]]:
    """Every compacted record's (story_id, story_size), by record id, from the days' Parquet files."""
    found = {}
    for path in sorted((root / "compacted").rglob("latest-*.parquet")):
        table = pq.read_table(path, columns=["id", "story_id", "story_size"])
        for id_, story, size in zip(*(table.column(n).to_pylist() for n in table.column_names), strict=True):
            found[id_] = (story, size)
    return found


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return corpus(seed=7, stories_per_language=3)


def test_compaction_groups_copies_across_days_and_keeps_story_ids(
    articles: list[Article], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "archive"
    store = LocalStore(root)
    day_one = [a for a in articles if a.day == 1]
    day_two = [a for a in articles if a.day == 2]
    assert len(day_one) + len(day_two) == len(articles) and day_one and day_two
    _store(store, day_one)
    _compact(root, day_one)
    first = _stories(root)
    _store(store, day_two)
    _compact(root, day_two)
    stories = _stories(root)
    assert {id_: stories[id_][0] for id_ in first} == {id_: story for id_, (story, _) in first.items()}

    # Grouping against the truth: pairs of records in one story.
    pairs = list(itertools.combinations(articles, 2))
    truth = {(a.id, b.id) for a, b in pairs if a.story == b.story}
    grouped = {(a.id, b.id) for a, b in pairs if stories[a.id][0] == stories[b.id][0]}
    precision = len(truth & grouped) / len(grouped)
    recall = len(truth & grouped) / len(truth)
    print(f"compacted stories: precision {precision:.4f}, recall {recall:.4f} over {len(articles)} records")
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)

    # Copies fetched on day two joined the stories of day one: the story_id is the earliest record's.
    joined = 0
    for copy in day_two:
        earlier = [a for a in day_one if stories[a.id][0] == stories[copy.id][0]]
        if earlier:
            assert stories[copy.id][0] == min(earlier, key=lambda a: (a.fetched_at, a.id)).id
            joined += 1
    assert joined >= 10, joined

    # A second compaction changes nothing; a late copy added to day one keeps every story_id.
    _compact(root, articles)
    assert _stories(root) == stories
    late = next(a for a in day_one if stories[a.id][1] >= 2)  # a copy of a story, fetched on day one
    first_day = min(a.fetched_at for a in day_one)[:10]
    moved = Article(
        "f" * 32,
        late.story,
        late.language,
        "Late Courier",
        late.title,
        late.text,
        f"{first_day}T23:59:00Z",
        1,
    )
    _store(store, [moved])
    _compact(root, [moved])
    again = _stories(root)
    assert {id_: again[id_][0] for id_ in stories} == {id_: story for id_, (story, _) in stories.items()}
    assert again[moved.id][0] == stories[late.id][0]

    # Reading: the largest stories, one story's records, one record per story.
    status, listed = run(str(root), "stories", "--min-size", "3", "--json")
    assert status == 0
    told = [json.loads(line) for line in listed.splitlines()]
    sizes = Counter(story for story, _ in again.values())
    assert [s["story_id"] for s in told] == sorted(
        (story for story, size in sizes.items() if size >= 3),
        key=lambda s: (-sizes[s], _first(again, s, articles), s),
    )
    top = told[0]
    members = [a for a in [*articles, moved] if again[a.id][0] == top["story_id"]]
    assert top["size"] == len(members)
    assert top["first_fetched_at"] == min(a.fetched_at for a in members)
    assert len(top["outlets"]) == len({a.outlet for a in members})
    status, lines = run(str(root), "ls", "--story", top["story_id"])
    assert status == 0 and len(lines.splitlines()) == len(members)
    status, downloaded = run(str(root), "download", "--one-per-story", "-o", "-")
    assert status == 0
    assert len(downloaded.splitlines()) == len(sizes)

    # The DuckDB recipes of docs/parquet.md, as written there, from the folder that holds archive/.
    monkeypatch.chdir(tmp_path)
    per_day_recipe, per_story_recipe = docs_sql("Stories in DuckDB")
    by_day = Counter(a.fetched_at[:10] for a in [*articles, moved])
    per_day = duckdb.sql(per_day_recipe).fetchall()
    assert [(str(day), records) for day, _, records in per_day] == sorted(by_day.items())
    per_story = duckdb.sql(per_story_recipe).fetchall()
    assert {row[0]: row[1] for row in per_story} == {s: n for s, n in sizes.items() if n >= 3}


def _first(stories: dict[str, tuple[str, int]], story: str, articles: list[Article]) -> str:
    fetched = {a.id: a.fetched_at for a in articles}
    return min(fetched.get(id_, "9") for id_, (s, _) in stories.items() if s == story)
