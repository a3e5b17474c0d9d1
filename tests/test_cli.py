"""``newsarchive`` against an archive of 2,192 records (2,000 articles, some with 2 or 3 versions, five
days, four domains, three spiders) built by the project's own archive pipeline, on a local directory
and copied to moto's S3 server over HTTP. One day holds 1,200 records, so its listing crosses S3's
1,000-key pages."""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler import exit_status
from pipelines.commands import main, parse_arguments
from pipelines.commands.download import command_download
from pipelines.commands.ls import command_ls
from pipelines.read.records import ArchiveReader
from pipelines.storage import ArchiveStore
from pipelines.storage.local import LocalStore
from tests.support.big_archive import ARTICLES, Version
from tests.support.counting import CountingStore
from tests.support.reading import Archive, everything, latest, ls_ids, run
from tests.support.servers import S3_CREDENTIALS, S3Server


def test_the_archive_is_as_large_as_promised(stored_versions: tuple[Path, list[Version]]) -> None:
    versions = everything(stored_versions)
    assert len(versions) == 2192
    assert len({v.id for v in versions}) == ARTICLES
    assert Counter(v.day for v in versions)["2026-11-24"] == 1327  # more than one page of S3 listing


def test_ls_lists_the_latest_version_of_every_article(stored_versions: tuple[Path, list[Version]]) -> None:
    """On the local copy; test_local_and_s3_answers_are_identical reads the whole bucket."""
    root, versions = stored_versions
    local = Archive("local", str(root), {}, LocalStore(root))
    assert ls_ids(local) == latest(versions)
    assert ls_ids(local, "--versions", "all") == sorted((v.id, v.version) for v in versions)


def test_ls_lines_are_date_domain_title_id_version(
    archive: Archive, stored_versions: tuple[Path, list[Version]]
) -> None:
    status, output = run(
        archive, "ls", "--domain", "news.example.com", "--since", "2026-11-20", "--until", "2026-11-20"
    )
    assert status == 0
    expected = sorted(
        f"{v.day}\t{v.domain}\t{v.title}\t{v.id}\t{v.version}"
        for v in everything(stored_versions)
        if v.day == "2026-11-20" and v.domain == "news.example.com"
    )
    assert sorted(output.splitlines()) == expected and len(expected) == 50


NARROW = ["--domain", "news.example.com"]  # keeps each S3 case to about 550 reads


@pytest.mark.parametrize(
    "filters",
    [
        ["--since", "2026-11-22", *NARROW],
        ["--until", "2026-11-21", "--versions", "all", *NARROW],
        ["--since", "2026-11-21", "--until", "2026-11-23", *NARROW],
        ["--since", "2026-11-23T09:30:00Z", "--until", "2026-11-24T09:15:00Z", "--versions", "all", *NARROW],
        ["--domain", "valley.example.org", "--domain", "www.courier.example", "--since", "2026-11-24"],
        ["--spider", "feed", "--versions", "all", *NARROW],
        ["--job", "job-2026-11-22", "--job", "job-2026-11-23", *NARROW],
        ["--by", "published", "--since", "2026-11-21", "--until", "2026-11-22", "--versions", "all", *NARROW],
        ["--by", "published", "--until", "2026-11-19", *NARROW],
        ["--since", "2026-11-24", "--spider", "sitemap", *NARROW],
    ],
)
def test_filters_select_exactly_the_matching_records(
    archive: Archive, stored_versions: tuple[Path, list[Version]], filters: list[str]
) -> None:
    expected = [v for v in everything(stored_versions) if matches(v, filters)]
    assert expected, "a filter that selects nothing proves little"
    if "all" in filters:
        assert ls_ids(archive, *filters) == sorted((v.id, v.version) for v in expected)
    else:
        assert ls_ids(archive, *filters) == latest(expected)


