"""Revisit benchmark: N articles of the benchmark site archived on a clock set to T0 (ARCHIVE_NOW),
then ``scrapy crawl revisit`` at T0 + 1 h 5 min, when all N are due; prints the revisit run's time,
pages/s, CPU seconds per page, peak memory, the storage objects it wrote, and its summary.

Usage::

    python tests/benchmarks/revisits.py [N]     (default 10,000)

The benchmark site sends no ETag or Last-Modified, so each revisit downloads and extracts its page
(as against a site that answers 304, which costs one small request); its pages do not change, so a
revisit stores no record, only the URL index and the run's manifest and raw pages.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import newssite
import psutil
from throughput import CRAWL_SETTINGS, PROJECT_ROOT, TreeSampler, _free_port

T0 = "2026-12-01T08:00:00Z"
LATER = "2026-12-01T09:05:00Z"


def _crawl(args: list[str], settings: dict[str, str]) -> tuple[float, TreeSampler, list[str]]:
    command = [sys.executable, "-m", "scrapy", "crawl", *args]
    for key, value in {**CRAWL_SETTINGS, **settings}.items():
        command += ["-s", f"{key}={value}"]
    started = time.perf_counter()
    process = psutil.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with TreeSampler(process) as sampler:
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{args[0]}: exit status {process.returncode}\n{stderr.decode()[-3000:]}")
    return seconds, sampler, stdout.decode().splitlines()


def _files(root: Path) -> dict[str, int]:
    """Every file's path and modification time."""
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def main(argv: list[str]) -> int:
    pages = int(argv[0]) if argv else 10_000
    print(
        f"newsarchive revisit benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {psutil.cpu_count()} cores, Python {platform.python_version()}"
    )
    port = _free_port()
    server = newssite.started(port)
    try:
        with tempfile.TemporaryDirectory(prefix="newsarchive-revisits-") as scratch:
            urls = Path(scratch) / "urls.txt"
            urls.write_text("".join(f"http://127.0.0.1:{port}/news/{n}.html\n" for n in range(pages)))
            archive = Path(scratch) / "archive"
            settings = {"ARCHIVE_URI": str(archive), "ARCHIVE_SPOOL_DIR": str(Path(scratch) / "spool")}
            seconds, _, _ = _crawl(["article", "-a", f"urls={urls}"], {**settings, "ARCHIVE_NOW": T0})
            print(f"N={pages:,}: archived first in {seconds:.0f} s ({pages / seconds:.1f} pages/s)")
            before = _files(archive)
            seconds, sampler, summary = _crawl(["revisit"], {**settings, "ARCHIVE_NOW": LATER})
            after = _files(archive)
            written = sorted(path for path, moment in after.items() if before.get(path) != moment)
            folders = sorted({"/".join(path.split("/")[:2]) for path in written})
            cpu, crawler_cpu = sampler.cpu_seconds / pages, sampler.main_cpu_seconds / pages
            print(
                f"revisit of {pages:,} due URLs: {seconds:.1f} s, {pages / seconds:.1f} pages/s, "
                f"{cpu:.4f} CPU s/page ({crawler_cpu:.4f} in the crawler process), "
                f"peak RSS {sampler.peak_rss / 2**20:.0f} MB"
            )
            print(f"  files written or rewritten: {len(written)} (under {', '.join(folders)})")
            for line in summary[:4]:
                print(f"  {line}")
    finally:
        server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
