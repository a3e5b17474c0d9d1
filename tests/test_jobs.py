"""The scheduler entry point end to end: ``python -m crawler.jobs`` as a subprocess, as cron or a
Kubernetes CronJob would run it, against the local sample site, into a local directory and into moto's
S3 server over HTTP; and its job lock and job names against real stores."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import LocalSite
from crawler.job_names import job_name
from tests.support.crawls import (
    ARTICLES,
    PROJECT_DIR,
    ZERO_COUNTS,
    ArchiveTarget,
    plant_lock,
    stored_lock,
    target_store,
)

JOB_TIMEOUT = 120.0


def job_env(target: ArchiveTarget | None = None) -> dict[str, str]:
    """The environment of run_crawl: none of the caller's archive, Scrapy or AWS variables leak in."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARCHIVE_", "SCRAPY_"))}
    return {**base, "LOG_LEVEL": "INFO", **(target.env if target is not None else {})}


def job_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.jobs", *args]


def run_job(*args: str, target: ArchiveTarget | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m crawler.jobs ARGS`` from the project directory, as a scheduler runs it."""
    return subprocess.run(
        job_command(*args),
        cwd=PROJECT_DIR,
        env=job_env(target),
        capture_output=True,
        text=True,
        timeout=JOB_TIMEOUT,
        check=False,
    )


def article_urls(site: LocalSite, count: int) -> str:
    return ",".join(f"{site.url}/{path}" for path in ARTICLES[:count])


def summary_lines(uri: str, fetched: int, new: int, reason: str = "finished") -> list[str]:
    return [
        f"pages fetched:   {fetched}",
        f"records written: {new} to {uri} (new {new}, changed 0)",
        "unchanged:       0 checked, 0 not due for a check",
        "pages skipped:   0 (none)",
        f"finish reason:   {reason}",
    ]


def single_manifest(target: ArchiveTarget, context: str) -> dict[str, Any]:
    """The one run manifest in the archive, checked to sit under its start date and job id."""
    manifests = target.documents("runs/")
    assert len(manifests) == 1, f"{sorted(manifests)}\n{context}"
    [(key, manifest)] = manifests.items()
    assert key == f"runs/date={manifest['started_at'][:10]}/{manifest['job_id']}.json"
    return manifest


# --- end to end -----------------------------------------------------------------------------------


def test_a_job_archives_writes_one_manifest_and_releases_its_lock(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    urls = article_urls(site, 2)
    result = run_job(
        "article",
        "-a",
        f"url={urls}",
        *archive_target.settings,
        *crawl_settings,
        "--job",
        "nightly",
        target=archive_target,
    )
    context = result.stderr[-3000:]
    assert result.returncode == 0, context
    uri = target_store(archive_target).uri
    assert result.stdout.splitlines() == summary_lines(uri, fetched=3, new=2)  # and robots.txt
    assert archive_target.documents("locks/") == {}

    manifest = single_manifest(archive_target, context)
    assert re.fullmatch(r"nightly-\d{8}T\d{6}Z-[0-9a-f]{6}", manifest["job_id"]), manifest["job_id"]
    records = archive_target.records()
    assert sorted(r["url"] for r in records.values()) == urls.split(",")
    assert {r["job_id"] for r in records.values()} == {manifest["job_id"]}
    assert {
        name: manifest[name]
        for name in ("job_name", "spider", "arguments", "finish_reason", "exit_status", "archive", "counts")
    } == {
        "job_name": "nightly",
        "spider": "article",
        "arguments": {"url": urls},
        "finish_reason": "finished",
        "exit_status": 0,
        "archive": uri,
        "counts": {**ZERO_COUNTS, "pages_fetched": 3, "new": 2, "kinds": {"article": 2}},
    }
    assert manifest["host"] == socket.gethostname()


def test_a_live_lock_refuses_the_job_before_any_request(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    store = target_store(archive_target)
    holder = plant_lock(store, "nightly", timedelta(hours=1))
    before = sum(site.hits.values())
    result = run_job(
        "article",
        "-a",
        f"url={article_urls(site, 1)}",
        *archive_target.settings,
        *crawl_settings,
        "--job",
        "nightly",
        target=archive_target,
    )
    assert result.returncode == 5, result.stderr[-3000:]
    assert result.stderr.splitlines() == [
        f"locked: job 'nightly' is already running on scheduler-2 (pid 4242, since {holder.started_at}); "
        f"its lock locks/nightly.json in {store.uri} expires at {holder.expires_at} unless renewed"
    ]
    assert result.stdout == ""
    assert sum(site.hits.values()) == before
    assert archive_target.documents("locks/") == {"locks/nightly.json": asdict(holder)}
    assert archive_target.documents("runs/") == {}


def test_an_expired_lock_is_taken_over_under_the_job_name(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    """A run that died leaves its lock behind; the next scheduled run must not wait for a person."""
    urls = article_urls(site, 1)
    job = job_name("article", [f"url={urls}"])
    plant_lock(target_store(archive_target), job, -timedelta(minutes=1))
    result = run_job(
        "article", "-a", f"url={urls}", *archive_target.settings, *crawl_settings, target=archive_target
    )
    context = result.stderr[-3000:]
    assert result.returncode == 0, context
    assert "locked:" not in result.stderr
    assert archive_target.documents("locks/") == {}
    assert [r["url"] for r in archive_target.records().values()] == [urls]
    manifest = single_manifest(archive_target, context)
    assert (manifest["job_name"], manifest["exit_status"]) == (job, 0)
    assert manifest["job_id"].startswith(f"{job}-")


def test_fewer_articles_than_the_minimum_exit_4(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    """A source that silently stops yielding articles must page someone, though every page was fine."""
    result = run_job(
        "article",
        "-a",
        f"url={article_urls(site, 2)}",
        "-s",
        "ARCHIVE_MIN_RECORDS=3",
        *archive_target.settings,
        *crawl_settings,
        "--job",
        "nightly",
        target=archive_target,
    )
    context = result.stderr[-3000:]
    assert result.returncode == 4, context
    assert result.stdout.splitlines() == summary_lines(target_store(archive_target).uri, fetched=3, new=2)
    assert len(archive_target.records()) == 2
    manifest = single_manifest(archive_target, context)
    assert (manifest["finish_reason"], manifest["exit_status"]) == ("finished", 4)
    assert archive_target.documents("locks/") == {}


# Only a directory: moto stores every key it is sent, so on S3 no record write can be made to fail
# while the lock, state and manifest writes of the same run succeed.
@pytest.mark.parametrize("archive_target", ["local"], indirect=True)
def test_a_record_that_cannot_be_stored_exits_3_and_the_lock_is_released(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    root = Path(archive_target.uri)
    root.mkdir()
    (root / "records").write_text("a file where the records directory should be")
    result = run_job(
        "article",
        "-a",
        f"url={article_urls(site, 1)}",
        "-s",
        "ARCHIVE_WRITE_ATTEMPTS=2",
        "-s",
        "ARCHIVE_WRITE_BACKOFF=0",
        *archive_target.settings,
        *crawl_settings,
        "--job",
        "nightly",
        target=archive_target,
    )
    context = result.stderr[-3000:]
    assert result.returncode == 3, context
    assert "records spooled: 1 (delivered late 0, still waiting 1)" in result.stdout.splitlines()
    assert archive_target.records() == {}
    manifest = single_manifest(archive_target, context)
    assert (manifest["finish_reason"], manifest["exit_status"]) == ("finished", 3)
    assert manifest["counts"] == {
        **ZERO_COUNTS,
        "pages_fetched": 2,
        "spooled": 1,
        "still_spooled": 1,
        "kinds": {"article": 1},
    }
    assert archive_target.documents("locks/") == {}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["-s", "ARCHIVE_LOCK_TTL=soon"],
            "error: ARCHIVE_LOCK_TTL='soon': not a duration: 'soon' (use e.g. 30m, 12h, 2d, 1w)",
        ),
        (["-s", "ARCHIVE_LOCK_TTL=0"], "error: ARCHIVE_LOCK_TTL='0': must be longer than 0"),
        (["-a", "since"], "error: -a 'since': expected NAME=VALUE"),
        (["-s", "LOG_LEVEL"], "error: -s 'LOG_LEVEL': expected NAME=VALUE"),
        (["--job", "bad/name"], "error: --job 'bad/name': use letters, digits, '-', '_' and '.'"),
        (["--job", ".hidden"], "error: --job '.hidden': use letters, digits, '-', '_' and '.'"),
    ],
    ids=["ttl-not-a-duration", "ttl-zero", "argument-no-value", "setting-no-value", "job-slash", "job-dot"],
)
def test_bad_input_is_one_line_and_exit_2_before_the_lock_or_any_request(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str], arguments: list[str], message: str
) -> None:
    archive = tmp_path / "archive"
    before = sum(site.hits.values())
    url = f"url={article_urls(site, 1)}"
    result = run_job("article", "-a", url, "-s", f"ARCHIVE_URI={archive}", *crawl_settings, *arguments)
    assert (result.returncode, result.stderr, result.stdout) == (2, f"{message}\n", "")
    assert sum(site.hits.values()) == before
    assert not archive.exists()  # not even a lock was taken


def test_the_crawls_own_bad_input_exits_2_and_releases_the_lock(
    site: LocalSite, archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    """The job cannot know every spider's arguments: the crawl's verdict and message pass through."""
    before = sum(site.hits.values())
    result = run_job("article", *archive_target.settings, *crawl_settings, target=archive_target)
    assert result.returncode == 2, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1] == "error: no URL given: pass -a url=URL[,URL...] or -a urls=FILE"
    assert "Traceback" not in result.stderr
    assert sum(site.hits.values()) == before
    assert archive_target.documents("locks/") == {}


def test_a_stop_signal_reaches_the_crawl_and_the_renewed_lock_is_released(
    archive_target: ArchiveTarget, crawl_settings: list[str]
) -> None:
    """A scheduler stops a job with SIGTERM to the job process only; the crawl must still close cleanly
    and write its manifest, and the lock must be free for the next run. The page is served by a socket
    that never answers, so the crawl is certainly running while the lock is watched and the signal sent."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(JOB_TIMEOUT)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow.html"
        job = subprocess.Popen(
            job_command(
                "article",
                "-a",
                f"url={url}",
                "-s",
                "ROBOTSTXT_OBEY=False",
                "-s",
                "RETRY_ENABLED=False",
                "-s",
                "ARCHIVE_LOCK_TTL=3",  # renewed every second
                *archive_target.settings,
                *crawl_settings,
                "--job",
                "slow",
            ),
            cwd=PROJECT_DIR,
            env=job_env(archive_target),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stderr: list[str] = []
        stopping = threading.Event()

        def read_stderr() -> None:
            assert job.stderr is not None
            for line in job.stderr:
                stderr.append(line)
                if "Received SIGTERM, shutting down gracefully" in line:
                    stopping.set()

        reader = threading.Thread(target=read_stderr, name="job-stderr", daemon=True)
        reader.start()
        try:
            connection, _ = listener.accept()
            with connection:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = connection.recv(4096)
                    assert chunk, "the crawl closed its connection before sending a request"
                    request += chunk
                assert request.startswith(b"GET /slow.html HTTP/1.1\r\n")

                # Read through the store, which never shows a lock half written, as the job renews it.
                store = target_store(archive_target)
                first = json.loads(stored_lock(store, "slow") or b"null")
                assert (first["job"], first["host"], first["pid"]) == ("slow", socket.gethostname(), job.pid)
                # Waiting for the job's renewal thread, in another process: polling is all there is.
                deadline = time.monotonic() + 15
                renewed = first
                while renewed["expires_at"] == first["expires_at"] and time.monotonic() < deadline:
                    time.sleep(0.05)
                    renewed = json.loads(stored_lock(store, "slow") or b"null")
                assert renewed["expires_at"] > first["expires_at"], "the lock was not renewed within 15 s"
                assert renewed["started_at"] == first["started_at"]

                job.send_signal(signal.SIGTERM)
                assert stopping.wait(JOB_TIMEOUT), "".join(stderr)[-3000:]
            # The connection is closed: the download fails and the stopping crawl closes.
            status = job.wait(JOB_TIMEOUT)
            assert job.stdout is not None
            stdout = job.stdout.read()
        finally:
            if job.poll() is None:
                job.kill()
                job.wait()
            reader.join(JOB_TIMEOUT)
    context = "".join(stderr)[-3000:]
    assert status == 1, context
    assert stdout.splitlines() == [
        "pages fetched:   0",
        f"records written: 0 to {target_store(archive_target).uri} (new 0, changed 0)",
        "unchanged:       0 checked, 0 not due for a check",
        "pages skipped:   1 (download_error 1)",
        "finish reason:   shutdown",
    ]
    assert archive_target.documents("locks/") == {}
    manifest = single_manifest(archive_target, context)
    outcome = (manifest["job_name"], manifest["finish_reason"], manifest["exit_status"])
    assert outcome == ("slow", "shutdown", 1)
    # The page that never answered is counted like any page whose download failed.
    assert manifest["counts"] == {**ZERO_COUNTS, "skipped": {"download_error": 1}}