def matches(version: Version, filters: list[str]) -> bool:
    """The filters' meaning, written independently of the reader."""
    options = dict(zip(filters[::2], filters[1::2], strict=True))
    options.pop("--versions", None)

    def repeated(name: str) -> list[str]:
        return [value for flag, value in zip(filters[::2], filters[1::2], strict=True) if flag == name]

    moment = version.published_at if options.get("--by") == "published" else version.fetched_at
    since = options.get("--since")
    until = options.get("--until")
    if since and moment < (since if "T" in since else f"{since}T00:00:00Z"):
        return False
    if until and moment > (until if "T" in until else f"{until}T23:59:59Z"):
        return False
    if repeated("--domain") and version.domain not in repeated("--domain"):
        return False
    if repeated("--spider") and version.spider not in repeated("--spider"):
        return False
    return not (repeated("--job") and version.job_id not in repeated("--job"))


def test_date_and_domain_filters_list_only_their_folders(archive: Archive) -> None:
    store = CountingStore(archive.store)
    options = parse_arguments(
        ["ls", "--since", "2026-11-23", "--until", "2026-11-24", "--domain", "valley.example.org"]
    )
    command_ls(ArchiveReader(store), options, io.StringIO())  # type: ignore[arg-type]  # a wrapper, not a store class
    assert sorted(store.listed) == [
        "records/date=2026-11-23/domain=valley.example.org/",
        "records/date=2026-11-24/domain=valley.example.org/",
    ]


def test_get_by_id_and_by_url(archive: Archive, stored_versions: tuple[Path, list[Version]]) -> None:
    three = sorted(
        (v for v in everything(stored_versions) if v.id == everything(stored_versions)[0].id),
        key=lambda v: v.version,
    )
    assert [v.version for v in three] == [1, 2, 3]  # article 0 has three versions
    status, output = run(archive, "get", three[0].id)
    assert status == 0 and (json.loads(output)["version"], json.loads(output)["title"]) == (3, three[2].title)
    status, output = run(archive, "get", three[0].url, "--all-versions")
    records = json.loads(output)
    assert status == 0 and [(r["version"], r["fetched_at"]) for r in records] == [
        (v.version, v.fetched_at) for v in three
    ]
    assert [r["previous_key"] is None for r in records] == [True, False, False]


def test_get_of_an_unknown_article_is_exit_7(archive: Archive, capsys: pytest.CaptureFixture[str]) -> None:
    status, _ = run(archive, "get", "https://news.example.com/never-archived.html")
    assert status == exit_status.NOT_FOUND
    assert capsys.readouterr().err == (
        f"error: no record of https://news.example.com/never-archived.html in {archive.store.uri}\n"
    )


def test_download_to_a_directory_mirrors_keys_and_resumes(
    archive: Archive,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    stored_versions: tuple[Path, list[Version]],
) -> None:
    root, _ = stored_versions
    target = tmp_path / "out"
    filters = ["--since", "2026-11-23", "--versions", "all", *NARROW]
    expected = sorted(
        p.relative_to(root).as_posix()
        for p in (root / "records").glob("date=2026-11-2[34]/domain=news.example.com/*.json")
    )
    assert run(archive, "download", *filters, "-o", str(target))[0] == 0
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == expected
    assert all((target / key).read_bytes() == (root / key).read_bytes() for key in expected)
    first = capsys.readouterr().err.splitlines()[-1]
    assert first.startswith(f"downloaded {len(expected)} records (0 already present), ")

    # Resume: one file missing, one changed, the rest already there.
    (target / expected[0]).unlink()
    (target / expected[1]).write_text("{}")
    assert run(archive, "download", *filters, "-o", str(target))[0] == 0
    again = capsys.readouterr().err.splitlines()[-1]
    assert again.startswith(f"downloaded 2 records ({len(expected) - 2} already present), ")
    assert (target / expected[1]).read_bytes() == (root / expected[1]).read_bytes()


