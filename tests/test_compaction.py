"""``newsarchive compact``: each day's records as Parquet files and a manifest, on a directory and on
moto's S3 server; every reader gives the same answers before and after, record for record, and
records that arrive later stay visible."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from crawler import exit_status
from crawler.demo.server import LocalSite
from crawler.errors import StorageError
from crawler.record import instant
from pipelines.commands import main, parse_arguments
from pipelines.commands.download import command_download
from pipelines.read.compaction import compact_day
from pipelines.read.records import ArchiveReader
from pipelines.storage import ArchiveStore, open_store
from pipelines.storage.keys import article_state_key
from pipelines.storage.local import LocalStore
from tests.support.big_archive import DAYS, Version
from tests.support.counting import CountingStore
from tests.support.crawls import ARTICLES, DEMO, run_crawl
from tests.support.reading import docs_sql
from tests.support.records import make_record, pipeline
from tests.support.servers import S3_CREDENTIALS, S3Server, s3_settings


def run(uri: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["--archive", uri, *args], out=out)
    return status, out.getvalue()


def answers(uri: str, article: Version, tmp_path: Path, name: str) -> dict[str, Any]:
    """What every reading command says about the archive; downloads compared file for file."""
    said: dict[str, Any] = {}
    for label, args in {
        "ls": ["ls", "--json", "--versions", "all"],
        "ls latest": ["ls"],
        "ls one domain": ["ls", "--domain", "news.example.com", "--since", "2026-11-23"],
        "ls by published": ["ls", "--by", "published", "--until", "2026-11-21"],
        "stats": ["stats", "--json"],
        "get": ["get", article.id, "--all-versions"],
        "get by url": ["get", article.url],
        "download jsonl": ["download", "--versions", "all", "-o", "-"],
    }.items():
        status, output = run(uri, *args)
        assert status == 0, label
        said[label] = json.loads(output)["records"] if label == "stats" else output
    target = tmp_path / f"download-{name}"
    assert run(uri, "download", "--versions", "all", "-o", str(target))[0] == 0
    said["download dir"] = {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*.json")}
    return said


@pytest.fixture
def local_copy(stored_versions: tuple[Path, list[Version]], tmp_path: Path) -> tuple[Path, list[Version]]:
    root, versions = stored_versions
    copy = tmp_path / "archive"
    shutil.copytree(root, copy)
    return copy, versions


def loose_records(root: Path) -> list[Path]:
    return sorted((root / "records").rglob("*.json"))


def summary(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The command's lines on stderr without their timings."""
    return [re.sub(r" in \d+\.\d s$", "", line) for line in capsys.readouterr().err.splitlines()]


