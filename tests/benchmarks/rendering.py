"""Rendering benchmark: what ARCHIVE_RENDER costs.

1. Rendered pages: an app-shell site of N stories (``tests/support/app_site.py``: every story's text
   comes from ``/api/article/<n>.json``, fetched by its script), crawled with ARCHIVE_RENDER=auto and
   the default ARCHIVE_RENDER_MAX_PAGES (2): rendered pages per second over the whole command, CPU,
   the peak memory of the crawl with its browser (PSS summed over every process of the tree), and
   the peak in each half of the run (flat memory: the second half's peak near the first's).
2. Pages that need no browser: the throughput benchmark's generated site (``newssite.py``, M pages)
   crawled with ARCHIVE_RENDER=off and auto, alternated: pages/s of each and their ratio, and the
   browsers launched (none).

Usage::

    python tests/benchmarks/rendering.py [N] [--static M] [--repeat R]

Defaults: N=200, M=2000, R=2. The crawls' politeness settings are lifted for the one local host, as
in throughput.py.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))

import newssite
from throughput import PROJECT_ROOT, Figures, TreeSampler, _free_port, crawl

sys.path.insert(0, str(PROJECT_ROOT))

from crawler.demo.server import LocalSite
from crawler.workers import available_cores
from tests.support.app_site import build_app_site


class HalvesSampler(TreeSampler):
    """TreeSampler that sums proportional set sizes (PSS: Chromium's processes share much of their
    memory, which summed RSS would count once per process) and keeps (time, PSS) of every sample."""

    def __init__(self, root: psutil.Process) -> None:
        super().__init__(root)
        self.samples: list[tuple[float, int]] = []

    def _sample(self) -> None:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        pss = 0
        for process in processes:
            try:
                with process.oneshot():
                    pss += process.memory_full_info().pss
                    times = process.cpu_times()
                    self.cpu[process.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                continue
        self.samples.append((time.perf_counter(), pss))
        self.peak_rss = max(self.peak_rss, pss)

    def halves(self) -> tuple[int, int]:
        middle = (self.samples[0][0] + self.samples[-1][0]) / 2
        first = max(rss for moment, rss in self.samples if moment <= middle)
        second = max(rss for moment, rss in self.samples if moment > middle)
        return first, second


def rendered(stories: int, scratch: Path) -> None:
    root = scratch / "app-site"
    build_app_site(root, list(range(1, stories + 1)))
    with LocalSite(root) as site:
        urls = scratch / "app-urls.txt"
        urls.write_text("".join(f"{site.url}/app/story-{n}.html\n" for n in range(1, stories + 1)))
        archive = scratch / "rendered"
        settings = {
            "ARCHIVE_URI": str(archive),
            "ARCHIVE_RENDER": "auto",
            "ARCHIVE_SPOOL_DIR": str(scratch / "spool"),
        }
        figures, sampler, stdout = _crawl("crawl of app shells, ARCHIVE_RENDER=auto", stories, urls, settings)
    records = sum(1 for _ in (archive / "records").rglob("*.json"))
    first, second = sampler.halves()
    print(f"\nN={stories} app-shell stories ({available_cores()} cores): {records} records")
    print("  " + next(line for line in stdout.splitlines() if line.startswith("rendered:")))
    print(
        f"  {figures.rate:.2f} rendered pages/s over {figures.seconds:.1f} s;"
        f" CPU {figures.cpu_seconds / stories:.3f} s/page (crawler {figures.main_cpu_seconds / stories:.3f});"
        f" peak memory (PSS) {figures.peak_rss / 2**20:.0f} MB"
        f" (first half {first / 2**20:.0f} MB, second half {second / 2**20:.0f} MB)"
    )
    if records != stories:
        raise SystemExit(f"records written: {records}, expected {stories}")


def static(pages: int, repeat: int, scratch: Path) -> None:
    port = _free_port()
    server = newssite.started(port)
    try:
        urls = scratch / "static-urls.txt"
        urls.write_text("".join(f"http://127.0.0.1:{port}/news/{n}.html\n" for n in range(pages)))
        rates: dict[str, list[float]] = {"off": [], "auto": []}
        cpu: dict[str, list[float]] = {"off": [], "auto": []}  # ms per page, every process of the crawl
        for attempt in range(repeat):  # off, auto, off, auto: a slow spell hits both alike
            for mode in rates:
                archive = scratch / f"static-{mode}-{attempt}"
                settings = {
                    "ARCHIVE_URI": str(archive),
                    "ARCHIVE_RENDER": mode,
                    "ARCHIVE_SPOOL_DIR": str(scratch / "spool"),
                }
                figures, _, stdout = _crawl(f"static site, ARCHIVE_RENDER={mode}", pages, urls, settings)
                rates[mode].append(figures.rate)
                cpu[mode].append(figures.cpu_seconds / pages * 1000)
                if mode == "auto":
                    print("  " + next(line for line in stdout.splitlines() if line.startswith("rendered:")))
    finally:
        server.kill()
    off, auto = statistics.median(rates["off"]), statistics.median(rates["auto"])
    print(
        f"\nN={pages:,} static pages: ARCHIVE_RENDER=off {off:.1f} pages/s, auto {auto:.1f} pages/s"
        f" (medians of {repeat}: off {', '.join(f'{r:.1f}' for r in rates['off'])};"
        f" auto {', '.join(f'{r:.1f}' for r in rates['auto'])}); auto / off: {auto / off:.2f}"
    )
    print(
        f"  CPU per page (every process of the crawl, medians): off {statistics.median(cpu['off']):.2f} ms,"
        f" auto {statistics.median(cpu['auto']):.2f} ms"
    )


def _crawl(name: str, pages: int, urls: Path, settings: dict[str, str]) -> tuple[Figures, HalvesSampler, str]:
    figures = crawl(name, pages, urls, settings, {}, HalvesSampler)
    assert isinstance(figures.sampler, HalvesSampler)
    return figures, figures.sampler, figures.summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stories", nargs="?", type=int, default=200)
    parser.add_argument("--static", type=int, default=2000, help="pages of the static site (0: skip)")
    parser.add_argument("--repeat", type=int, default=2, help="static crawls with each mode, alternated")
    options = parser.parse_args(argv)
    print(
        f"newsarchive rendering benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {available_cores()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="newsarchive-bench-render-") as scratch:
        rendered(options.stories, Path(scratch))
        if options.static:
            static(options.static, options.repeat, Path(scratch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
