"""Deployment end to end: a real Scrapyd on 127.0.0.1, the project built as an egg (from a copy of the
project, so nothing is written into the repository) and uploaded with addversion.json, then one
`article` job scheduled with schedule.json that archives a page of the local sample site, into a local
directory and into a bucket on moto's S3 server over HTTP."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import LocalSite
from tests.support.crawls import PROJECT_DIR, ZERO_COUNTS, ArchiveTarget, target_store
from tests.support.servers import S3_CREDENTIALS

PROJECT = "newsarchive"
BIN = Path(sys.executable).parent  # .venv/bin: scrapyd and scrapyd-deploy are installed next to python
ARTICLE_PATH = "courier/2021/03/02/harbour-bridge-reopens.html"
# What the egg build needs; copied to a temporary directory because the build writes setup.py, build/
# and newsarchive.egg-info next to scrapy.cfg.
PROJECT_FILES = ("scrapy.cfg", "pyproject.toml", "README.md")
PROJECT_PACKAGES = ("crawler", "pipelines", "settings")
KEY = re.compile(r"^records/date=\d{4}-\d{2}-\d{2}/domain=127\.0\.0\.1/[0-9a-f]{32}-[0-9a-f]{16}\.json$")
STARTUP_TIMEOUT = 30.0
JOB_TIMEOUT = 120.0


def clean_env(home: Path) -> dict[str, str]:
    """The environment without the caller's archive, Scrapy, Scrapyd and AWS variables; HOME is private so
    that no ~/.scrapyd.conf applies, and PYTHONPATH is dropped so that the deployed egg is what runs."""
    prefixes = ("AWS_", "ARCHIVE_", "SCRAPY_", "SCRAPYD_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes) and k != "PYTHONPATH"}
    return {**env, "HOME": str(home), "LOG_LEVEL": "INFO"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def encode_multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type: ``files`` maps a field to (file name, content)."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        header = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(header.encode() + value.encode() + b"\r\n")
    for name, (filename, content) in files.items():
        header = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(header.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Scrapyd:
    url: str
    root: Path  # working directory: scrapyd.conf, eggs/, logs/, dbs/
    output: Path  # scrapyd's own stdout and stderr

    def get(self, endpoint: str, **params: str) -> dict[str, Any]:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._call(urllib.request.Request(f"{self.url}/{endpoint}{query}"))

    def post_form(self, endpoint: str, fields: list[tuple[str, str]]) -> dict[str, Any]:
        body = urllib.parse.urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._call(urllib.request.Request(f"{self.url}/{endpoint}", data=body, headers=headers))

    def post_multipart(
        self, endpoint: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any]:
        body, content_type = encode_multipart(fields, files)
        headers = {"Content-Type": content_type}
        return self._call(urllib.request.Request(f"{self.url}/{endpoint}", data=body, headers=headers))

    def _call(self, request: urllib.request.Request) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:  # Scrapyd answers bad requests with a JSON error body
            raw = error.read()
        answer: dict[str, Any] = json.loads(raw.decode("utf-8"))
        return answer

    def job_log(self, spider: str, job: str) -> str:
        path = self.root / "logs" / PROJECT / spider / f"{job}.log"
        return path.read_text("utf-8", errors="replace") if path.is_file() else f"(no log at {path})"

    def daemon_output(self) -> str:
        return self.output.read_text("utf-8", errors="replace") if self.output.is_file() else ""


def write_config(root: Path, port: int) -> None:
    (root / "scrapyd.conf").write_text(
        "\n".join(
            [
                "[scrapyd]",
                "bind_address = 127.0.0.1",
                f"http_port = {port}",
                "username =",
                "password =",
                f"eggs_dir = {root / 'eggs'}",
                f"logs_dir = {root / 'logs'}",
                f"dbs_dir = {root / 'dbs'}",
                "items_dir =",
                "jobs_dir =",
                "jobs_to_keep = 5",
                "finished_to_keep = 100",
                "max_proc = 1",
                "poll_interval = 0.2",
                "",
            ]
        ),
        encoding="utf-8",
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Scrapyd and whatever crawl it still runs: they share the process group started for scrapyd."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def start_scrapyd(root: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], Scrapyd]:
    """scrapyd on a free port, once it answers daemonstatus.json; a few tries in case the port is taken.

    ``env`` is added to the clean environment: credentials reach the crawls that way, as on a server,
    and not as settings, which Scrapy would log and Scrapyd would keep in its queue."""
    for attempt in range(3):
        port = free_port()
        write_config(root, port)
        server = Scrapyd(f"http://127.0.0.1:{port}", root, root / f"scrapyd-{attempt}.out")
        with server.output.open("wb") as output:
            process = subprocess.Popen(
                [str(BIN / "scrapyd")],
                cwd=root,  # scrapyd reads ./scrapyd.conf
                env={**clean_env(root), **env},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if server.get("daemonstatus.json").get("status") == "ok":
                    return process, server
            except OSError:  # not listening yet
                pass
            time.sleep(0.1)
        stop(process)
        if b"Address already in use" not in server.output.read_bytes():
            break
    pytest.fail(f"scrapyd did not start within {STARTUP_TIMEOUT:.0f} s:\n{server.daemon_output()}")


@pytest.fixture
def scrapyd(tmp_path: Path, archive_target: ArchiveTarget) -> Iterator[Scrapyd]:
    """One Scrapyd per test, with the archive's credentials (none for a local directory)."""
    root = tmp_path / "scrapyd"
    root.mkdir()
    process, server = start_scrapyd(root, archive_target.env)
    try:
        yield server
    finally:
        stop(process)


