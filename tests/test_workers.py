"""The extraction pool: real worker processes that crash, hang and recover, and nothing left behind;
without workers (EXTRACT_WORKERS=0), a crawl and a re-extraction that extract in their own thread."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil
import pytest
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from crawler.config import project_settings
from crawler.demo.__main__ import site_pages
from crawler.demo.server import LocalSite
from crawler.extraction import Article, ExtractOptions, Rejection, extract
from crawler.page import PageResult, PageTask, process_page
from crawler.stats import Counts, count_skip
from crawler.warc import Exchange
from crawler.workers import ExtractionPool, extract_options
from pipelines.commands.reextract import reextract, selected
from pipelines.read.records import Query
from pipelines.storage import open_store
from pipelines.write.delivery import Archiver
from pipelines.write.spool import Spool
from tests.support.crawls import ARTICLES, SITE_KINDS, read_local_records, run_crawl
from tests.support.sites import add_gated_article, start_crawl, write_urls

PAGES = Path(__file__).parent / "fixtures" / "pages"
FETCHED_AT = datetime(2024, 5, 2, 8, 0, tzinfo=timezone.utc)
OPTIONS = ExtractOptions()


class BuggyHeaders(dict[str, str]):
    """Headers whose reading fails: a bug inside extraction, whatever the page."""

    def get(self, key: str, default: object = None) -> str:  # type: ignore[override]
        raise RuntimeError(f"cannot read {key}")


def task(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> PageTask:
    response_headers = list((headers or {"content-type": "text/html"}).items())
    exchange = Exchange(url, "GET", [], 200, "HTTP/1.1", response_headers, body, None, FETCHED_AT)
    return PageTask(exchange, OPTIONS)


def sabotaged_extract(task: PageTask) -> PageResult:
    """The real page processing, except on pages whose URL asks a worker to die, to hang, or to meet
    a bug inside extraction."""
    url = task.exchange.url
    if url.endswith("/crash"):
        os._exit(70)
    if url.endswith("/hang"):
        time.sleep(3600)  # the pool must kill this worker at its time limit
    if url.endswith("/bug"):
        exchange = task.exchange
        headers = BuggyHeaders((name.lower(), value) for name, value in exchange.response_headers)
        return PageResult(extract(exchange.body, url, headers, exchange.fetched_at, task.options))
    return process_page(task)


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    pool = ExtractionPool(2, timeout=3.0, function=sabotaged_extract)
    yield pool
    pool.close()


def _article_page() -> tuple[bytes, str]:
    path = sorted(PAGES.glob("*.html"))[0]
    return path.read_bytes(), f"https://news.example.com/{path.name}"


def test_a_page_is_extracted_in_a_worker_exactly_as_in_the_crawler(pool: ExtractionPool) -> None:
    body, url = _article_page()
    future = pool.submit(task(body, url))
    wait([future])
    in_worker = pool.result_of(future).result
    assert isinstance(in_worker, Article)
    assert in_worker == extract(body, url, {"content-type": "text/html"}, FETCHED_AT, OPTIONS)


def test_an_extraction_bug_in_a_worker_comes_back_with_its_exception_and_traceback(
    pool: ExtractionPool, caplog: pytest.LogCaptureFixture
) -> None:
    body, _ = _article_page()
    url = "https://news.example.com/sabotage/bug"
    future = pool.submit(task(body, url))
    wait([future])
    result = pool.result_of(future).result
    assert isinstance(result, Rejection)
    assert (result.reason, result.detail) == ("extraction_error", "RuntimeError: cannot read content-type")
    assert result.traceback is not None
    assert result.traceback.startswith("Traceback (most recent call last):")
    assert result.traceback.rstrip().endswith("RuntimeError: cannot read content-type")
    # The crawl's log (not the worker's, which has none) gets it once, at WARNING, with the URL.
    stats = StatsCollector(get_crawler())
    log = logging.getLogger("crawler.spiders.base")
    with caplog.at_level(logging.INFO, logger=log.name):
        count_skip(stats, log, url, result.reason, result.detail, result.traceback)
    [logged] = caplog.records
    assert logged.levelname == "WARNING"
    assert logged.getMessage().startswith(
        f"Skipped {url}: extraction_error (RuntimeError: cannot read content-type)\nTraceback"
    )
    assert stats.get_value("archive/skipped/extraction_error") == 1


def test_a_crashing_or_hanging_worker_costs_its_page_only(pool: ExtractionPool) -> None:
    body, url = _article_page()
    base = "https://news.example.com/sabotage"
    futures = [
        pool.submit(task(body, url, {})),
        pool.submit(task(body, f"{base}/crash", {})),
        pool.submit(task(body, f"{base}/hang", {})),
        pool.submit(task(body, url, {})),
        pool.submit(task(body, f"{base}/crash", {})),
        pool.submit(task(body, url, {})),
    ]
    wait(futures)
    outcomes = [pool.result_of(f).result for f in futures]
    assert [type(o).__name__ for o in outcomes] == [
        "Article",
        "Rejection",
        "Rejection",
        "Article",
        "Rejection",
        "Article",
    ]
    assert outcomes[1] == Rejection("extract_crashed", "extraction worker died: exit code 70")
    assert outcomes[2] == Rejection("extract_timeout", "extraction took more than 3 s")
    assert outcomes[4] == outcomes[1]
    # Two live workers remain after two crashes and one kill, and they still extract.
    later = pool.submit(task(body, url, {}))
    wait([later])
    assert pool.result_of(later).result == outcomes[0]


def worker_pid(task: PageTask) -> PageResult:
    time.sleep(0.05)  # long enough for the tasks to spread over both workers
    return PageResult(Rejection("pid", str(os.getpid())))


def _is_alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_closing_the_pool_stops_its_workers() -> None:
    pool = ExtractionPool(2, timeout=5.0, function=worker_pid)
    futures = [pool.submit(task(b"", f"https://news.example.com/{n}")) for n in range(8)]
    wait(futures)
    pids = {int(pool.result_of(f).result.detail) for f in futures}  # type: ignore[union-attr]
    assert 1 <= len(pids) <= 2
    assert all(_is_alive(pid) for pid in pids)
    pool.close()
    assert [pid for pid in pids if _is_alive(pid)] == []


def test_a_pool_without_workers_refuses_to_submit_a_page() -> None:
    """EXTRACT_WORKERS=0 builds a pool with no process behind it: ``submit`` is a bug there (the
    callers extract in their own thread instead, as the next tests show)."""
    pool = ExtractionPool(0, timeout=5.0)
    body, url = _article_page()
    with pytest.raises(
        AssertionError, match=r"^the pool is closed, or extraction runs in the crawler's thread$"
    ):
        pool.submit(task(body, url))
    pool.close()


@dataclass(frozen=True)
class Seen:
    """A process the scan found: its id, its parent's, and its command line."""

    pid: int
    ppid: int
    command: str