def test_every_reader_answers_the_same_after_compaction_and_pruning(
    local_copy: tuple[Path, list[Version]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, versions = local_copy
    before = answers(str(root), versions[0], tmp_path, "before")
    assert len(before["ls"].splitlines()) == 2192 and len(before["download dir"]) == 2192
    capsys.readouterr()

    assert run(str(root), "compact", "--before", "2026-11-25", "--prune")[0] == 0
    per_day = Counter(v.day for v in versions)
    assert summary(capsys) == [
        f"compacted {day}: {n} records ({n} records added); {n} loose records pruned"
        for day, n in ((day, per_day[day]) for day in DAYS)
    ]
    assert loose_records(root) == []
    after = answers(str(root), versions[0], tmp_path, "after")
    for label in before:
        assert after[label] == before[label], label


def download_requests(store: ArchiveStore) -> Counter[str]:
    counting = CountingStore(store)
    options = parse_arguments(["download", "--versions", "all", "-o", "-"])
    command_download(ArchiveReader(counting), options, io.StringIO())  # type: ignore[arg-type]  # a wrapper
    return counting.requests


def test_a_compacted_day_is_read_in_a_few_requests_and_later_records_stay_visible(
    local_copy: tuple[Path, list[Version]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, versions = local_copy
    store = LocalStore(root)
    assert download_requests(store) == {"GET": 2192 + 5, "LIST": 2 + 5}  # records, manifests; folders, days
    assert run(str(root), "compact", "--day", "2026-11-24", "--prune")[0] == 0
    files = sorted(p.name for p in (root / "compacted" / "date=2026-11-24").iterdir())
    assert [re.sub(r"-[0-9a-f]{16}\.", "-DIGEST.", name) for name in files] == [
        "latest-DIGEST.parquet",
        "manifest.json",
        "older-DIGEST.parquet",
        "stories-DIGEST.json",
    ]
    # Day 2026-11-24: its manifest and two files, and a listing of its (now empty) folder.
    assert download_requests(store) == {"GET": 2192 - 1327 + 4 + 3, "LIST": 2 + 5}

    # A crawl still writing into the day: its new record is loose, and readers see it at once.
    first = versions[0]
    newer = make_record(
        first.url, title="Story 0 v4", fetched_at="2026-11-24T23:00:00Z", text="A fourth text."
    )
    outcome_name, written = pipeline(store, root.parent / "spool")._archive_or_spool(newer)
    assert (outcome_name, written.version) == ("archive/records/changed", 4)
    status, output = run(str(root), "get", first.id, "--all-versions")
    assert status == 0 and [r["version"] for r in json.loads(output)] == [1, 2, 3, 4]
    assert len(loose_records(root)) == 2192 - 1327 + 1

    # Compacting again adds it; once more changes nothing.
    capsys.readouterr()
    assert run(str(root), "compact", "--day", "2026-11-24", "--prune")[0] == 0
    assert run(str(root), "compact", "--day", "2026-11-24")[0] == 0
    assert summary(capsys) == [
        "compacted 2026-11-24: 1328 records (1 record added); 1 loose record pruned",
        "compacted 2026-11-24: 1328 records (already compacted)",
    ]
    assert sorted(p.name for p in (root / "compacted" / "date=2026-11-24").iterdir()) != files  # replaced
    assert len(list((root / "compacted" / "date=2026-11-24").iterdir())) == 4
    assert [r["version"] for r in json.loads(run(str(root), "get", first.id, "--all-versions")[1])] == [
        1,
        2,
        3,
        4,
    ]


def test_duckdb_reads_the_compacted_files(local_copy: tuple[Path, list[Version]]) -> None:
    root, versions = local_copy
    assert run(str(root), "compact")[0] == 0  # every day before today
    pattern = (root / "compacted" / "*" / "latest-*.parquet").as_posix()
    rows = duckdb.sql(
        f"SELECT date, domain, count(*) FROM read_parquet('{pattern}', hive_partitioning = true)"
        " GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    latest: dict[str, Version] = {}
    for v in versions:
        if v.id not in latest or v.version > latest[v.id].version:
            latest[v.id] = v
    # "latest" is per day: an article with versions on two days has its latest of each day there.
    per_day: dict[tuple[str, str], Version] = {}
    for v in versions:
        if (v.day, v.id) not in per_day or v.version > per_day[(v.day, v.id)].version:
            per_day[(v.day, v.id)] = v
    expected = Counter((v.day, v.domain) for v in per_day.values())
    assert [(str(d), h, n) for d, h, n in rows] == sorted((d, h, n) for (d, h), n in expected.items())
    table = pq.read_table(
        root
        / "compacted"
        / "date=2026-11-20"
        / next(
            p.name for p in (root / "compacted" / "date=2026-11-20").iterdir() if p.name.startswith("latest-")
        )
    )
    first = table.to_pylist()[0]
    record = json.loads(first["record"])
    assert (first["id"], first["title"], first["version"]) == (
        record["id"],
        record["title"],
        record["version"],
    )
    assert first["fetched_at"].isoformat() == record["fetched_at"].replace("Z", "+00:00")


def test_compaction_on_s3_gives_the_same_answers(
    stored_versions: tuple[Path, list[Version]],
    s3_server: S3Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Two days of the archive in a bucket of their own (the other tests read theirs unchanged)."""
    root, versions = stored_versions
    client = s3_server.client()
    client.create_bucket(Bucket="compacted-archive")
    two_days = ("2026-11-20", "2026-11-21")
    days_of: dict[str, set[str]] = {}
    for v in versions:
        days_of.setdefault(v.id, set()).add(v.day)
    first = next(v for v in versions if days_of[v.id] == set(two_days))  # versions on both days
    files = [
        *(root / "records" / "date=2026-11-20").rglob("*.json"),
        *(root / "records" / "date=2026-11-21").rglob("*.json"),
    ]
    files.append(root / article_state_key(first.id))
    for path in files:
        client.put_object(
            Bucket="compacted-archive",
            Key=f"news/{path.relative_to(root).as_posix()}",
            Body=path.read_bytes(),
        )
    for name, value in {**S3_CREDENTIALS, "AWS_ENDPOINT_URL": s3_server.endpoint}.items():
        monkeypatch.setenv(name, value)
    uri = "s3://compacted-archive/news"
    before = answers(uri, first, tmp_path, "before")
    assert len(before["ls"].splitlines()) == len(files) - 1  # all but the article's state
    assert run(uri, "compact", "--prune")[0] == 0
    keys = sorted(key for key in s3_server.objects("compacted-archive") if not key.startswith("news/state/"))
    # One version of each article a day on these two days: no file of older versions.
    assert [re.sub(r"-[0-9a-f]{16}\.", "-DIGEST.", key) for key in keys] == [
        f"news/compacted/date={day}/{name}"
        for day in two_days
        for name in ("latest-DIGEST.parquet", "manifest.json", "stories-DIGEST.json")
    ]
    after = answers(uri, first, tmp_path, "after")
    for label in before:
        assert after[label] == before[label], label
    store = open_store(uri, s3_settings(s3_server))
    assert download_requests(store) == {"GET": 2 + 2, "LIST": 2 + 2}  # manifests, files; folders, days


class RacingStore(CountingStore):
    """Another compaction stores the day's manifest while this one writes its files."""

    def put(self, key: str, data: bytes) -> None:
        self.store.put(key, data)
        if key.endswith(".parquet") and self.store.read(key.rsplit("/", 1)[0] + "/manifest.json") is None:
            self.store.put(key.rsplit("/", 1)[0] + "/manifest.json", b'{"format": 1, "files": []}')


def test_a_compaction_that_loses_a_race_changes_nothing(local_copy: tuple[Path, list[Version]]) -> None:
    root, versions = local_copy
    assert sum(v.day == "2026-11-20" for v in versions) == 200
    with pytest.raises(StorageError) as raised:
        compact_day(RacingStore(LocalStore(root)), "2026-11-20", prune=True)  # type: ignore[arg-type]  # a wrapper
    assert (
        str(raised.value)
        == "compaction of 2026-11-20: another compaction stored its manifest first; run again"
    )
    # Nothing pruned, and the other compaction's manifest stands.
    assert len(list((root / "records" / "date=2026-11-20").rglob("*.json"))) == 200
    manifest = root / "compacted" / "date=2026-11-20" / "manifest.json"
    assert manifest.read_bytes() == b'{"format": 1, "files": []}'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--day", "2026-13-01"], "--day 2026-13-01: not a day (YYYY-MM-DD)"),
        (["--before", "yesterday"], "--before yesterday: not a day (YYYY-MM-DD)"),
    ],
)
def test_bad_days_are_one_line_errors(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(str(tmp_path), "compact", *args)[0] == exit_status.BAD_INPUT
    assert capsys.readouterr().err == f"error: {message}\n"


def test_a_loose_file_that_is_not_a_record_is_named_and_left_loose(
    local_copy: tuple[Path, list[Version]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = local_copy
    broken = root / "records" / "date=2026-11-20" / "domain=news.example.com" / f"{'0' * 32}-{'0' * 16}.json"
    broken.write_text('{"title": "half a rec')
    assert run(str(root), "compact", "--day", "2026-11-20", "--prune")[0] == exit_status.BAD_RECORD
    key = broken.relative_to(root).as_posix()
    assert summary(capsys) == [
        "compacted 2026-11-20: 200 records (200 records added); 200 loose records pruned",
        f"error: {key}: not a record (not a JSON object with an id); left loose",
    ]
    assert [p for p in loose_records(root) if "date=2026-11-20" in str(p)] == [broken]


def test_query_columns_take_only_values_of_their_type(tmp_path: Path) -> None:
    """A record with odd values (authors a string, no version) is kept whole; those columns stay empty."""
    store = LocalStore(tmp_path / "archive")
    record = json.loads(make_record(fetched_at="2026-11-20T10:00:00Z").to_json())
    record.update(authors="Jane Roe", version=None, published_at="not a time")
    key = f"records/date=2026-11-20/domain=news.example.com/{record['id']}-{'a' * 16}.json"
    text = json.dumps(record, indent=1)
    store.put(key, text.encode())
    assert compact_day(store, "2026-11-20").records == 1
    [path] = (tmp_path / "archive" / "compacted" / "date=2026-11-20").glob("latest-*.parquet")
    [row] = pq.read_table(path).to_pylist()
    assert (row["authors"], row["version"], row["published_at"], row["record"]) == ([], None, None, text)


def test_the_docs_duckdb_recipes_run_as_written_on_a_crawled_archive(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    loose_query, compacted_query = docs_sql("DuckDB recipes")
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(f"{site.url}/{path}\n" for path in ARTICLES), encoding="utf-8")
    archive = tmp_path / "archive"
    result = run_crawl("article", "-a", f"urls={urls}", "-s", f"ARCHIVE_URI={archive}", *crawl_settings)
    assert result.returncode == 0, result.stderr[-3000:]
    day = next((archive / "records").iterdir()).name[len("date=") :]
    published = {DEMO[path]["title"]: instant(DEMO[path]["published_at"]) for path in ARTICLES}
    monkeypatch.chdir(tmp_path)  # the recipes name the archive as ./archive

    rows = duckdb.sql(loose_query).fetchall()
    assert sorted((str(d), h, t, p, v) for d, h, t, p, v in rows) == sorted(
        (day, "127.0.0.1", title, moment, 1) for title, moment in published.items()
    )

    assert run(str(archive), "compact", "--before", "9999-12-31")[0] == 0
    known = [moment for moment in published.values() if moment is not None]
    rows = duckdb.sql(compacted_query).fetchall()
    assert [(str(d), h, n, low, high) for d, h, n, low, high in rows] == [
        (day, "127.0.0.1", len(ARTICLES), min(known), max(known))
    ]
