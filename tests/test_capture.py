"""Raw pages kept as WARC (crawler.capture, pipelines.capture, pipelines.segments): every fetched page
captured, every record pointing to the response that holds its page, segments that warcio,
cdxj-indexer and pywb read, revisits on re-crawls, and records given back by re-extraction from the
segments alone (pipelines.reextract), in a directory and in moto's S3 server."""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import signal
import threading
import time
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.__main__ import site_pages
from crawler.demo.server import SITE_DIR, LocalSite
from tests.support.crawls import (
    ARTICLES,
    SITE_SKIP_REASONS,
    ArchiveTarget,
    newsarchive,
    read_local_records,
    run_crawl,
)
from tests.support.replay import pywb_replaying, served
from tests.support.sites import add_articles, article_html, start_crawl, write_urls
from tests.support.warcs import (
    archive_objects,
    check_captures,
    check_segments,
    manifests,
    metadata_records,
    resolve,
)

PAGES = len(site_pages())  # every HTML page of the sample site
SKIPPED = SITE_SKIP_REASONS  # the sample site's other pages, each skipped for the reason expected.json gives
SUMMARY = re.compile(
    r"^reextracted (?P<pages>\d+) pages with (?P<version>\S+):"
    r" wrote new (?P<new>\d+), changed (?P<changed>\d+);"
    r" unchanged (?P<unchanged>\d+); skipped (?P<skipped>\d+) \((?P<reasons>[^)]*)\) in [\d.]+ s$"
)