def _processes_with(marker: str) -> list[Seen]:
    """Every process whose environment carries the test's marker (a crawl's and everything it started)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("NEWSARCHIVE_TEST_MARKER") == marker:
                found.append(Seen(process.pid, process.ppid(), " ".join(process.cmdline())))
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _roles(found: list[Seen], crawl: int) -> list[str]:
    """What each process found is to the crawl ``crawl`` (a pid): the crawl itself, the helpers
    multiprocessing starts for a forkserver pool, and the extraction workers forked from its server."""
    servers = {p.pid for p in found if p.ppid == crawl and "multiprocessing.forkserver" in p.command}
    roles = []
    for process in found:
        if process.pid == crawl:
            roles.append("crawl")
        elif process.pid in servers:
            roles.append("fork server")
        elif process.ppid in servers:
            roles.append("extraction worker")
        elif process.ppid == crawl and "multiprocessing.resource_tracker" in process.command:
            roles.append("resource tracker")
        else:
            roles.append(f"other: {process.command}")
    return sorted(roles)


def _records_by_url(archive: Path) -> dict[str, str]:
    return {record["url"]: key for key, record in read_local_records(archive).items()}


@contextmanager
def _held_open_crawl(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str], urls: list[str], workers: int
) -> Iterator[tuple[subprocess.Popen[str], str, threading.Event, str]]:
    """A crawl of ``urls`` and of one more article whose answer waits for the test: the crawl (and its
    pool) stays up while the test looks at its processes, until the test opens the gate. Yields the
    crawl, the held article's URL, the gate and the marker in the environment of the crawl's processes."""
    marker = uuid.uuid4().hex
    gate = threading.Event()
    held = add_gated_article(site, f"/workers-{workers}/{marker}.html", gate)
    crawl = start_crawl(
        [
            "article",
            "-a",
            f"urls={write_urls(tmp_path / 'urls.txt', [*urls, held])}",
            "-s",
            f"ARCHIVE_URI={tmp_path / 'archive'}",
            "-s",
            f"EXTRACT_WORKERS={workers}",
            *crawl_settings,
        ],
        env={"NEWSARCHIVE_TEST_MARKER": marker},
        log=tmp_path / "crawl.log",
    )
    try:
        yield crawl, held, gate, marker
    finally:  # a test that failed before the crawl ended ends it here
        gate.set()
        if crawl.returncode is None:
            crawl.kill()
            crawl.communicate(timeout=60)


def _wait_for_records(archive: Path, count: int, crawl: subprocess.Popen[str], log: Path) -> None:
    """Until ``count`` records are stored (each page extracted on the way), the crawl still running."""
    deadline = time.monotonic() + 120
    while len(read_local_records(archive)) < count:
        assert crawl.poll() is None, f"the crawl ended early:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"{count} records not stored in 120 s"
        time.sleep(0.05)


def test_a_crawl_with_extract_workers_0_archives_every_article_and_starts_no_process(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    archive = tmp_path / "archive"
    pages = [site.url + path for path in site_pages()]
    with _held_open_crawl(site, tmp_path, crawl_settings, pages, workers=0) as (crawl, held, gate, marker):
        # Every sample article extracted and stored, the crawl still up (it waits for the held page):
        # the crawl is the only process with the marker, with no fork server, helper or worker.
        _wait_for_records(archive, len(pages), crawl, tmp_path / "crawl.log")
        assert _roles(_processes_with(marker), crawl.pid) == ["crawl"]
        gate.set()
        out, _ = crawl.communicate(timeout=120)
        assert crawl.returncode == 0, (tmp_path / "crawl.log").read_text()[-3000:]
    # Pages given by URL are archived whatever their kind (crawler.admission).
    archived = sorted([*pages, held])
    assert sorted(_records_by_url(archive)) == archived
    kinds = SITE_KINDS + Counter({"article": len(ARTICLES) + 1})
    assert out.splitlines() == [
        f"pages fetched:   {len(pages) + 2}",  # and the held article, and robots.txt
        "pages by kind:   " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())),
        f"records written: {len(archived)} to {archive.as_uri()} (new {len(archived)}, changed 0)",
        "unchanged:       0 checked, 0 not due for a check",
        "pages skipped:   0 (none)",
        "finish reason:   finished",
    ]
    assert _processes_with(marker) == []


def test_reextract_with_a_pool_without_workers_extracts_every_page_in_the_calling_thread(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    """``newsarchive reextract --processes 0`` means one process per core: the in-thread pool is only
    reached through ``reextract`` itself, called here as the command calls it, on a real crawl's archive."""
    archive = tmp_path / "archive"
    pages = [site.url + path for path in site_pages()]
    crawled = run_crawl(
        "article", "-a", f"url={','.join(pages)}", "-s", f"ARCHIVE_URI={archive}", *crawl_settings
    )
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    records = read_local_records(archive)
    assert sorted(r["url"] for r in records.values()) == pages  # given by URL: every kind is archived

    settings = project_settings()
    store = open_store(str(archive), settings)
    callers: list[tuple[int, int]] = []

    def process_here(task: PageTask) -> PageResult:
        callers.append((os.getpid(), threading.get_ident()))
        return process_page(task)

    def run_reextract() -> tuple[dict[str, int], dict[str, int]]:
        callers.clear()
        pool = ExtractionPool(0, timeout=30.0, function=process_here)
        archiver = Archiver(store, Spool(tmp_path / "spool", store.uri), Counts())
        try:
            done = reextract(
                store,
                archiver,
                selected(store, Query()),
                Query(),
                pool=pool,
                options=extract_options(settings),
                readers=2,
            )
        finally:
            pool.close()
        return dict(done.outcomes), dict(done.skipped)

    here = (os.getpid(), threading.get_ident())
    # On the crawl's archive: every page extracted in this thread, each found unchanged.
    assert run_reextract() == ({"unchanged": len(pages)}, {})
    assert callers == [here] * len(pages)
    assert read_local_records(archive) == records
    # Records and state gone: the same extraction gives every record back, as new.
    shutil.rmtree(archive / "records")
    shutil.rmtree(archive / "state")
    assert run_reextract() == ({"new": len(pages)}, {})
    assert callers == [here] * len(pages)
    again = read_local_records(archive)
    assert sorted(again) == sorted(records)
    for key, record in records.items():
        assert {f: again[key][f] for f in ("url", "title", "text", "content_sha256", "version")} == {
            f: record[f] for f in ("url", "title", "text", "content_sha256", "version")
        }, key


def test_a_crawl_with_two_workers_archives_every_article_and_leaves_no_process(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    archive = tmp_path / "archive"
    urls = [f"{site.url}/{path}" for path in ARTICLES]
    with _held_open_crawl(site, tmp_path, crawl_settings, urls, workers=2) as (crawl, held, gate, marker):
        # The scan sees the pool while the crawl is up: the crawl, the fork server and resource tracker
        # multiprocessing starts for it, and the two workers forked from the server.
        _wait_for_records(archive, len(ARTICLES), crawl, tmp_path / "crawl.log")
        assert _roles(_processes_with(marker), crawl.pid) == [
            "crawl",
            "extraction worker",
            "extraction worker",
            "fork server",
            "resource tracker",
        ]
        gate.set()
        out, _ = crawl.communicate(timeout=120)
        assert crawl.returncode == 0, (tmp_path / "crawl.log").read_text()[-3000:]
    assert sorted(_records_by_url(archive)) == sorted([*urls, held])
    assert f"records written: {len(ARTICLES) + 1} to {archive.as_uri()} (new {len(ARTICLES) + 1}," in out
    # The crawl's fork server and workers exit with it (they may take a moment to notice).
    deadline = time.monotonic() + 15
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(marker) == []
