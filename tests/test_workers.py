"""The extraction pool: real worker processes that crash, hang and recover, and nothing left behind."""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import wait
from datetime import datetime, timezone
from pathlib import Path

import psutil
import pytest
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from crawler.demo.server import LocalSite
from crawler.extraction import Article, ExtractOptions, Rejection, extract
from crawler.page import PageResult, PageTask, process_page
from crawler.stats import count_skip
from crawler.warc import Exchange
from crawler.workers import ExtractionPool
from tests.support.crawls import ARTICLES, run_crawl

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


def test_without_workers_extraction_runs_in_the_crawler_thread() -> None:
    pool = ExtractionPool(0, timeout=5.0)
    body, url = _article_page()
    with pytest.raises(AssertionError, match="the pool is closed"):
        pool.submit(task(body, url))
    pool.close()


def _processes_with(marker: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("NEWSARCHIVE_TEST_MARKER") == marker:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def test_a_crawl_with_two_workers_archives_every_article_and_leaves_no_process(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    marker = uuid.uuid4().hex
    urls = ",".join(f"{site.url}/{path}" for path in ARTICLES)
    result = run_crawl(
        "article",
        "-a",
        f"url={urls}",
        "-s",
        f"ARCHIVE_URI={tmp_path / 'archive'}",
        "-s",
        "EXTRACT_WORKERS=2",
        *crawl_settings,
        env={"NEWSARCHIVE_TEST_MARKER": marker},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"records written: {len(ARTICLES)} to" in result.stdout
    # The crawl's fork server and workers exit with it (they may take a moment to notice).
    deadline = time.monotonic() + 15
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(marker) == []
