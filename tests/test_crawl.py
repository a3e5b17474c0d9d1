"""End to end: ``python -m scrapy crawl article`` as a subprocess against the local sample site,
into a local directory and into moto's S3 server over HTTP."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler import exit_status
from crawler.demo.__main__ import site_pages
from crawler.demo.server import SITE_DIR, LocalSite, etag_of
from crawler.record import content_sha256
from crawler.urls import record_id
from tests.support.crawls import (
    ARTICLES,
    DEMO,
    PROJECT_DIR,
    SITE_KINDS,
    SITE_SKIP_REASONS,
    read_local_records,
    run_crawl,
    skipped_line,
)
from tests.support.servers import S3_CREDENTIALS, S3Server

KEY = re.compile(
    r"^records/date=\d{4}-\d{2}-\d{2}/domain=127\.0\.0\.1/(?P<id>[0-9a-f]{32})-(?P<sha>[0-9a-f]{16})\.json$"
)


def check_record(record: dict[str, Any], site_url: str, key: str, validator: Any) -> None:
    """The stored record matches its page in the sample site, field by field."""
    validator.validate(record)
    path = record["url"][len(site_url) + 1 :]
    page = DEMO[path]
    match = KEY.match(key)
    assert match is not None, key
    assert match["id"] == record["id"] == record_id(record["url"])
    assert match["sha"] == record["content_sha256"][:16]
    assert record["content_sha256"] == content_sha256(record["title"], record["text"])
    assert record["fetched_at"][:10] == key.split("date=")[1][:10]
    expected = {
        "url": f"{site_url}/{path}",
        "requested_url": f"{site_url}/{path}",
        "canonical_url": f"{site_url}/{path}",
        "domain": "127.0.0.1",
        "title": page["title"],
        "text": "\n\n".join(page["blocks"]),
        "authors": page["authors"],
        "published_at": page["published_at"],
        "modified_at": page["modified_at"],
        "language": page["language"],
        "site_name": page["site_name"],
        "tags": page["tags"],
        "spider": "article",
        "http": {
            "status": 200,
            "content_type": "text/html; charset=utf-8",
            "etag": etag_of((SITE_DIR / path).read_bytes()),
            "last_modified": None,
        },
    }
    assert {name: record[name] for name in expected} == expected


def test_crawl_of_the_sample_site_archives_every_article_once(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str], record_validator: Any
) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(f"{site.url}{path}\n" for path in site_pages()), encoding="utf-8")
    archive = tmp_path / "archive"
    result = run_crawl("article", "-a", f"urls={urls}", "-s", f"ARCHIVE_URI={archive}", *crawl_settings)
    assert result.returncode == 0, result.stderr[-3000:]
    # Every page given by URL is archived, whatever its kind (crawler.admission).
    kinds = SITE_KINDS + Counter({"article": len(ARTICLES)})
    assert result.stdout.splitlines() == [
        f"pages fetched:   {len(site_pages()) + 1}",  # and robots.txt
        "pages by kind:   " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())),
        f"records written: {len(site_pages())} to {archive.as_uri()} (new {len(site_pages())}, changed 0)",
        "unchanged:       0 checked, 0 not due for a check",
        "pages skipped:   0 (none)",
        "finish reason:   finished",
    ]
    everything = read_local_records(archive)
    kind_of = {r["url"][len(site.url) + 1 :]: r["kind"] for r in everything.values()}
    assert kind_of == {path: DEMO[path].get("kind", "article") for path in DEMO}
    records = {key: r for key, r in everything.items() if r["kind"] == "article"}
    assert sorted(r["url"][len(site.url) + 1 :] for r in records.values()) == ARTICLES
    job_ids = {r["job_id"] for r in records.values()}
    assert len(job_ids) == 1 and job_ids.pop().startswith("article-")
    for key, record in records.items():
        check_record(record, site.url, key, record_validator)
    assert [p.name for p in archive.rglob(".tmp-*")] == []


def test_one_article_into_s3_is_one_object_matching_the_page(
    site: LocalSite, s3_server: S3Server, bucket: str, crawl_settings: list[str], record_validator: Any
) -> None:
    path = ARTICLES[0]
    result = run_crawl(
        "article",
        "-a",
        f"url={site.url}/{path}",
        "-s",
        f"ARCHIVE_URI=s3://{bucket}/news",
        "-s",
        f"AWS_ENDPOINT_URL={s3_server.endpoint}",
        *crawl_settings,
        env=S3_CREDENTIALS,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    objects = s3_server.objects(bucket)
    # The record, the URL's and the article's incremental state, the run's manifest, the WARC segment
    # with the raw page and the segment's index.
    assert sorted(key.split("/")[1] for key in objects) == [
        "records",
        "runs",
        "state",
        "state",
        "warc",
        "warc",
    ]
    key, body = next((k, v) for k, v in objects.items() if k.startswith("news/records/"))
    check_record(json.loads(body), site.url, key[len("news/") :], record_validator)
    assert S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "error: no URL given: pass -a url=URL[,URL...] or -a urls=FILE"),
        (["-a", "url=ftp://example.com/a"], "error: -a url: not an http(s) URL: 'ftp://example.com/a'"),
        (
            ["-a", "urls=/nonexistent/urls.txt"],
            "error: -a urls: cannot read '/nonexistent/urls.txt': No such file or directory",
        ),
        (
            ["-s", "ARCHIVE_URI=s4://bucket/news"],
            "error: ARCHIVE_URI='s4://bucket/news': scheme must be file or s3",
        ),
        (["-s", "ARCHIVE_WRITE_THREADS=0"], "error: ARCHIVE_WRITE_THREADS='0': must be at least 1"),
        (["-s", "EXTRACT_MIN_CHARS=-1"], "error: EXTRACT_MIN_CHARS='-1': must not be negative"),
        (
            ["-s", "EXTRACT_WORKERS=-2"],
            "error: EXTRACT_WORKERS='-2': must not be negative",
        ),
        (["-s", "EXTRACT_WORKERS=many"], "error: EXTRACT_WORKERS='many': not a whole number"),
        (["-s", "EXTRACT_TIMEOUT=0"], "error: EXTRACT_TIMEOUT='0': must be a positive number of seconds"),
    ],
)
def test_bad_input_stops_before_any_request_with_one_line(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str], arguments: list[str], message: str
) -> None:
    url = [] if "-a" in arguments or not arguments else ["-a", f"url={site.url}/bad-input-probe.html"]
    archive = (
        [] if any(a.startswith("ARCHIVE_URI=") for a in arguments) else ["-s", f"ARCHIVE_URI={tmp_path}"]
    )
    before = sum(site.hits.values())
    result = run_crawl("article", *url, *arguments, *archive, *crawl_settings)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == message
    assert "Traceback" not in result.stderr
    assert sum(site.hits.values()) == before


def test_a_missing_bucket_is_reported_before_crawling(
    site: LocalSite, s3_server: S3Server, crawl_settings: list[str]
) -> None:
    before = sum(site.hits.values())
    result = run_crawl(
        "article",
        "-a",
        f"url={site.url}/{ARTICLES[0]}",
        "-s",
        "ARCHIVE_URI=s3://no-such-bucket/news",
        "-s",
        f"AWS_ENDPOINT_URL={s3_server.endpoint}",
        *crawl_settings,
        env=S3_CREDENTIALS,
    )
    assert (result.returncode, result.stderr.splitlines()[-1]) == (
        exit_status.NO_ARCHIVE,
        "error: ARCHIVE_URI='s3://no-such-bucket/news': bucket does not exist",
    )
    assert sum(site.hits.values()) == before


def test_pages_that_are_not_articles_are_counted_by_reason(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    urls = [
        site.add_route("/e2e/missing.html", 404, b"<html><body>gone</body></html>", content_type="text/html"),
        site.add_route("/e2e/report.pdf", 200, b"%PDF-1.7 binary", content_type="application/pdf"),
        site.add_route("/e2e/fake.html", 200, b"\x89PNG\r\n\x1a\n\x00\x00", content_type="text/html"),
        site.add_route("/e2e/empty.html", 200, b"", content_type="text/html"),
        f"{site.url}/{ARTICLES[1]}",
    ]
    archive = tmp_path / "archive"
    result = run_crawl(
        "article", "-a", "url=" + ",".join(urls), "-s", f"ARCHIVE_URI={archive}", *crawl_settings
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pages skipped:   4 (empty 1, http_404 1, not_html 2)" in result.stdout.splitlines()
    assert len(read_local_records(archive)) == 1
    assert result.stderr.count("Skipped ") == 4


def test_records_that_cannot_be_stored_are_spooled_and_delivered_by_the_next_run(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "records").write_text("a file where the records directory should be")
    arguments = [
        "article",
        "-a",
        f"url={site.url}/{ARTICLES[2]}",
        "-s",
        f"ARCHIVE_URI={archive}",
        *crawl_settings,
    ]
    first = run_crawl(*arguments, "-s", "ARCHIVE_WRITE_ATTEMPTS=2", "-s", "ARCHIVE_WRITE_BACKOFF=0")
    assert first.returncode == 3
    assert "records spooled: 1 (delivered late 0, still waiting 1)" in first.stdout.splitlines()
    assert len(list((tmp_path / "spool").rglob("*.spool"))) == 1

    (archive / "records").unlink()
    second = run_crawl(*arguments)
    assert second.returncode == 0, second.stderr[-3000:]
    records = read_local_records(archive)
    assert len(records) == 1  # the same version once: delivered late, then rewritten under its own key
    assert list((tmp_path / "spool").rglob("*.spool")) == []
    assert "Delivered spooled record" in second.stderr
    assert "records spooled: 0 (delivered late 1, still waiting 0)" in second.stdout.splitlines()


def test_the_settings_module_is_the_projects_even_with_a_decoy_installed(tmp_path: Path) -> None:
    decoy = tmp_path / "decoy" / "settings"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text("BOT_NAME = 'decoy'\n")
    probe = (
        "import settings, scrapy.utils.project as p; "
        "print(settings.__file__); print(p.get_project_settings()['BOT_NAME'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_DIR,
        env={"PYTHONPATH": str(tmp_path / "decoy"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines() == [str(PROJECT_DIR / "settings" / "__init__.py"), "newsarchive"]
    scrapy_result = subprocess.run(
        [sys.executable, "-m", "scrapy", "settings", "--get", "BOT_NAME"],
        cwd=PROJECT_DIR,
        env={"PYTHONPATH": str(tmp_path / "decoy"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert scrapy_result.stdout.strip() == "newsarchive"


def test_make_demo_command_crawls_the_sample_site(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    result = subprocess.run(
        [sys.executable, "-m", "crawler.demo", "--archive", str(archive), "--port", "0"],
        cwd=PROJECT_DIR,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ARCHIVE_SPOOL_DIR": str(tmp_path / "spool")},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"Serving the sample news site at http://127\.0\.0\.1:\d+/", lines[0])
    # The site spider from the home page, two links deep: every page, the home page once more as "/",
    # the Atom feed a section links to (not HTML), and robots.txt.
    kinds = SITE_KINDS + Counter({"article": len(ARTICLES), "listing": 1})
    assert lines[1:] == [
        f"pages fetched:   {len(site_pages()) + 3}",
        "pages by kind:   " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())),
        f"records written: 13 to {archive.as_uri()} (new 13, changed 0)",
        "unchanged:       0 checked, 0 not due for a check",
        skipped_line(SITE_SKIP_REASONS + Counter(["listing_page", "not_html"])),
        "finish reason:   finished",
    ]
    assert len(read_local_records(archive)) == 13


def test_a_crawl_uses_nothing_deprecated_and_warns_of_nothing_merely_off(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    """A deprecated Scrapy call of ours is a crawl that a later Scrapy release stops at start-up; a
    WARNING line for a feature that is off (URL_DENY_PRIVATE_NETWORKS, the shared frontier) asks
    nothing of the user and hides the warnings that do."""
    result = run_crawl(
        "article",
        "-a",
        f"url={site.url}/{ARTICLES[0]}",
        "-s",
        f"ARCHIVE_URI={tmp_path / 'archive'}",
        *crawl_settings,
        env={"PYTHONWARNINGS": "always"},  # every warning, every time it is raised
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stderr.splitlines()
    assert [line for line in lines if "Warning" in line or " WARNING: " in line] == []
