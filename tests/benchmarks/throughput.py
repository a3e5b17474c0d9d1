"""Throughput benchmark: crawl N generated article pages end to end and compare with the ceiling.

In one run on one machine, for each N given (default 2,000 and 20,000):

1. serve the generated site (``newssite.py``) from its own process, and measure the server alone;
2. the ceiling: ``crawler.extraction.extract`` alone over the same N pages in one process per core;
3. ``scrapy crawl article -a urls=FILE`` into a local archive directory, raw pages kept as WARC
   (the default), then the same with ARCHIVE_WARC=False, and the bytes each stores per page;
4. the same crawl into a local S3 server (moto's ThreadedMotoServer, in this process);

and print pages/s, the ratio to the ceiling, CPU seconds per page, the peak resident memory of the
crawler and its extraction workers together, and the records written (must equal N).

Usage::

    python tests/benchmarks/throughput.py [N ...] [--skip-s3]

Pages/s are over the wall time of the whole command, start-up included, for the crawls and the
ceiling alike. CPU and memory are sampled from the process tree every 0.2 s (psutil); the crawl's
politeness settings (AutoThrottle, per-domain concurrency) are lifted for the one local host.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import psutil

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import newssite  # noqa: E402

from crawler.extraction import Article, ExtractOptions, extract  # noqa: E402
from crawler.workers import available_cores  # noqa: E402
from tests.support.faultproxy import FaultProxy  # noqa: E402

FETCHED_AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "LOG_LEVEL": "WARNING",
}


@dataclass
class Figures:
    name: str
    seconds: float
    pages: int
    cpu_seconds: float
    peak_rss: int  # bytes, all sampled processes together
    main_cpu_seconds: float  # of the measured process itself, without its workers
    records: int | None = None
    summary: str = ""  # what the crawl printed
    sampler: TreeSampler | None = None

    @property
    def rate(self) -> float:
        return self.pages / self.seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TreeSampler:
    """Peak resident memory (summed) and CPU time of a process and all its descendants."""

    def __init__(self, root: psutil.Process) -> None:
        self.root = root
        self.peak_rss = 0
        self.cpu: dict[int, float] = {}  # last CPU time seen per process, so exited ones still count
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        rss = 0
        for process in processes:
            try:
                with process.oneshot():
                    rss += process.memory_info().rss
                    times = process.cpu_times()
                    self.cpu[process.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                continue
        self.peak_rss = max(self.peak_rss, rss)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._sample()

    def __enter__(self) -> TreeSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    @property
    def main_cpu_seconds(self) -> float:
        return self.cpu.get(self.root.pid, 0.0)


def _extract_one(args: tuple[int, str]) -> bool:
    number, base_url = args
    page = newssite.article_page(number, base_url)
    url = f"{base_url}/news/{number}.html"
    result = extract(page, url, {"content-type": "text/html; charset=utf-8"}, FETCHED_AT, ExtractOptions())
    return isinstance(result, Article)


def ceiling(pages: int, base_url: str, cores: int) -> Figures:
    """The project's extraction function alone over the same pages, one process per core."""
    context = multiprocessing.get_context("forkserver")
    started = time.perf_counter()
    with context.Pool(cores) as pool, TreeSampler(psutil.Process()) as sampler:
        articles = sum(pool.imap_unordered(_extract_one, ((n, base_url) for n in range(pages)), 8))
    seconds = time.perf_counter() - started
    if articles != pages:
        print(f"warning: extraction found {articles} articles in {pages} pages", file=sys.stderr)
    return Figures("ceiling: extract() alone", seconds, pages, sampler.cpu_seconds, sampler.peak_rss, 0.0)


