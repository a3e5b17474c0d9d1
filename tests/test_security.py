"""Security: keys and paths built only from the record id and sanitised parts, on both backends;
credentials never in logs, records, manifests or error messages; URL_DENY_PRIVATE_NETWORKS; polite
defaults."""

from __future__ import annotations

import gzip
import json
import re
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.project import get_project_settings

from crawler import exit_status
from crawler.config import project_settings
from crawler.demo.server import LocalSite
from crawler.middlewares.network_policy import is_public
from pipelines.archive import ArchivePipeline
from pipelines.commands import main
from pipelines.storage.keys import manifest_key, record_key
from pipelines.storage.local import LocalStore
from pipelines.write.spool import Spool
from pipelines.write.url_index import UrlIndex
from tests.support.crawls import read_local_records, run_crawl
from tests.support.faultproxy import PASS, REFUSE, FaultProxy
from tests.support.records import make_record
from tests.support.servers import S3_CREDENTIALS, S3Server
from tests.support.sites import (
    FAST_STORAGE,
    add_articles,
    article_html,
    s3_documents,
    start_crawl,
    write_urls,
)

HOSTILE_URLS = [
    "http://127.0.0.1/a/../../../../etc/passwd",
    "http://127.0.0.1/%2e%2e/%2e%2e/%2e%2e/etc/shadow",
    "http://127.0.0.1/..%2f..%2f..%2froot/.ssh/id_rsa",
    "http://127.0.0.1/ctl%00%0d%0a%1b[31m.html",
    "http://127.0.0.1/" + "x" * 5000 + ".html",
    "http://..%2f..%2f/evil.html",
    "http://xn--80ak6aa92e.com/../../x.html",
    "http://[::1]/%00/../x.html",
    "http://user:pass@evil.example/../../../x.html",
    "http://EVIL.example./a/./b/../../c.html",
]
_KEY = re.compile(r"^records/date=\d{4}-\d{2}-\d{2}/domain=[a-z0-9._\-]+/[0-9a-f]{32}-[0-9a-f]{16}\.json$")
_STATE = re.compile(
    r"^state/(articles/[0-9a-f]{2}/[0-9a-f]{32}\.json|url-index/domain=[a-z0-9._\-]+\.json\.gz)$"
)


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_urls_never_make_a_key_that_leaves_the_archive(
    any_store: Any, tmp_path: Path, url: str
) -> None:
    index = UrlIndex(any_store)
    pipeline = ArchivePipeline(
        any_store,
        Spool(tmp_path / "spool", any_store.uri),
        Counts(),
        threads=1,
        attempts=1,
        backoff=0,
        index=index,
    )
    outcome, stored = pipeline._archive_or_spool(make_record(url=url))
    assert outcome == "archive/records/new"
    assert index.flush() == 1
    keys = [item.key for item in any_store.objects("")]
    assert len(keys) == 3
    for key in keys:
        assert _KEY.match(key) or _STATE.match(key), key
        assert ".." not in key.split("/")
    assert record_key(stored) in keys
    if isinstance(any_store, LocalStore):  # every file is inside the archive directory
        root = any_store.root
        files = [p for p in root.rglob("*") if p.is_file() and ".locks" not in p.parts]
        assert len(files) == 3 and all(p.resolve().is_relative_to(root) for p in files)
    else:
        assert any_store.uri.endswith("/news")  # the listing above was of the prefix: nothing outside it
        client = any_store.client
        everything = [o["Key"] for o in client.list_objects_v2(Bucket=any_store.bucket).get("Contents", [])]
        assert all(key.startswith("news/") for key in everything)


@pytest.mark.parametrize("job_id", ["../../../etc/cron.d/x", "/abs", "..", "a/b", "job\x00\n"])
def test_manifest_and_spool_names_stay_in_their_folders(tmp_path: Path, job_id: str) -> None:
    key = manifest_key("2026-11-25T10:00:00Z", job_id)
    assert key.startswith("runs/date=2026-11-25/") and key.count("/") == 2 and ".." not in key.split("/")
    assert LocalStore(tmp_path / "archive")._path(key).is_relative_to((tmp_path / "archive").resolve())


