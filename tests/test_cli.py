"""``newsarchive`` against an archive of 2,192 records (2,000 articles, some with 2 or 3 versions, five
days, four domains, three spiders) built by the project's own archive pipeline, on a local directory
and copied to moto's S3 server over HTTP. One day holds 1,200 records, so its listing crosses S3's
1,000-key pages."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crawler import exit_status
from pipelines.commands import main, parse_arguments
from pipelines.commands.download import command_download
from pipelines.commands.ls import command_ls
from pipelines.read.records import ArchiveReader
from pipelines.storage import ArchiveStore, open_store
from pipelines.storage.keys import article_state_key
from pipelines.storage.local import LocalStore
from tests.big_archive import ARTICLES, Version
from tests.conftest import S3_CREDENTIALS, S3Server, make_record
from tests.counting import CountingStore
from tests.test_archive_pipeline import pipeline
from tests.test_stores import s3_settings


@dataclass
class Archive:
    kind: str
    uri: str
    env: dict[str, str]
    store: ArchiveStore


@pytest.fixture(scope="session")
def s3_copy(stored_versions: tuple[Path, list[Version]], s3_server: S3Server) -> str:
    """The same records in a bucket, copied byte for byte, with the run manifest and the state of the
    article the ``get`` tests read (copying every state file would double the suite's time)."""
    root, versions = stored_versions
    client = s3_server.client()
    client.create_bucket(Bucket="big-archive")
    first = versions[0]
    files = [*(root / "records").rglob("*.json"), *(root / "runs").rglob("*.json")]
    files.append(root / article_state_key(first.id))

    def upload(path: Path) -> None:
        client.put_object(
            Bucket="big-archive", Key=f"news/{path.relative_to(root).as_posix()}", Body=path.read_bytes()
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(upload, files))
    return "s3://big-archive/news"


@pytest.fixture(params=["local", "s3"])
def archive(
    request: pytest.FixtureRequest,
    stored_versions: tuple[Path, list[Version]],
    monkeypatch: pytest.MonkeyPatch,
) -> Archive:
    root, _ = stored_versions
    if request.param == "local":
        return Archive("local", str(root), {}, LocalStore(root))
    server: S3Server = request.getfixturevalue("s3_server")
    uri = request.getfixturevalue("s3_copy")
    env = {**S3_CREDENTIALS, "AWS_ENDPOINT_URL": server.endpoint}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Archive("s3", uri, env, open_store(uri, s3_settings(server)))


def run(archive: Archive, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["--archive", archive.uri, *args], out=out)
    return status, out.getvalue()


def ls_ids(archive: Archive, *args: str) -> list[tuple[str, int]]:
    status, output = run(archive, "ls", "--json", *args)
    assert status == 0
    return sorted((line["id"], line["version"]) for line in map(json.loads, output.splitlines()))


def latest(versions: list[Version]) -> list[tuple[str, int]]:
    best: dict[str, int] = {}
    for v in versions:
        best[v.id] = max(best.get(v.id, 0), v.version)
    return sorted(best.items())


def everything(stored: tuple[Path, list[Version]]) -> list[Version]:
    return stored[1]


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


# --- bad input and failures: one line, a distinct exit status -------------------------------------------


def run_script(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed console script, from a directory with no Scrapy project."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARCHIVE_", "SCRAPY_"))}
    script = Path(sys.executable).parent / "newsarchive"
    return subprocess.run(
        [str(script), *args],
        cwd=cwd,
        env={**base, "HOME": str(cwd), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_console_script_needs_no_scrapy_project(
    s3_server: S3Server, s3_copy: str, tmp_path: Path
) -> None:
    env = {**S3_CREDENTIALS, "AWS_ENDPOINT_URL": s3_server.endpoint, "ARCHIVE_URI": s3_copy}
    result = run_script(
        "ls",
        "--domain",
        "news.example.com",
        "--since",
        "2026-11-20",
        "--until",
        "2026-11-20",
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 50
    assert not (tmp_path / "scrapy.cfg").exists()


@pytest.mark.parametrize(
    ("args", "env", "status", "message"),
    [
        (
            ["--archive", "s4://bucket/x", "ls"],
            "NONE",
            exit_status.BAD_INPUT,
            "error: ARCHIVE_URI='s4://bucket/x': scheme must be file or s3",
        ),
        (
            ["ls", "--since", "last week"],
            "NONE",
            exit_status.BAD_INPUT,
            "error: --since: not a date: 'last week' (use e.g. 2021-03-01, 2021-03-01T12:00:00Z or 7d)",
        ),
        (
            ["ls", "--versions", "newest"],
            "NONE",
            exit_status.BAD_INPUT,
            "error: argument --versions: invalid choice: 'newest' (choose from 'latest', 'all')",
        ),
        (
            ["--archive", "s3://no-such-bucket/news", "ls"],
            "S3",
            exit_status.NO_ARCHIVE,
            "error: ARCHIVE_URI='s3://no-such-bucket/news': bucket does not exist",
        ),
        (
            ["--archive", "s3://big-archive/news", "ls"],
            "NO_CREDENTIALS",
            exit_status.NO_ACCESS,
            "error: ARCHIVE_URI='s3://big-archive/news': no AWS credentials found"
            " (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile)",
        ),
        (
            ["--archive", "s3://big-archive/news", "ls"],
            "UNREACHABLE",
            exit_status.UNREACHABLE,
            "error: ARCHIVE_URI='s3://big-archive/news':"
            " cannot connect to the S3 endpoint (EndpointConnectionError)",
        ),
    ],
)
def test_failures_are_one_line_with_their_own_exit_status(
    s3_server: S3Server,
    s3_copy: str,
    tmp_path: Path,
    unused_port: int,
    args: list[str],
    env: Any,
    status: int,
    message: str,
) -> None:
    environments = {
        "S3": {**S3_CREDENTIALS, "AWS_ENDPOINT_URL": s3_server.endpoint},
        "NO_CREDENTIALS": {
            "AWS_ENDPOINT_URL": s3_server.endpoint,
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true",  # no probe of the instance metadata address
        },
        "UNREACHABLE": {
            **S3_CREDENTIALS,
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{unused_port}",
            "AWS_MAX_ATTEMPTS": "1",
        },
    }
    result = run_script(*args, env=environments.get(env, {}), cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()) == (status, [message])
    assert result.stdout == ""


def test_a_record_that_is_not_json_is_named_and_the_others_still_listed(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    archive = pipeline(LocalStore(root), tmp_path / "spool")
    for index in range(3):
        archive._archive_or_spool(
            make_record(f"https://news.example.com/{index}.html", title=f"Story {index}")
        )
    broken = root / "records/date=2026-11-25/domain=news.example.com/" / ("f" * 32 + "-" + "0" * 16 + ".json")
    broken.write_text('{"id": "truncated', encoding="utf-8")
    result = run_script("--archive", str(root), "ls", env={}, cwd=tmp_path)
    assert result.returncode == exit_status.BAD_RECORD
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr.splitlines() == [
        f"error: {broken.relative_to(root).as_posix()}:"
        " not valid JSON (Unterminated string starting at: line 1 column 8)"
    ]
    assert "Traceback" not in result.stderr
    debug = run_script("--archive", str(root), "--debug", "get", "f" * 32, env={}, cwd=tmp_path)
    assert debug.returncode == exit_status.NOT_FOUND
    assert "Traceback" in debug.stderr and debug.stderr.splitlines()[-1].startswith("error: no record of ")
