"""Shared test fixtures: real servers on 127.0.0.1 (the sample site, moto's S3) and a crawl runner
that runs ``python -m scrapy crawl`` as a subprocess, as a user would."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import jsonschema
import pytest
from moto.server import ThreadedMotoServer

from crawler.demo.server import LocalSite
from crawler.record import load_schema

if TYPE_CHECKING:
    from tests.big_archive import Version

PROJECT_DIR = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-access-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret-key-do-not-log",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def site() -> Iterator[LocalSite]:
    """The bundled sample news site on 127.0.0.1, port 0."""
    with LocalSite() as served:
        yield served


@dataclass
class S3Server:
    endpoint: str

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def objects(self, bucket: str) -> dict[str, bytes]:
        client = self.client()
        keys = [
            item["Key"]
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for item in page.get("Contents", [])
        ]
        return {key: client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's standalone S3 server over HTTP on 127.0.0.1, port 0."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # it logs every request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield S3Server(f"http://{host}:{port}")
    server.stop()


@pytest.fixture
def bucket(s3_server: S3Server, request: pytest.FixtureRequest) -> str:
    """A new, empty bucket for one test."""
    readable = request.node.name.lower().replace("_", "-").replace("[", "-").replace("]", "")[:40].rstrip("-")
    # Parametrized tests share the readable part: the digest keeps each case's bucket its own.
    name = f"test-{readable}-{hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:8]}"
    s3_server.client().create_bucket(Bucket=name)
    return name


def run_crawl(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    """``python -m scrapy crawl ARGS`` from the project directory, returning its exit status and output.

    ``prelude``: Python run in the crawl's process first, to stand in for the world outside it."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARCHIVE_", "SCRAPY_"))}
    full_env = {**base, "LOG_LEVEL": "INFO", **(env or {})}
    start = ["-m", "scrapy"]
    if prelude:
        start = ["-c", f"{prelude}\nimport sys\nfrom scrapy.cmdline import execute\nexecute(sys.argv)"]
    return subprocess.run(
        [sys.executable, *start, "crawl", *args],
        cwd=PROJECT_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def crawl_settings(tmp_path: Path) -> list[str]:
    """Settings every test crawl uses: a private spool, no throttling against the local site."""
    return ["-s", f"ARCHIVE_SPOOL_DIR={tmp_path / 'spool'}", "-s", "AUTOTHROTTLE_ENABLED=False"]


@pytest.fixture(scope="session")
def record_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema())


def read_local_records(root: Path) -> dict[str, dict[str, Any]]:
    """Every record under ``root`` (not its state or run manifests), keyed by its path relative to root."""
    return {
        p.relative_to(root).as_posix(): json.loads(p.read_text("utf-8"))
        for p in sorted((root / "records").rglob("*.json"))
    }


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connections to it are refused."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_record(url: str = "https://news.example.com/2024/05/01/breakwater.html", **changes: Any) -> Any:
    """A valid, unarchived ArticleRecord for ``url``; ``changes`` override any field."""
    from dataclasses import replace

    from crawler.extraction import EXTRACTOR
    from crawler.record import ArticleRecord, HttpInfo, PageDate, content_sha256
    from crawler.urls import canonicalize, domain_of, record_id

    title = changes.pop("title", "Breakwater to be rebuilt")
    text = changes.pop(
        "text", "The harbour authority will rebuild the eastern breakwater.\n\nWork starts in May."
    )
    published = PageDate(
        "2024-05-01T09:30:00+01:00",
        "json-ld",
        "2024-05-01T08:30:00Z",
        "2024-05-01T09:30:00",
        "second",
        "explicit",
    )
    record = ArticleRecord(
        id=record_id(url),
        url=url,
        requested_url=url,
        canonical_url=canonicalize(url),
        domain=domain_of(url),
        title=title,
        text=text,
        authors=["Jane Roe"],
        agencies=[],
        published_at=published.utc,
        published_date="2024-05-01",
        modified_at=None,
        dates={"published": published, "modified": None},
        fetched_at="2026-11-25T10:00:00Z",
        archived_at=None,
        language="en",
        description=None,
        site_name="Harbour Courier",
        tags=[],
        image=None,
        content_sha256=content_sha256(title, text),
        http=HttpInfo(200, "text/html; charset=utf-8", '"abc"', None),
        spider="article",
        job_id="test-job",
        extractor=EXTRACTOR,
    )
    return replace(record, **changes)


@pytest.fixture(params=["local", "s3"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """The same tests against a local directory and a bucket on moto's S3 server."""
    from crawler.config import project_settings
    from pipelines.storage import open_store

    if request.param == "local":
        return open_store(str(tmp_path / "archive"), project_settings())
    server: S3Server = request.getfixturevalue("s3_server")
    name = f"store-{abs(hash(request.node.nodeid)) % 10**8}"
    server.client().create_bucket(Bucket=name)
    settings = project_settings(
        {
            "AWS_ENDPOINT_URL": server.endpoint,
            "AWS_ACCESS_KEY_ID": S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            "AWS_REGION_NAME": "us-east-1",
        }
    )
    return open_store(f"s3://{name}/news", settings)


@dataclass
class ArchiveTarget:
    """Where a test crawl archives to, and how the test reads back what is there."""

    kind: str
    uri: str
    settings: list[str]  # -s options for the crawl
    env: dict[str, str]
    read_all: Any  # () -> {key relative to the archive root: bytes}, every object

    def documents(self, prefix: str) -> dict[str, dict[str, Any]]:
        """Every JSON document whose key starts with ``prefix`` (records/, runs/, state/, locks/)."""
        return {
            key: json.loads(data)
            for key, data in sorted(self.read_all().items())
            if key.startswith(prefix) and key.endswith(".json")
        }

    def records(self) -> dict[str, dict[str, Any]]:
        return self.documents("records/")


@pytest.fixture(params=["local", "s3"])
def archive_target(request: pytest.FixtureRequest, tmp_path: Path) -> ArchiveTarget:
    """A crawl's archive as a local directory and as a bucket on moto's S3 server over HTTP."""
    if request.param == "local":
        root = tmp_path / "archive"

        def read_local() -> dict[str, bytes]:
            return {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in root.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
            }

        return ArchiveTarget("local", str(root), ["-s", f"ARCHIVE_URI={root}"], {}, read_local)
    server: S3Server = request.getfixturevalue("s3_server")
    name = request.getfixturevalue("bucket")
    uri = f"s3://{name}/news"

    def read_bucket() -> dict[str, bytes]:
        return {key[len("news/") :]: data for key, data in server.objects(name).items()}

    settings = ["-s", f"ARCHIVE_URI={uri}", "-s", f"AWS_ENDPOINT_URL={server.endpoint}"]
    return ArchiveTarget("s3", uri, settings, dict(S3_CREDENTIALS), read_bucket)


@pytest.fixture(scope="session")
def stored_versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Version]]:
    """The archive the reading tests share (tests/big_archive.py), built once per session."""
    from tests.big_archive import build_local_archive  # it builds on this module's helpers

    root = tmp_path_factory.mktemp("big") / "archive"
    return root, build_local_archive(root, root.parent / "spool")