class Counts:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, 0) + count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1"
TOKEN = "FwoGZXIvYXdzEBoaDSESSIONTOKENzzz9876"


def test_credentials_never_appear_in_output_logs_records_manifests_or_errors(
    site: LocalSite, s3_server: S3Server, bucket: str, tmp_path: Path, crawl_settings: list[str],
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    credentials = {**S3_CREDENTIALS, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN}
    urls = add_articles(site, "secrets", 12)
    with FaultProxy(s3_server.endpoint) as proxy:
        arguments = [
            "article",
            "-a",
            f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
            *("-s", f"ARCHIVE_URI=s3://{bucket}/news", "-s", f"AWS_ENDPOINT_URL={proxy.url}"),
            *("-s", "LOG_LEVEL=DEBUG"),
            *crawl_settings,
            *FAST_STORAGE,
        ]
        crawl = start_crawl(arguments, env=credentials, log=tmp_path / "first.log")  # DEBUG: a lot
        proxy.wait_for(lambda: proxy.count("stored_records") >= 4 or crawl.poll() is not None)
        proxy.set_mode(REFUSE)  # errors, retries and the spool all log something
        first_out, _ = crawl.communicate(timeout=300)
        first_err = (tmp_path / "first.log").read_text()
        assert crawl.returncode == 3
        for name, value in {**credentials, "AWS_ENDPOINT_URL": proxy.url}.items():
            monkeypatch.setenv(name, value)
        flush = [
            "flush",
            "--archive",
            f"s3://{bucket}/news",
            "--spool-dir",
            str(tmp_path / "spool"),
            "--debug",
        ]
        assert main(flush) == exit_status.UNREACHABLE
        proxy.set_mode(PASS)
        assert main(flush) == exit_status.OK
        second = run_crawl(*arguments, env=credentials)
        assert second.returncode == 0, second.stderr[-3000:]
        for command in (["ls"], ["stats"], ["get", urls[0]], ["ls", "--debug"]):
            assert main(["--archive", f"s3://{bucket}/news", *command]) == exit_status.OK
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # refused: an error message
    assert main(["--archive", f"s3://{bucket}/news", "--debug", "ls"]) == exit_status.UNREACHABLE
    captured = capsys.readouterr()
    # Every object, the WARC segments (raw pages, request headers) inflated.
    stored = "\n".join(
        (gzip.decompress(data) if key.endswith(".warc.gz") else data).decode("utf-8", "replace")
        for key, data in s3_server.objects(bucket).items()
    )
    everything = "\n".join(
        [first_out, first_err, second.stdout, second.stderr, captured.out, captured.err, stored]
    )
    assert "DEBUG" in first_err and "Storage is failing" in first_err  # the logs were there to search
    assert len(s3_documents(s3_server.objects(bucket), "news/records/")) == 12
    for secret in (SECRET, TOKEN, SECRET.split("/")[-1], TOKEN[-16:]):
        assert secret not in everything
    assert "X-Amz-Signature" not in everything and "Signature=" not in everything


def test_credentials_given_as_settings_are_shown_as_stars_in_scrapys_log(
    site: LocalSite, s3_server: S3Server, bucket: str, tmp_path: Path, crawl_settings: list[str]
) -> None:
    """docs/settings.md allows `-s AWS_SECRET_ACCESS_KEY=...`; Scrapy logs every overridden setting."""
    urls = add_articles(site, "secret-settings", 2)
    result = run_crawl(
        "article",
        "-a",
        f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
        *("-s", f"ARCHIVE_URI=s3://{bucket}/news", "-s", f"AWS_ENDPOINT_URL={s3_server.endpoint}"),
        *(
            "-s",
            f"AWS_ACCESS_KEY_ID={S3_CREDENTIALS['AWS_ACCESS_KEY_ID']}",
            "-s",
            "AWS_REGION_NAME=us-east-1",
        ),
        *("-s", f"AWS_SECRET_ACCESS_KEY={SECRET}", "-s", f"AWS_SESSION_TOKEN={TOKEN}"),
        *crawl_settings,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(s3_documents(s3_server.objects(bucket), "news/records/")) == 2
    assert "'AWS_SECRET_ACCESS_KEY': '***'" in result.stderr
    assert "'AWS_SESSION_TOKEN': '***'" in result.stderr
    assert f"'AWS_ENDPOINT_URL': '{s3_server.endpoint}'" in result.stderr  # the others as they are
    for secret in (SECRET, TOKEN, SECRET.split("/")[-1], TOKEN[-16:]):
        assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True), ("127.0.0.1", False),
        ("127.1.2.3", False), ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.1.1", False),
        ("169.254.169.254", False), ("100.100.100.200", False), ("0.0.0.0", False), ("::1", False),
        ("::", False), ("fe80::1%eth0", False), ("fd00:ec2::254", False), ("::ffff:127.0.0.1", False),
        ("::ffff:169.254.169.254", False), ("2002:7f00:1::", False), ("224.0.0.1", False),
        ("255.255.255.255", False), ("not an address", False),
    ],
)  # fmt: skip
def test_private_loopback_link_local_and_metadata_addresses_are_not_public(
    address: str, public: bool
) -> None:
    assert is_public(address) is public


