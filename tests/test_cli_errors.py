"""``newsarchive`` on bad input and failures: one line on stderr and a distinct exit status each, the
console script without a Scrapy project around it, and records that are not JSON named while the
others are still listed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crawler import exit_status
from pipelines.storage.local import LocalStore
from tests.support.records import make_record, pipeline
from tests.support.servers import S3_CREDENTIALS, S3Server

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