def crawl(
    urls: list[str], tmp_path: Path, settings: list[str], *extra: str, env: dict[str, str] | None = None
) -> Any:
    """Crawl ``urls`` as a plain sitemap lists them: every page is fetched and captured, and only
    the articles become records (crawler.admission), as in a scheduled crawl."""
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    with LocalSite(tmp_path) as listing:
        sitemap = listing.add_route(
            "/sitemap.xml",
            body=f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode(),
            content_type="application/xml",
        )
        result = run_crawl("sitemap", "-a", f"url={sitemap}", *settings, *extra, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_every_fetched_page_is_captured_and_every_record_points_to_its_response(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    archive = tmp_path / "archive"
    crawl(
        [site.url + path for path in site_pages()],
        tmp_path,
        [*crawl_settings, "-s", f"ARCHIVE_URI={archive}"],
    )
    objects = archive_objects(archive)
    types = check_segments(objects)
    assert types == Counter({"warcinfo": 1, "request": PAGES, "response": PAGES, "metadata": PAGES})
    records = read_local_records(archive)
    assert len(records) == len(ARTICLES)
    check_captures(objects, records)
    for record in records.values():
        assert resolve(objects, record["capture"])[1] == served(record["url"])

    # The metadata record of each page: the extractor, and the record it became or why it did not.
    metadata = metadata_records(objects)
    assert len(metadata) == PAGES
    extractor = next(iter(records.values()))["extractor"]
    assert {m["extractor"] for m in metadata} == {json.dumps(extractor, sort_keys=True)}
    assert sorted(m["record_id"] for m in metadata if "record_id" in m) == sorted(
        r["id"] for r in records.values()
    )
    assert Counter(m["skipped"] for m in metadata if "skipped" in m) == SKIPPED
    assert {m["refers_to"] for m in metadata if "record_id" in m} == {
        r["capture"]["record_id"] for r in records.values()
    }
    [manifest] = manifests(objects)
    [segment] = [key for key in objects if key.endswith(".warc.gz")]
    assert manifest["warc"]["segments"] == [segment]
    assert (manifest["warc"]["pages"], manifest["warc"]["responses"], manifest["warc"]["revisits"]) == (
        PAGES,
        PAGES,
        0,
    )
    assert manifest["warc"]["bytes"] == len(objects[segment]) - len(_warcinfo_member(objects[segment]))


def _warcinfo_member(segment: bytes) -> bytes:
    """The segment's first gzip member: its warcinfo record, which no page is counted in."""
    decompressor = zlib.decompressobj(31)
    decompressor.decompress(segment)
    return segment[: len(segment) - len(decompressor.unused_data)]


def test_the_body_is_stored_decoded_and_its_transfer_headers_renamed(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    html = article_html(7).encode("utf-8")
    packed = gzip.compress(html)
    url = site.add_route(
        "/capture/gzipped.html", 200, packed, content_type="text/html; charset=utf-8", content_encoding="gzip"
    )
    archive = tmp_path / "archive"
    crawl([url], tmp_path, [*crawl_settings, "-s", f"ARCHIVE_URI={archive}"])
    [record] = read_local_records(archive).values()
    response, body = resolve(archive_objects(archive), record["capture"])
    http = response.http_headers
    assert http.get_header("Content-Encoding") is None
    assert http.get_header("X-Crawler-Content-Encoding") == "gzip"
    assert http.get_header("X-Crawler-Content-Length") == str(len(packed))
    assert http.get_header("Content-Length") == str(len(html))
    assert body == html


def _no_validators(body: bytes) -> Any:
    """A handler serving ``body`` with neither ETag nor Last-Modified: every fetch is a full 200."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handle


def test_a_recrawl_of_unchanged_articles_writes_revisits_only(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    plain = site.add_handler("/capture/no-validators.html", _no_validators(article_html(8).encode("utf-8")))
    urls = [site.url + "/" + path for path in ARTICLES] + [plain]
    archive = tmp_path / "archive"
    settings = [*crawl_settings, "-s", f"ARCHIVE_URI={archive}", "-s", "ARCHIVE_REFRESH_AFTER=0"]
    crawl(urls, tmp_path, settings, "-s", "ARCHIVE_JOB_ID=run-1")
    first = read_local_records(archive)
    crawl(urls, tmp_path, settings, "-s", "ARCHIVE_JOB_ID=run-2")
    objects = archive_objects(archive)
    assert read_local_records(archive) == first  # nothing changed: no record written

    runs = {m["job_id"]: m for m in manifests(objects)}
    [second] = runs["run-2"]["warc"]["segments"]
    revisits = []
    for record in ArchiveIterator(io.BytesIO(objects[second]), check_digests="raise"):
        if record.rec_type == "revisit":
            revisits.append(record.rec_headers)
        else:
            assert record.rec_type in ("warcinfo", "request", "metadata")
    profiles = Counter(h.get_header("WARC-Profile").rsplit("/", 1)[-1] for h in revisits)
    assert profiles == Counter({"server-not-modified": len(ARTICLES), "identical-payload-digest": 1})
    by_url = {r["url"]: r["capture"] for r in first.values()}
    assert sorted(
        (h.get_header("WARC-Target-URI"), h.get_header("WARC-Refers-To")) for h in revisits
    ) == sorted((url, capture["record_id"]) for url, capture in by_url.items())
    assert runs["run-2"]["warc"]["revisits"] == len(urls) and runs["run-2"]["warc"]["responses"] == 0
    check_segments(objects)
    check_captures(objects, first)  # the records still point to the responses with the bodies


def test_with_capture_off_no_segment_is_written(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    archive = tmp_path / "archive"
    crawl(
        [site.url + "/" + ARTICLES[0]],
        tmp_path,
        [*crawl_settings, "-s", f"ARCHIVE_URI={archive}", "-s", "ARCHIVE_WARC=false"],
    )
    objects = archive_objects(archive)
    assert not [key for key in objects if key.startswith("warc/")]
    [record] = read_local_records(archive).values()
    assert record["capture"] is None
    assert [m["warc"] for m in manifests(objects)] == [None]


def _delete(target: ArchiveTarget, s3_client: Any, prefixes: tuple[str, ...]) -> None:
    if target.kind == "local":
        for prefix in prefixes:
            shutil.rmtree(Path(target.uri) / prefix)
        return
    bucket = target.uri.split("/")[2]
    for key in [k for k in target.read_all() if k.startswith(prefixes)]:
        s3_client.delete_object(Bucket=bucket, Key=f"news/{key}")


def test_reextract_gives_back_the_crawls_records_from_the_segments_alone(
    archive_target: ArchiveTarget, tmp_path: Path, crawl_settings: list[str], request: pytest.FixtureRequest
) -> None:
    with LocalSite() as own_site:
        crawl(
            [own_site.url + path for path in site_pages()],
            tmp_path,
            [*crawl_settings, *archive_target.settings],
            env=archive_target.env,
        )
    crawled = archive_target.records()
    assert len(crawled) == len(ARTICLES)
    # The site is gone; so are the records and the archive's state: only the segments (and runs) remain.
    client = request.getfixturevalue("s3_server").client() if archive_target.kind == "s3" else None
    _delete(archive_target, client, ("records/", "state/"))
    assert archive_target.records() == {}
    env = {**archive_target.env, "ARCHIVE_SPOOL_DIR": str(tmp_path / "spool")}
    if archive_target.kind == "s3":
        env["AWS_ENDPOINT_URL"] = request.getfixturevalue("s3_server").endpoint
    first = newsarchive("reextract", "--archive", archive_target.uri, env=env)
    assert first.returncode == 0, first.stderr.decode()[-3000:]
    summary = SUMMARY.match(first.stderr.decode().splitlines()[-1])
    assert summary is not None, first.stderr.decode()
    reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(SKIPPED.items()))
    assert (
        summary["pages"],
        summary["new"],
        summary["changed"],
        summary["unchanged"],
        summary["reasons"],
    ) == (
        str(PAGES),
        str(len(ARTICLES)),
        "0",
        "0",
        reasons,
    )
    again = archive_target.records()
    assert sorted(again) == sorted(crawled)  # key for key
    fields = (
        "url",
        "title",
        "text",
        "authors",
        "agencies",
        "published_at",
        "modified_at",
        "dates",
        "capture",
    )
    for key, record in crawled.items():
        assert {f: again[key][f] for f in fields} == {f: record[f] for f in fields}, key
        assert (again[key]["version"], again[key]["job_id"]) == (1, record["job_id"])

    # Run again (or after an interruption): everything is found done.
    second = newsarchive("reextract", "--archive", archive_target.uri, env=env)
    assert second.returncode == 0
    summary = SUMMARY.match(second.stderr.decode().splitlines()[-1])
    assert summary is not None and (summary["new"], summary["unchanged"]) == ("0", str(len(ARTICLES)))
    assert archive_target.records() == again


def test_get_raw_prints_the_captured_page_and_warc_writes_its_record(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    archive = tmp_path / "archive"
    url = site.url + "/" + ARTICLES[0]
    crawl([url], tmp_path, [*crawl_settings, "-s", f"ARCHIVE_URI={archive}"])
    raw = newsarchive("get", url, "--raw", "--archive", str(archive))
    assert raw.returncode == 0, raw.stderr.decode()
    assert raw.stdout == (SITE_DIR / ARTICLES[0]).read_bytes()
    target = tmp_path / "page.warc.gz"
    written = newsarchive("get", url, "--warc", str(target), "--archive", str(archive))
    assert written.returncode == 0, written.stderr.decode()
    record, body = resolve({"page": target.read_bytes()}, {"warc": "page", "offset": 0, "length": 1 << 30})
    assert (record.rec_type, record.rec_headers.get_header("WARC-Target-URI")) == ("response", url)
    assert body == raw.stdout


def test_pywb_replays_a_captured_page_as_it_was_served(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    archive = tmp_path / "archive"
    urls = [site.url + path for path in site_pages()]
    crawl(urls, tmp_path, [*crawl_settings, "-s", f"ARCHIVE_URI={archive}"])
    [segment] = sorted((archive / "warc").rglob("*.warc.gz"))
    with pywb_replaying(tmp_path / "pywb", [segment]) as base:
        for path in ARTICLES[:3]:
            replayed = served(f"{base}/news/id_/{site.url}/{path}")
            assert replayed == (SITE_DIR / path).read_bytes(), path


def test_sigterm_seals_the_open_segment_and_delivers_it(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    """A scheduler's stop: the crawl closes cleanly, its segment sealed, delivered and listed."""
    urls = add_articles(site, "sigterm", 3)
    answer = threading.Event()

    def stall(request: BaseHTTPRequestHandler) -> None:
        answer.wait(120)  # until the crawl has been told to stop
        _no_validators(article_html(99).encode("utf-8"))(request)

    urls.append(site.add_handler("/sigterm/stalled.html", stall))
    archive = tmp_path / "archive"
    arguments = [
        "article",
        "-a",
        f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
        *("-s", f"ARCHIVE_URI={archive}"),
        *crawl_settings,
    ]
    crawl = start_crawl(arguments, log=tmp_path / "log")
    try:
        deadline = time.monotonic() + 120
        while len(list((archive / "records").rglob("*.json"))) < 3:  # the crawl's progress, on disk
            assert crawl.poll() is None and time.monotonic() < deadline, (tmp_path / "log").read_text()[
                -3000:
            ]
            time.sleep(0.05)
        crawl.send_signal(signal.SIGTERM)
        log = tmp_path / "log"
        while "Received SIGTERM" not in log.read_text():
            assert crawl.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.05)
        answer.set()
        crawl.communicate(timeout=120)
    finally:
        answer.set()
        if crawl.poll() is None:
            crawl.kill()
    objects = archive_objects(archive)
    [manifest] = manifests(objects)
    assert manifest["finish_reason"] == "shutdown"
    [segment] = manifest["warc"]["segments"]
    assert segment in objects and manifest["warc"]["segments_pending"] == 0
    check_segments(objects)
    check_captures(objects, read_local_records(archive))
    assert list((tmp_path / "spool").rglob("*.warc.gz*")) == []
