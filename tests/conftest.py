"""Shared test fixtures: real servers on 127.0.0.1 (the sample site, moto's S3), the archives a test
crawls into, and the archive the reading tests share. What they are built from is in tests/support/."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import redis
from moto.server import ThreadedMotoServer

from crawler.demo.server import LocalSite
from crawler.record import load_schema
from pipelines.storage import open_store
from pipelines.storage.keys import article_state_key
from pipelines.storage.local import LocalStore
from tests.support.big_archive import Version, build_local_archive
from tests.support.crawls import ArchiveTarget
from tests.support.frontier import ARTICLES, Crawl, NewsSite, news_site_of
from tests.support.reading import Archive
from tests.support.redis_server import redis_server
from tests.support.servers import S3_CREDENTIALS, S3Server, s3_settings


@pytest.fixture(scope="session")
def site() -> Iterator[LocalSite]:
    """The bundled sample news site on 127.0.0.1, port 0."""
    with LocalSite() as served:
        yield served


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


@pytest.fixture
def crawl_settings(tmp_path: Path) -> list[str]:
    """Settings every test crawl uses: a private spool, no throttling against the local site."""
    return ["-s", f"ARCHIVE_SPOOL_DIR={tmp_path / 'spool'}", "-s", "AUTOTHROTTLE_ENABLED=False"]


@pytest.fixture(scope="session")
def record_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema())


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connections to it are refused."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
    """The archive the reading tests share (tests/support/big_archive.py), built once per session."""
    root = tmp_path_factory.mktemp("big") / "archive"
    return root, build_local_archive(root, root.parent / "spool")


@pytest.fixture
def news_site(tmp_path: Path) -> Iterator[NewsSite]:
    """500 articles and a sitemap listing them, for the shared frontier's crawls."""
    with news_site_of(tmp_path / "site", ARTICLES) as site:
        yield site


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def frontier_redis(redis_url: str) -> Iterator[redis.Redis]:
    """The test's Redis, emptied before the test."""
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    yield client
    client.close()


@pytest.fixture
def crawls() -> Iterator[list[Crawl]]:
    started: list[Crawl] = []
    yield started
    for crawl in started:
        crawl.stop()


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