def build_egg(workdir: Path) -> Path:
    """``scrapyd-deploy --build-egg`` in a copy of the project: it writes setup.py where scrapy.cfg is."""
    source = workdir / "project"
    source.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy2(PROJECT_DIR / name, source / name)
    for name in PROJECT_PACKAGES:
        shutil.copytree(
            PROJECT_DIR / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    egg = workdir / f"{PROJECT}.egg"
    env = {**clean_env(workdir), "TMPDIR": str(workdir)}  # scrapyd-deploy leaves its build dir in TMPDIR
    result = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "--build-egg", str(egg)],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0 and egg.is_file(), f"egg build failed:\n{result.stdout}\n{result.stderr}"
    return egg


def wait_for_job(scrapyd: Scrapyd, job: str, spider: str) -> None:
    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        jobs = scrapyd.get("listjobs.json", project=PROJECT)
        if any(finished["id"] == job for finished in jobs["finished"]):
            return
        if time.monotonic() > deadline:
            pytest.fail(
                f"job {job} not finished after {JOB_TIMEOUT:.0f} s: {jobs}\n"
                f"--- job log ---\n{scrapyd.job_log(spider, job)}\n"
                f"--- scrapyd ---\n{scrapyd.daemon_output()}"
            )
        time.sleep(0.2)


def test_deploy_schedule_and_archive(
    scrapyd: Scrapyd, site: LocalSite, tmp_path: Path, archive_target: ArchiveTarget
) -> None:
    egg = build_egg(tmp_path / "build")
    version = "1"

    deployed = scrapyd.post_multipart(
        "addversion.json", {"project": PROJECT, "version": version}, {"egg": (egg.name, egg.read_bytes())}
    )
    assert deployed.get("status") == "ok", deployed
    assert deployed["project"] == PROJECT
    assert deployed["version"] == version
    assert deployed["spiders"] >= 1, deployed

    spiders = scrapyd.get("listspiders.json", project=PROJECT)
    assert spiders.get("status") == "ok", spiders
    assert "article" in spiders["spiders"], spiders

    url = f"{site.url}/{ARTICLE_PATH}"
    scheduled = scrapyd.post_form(
        "schedule.json",
        [
            ("project", PROJECT),
            ("spider", "article"),
            ("url", url),
            *(("setting", value) for value in archive_target.settings[1::2]),
            ("setting", f"ARCHIVE_SPOOL_DIR={tmp_path / 'spool'}"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
        ],
    )
    assert scheduled.get("status") == "ok", scheduled
    job = scheduled["jobid"]

    wait_for_job(scrapyd, job, "article")

    log = scrapyd.job_log("article", job)
    stored = archive_target.documents("")
    context = f"archive: {sorted(stored)}\n--- job log ---\n{log}"
    records = archive_target.records()
    assert len(records) == 1, context
    [(key, record)] = records.items()
    assert KEY.match(key), context
    assert record["url"] == url, context
    # Scrapyd 1.6 passes its job id to the crawl as the spider argument _job (-a _job=ID).
    assert record["job_id"] == job, f"record job_id {record['job_id']!r}, Scrapyd job {job!r}\n{context}"

    # The run's manifest is named after Scrapyd's job, so a person can go from one to the other.
    manifests = archive_target.documents("runs/")
    assert len(manifests) == 1, context
    [(key, manifest)] = manifests.items()
    assert key == f"runs/date={manifest['started_at'][:10]}/{job}.json", context
    assert {
        name: manifest[name]
        for name in ("job_id", "job_name", "spider", "arguments", "finish_reason", "exit_status", "archive")
    } == {
        "job_id": job,
        "job_name": None,  # not run through crawler.jobs
        "spider": "article",
        "arguments": {"url": url},  # without Scrapyd's private _job
        "finish_reason": "finished",
        "exit_status": 0,
        "archive": target_store(archive_target).uri,
    }, context
    assert manifest["counts"] == {  # and robots.txt
        **ZERO_COUNTS,
        "pages_fetched": 2,
        "new": 1,
        "kinds": {"article": 1},
    }, context
    assert S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in log