def crawl(
    name: str,
    pages: int,
    urls_file: Path,
    settings: dict[str, str],
    env: dict[str, str],
    sampler_class: type[TreeSampler] | None = None,
) -> Figures:
    command = [sys.executable, "-m", "scrapy", "crawl", "article", "-a", f"urls={urls_file}"]
    for key, value in {**CRAWL_SETTINGS, **settings}.items():
        command += ["-s", f"{key}={value}"]
    started = time.perf_counter()
    process = psutil.Popen(
        command, cwd=PROJECT_ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    with (sampler_class or TreeSampler)(process) as sampler:
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{name}: exit status {process.returncode}\n{stderr.decode()[-3000:]}")
    print(f"  {name}: " + "; ".join(stdout.decode().splitlines()[:4]))
    figures = Figures(name, seconds, pages, sampler.cpu_seconds, sampler.peak_rss, sampler.main_cpu_seconds)
    return replace(figures, summary=stdout.decode(), sampler=sampler)


def measure_server(port: int, pages: int) -> float:
    sample = list(range(min(pages, 4000)))
    started = time.perf_counter()
    newssite.fetch_all(port, sample)
    return len(sample) / (time.perf_counter() - started)


def run(pages: int, with_s3: bool, repeat: int = 1) -> list[Figures]:
    cores = available_cores()
    port = _free_port()
    server = newssite.started(port)
    base_url = f"http://127.0.0.1:{port}"
    results: list[Figures] = []
    try:
        sizes = [newssite.page_size(n) for n in range(pages)]
        server_rate = measure_server(port, pages)
        print(
            f"\nN={pages:,}: pages {min(sizes) // 1000}-{max(sizes) // 1000} KB, mean "
            f"{sum(sizes) / len(sizes) / 1000:.0f} KB, {newssite.LAYOUTS} layouts; "
            f"the server alone: {server_rate:,.0f} pages/s"
        )
        results.append(ceiling(pages, base_url, cores))
        with tempfile.TemporaryDirectory(prefix="newsarchive-bench-") as scratch:
            urls_file = Path(scratch) / "urls.txt"
            urls_file.write_text("".join(f"{base_url}/news/{n}.html\n" for n in range(pages)))
            spool = {"ARCHIVE_SPOOL_DIR": str(Path(scratch) / "spool")}
            ratios = []
            for attempt in range(repeat):  # on, off, on, off, ...: a slow spell hits both alike
                local = Path(scratch) / f"archive-{attempt}"
                on = crawl(
                    "crawl into a local directory", pages, urls_file, {"ARCHIVE_URI": str(local), **spool}, {}
                )
                on.records = sum(1 for _ in (local / "records").rglob("*.json"))
                plain = Path(scratch) / f"archive-no-warc-{attempt}"
                settings = {"ARCHIVE_URI": str(plain), "ARCHIVE_WARC": "False", **spool}
                off = crawl("the same, ARCHIVE_WARC=False", pages, urls_file, settings, {})
                off.records = sum(1 for _ in (plain / "records").rglob("*.json"))
                ratios.append(on.rate / off.rate)
                if attempt == 0:
                    results += [on, off]
                    stored = _bytes_per_page(local, pages)
            print(
                f"  stored per page: records {stored['records']:,.0f} B,"
                f" WARC segments {stored['warc']:,.0f} B and their CDXJ index {stored['index']:,.0f} B"
                f" (pages served: {sum(sizes) / pages:,.0f} B); capture on / off throughput:"
                f" {statistics.median(ratios):.2f} (median of {len(ratios)}: "
                + ", ".join(f"{r:.2f}" for r in ratios)
                + ")"
            )
            if with_s3:
                results.append(_crawl_into_s3(pages, urls_file, spool))
    finally:
        server.kill()
    _print(results, server_rate, cores)
    return results


def _bytes_per_page(archive: Path, pages: int) -> dict[str, float]:
    def total(pattern: str) -> int:
        return sum(p.stat().st_size for p in archive.rglob(pattern))

    return {
        "records": total("records/**/*.json") / pages,
        "warc": total("*.warc.gz") / pages,
        "index": total("*.cdxj") / pages,
    }


def _crawl_into_s3(pages: int, urls_file: Path, spool: dict[str, str]) -> Figures:
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = _free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    s3.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        credentials = {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **_lower(credentials))
        bucket = f"bench-{pages}"  # moto keeps its buckets for the life of this process
        client.create_bucket(Bucket=bucket)
        server_cpu = sum(psutil.Process().cpu_times()[:2])
        figures = crawl(
            "crawl into S3 (moto server)",
            pages,
            urls_file,
            {"ARCHIVE_URI": f"s3://{bucket}/news", "AWS_ENDPOINT_URL": endpoint, **spool},
            credentials,
        )
        server_cpu = sum(psutil.Process().cpu_times()[:2]) - server_cpu
        print(f"  the S3 server (moto, in this process) used {server_cpu / pages:.4f} CPU s/page meanwhile")
        paginator = client.get_paginator("list_objects_v2")
        figures.records = sum(
            page.get("KeyCount", 0) for page in paginator.paginate(Bucket=bucket, Prefix="news/records/")
        )
        _count_requests(pages, urls_file, spool, endpoint, bucket, credentials)
        return figures
    finally:
        s3.stop()


def _count_requests(
    pages: int,
    urls_file: Path,
    spool: dict[str, str],
    endpoint: str,
    bucket: str,
    credentials: dict[str, str],
) -> None:
    """Storage requests by method, counted at a proxy in front of the S3 server, over three crawls of
    the same pages into a new prefix: all new, again inside ARCHIVE_REFRESH_AFTER, again after it.
    Each crawl's own requests (its URL index, WARC segments, run manifest) are included."""
    with FaultProxy(endpoint) as proxy:
        settings = {"ARCHIVE_URI": f"s3://{bucket}/counted", "AWS_ENDPOINT_URL": proxy.url, **spool}
        runs = [
            ("new pages", {}),
            ("unchanged, inside the refresh window", {}),
            ("unchanged, after it", {"ARCHIVE_REFRESH_AFTER": "0"}),
        ]
        for label, extra in runs:
            before = dict(proxy.methods)
            crawl(f"requests, {label}", pages, urls_file, {**settings, **extra}, credentials)
            used = {m: n - before.get(m, 0) for m, n in proxy.methods.items() if n - before.get(m, 0)}
            by_method = ", ".join(f"{m} {n / pages:.3f}" for m, n in sorted(used.items()))
            print(f"  storage requests per page, {label}: {sum(used.values()) / pages:.3f} ({by_method})")


def _lower(credentials: dict[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": credentials["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": credentials["AWS_SECRET_ACCESS_KEY"],
    }


def _print(results: list[Figures], server_rate: float, cores: int) -> None:
    top = results[0].rate
    print(
        f"{'':34} {'pages/s':>8} {'ratio':>6} {'CPU s/page':>10} {'of which crawler':>16} "
        f"{'peak RSS':>9} {'records':>8}"
    )
    for figures in results:
        records = "" if figures.records is None else f"{figures.records:,}"
        print(
            f"{figures.name:34} {figures.rate:8.1f} {figures.rate / top:6.2f} "
            f"{figures.cpu_seconds / figures.pages:10.4f} {figures.main_cpu_seconds / figures.pages:16.4f} "
            f"{figures.peak_rss / 2**20:7.0f} MB {records:>8}"
        )
    crawl_rate = max(f.rate for f in results[1:]) if len(results) > 1 else 0
    print(f"server / fastest crawl: {server_rate / crawl_rate:.1f}x" if crawl_rate else "")
    s3 = [f for f in results if f.name.startswith("crawl into S3")]
    if s3:
        print(f"S3 / local throughput: {s3[0].rate / results[1].rate:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[2000, 20000])
    parser.add_argument("--skip-s3", action="store_true", help="crawl into a local directory only")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="crawls with and without WARC capture, alternated (default 1 each)",
    )
    options = parser.parse_args(argv)
    print(
        f"newsarchive throughput benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {available_cores()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}"
    )
    runs = {n: run(n, not options.skip_s3, options.repeat) for n in options.sizes}
    if len(runs) > 1:
        small, large = min(runs), max(runs)
        for index, label in ((1, "local"), (3, "S3")):
            if index < len(runs[small]):
                ratio = runs[large][index].peak_rss / runs[small][index].peak_rss
                print(f"peak memory, crawl into {label}, N={large:,} / N={small:,}: {ratio:.2f}")
    failed = [f.name for r in runs.values() for f in r[1:] if f.records != f.pages]
    if failed:
        print(f"records written differ from N in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