@pytest.mark.parametrize("name", ["records.jsonl", "records.jsonl.gz", "-"])
def test_download_to_json_lines(
    archive: Archive, tmp_path: Path, name: str, stored_versions: tuple[Path, list[Version]]
) -> None:
    target = "-" if name == "-" else str(tmp_path / name)
    status, output = run(
        archive, "download", "--domain", "news.example.com", "--since", "2026-11-24", "-o", target
    )
    assert status == 0
    if name == "-":
        text = output
    elif name.endswith(".gz"):
        text = gzip.decompress(Path(target).read_bytes()).decode("utf-8")
    else:
        text = Path(target).read_text("utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    expected = latest(
        [v for v in everything(stored_versions) if v.domain == "news.example.com" and v.day == "2026-11-24"]
    )
    assert sorted((r["id"], r["version"]) for r in records) == expected
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


class InterruptedStore(CountingStore):
    """Ctrl-C after ``reads`` record reads."""

    def __init__(self, store: ArchiveStore, reads: int) -> None:
        super().__init__(store)
        self.reads = reads

    def read(self, key: str) -> Any:
        if not key.startswith("records/"):  # a day's compaction manifest, looked for first
            return self.store.read(key)
        if self.reads == 0:
            raise KeyboardInterrupt
        self.reads -= 1
        return self.store.read(key)


def test_an_interrupted_download_leaves_no_partial_file_and_resumes(
    archive: Archive,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    stored_versions: tuple[Path, list[Version]],
) -> None:
    # The keys alone answer this selection: no reads before the download's own.
    selection = ["--since", "2026-11-24", "--versions", "all", *NARROW]
    for target in (tmp_path / "part.jsonl", tmp_path / "part.jsonl.gz"):
        options = parse_arguments(["download", *selection, "-o", str(target)])
        reader = ArchiveReader(InterruptedStore(archive.store, 100), workers=1)  # type: ignore[arg-type]  # a wrapper
        with pytest.raises(KeyboardInterrupt):
            command_download(reader, options, io.StringIO())
        assert list(tmp_path.iterdir()) == []

    directory = tmp_path / "dir"
    options = parse_arguments(["download", *selection, "-o", str(directory)])
    reader = ArchiveReader(InterruptedStore(archive.store, 100), workers=1)  # type: ignore[arg-type]  # a wrapper
    with pytest.raises(KeyboardInterrupt):
        command_download(reader, options, io.StringIO())
    done = [p for p in directory.rglob("*") if p.is_file()]
    assert len(done) == 100 and not [p for p in done if p.name.startswith(".")]
    capsys.readouterr()
    command_download(ArchiveReader(archive.store), options, io.StringIO())
    total = len([p for p in directory.rglob("*") if p.is_file()])
    assert total == sum(
        v.day == "2026-11-24" and v.domain == "news.example.com" for v in everything(stored_versions)
    )
    assert capsys.readouterr().err.startswith(f"downloaded {total - 100} records (100 already present), ")


def test_stats_counts_by_day_and_domain_and_shows_runs(
    archive: Archive, stored_versions: tuple[Path, list[Version]]
) -> None:
    status, output = run(archive, "stats", "--json", "--versions", "all")
    document = json.loads(output)
    counts = Counter((v.day, v.domain) for v in everything(stored_versions))
    assert status == 0
    assert document["records"] == [
        {"date": d, "domain": h, "records": n} for (d, h), n in sorted(counts.items())
    ]
    assert document["total"] == 2192
    assert [run["job_id"] for run in document["runs"]] == ["job-2026-11-24"]


def test_local_and_s3_answers_are_identical(
    stored_versions: tuple[Path, list[Version]],
    s3_server: S3Server,
    s3_copy: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, _ = stored_versions
    for name, value in {**S3_CREDENTIALS, "AWS_ENDPOINT_URL": s3_server.endpoint}.items():
        monkeypatch.setenv(name, value)
    answers = []
    for uri in (str(root), s3_copy):
        listing, counts = io.StringIO(), io.StringIO()
        assert main(["--archive", uri, "ls", "--json", "--versions", "all"], out=listing) == 0
        assert main(["--archive", uri, "stats", "--json"], out=counts) == 0
        answers.append((listing.getvalue(), counts.getvalue().replace(uri, "")))
    assert answers[0] == answers[1] and len(answers[0][0].splitlines()) == 2192