def test_url_deny_private_networks_refuses_private_hosts_after_resolution_and_on_redirects(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    port = site.url.rsplit(":", 1)[1]
    good = site.add_route("/private/good.html", 200, article_html(1).encode(), content_type="text/html")
    site.add_route("/private/secret.html", 200, article_html(2).encode(), content_type="text/html")
    urls = [
        good,  # 127.0.0.1:PORT is allowed by name below
        f"http://localhost:{port}/private/secret.html",  # resolves to loopback
        site.add_route(
            "/private/to-localhost.html",
            301,
            location=f"http://localhost:{port}/private/secret.html?via=redirect",
        ),
        site.add_route("/private/to-metadata.html", 302, location="http://169.254.169.254/latest/meta-data/"),
        f"http://[::1]:{port}/private/secret.html",
        f"http://0.0.0.0:{port}/private/secret.html",
    ]
    archive = tmp_path / "archive"
    result = run_crawl(
        "article",
        "-a",
        f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
        *("-s", f"ARCHIVE_URI={archive}", "-s", "URL_DENY_PRIVATE_NETWORKS=True"),
        *("-s", f"URL_PRIVATE_NETWORKS_ALLOW=127.0.0.1:{port}"),
        *crawl_settings,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pages skipped:   5 (private_network 5)" in result.stdout.splitlines()
    assert [r["url"] for r in read_local_records(archive).values()] == [good]
    assert site.hits["/private/secret.html"] == 0  # never fetched, not even through the redirects
    assert "resolves to 127.0.0.1" in result.stderr


# The attacker's DNS server: a public address to the check before the download, the loopback
# address to the download itself. The check asks getaddrinfo, the download's resolver gethostbyname.
REBINDING_DNS = """
import socket
_real_getaddrinfo = socket.getaddrinfo

def _rebinding_getaddrinfo(host, port, *args, **kwargs):
    if host == "localhost":
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port or 80))]
    return _real_getaddrinfo(host, port, *args, **kwargs)

socket.getaddrinfo = _rebinding_getaddrinfo
"""


def test_url_deny_private_networks_refuses_a_name_that_rebinds_to_loopback_at_download_time(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    port = site.url.rsplit(":", 1)[1]
    good = site.add_route("/rebind/good.html", 200, article_html(4).encode(), content_type="text/html")
    site.add_route("/rebind/secret.html", 200, article_html(5).encode(), content_type="text/html")
    secret = f"http://localhost:{port}/rebind/secret.html"
    archive = tmp_path / "archive"
    result = run_crawl(
        "article",
        "-a",
        f"urls={write_urls(tmp_path / 'urls.txt', [good, secret])}",
        *("-s", f"ARCHIVE_URI={archive}", "-s", "URL_DENY_PRIVATE_NETWORKS=True"),
        *("-s", f"URL_PRIVATE_NETWORKS_ALLOW=127.0.0.1:{port}"),
        *crawl_settings,
        prelude=REBINDING_DNS,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pages skipped:   1 (private_network 1)" in result.stdout.splitlines(), result.stderr[-4000:]
    assert [r["url"] for r in read_local_records(archive).values()] == [good]
    assert site.hits["/rebind/secret.html"] == 0
    [skipped_line] = [line for line in result.stderr.splitlines() if ": private_network (" in line]
    assert skipped_line.endswith(
        f"[crawler.middlewares.network_policy] INFO: Skipped {secret}: private_network "
        "(localhost resolves to 127.0.0.1 at download time)"
    )
    assert "ERROR" not in result.stderr  # not retried and reported as a DNS failure


def test_url_deny_private_networks_needs_the_public_address_resolver(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    result = run_crawl(
        "article",
        "-a",
        f"url={site.url}/rebind/never.html",
        *("-s", f"ARCHIVE_URI={tmp_path / 'archive'}", "-s", "URL_DENY_PRIVATE_NETWORKS=True"),
        *("-s", "TWISTED_DNS_RESOLVER=scrapy.resolver.CachingThreadedResolver"),
        *crawl_settings,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: TWISTED_DNS_RESOLVER='scrapy.resolver.CachingThreadedResolver': URL_DENY_PRIVATE_NETWORKS "
        "needs crawler.middlewares.network_policy.PublicAddressResolver (or a subclass)"
    )
    assert site.hits["/rebind/never.html"] == 0


def test_polite_defaults(site: LocalSite, tmp_path: Path, crawl_settings: list[str]) -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 4
    assert settings.getbool("URL_DENY_PRIVATE_NETWORKS") is False
    contact = settings.get("ARCHIVE_CONTACT")
    assert settings.get("USER_AGENT") == f"newsarchive/0.1 (news archiver; +{contact})"
    seen: list[str] = []
    lock = threading.Lock()
    body = article_html(3).encode()

    def answer(request: BaseHTTPRequestHandler) -> None:
        with lock:
            seen.append(request.headers.get("User-Agent", ""))
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    url = site.add_handler("/polite/story.html", answer)
    robots_before = site.hits["/robots.txt"]
    result = run_crawl(
        "article", "-a", f"url={url}", "-s", f"ARCHIVE_URI={tmp_path / 'archive'}", *crawl_settings,
        env={"ARCHIVE_CONTACT": "mailto:archive-team@example.org"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert seen == ["newsarchive/0.1 (news archiver; +mailto:archive-team@example.org)"]
    assert site.hits["/robots.txt"] == robots_before + 1  # asked before the page


def test_settings_are_validated_where_they_are_read() -> None:
    from crawler.errors import SettingError
    from pipelines.storage.s3 import s3_client

    with pytest.raises(SettingError, match=r"^ARCHIVE_STORE_READ_TIMEOUT='soon': must be a positive number"):
        s3_client(project_settings({"ARCHIVE_STORE_READ_TIMEOUT": "soon"}))
    client = s3_client(
        project_settings({"ARCHIVE_STORE_CONNECT_TIMEOUT": "2.5", "ARCHIVE_STORE_READ_TIMEOUT": "7"})
    )
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (2.5, 7.0)
    assert client.meta.config.retries["total_max_attempts"] == 5
    assert json.dumps(client.meta.config.retries)  # plain values only
